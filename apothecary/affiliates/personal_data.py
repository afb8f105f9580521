"""Affiliates' personal data (privacy.registry).

On erasure the affiliate record is closed: status "closed" (the link and the coupons stop:
attribution needs an approved affiliate, and the coupons are switched off), the code replaced,
clicks and sign-in hashes deleted, payout details erased. The record, its commissions and its
paid payouts stay for the accounts.

Unpaid commissions: the program's terms pay a commission "with the next payout once your
approved balance reaches the threshold"; a person who erases their data leaves no payout
details to pay to, so every commission not yet paid (pending, approved, or in a batch not yet
paid) is rejected with the note below, and their unpaid payout rows leave their batch. The
"Delete my account" page says so before the person confirms, so an affiliate can first ask
for their balance to be paid."""

import datetime

from django.conf import settings

from apothecary.privacy.registry import (
    anonymise,
    delete,
    register,
    register_erasure_hook,
    register_retention,
    same,
)

from .models import (
    Affiliate,
    AffiliateStatus,
    Click,
    Commission,
    CommissionEvent,
    CommissionStatus,
    Payout,
)

FORFEIT_NOTE = "Not paid: the affiliate erased their account and payout details."
PROGRAM = "the program's codes, set by the system or staff"


def _closed_code(affiliate) -> str:
    return f"closed-{affiliate.pk}"


def close_affiliate(person, summary) -> None:
    if person.user is None:
        return
    affiliate = Affiliate.objects.filter(user=person.user).first()
    if affiliate is None:
        return
    if affiliate.status != AffiliateStatus.CLOSED:
        Affiliate.objects.filter(pk=affiliate.pk).update(status=AffiliateStatus.CLOSED)
        summary.add("affiliate record", "closed", 1)
    switched_off = 0
    for coupon in affiliate.coupons.select_related("discount_code"):
        if coupon.discount_code.active:
            coupon.discount_code.active = False
            coupon.discount_code.save(update_fields=["active"])
            switched_off += 1
    summary.add("affiliate coupons", "switched off", switched_off)
    unpaid = Commission.objects.filter(
        affiliate=affiliate, status__in=[CommissionStatus.PENDING, CommissionStatus.APPROVED]
    )
    forfeited = 0
    for commission in unpaid:
        CommissionEvent.objects.create(
            commission=commission,
            from_status=commission.status,
            to_status=CommissionStatus.REJECTED,
            amount=commission.amount,
            message=FORFEIT_NOTE,
        )
        forfeited += 1
    unpaid.update(status=CommissionStatus.REJECTED, note=FORFEIT_NOTE, payout=None)
    summary.add("unpaid commissions", "rejected (forfeited)", forfeited)
    open_payouts = Payout.objects.filter(affiliate=affiliate, paid_at__isnull=True)
    summary.add("unpaid payouts", "withdrawn from their batch", open_payouts.delete()[0])


register_erasure_hook(close_affiliate, step=10)

AFFILIATE = ("user",)
register(
    "affiliates.Affiliate",
    title="affiliate record",
    user=AFFILIATE,
    email=("email",),
    personal={
        "code": anonymise(_closed_code),
        "name": anonymise("Closed affiliate"),
        "email": anonymise(lambda row: f"closed-affiliate-{row.pk}@erased.invalid"),
        "website": anonymise(""),
        "promotion": anonymise(""),
        "paypal_email": anonymise(""),
        "bank_details": anonymise(""),
        "decision_note": anonymise(""),
        "staff_note": anonymise("", waive_export="staff's internal note"),
    },
    not_personal={"payout_method": PROGRAM, "status": PROGRAM},
)
register(
    "affiliates.AffiliateLogin",
    user=("affiliate__user",),
    personal={"ip_hash": delete(waive_export="a keyed hash, meaningless outside the shop")},
)
register(
    "affiliates.Click",
    title="clicks on the affiliate's links",
    user=("affiliate__user",),
    personal={
        "ip_hash": delete(waive_export="a keyed hash, meaningless outside the shop"),
        "landing_url": delete(),
        "referrer": delete(),
        "user_agent": delete(),
    },
    not_personal={"flag_reason": PROGRAM},
)
register(
    "affiliates.Referral",
    title="referrals",
    user=("affiliate__user", "order__user"),
    email=("order__email",),
    personal={"ip_hash": anonymise("", waive_export="a keyed hash of the buyer's address")},
    not_personal={"source": PROGRAM, "flag_reason": PROGRAM},
)
register(
    "affiliates.Commission",
    title="commissions",
    user=("affiliate__user",),
    not_personal=same(PROGRAM, "kind", "currency", "status", "flag_reason", "note"),
)
register(
    "affiliates.CommissionEvent",
    user=("commission__affiliate__user",),
    not_personal=same(PROGRAM, "from_status", "to_status", "message"),
)
register(
    "affiliates.Payout",
    title="payouts",
    user=("affiliate__user",),
    personal={"destination": anonymise("")},
    not_personal={
        "currency": PROGRAM,
        "method": PROGRAM,
        "reference": "the payment provider's reference, kept for the accounts",
    },
)
register("affiliates.PayoutBatch", not_personal=same(PROGRAM, "status", "reference"))
register(
    "affiliates.AffiliateProgramSettings",
    not_personal=same(
        "the program's terms", "attribution", "payout_schedule", "terms", "disclosure"
    ),
)
register(
    "affiliates.Creative",
    not_personal=same("banners made by staff", "name", "kind", "text", "landing_path"),
)
register("affiliates.AffiliateProgramPage", not_personal=same("editorial text", "intro"))


def _old_clicks(now) -> dict[str, int]:
    cutoff = now - datetime.timedelta(days=settings.PRIVACY_RETENTION_DAYS["referral_clicks"])
    _, per_model = Click.objects.filter(created_at__lt=cutoff).delete()
    return {"referral clicks deleted": per_model.get(Click._meta.label, 0)}


register_retention("referral_clicks", _old_clicks)
