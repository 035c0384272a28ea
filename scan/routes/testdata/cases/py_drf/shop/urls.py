from django.urls import path, include
from rest_framework import routers
from rest_framework_simplejwt.views import TokenObtainPairView

from . import views

router = routers.DefaultRouter()  # want: GET /api/ [auth]
router.register(r"products", views.ProductViewSet)  # want: GET /api/products/ [auth-optional]; POST /api/products/ [auth]; GET /api/products/{slug}/ [auth-optional]; PUT /api/products/{slug}/ [auth]; PATCH /api/products/{slug}/ [auth]; DELETE /api/products/{slug}/ [auth]; POST /api/products/{slug}/publish/ [auth]; GET /api/products/featured/ []
router.register("orders", views.OrderViewSet, basename="order")  # want: GET /api/orders/ [auth]; POST /api/orders/ [auth]
router.register("notes", views.NoteViewSet, basename="note")  # want: GET /api/notes/ [auth,csrf]; GET /api/notes/{pk}/ [auth,csrf]

urlpatterns = [
    path("", include(router.urls)),
    path("token/", TokenObtainPairView.as_view()),  # want: POST /api/token/ [] #auth-endpoint
    path("login/", views.LoginView.as_view()),  # want: POST /api/login/ [] #auth-endpoint
    path("stats/", views.stats),  # want: GET /api/stats/ []
    path("me/", views.MeView.as_view()),  # want: GET /api/me/ [auth,csrf]; PUT /api/me/ [auth,csrf]; PATCH /api/me/ [auth,csrf]
]
