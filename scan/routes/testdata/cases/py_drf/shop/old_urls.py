from django.urls import path

from . import views

# Nothing includes this URLconf any more.
urlpatterns = [
    path("v0/stats/", views.stats),  # want: GET /v0/stats/ [] #unmounted
]
