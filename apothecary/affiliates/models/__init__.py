"""The affiliate program: affiliates, their clicks, the orders they referred, the commissions
those orders earn, and the payouts that pay them.

- `program`: the program's settings, per-product rates and creatives;
- `affiliates`: affiliates, their sign-in addresses, coupons, clicks and referrals;
- `commissions`: commissions with their history, payout batches and payouts;
- `page`: the Affiliate Program page.

Statuses change only through one function per state machine: an affiliate's through
membership.affiliate_transition, a commission's through services.commission_transition (which
payouts.payout_batch_mark_paid also uses); each table beside its model lists the only moves
it allows. Everything is importable from here, as `from apothecary.affiliates.models import X`."""

from .affiliates import (
    AFFILIATE_TRANSITIONS,
    CODE_PATTERN,
    Affiliate,
    AffiliateCoupon,
    AffiliateLogin,
    AffiliateStatus,
    Click,
    PayoutMethod,
    Referral,
    ReferralSource,
    code_validator,
)
from .commissions import (
    COMMISSION_TRANSITIONS,
    Commission,
    CommissionEvent,
    CommissionKind,
    CommissionStatus,
    Payout,
    PayoutBatch,
    PayoutBatchStatus,
)
from .page import AffiliateProgramPage
from .program import (
    PERCENT_VALIDATORS,
    AffiliateProgramSettings,
    Attribution,
    Creative,
    CreativeKind,
    ProductCommissionRate,
    program_settings,
)

__all__ = [
    "AFFILIATE_TRANSITIONS",
    "CODE_PATTERN",
    "COMMISSION_TRANSITIONS",
    "PERCENT_VALIDATORS",
    "Affiliate",
    "AffiliateCoupon",
    "AffiliateLogin",
    "AffiliateProgramPage",
    "AffiliateProgramSettings",
    "AffiliateStatus",
    "Attribution",
    "Click",
    "Commission",
    "CommissionEvent",
    "CommissionKind",
    "CommissionStatus",
    "Creative",
    "CreativeKind",
    "Payout",
    "PayoutBatch",
    "PayoutBatchStatus",
    "PayoutMethod",
    "ProductCommissionRate",
    "Referral",
    "ReferralSource",
    "code_validator",
    "program_settings",
]
