"""The "Affiliates" menu: its sections in order, the link to the program's settings, and
how the admin's logs read the decisions on affiliates (membership.py writes them).

Access follows the Django model permissions (granted per group in Settings → Groups):
"view" to see a section, "change" to decide (approve, reject, …) and edit, "add" to create
a payout batch. Staff with none of them see no item of the menu, and its URLs refuse them."""

from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.contrib.settings.registry import SettingMenuItem
from wagtail.log_actions import LogFormatter

from ..models import AffiliateProgramSettings, AffiliateStatus
from .affiliates import AffiliateViewSet
from .applications import ApplicationViewSet
from .clicks import ClickViewSet
from .commissions import CommissionViewSet
from .lists import CouponViewSet, CreativeViewSet, ProductRateViewSet
from .payouts import PayoutBatchViewSet
from .report import ReportViewSet

AFFILIATES_MENU_HOOK = "register_affiliates_menu_item"


class AffiliatesMenu(ViewSetGroup):
    menu_label = "Affiliates"
    menu_icon = "group"
    menu_order = 160  # after Store
    submenu_hook = AFFILIATES_MENU_HOOK
    items = (
        ApplicationViewSet,
        AffiliateViewSet,
        ClickViewSet,
        CommissionViewSet,
        PayoutBatchViewSet,
        CreativeViewSet,
        CouponViewSet,
        ProductRateViewSet,
        ReportViewSet,
    )


def program_settings_menu_item() -> SettingMenuItem:
    # Also under Settings, where Wagtail lists every setting; shown to whoever may change it.
    item = SettingMenuItem(
        AffiliateProgramSettings, icon="cog", name="affiliate-program-settings", order=1000
    )
    item.label = "Program settings"
    return item


def register_log_actions(actions) -> None:
    """The log entries membership.py writes: a decision on an affiliate (action named after
    the status it led to) and a change of referral code."""

    def decision(status, label):
        class DecisionFormatter(LogFormatter):
            def format_message(self, log_entry):
                note = log_entry.data.get("note")
                return f"{label}" + (f": {note}" if note else "")

        DecisionFormatter.label = label
        actions.register_action(f"affiliates.affiliate.{status}")(DecisionFormatter)

    for status, label in [
        (AffiliateStatus.APPROVED, "Approve affiliate"),
        (AffiliateStatus.REJECTED, "Reject application"),
        (AffiliateStatus.SUSPENDED, "Suspend affiliate"),
        (AffiliateStatus.PENDING, "Back to applied"),
    ]:
        decision(status, label)

    @actions.register_action("affiliates.affiliate.code")
    class CodeFormatter(LogFormatter):
        label = "Change referral code"

        def format_message(self, log_entry):
            data = log_entry.data
            return f"Referral code changed from {data.get('from')} to {data.get('to')}"
