"""Reviews' personal data (privacy.registry): a published review stays, signed "A customer",
without its writer's address or country; review requests are deleted."""

from apothecary.privacy.registry import anonymise, delete, erased_email, keep, register, same

KEPT = "the review stays published without its writer, as the review terms say"
SHOP = "the shop's moderation codes and notes"

register(
    "reviews.Review",
    title="reviews",
    user=("user",),
    email=("email",),
    personal={
        "user": anonymise(None),
        "display_name": anonymise("A customer"),
        "email": anonymise(erased_email),
        "country": anonymise(""),
        "title": keep(KEPT),
        "text": keep(KEPT),
    },
    not_personal={
        **same(SHOP, "status", "rejection_reason"),
        "brand_reply": "the brand's answer, written by staff",
        "text_hash": "a hash of the text that catches copied reviews",
    },
    hide={"text_hash": "internal"},
)
register(
    "reviews.ReviewEvent",
    user=("review__user",),
    email=("review__email",),
    not_personal=same(SHOP, "from_status", "to_status", "message"),
)
register(
    "reviews.ReviewRequest",
    title="review requests",
    user=("order_line__order__user",),
    email=("email",),
    personal={"email": delete()},
)
register("reviews.ReviewsPage", not_personal=same("editorial text", "intro"))
