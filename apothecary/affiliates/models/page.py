"""The Affiliate Program page (/affiliates/)."""

from django.db import models
from django.utils.cache import add_never_cache_headers
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from apothecary.core.money import store_currency
from apothecary.pages.blocks import BodyBlock, image_credits
from apothecary.pages.models import BasePage

from .affiliates import Affiliate
from .program import AffiliateProgramSettings


class AffiliateProgramPage(BasePage):
    """The program's landing page (/affiliates/): the editor's copy, the terms and figures from
    AffiliateProgramSettings, the required disclosure, and the sign-up form. Not cached: the
    form carries a CSRF token and greets a signed-in customer by name."""

    intro = models.TextField(blank=True, help_text="A sentence or two shown under the title.")
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        """The program's figures and terms, and what the sign-up area shows this visitor: the
        form (with a password for a new account, or filled in from their account), or, for
        someone already in the program, where they stand."""
        from ..forms import ApplicationForm  # forms import models: only at call time

        context = super().get_context(request, *args, **kwargs)
        user = getattr(request, "user", None)
        affiliate = None
        if user is not None and user.is_authenticated:
            affiliate = Affiliate.objects.filter(user=user).first()
        context["program"] = AffiliateProgramSettings.for_request(request)
        context["currency"] = store_currency()
        context["affiliate"] = affiliate
        if affiliate is None and "form" not in context:
            context["form"] = ApplicationForm(user=user)
        context["image_credits"] = image_credits(self.body)
        return context

    def serve(self, request, *args, **kwargs):
        """Never cached: the form carries a CSRF token and its fill-time clock, and the page
        greets a signed-in visitor. public_content (core.cache) keeps this Cache-Control."""
        response = super().serve(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response
