from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from shop import views
from shop.pages import PageView
from shop.routers import router as shop_router

urlpatterns = [
    path("admin/", admin.site.urls),  # want: ANY /admin/* [auth,csrf] #admin
    path("api/", include("shop.urls")),
    path("v2/", include((shop_router.urls, "v2"))),
    path("pages/", PageView.as_view()),  # want: GET /pages/ [auth]
    path("about/", views.about),  # want: ANY /about/ [csrf]
    path("hook/", csrf_exempt(views.hook)),  # want: ANY /hook/ []
    path("accounts/", include("django.contrib.auth.urls")),  # unresolved: an installed app's URLconf
]
