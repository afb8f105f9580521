from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("orders/lookup/", views.lookup, name="lookup"),
    path("account/", views.account, name="account"),
    path("orders/<str:token>/confirm-email/", views.confirm_email, name="confirm_email"),
    path("orders/<str:token>/return/", views.return_request, name="return_request"),
]
