"""Mounted at /affiliates/ and never cached (apothecary/urls.py). No "" route: the Wagtail
AffiliateProgramPage owns /affiliates/ itself."""

from django.urls import path

from . import views

app_name = "affiliates"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("applied/", views.applied, name="applied"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/code/", views.change_code, name="change_code"),
    path("dashboard/data/", views.data_export, name="data_export"),
]
