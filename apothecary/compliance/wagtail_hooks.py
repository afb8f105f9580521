"""The admin's "Compliance" menu. Its items come from the compliance modules' own admin files
(review_admin: medical reviewers and the "Medical review due" report; claims_admin: the
claims checker and its report), each registering its viewsets with the COMPLIANCE_MENU_HOOK
name (admin_base)."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from .admin_base import COMPLIANCE_MENU_HOOK
from .claims_admin import register_claims_admin
from .review_admin import register_review_admin


class ComplianceMenu(ViewSetGroup):
    menu_label = "Compliance"
    menu_icon = "doc-full"
    menu_order = 170  # after Store and Affiliates
    submenu_hook = COMPLIANCE_MENU_HOOK


@hooks.register("register_admin_viewset")
def register_compliance_menu():
    return ComplianceMenu()


register_review_admin()
register_claims_admin()
