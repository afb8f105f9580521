"""The admin's "Affiliates" menu (its sections are in admin/, one module per area), the link
to the program's settings in it, and the log entries of decisions on affiliates.

Affiliates, commissions and batches change only through the decisions of their detail pages:
no add or delete view; an affiliate's edit form holds only the fields staff set (rate,
cookie window, payout details, staff note), never the status.

An affiliate (approved or not) who signs in lands on the dashboard, and their account page
links to it (accounts.hooks)."""

from django.urls import reverse
from wagtail import hooks

from apothecary.accounts.hooks import ACCOUNT_LINKS_HOOK, LOGIN_DESTINATION_HOOK

from . import selectors
from .admin.menu import (
    AFFILIATES_MENU_HOOK,
    AffiliatesMenu,
    program_settings_menu_item,
    register_log_actions,
)


@hooks.register("register_admin_viewset")
def register_affiliates_menu():
    return AffiliatesMenu()


@hooks.register(AFFILIATES_MENU_HOOK)
def register_program_settings_link():
    return program_settings_menu_item()


@hooks.register("register_log_actions")
def register_affiliate_log_actions(actions):
    register_log_actions(actions)


@hooks.register(LOGIN_DESTINATION_HOOK)
def affiliates_land_on_their_dashboard(request):
    if selectors.affiliate_for_user(request.user) is not None:
        return reverse("affiliates:dashboard")
    return None


@hooks.register(ACCOUNT_LINKS_HOOK)
def link_the_dashboard_from_the_account(request):
    if selectors.affiliate_for_user(request.user) is None:
        return []
    return [("Your affiliate dashboard", reverse("affiliates:dashboard"))]
