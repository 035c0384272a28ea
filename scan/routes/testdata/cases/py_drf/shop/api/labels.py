from rest_framework import mixins, viewsets


class LabelViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    pass


LABEL_ROUTES = [
    {"prefix": "labels", "viewset": LabelViewSet},
]
