"""Mounted at /affiliates/ and never cached (apothecary/urls.py). No "" route: the Wagtail
AffiliateProgramPage owns /affiliates/ itself."""

app_name = "affiliates"
urlpatterns = []
