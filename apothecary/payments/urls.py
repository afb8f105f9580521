from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("pay/<str:order_token>/", views.pay, name="pay"),
    # django-payments' per-payment callback (Payment.get_process_url points here).
    path("process/<uuid:token>/", views.process, name="process_payment"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
