"""Signing in and out, signing up, and the customer's password and email address.

Every login goes through django.contrib.auth.authenticate(), which django-axes guards (settings
"-- Logins"): the views here need no limiter of their own. Password resets, email changes and
Wagtail's page-password form are not logins, so they count with core.ratelimit."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST
from wagtail import views as wagtail_views

from apothecary.core.ratelimit import client_ip, hit

from .forms import (
    ChangePasswordForm,
    CustomerPasswordResetForm,
    EmailAuthenticationForm,
    EmailChangeForm,
    NewPasswordForm,
    SignupForm,
)
from .services import (
    EmailChangeError,
    email_change_confirm,
    email_change_request,
    sign_in_new_account,
)
from .tokens import email_change_read

logger = logging.getLogger(__name__)

HOUR = 3600


class CustomerLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


def signup(request):
    if request.user.is_authenticated:
        return redirect("orders:account")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        sign_in_new_account(request=request, user=user)
        return redirect("orders:account")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "accounts/signup.html", {"form": form}, status=status)


# Password reset (Django's views, our templates and limits).


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether an account has the address or not (the "sent" page); past
    the limits, per visitor address and per email address an hour, 429 with the form."""

    template_name = "accounts/password_reset.html"
    form_class = CustomerPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        allowed = hit(
            scope="password-reset-ip",
            key=client_ip(self.request),
            limit=settings.PASSWORD_RESET_LIMIT_PER_IP,
            window_seconds=HOUR,
        ) and hit(
            scope="password-reset-email",
            key=email,
            limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
            window_seconds=HOUR,
        )
        if not allowed:
            logger.warning("password reset refused: too many requests")
            form.add_error(
                None,
                "We have sent several reset emails already. Please check your inbox (and spam "
                "folder), or wait an hour and ask again.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's token: it expires after PASSWORD_RESET_TIMEOUT and works once (it hashes the
    password and the last login, which the reset changes). The new password also ends a
    lockout (receivers.end_lockout_on_new_password)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# A signed-in customer's password and email address.


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view keeps this session (update_session_auth_hash gives it the new hash) and
    so ends every other: each stored session carries the hash of the password it signed in
    with, and django.contrib.auth.get_user flushes one whose hash no longer matches, with any
    session engine (the hash is in the session data, not in the cookie)."""

    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("orders:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is changed. Other devices were signed out.")
        return response

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@login_required
@require_POST
def email_change(request):
    """The form is on the account page; it comes back here, filled, when it is refused. Every
    try counts, before the password is checked: the form tells whether a password is right."""
    if not hit(
        scope="email-change",
        key=str(request.user.pk),
        limit=settings.EMAIL_CHANGE_LIMIT_PER_USER,
        window_seconds=HOUR,
    ):
        logger.warning("email change refused (429): too many tries by user %s", request.user.pk)
        form = EmailChangeForm(
            user=request.user, initial={"new_email": request.POST.get("new_email", "")[:254]}
        )
        context = {
            "form": form,
            "error": "Too many tries in the last hour. Please try again later.",
        }
        return TemplateResponse(request, "accounts/email_change.html", context, status=429)
    form = EmailChangeForm(request.POST, user=request.user)
    if form.is_valid():
        new_email = form.cleaned_data["new_email"]
        email_change_request(user=request.user, new_email=new_email)
        messages.success(
            request,
            f"We have sent a link to {new_email}. Your address changes when you follow it.",
        )
        return redirect("orders:account")
    logger.warning("email change refused (400): %s", ", ".join(sorted(form.errors)))
    return TemplateResponse(request, "accounts/email_change.html", {"form": form}, status=400)


def email_change_confirm_view(request, token):
    """GET shows what the link would do (no GET changes anything); POST does it."""
    try:
        data = email_change_read(token)
    except signing.BadSignature:  # and its subclass SignatureExpired
        data = None
    if request.method == "POST" and data is not None:
        try:
            email_change_confirm(token=token)
        except EmailChangeError as refusal:
            return TemplateResponse(
                request, "accounts/email_change_confirm.html", {"error": str(refusal)}, status=400
            )
        messages.success(request, f"Your email address is now {data['new']}.")
        target = "orders:account" if request.user.is_authenticated else "accounts:login"
        return redirect(target)
    if data is None:
        context = {"error": "This link is not valid or has expired: ask for the change again."}
        return TemplateResponse(request, "accounts/email_change_confirm.html", context, status=400)
    return TemplateResponse(
        request, "accounts/email_change_confirm.html", {"new_email": data["new"]}
    )


# Wagtail's page-password form (PageViewRestriction with a password), counted before Wagtail
# sees it: per visitor address (any page) and per restriction (from everywhere).


def page_password(request, page_view_restriction_id, page_id):
    if request.method == "POST":
        window = settings.PAGE_PASSWORD_WINDOW_SECONDS
        allowed = hit(
            scope="page-password-ip",
            key=client_ip(request),
            limit=settings.PAGE_PASSWORD_LIMIT_PER_IP,
            window_seconds=window,
        ) and hit(
            scope="page-password-restriction",
            key=str(page_view_restriction_id),
            limit=settings.PAGE_PASSWORD_LIMIT_PER_RESTRICTION,
            window_seconds=window,
        )
        if not allowed:
            logger.warning(
                "page password refused: too many attempts (restriction %s, ip %s)",
                page_view_restriction_id,
                client_ip(request),
            )
            response = TemplateResponse(
                request,
                "accounts/page_password_throttled.html",
                {"minutes": max(1, round(window / 60))},
                status=429,
            )
            response["Retry-After"] = str(window)
            return response
    return wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id)
