from django.http import HttpResponse
from rest_framework import mixins, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.generics import RetrieveUpdateAPIView
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView


def about(request):
    return HttpResponse("about")


def hook(request):
    return HttpResponse("ok")


class ProductViewSet(viewsets.ModelViewSet):
    lookup_field = "slug"
    permission_classes = [IsAuthenticatedOrReadOnly]

    @action(detail=True, methods=["post"])
    def publish(self, request, slug=None):
        return Response({})

    @action(detail=False, permission_classes=[AllowAny])
    def featured(self, request):
        return Response([])


class OrderViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    pass


class SessionViewSet(viewsets.GenericViewSet):
    authentication_classes = [SessionAuthentication]


class NoteViewSet(SessionViewSet):
    def list(self, request):
        return Response([])

    def retrieve(self, request, pk=None):
        return Response({})


class LoginView(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        return Response({})


@api_view(["GET"])
@permission_classes([AllowAny])
def stats(request):
    return Response({})


class MeView(RetrieveUpdateAPIView):
    authentication_classes = [SessionAuthentication]
