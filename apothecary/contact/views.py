"""The contact page's two states, served by ContactPage's routes: the form (GET shows it, POST
sends it, then redirects to the thank-you page), and the thank-you page."""

import logging

from django.conf import settings
from django.shortcuts import redirect
from wagtail.models import Site

from apothecary.core.ratelimit import RETRY_AFTER_SECONDS, RateLimitUnavailable, client_ip

from .forms import ContactForm
from .models import ContactMessage, ContactSettings
from .services import ContactRefused, message_submit

logger = logging.getLogger(__name__)
UNAVAILABLE = (
    "We cannot take messages just now: this form is temporarily unavailable. Please try "
    "again in a minute; your text is still below."
)
SESSION_KEY = "contact_message_id"  # the message this browser just sent, for the thank-you page


def contact_form(request, page):
    contact = ContactSettings.for_request(request)
    subjects = contact.subject_labels()
    context = {"retention_days": settings.PRIVACY_RETENTION_DAYS["contact_messages"]}
    if request.method != "POST":
        form = ContactForm(subjects=subjects)
        return page.render(request, context_overrides={**context, "form": form})

    form = ContactForm(request.POST, subjects=subjects)
    status = 400
    if form.is_valid():
        try:
            message = message_submit(
                **form.message_data(), site=Site.find_for_request(request), ip=client_ip(request)
            )
        except ContactRefused as refusal:
            form.add_error(refusal.field, refusal.message)
            status = refusal.status
        except RateLimitUnavailable:  # the limits cannot be counted: refused, kept as typed
            form.add_error(None, UNAVAILABLE)
            status = 503
        else:
            request.session[SESSION_KEY] = message.pk
            return redirect(page.thanks_url(request))
    logger.warning(
        "contact form refused (%s): %s", status, ", ".join(sorted(form.errors)) or "no reason"
    )
    form.prepare_retry()
    response = page.render(request, context_overrides={**context, "form": form})
    response.status_code = status
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def contact_thanks(request, page, preview=False):
    """The page's thank-you text, and a copy of the message this browser just sent."""
    message = None
    if not preview and (message_id := request.session.get(SESSION_KEY)):
        message = ContactMessage.objects.filter(pk=message_id).first()
    return page.render(
        request,
        template="contact/contact_page_thanks.html",
        context_overrides={"sent_message": message},
    )
