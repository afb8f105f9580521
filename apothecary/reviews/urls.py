"""Mounted at /reviews/ and never cached (apothecary/urls.py). No "" route: the Wagtail
ReviewsPage owns /reviews/ itself."""

from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("write/<int:product_id>/", views.write, name="write"),
    path("write/<int:product_id>/sent/", views.sent, name="sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("request/<str:token>/", views.request_review, name="request"),
    path("thanks/", views.thanks, name="thanks"),
]
