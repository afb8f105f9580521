from django.urls import path

from . import views, webhooks

app_name = "payments"
urlpatterns = [
    path("pay/<str:order_token>/", views.pay, name="pay"),
    # django-payments' per-payment callback (Payment.get_process_url points here).
    path("process/<uuid:token>/", views.process, name="process_payment"),
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("webhooks/paypal/", webhooks.paypal_webhook, name="paypal_webhook"),
]
