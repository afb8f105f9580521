"""The contact page's two states, served by ContactPage's routes: the form (GET shows it, POST
sends it, then redirects to the thank-you page), and the thank-you page."""

import logging

from django.shortcuts import redirect
from wagtail.models import Site

from apothecary.core.ratelimit import client_ip

from .forms import ContactForm
from .models import ContactMessage, ContactSettings
from .services import ContactRefused, message_submit

logger = logging.getLogger(__name__)
SESSION_KEY = "contact_message_id"  # the message this browser just sent, for the thank-you page


def contact_form(request, page):
    contact = ContactSettings.for_request(request)
    subjects = contact.subject_labels()
    context = {"retention_days": contact.retention_days}
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
        else:
            request.session[SESSION_KEY] = message.pk
            return redirect(page.thanks_url(request))
    logger.warning(
        "contact form refused (%s): %s", status, ", ".join(sorted(form.errors)) or "no reason"
    )
    form.prepare_retry()
    response = page.render(request, context_overrides={**context, "form": form})
    response.status_code = status
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
