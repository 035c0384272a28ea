from django.urls import path

from . import views

app_name = "polls"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),  # want: GET /polls/ [csrf]
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),  # want: GET /polls/{pk}/ [auth,csrf]
    path("<int:question_id>/vote/", views.vote, name="vote"),  # want: ANY /polls/{question_id}/vote/ [csrf]
]
