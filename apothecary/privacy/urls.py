from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("export/", views.export_request, name="export"),
    path("export/download/<str:token>/", views.download, name="download"),
    path("delete-account/", views.delete_account, name="delete_account"),
    path("deleted/", views.deleted, name="deleted"),
    path("request/", views.guest_request, name="request"),
    path("request/sent/", views.request_sent, name="request_sent"),
    path("link/<str:purpose>/<str:token>/", views.link, name="link"),
]
