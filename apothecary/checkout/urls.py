from django.urls import path

from . import views

app_name = "checkout"
urlpatterns = [
    path("", views.details, name="details"),
    path("review/", views.review, name="review"),
    path("place/", views.place, name="place"),
    path("done/<str:token>/", views.done, name="done"),
]
