from rest_framework import viewsets
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated


class TagViewSet(viewsets.ModelViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            permission_classes = [AllowAny]
        elif self.action == "create":
            permission_classes = [IsAuthenticated]
        else:
            permission_classes = [IsAdminUser]
        return [p() for p in permission_classes]


class CouponViewSet(viewsets.ModelViewSet):
    def get_permissions(self):
        permission_map = {
            "list": [AllowAny],
            "destroy": [IsAdminUser],
        }
        return [p() for p in permission_map.get(self.action, [IsAuthenticated])]
