"""Demo reviews of B12 Patch: good, mixed and critical, most from verified buyers (each with a
delivered demo order and its used review request), a few written on the site, some waiting for
moderation and one rejected. They describe the experience of using the patch (comfort,
adhesion, routine, delivery), never a health result. Safe to re-run: nothing is added twice."""

import zlib
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from apothecary.catalog.models import Variant
from apothecary.checkout.models import ShippingRate
from apothecary.checkout.pricing import PricedLine, compute_totals
from apothecary.orders.models import Order, OrderEvent, OrderLine, OrderStatus

from .models import Review, ReviewEvent, ReviewRequest, ReviewStatus
from .services import text_fingerprint

TEAM = "\n— The B12 Patch team"


@dataclass(frozen=True)
class DemoReview:
    stars: int
    title: str
    text: str
    name: str  # full name: the review shows the first name and the initial
    country: str
    sku: str
    days_ago: int
    verified: bool = True
    status: str = ReviewStatus.APPROVED
    reply: str = ""
    reason: str = ""


R = DemoReview
# fmt: off
REVIEWS = [
    R(5, "Finally a supplement I don't forget",
      "I have a drawer full of half-finished tablet bottles because I never remember to take "
      "them. The patch goes on after my shower, at the same time as deodorant, and that's it. "
      "Three weeks in and I've missed exactly one day, which is a record for me.",
      "Priya Shah", "GB", "B12P-30", 12),
    R(5, "Stays put through spin class",
      "I was sure these would peel off during a sweaty class, but they don't. I put one on "
      "the inside of my upper arm in the morning and it's still flat at night, even after the "
      "gym and a shower. It also peels off cleanly.",
      "Daniel Morgan", "US", "B12P-90", 19),
    R(5, "Discreet and simple",
      "Nobody at work has noticed it. It's thin, doesn't show under a shirt sleeve and doesn't "
      "crinkle when I move. I like that there's nothing to swallow.",
      "Hannah Weber", "DE", "B12P-90", 27),
    R(5, "Good value on the big pack",
      "Bought the 180 pack after trying the one-month box. It works out much cheaper per "
      "patch, and the sachets are sealed one by one, so the last patches are as sticky as the "
      "first. Arrived in four days.",
      "Marcus Taylor", "US", "B12P-180", 33),
    R(5, "Easy for my mum to manage",
      "I ordered these for my mother, who finds big tablets hard to swallow. She puts the "
      "patch on herself; the backing comes away easily even with her stiff fingers. She's on "
      "her second box now.",
      "Aoife Byrne", "IE", "B12P-90", 41),
    R(5, "Part of my morning routine",
      "Kettle on, patch on. I rotate between shoulders and upper arms as the leaflet suggests "
      "and haven't had any irritation. No smell, and no sticky residue worth mentioning.",
      "Tom Reid", "GB", "B12P-30", 48),
    R(5, "Quick delivery, clear instructions",
      "Ordered on a Sunday night and it was in my mailbox on Wednesday. The instruction card "
      "is short and actually useful, with drawings of where to put the patch.",
      "Jasmine Leung", "CA", "B12P-30", 55),
    R(5, "Fits my vegan shopping list",
      "I checked the ingredients before ordering: nothing animal-derived in the adhesive or "
      "the backing, which matters to me. The patch is comfortable and by mid-morning I forget "
      "it's there.",
      "Lena Kuipers", "NL", "B12P-90", 63),
    R(5, "Survived a long-haul flight",
      "Wore one on a fourteen-hour flight and through a day of sightseeing afterwards. Still "
      "stuck, no itching. A few sachets are much easier to pack than a pill organiser.",
      "Ben O'Connell", "AU", "B12P-30", 70, verified=False),
    R(5, "Exactly as described",
      "Thin, flexible, sticks well, easy to peel off. The sachets tear open easily. Nothing "
      "more to say, which is how I like it.",
      "Carlos García", "ES", "B12P-30", 82),
    R(5, "Second order, same quality",
      "Reordered the three-month pack. The patches are just as good as the first batch, which "
      "isn't always the case with small brands. Customer service answered my question about "
      "showering within a day.",
      "Ruth Abrams", "US", "B12P-90", 96,
      reply="Thank you, Ruth! Glad the answer helped." + TEAM),
    R(5, "Neat, low-waste packaging",
      "Small cardboard box, no plastic tray. The patches lie flat and I keep a couple in my "
      "bag for weekends away. Really pleased.",
      "Sophie Durand", "FR", "B12P-30", 110),
    R(4, "Good, but edges lift on hairy arms",
      "Sticks well on my shoulder blade, but on my forearm the edges lift after a few hours. "
      "Once I moved it to a less hairy spot it stayed on all day. Worth knowing before you "
      "start.",
      "Mike Harrison", "US", "B12P-30", 15),
    R(4, "Comfortable, pricey for one month",
      "The patch is comfortable and I like the routine. The one-month box is expensive next "
      "to tablets, so I'll go for the 90 pack next time.",
      "Elif Yilmaz", "DE", "B12P-30", 24),
    R(4, "Faint mark after taking it off",
      "It leaves a faint square outline on my skin for an hour or so after I take it off. Not "
      "a big deal, and it fades. Otherwise very happy with how easy it is.",
      "Grace Nolan", "GB", "B12P-90", 37),
    R(4, "Delivery to Canada took a while",
      "The patches are great: thin, stay on, no fuss. Shipping took nine business days, within "
      "the estimate but longer than I'd hoped. Order early if you're running low.",
      "Pierre Lavoie", "CA", "B12P-90", 58,
      reply="Thank you, Pierre. Parcels to Canada go through customs, which adds a few days; "
      "the checkout now shows the estimate next to each shipping option so nobody is caught "
      "short." + TEAM),
    R(4, "Would like a smaller size",
      "Does what it should and stays on. I'd love a slightly smaller patch for summer, when "
      "I'm in short sleeves, but the back of the shoulder works well enough.",
      "Chloé Vermeulen", "BE", "B12P-30", 77),
    R(4, "Handy with shift work",
      "I work rotating shifts and tablets with meals never fitted my days. The patch doesn't "
      "care what time it is. One star off because the sachets are fiddly to open in a hurry.",
      "Sam Jackson", "US", "B12P-90", 101),
    R(4, "Fine once I found the right way",
      "The first couple came off in the shower because I put them on right after moisturiser. "
      "I read the FAQ, switched to applying on dry skin before any lotion, and have had no "
      "problems since.",
      "Nora Fitzgerald", "IE", "B12P-30", 124),
    R(4, "Solid product",
      "Good adhesion, no irritation for me, arrived quickly. Four stars only because I'm still "
      "getting used to swapping it every morning.",
      "Kevin Park", "US", "B12P-30", 139, verified=False),
    R(3, "Fine, but itchy in hot weather",
      "In spring it was perfect. During the heatwave the skin under the patch got itchy by the "
      "afternoon, so a few times I took it off early. It might be just me; I'll try changing "
      "spots more often.",
      "Giulia Marino", "IT", "B12P-90", 30,
      reply="Thank you for telling us, Giulia. In hot weather a cooler spot, such as the inside "
      "of the upper arm, and completely dry skin help the patch sit comfortably. If the "
      "itching goes on, please stop using it and ask your pharmacist." + TEAM),
    R(3, "Not sure it's for me",
      "The patch is well made and easy to use. I just prefer a routine where I can see myself "
      "taking something, and I kept forgetting whether I'd already put one on that day.",
      "Oliver Shaw", "GB", "B12P-30", 88),
    R(3, "Adhesion varies",
      "Some days it stays put all day, other days a corner curls up by lunch. I haven't worked "
      "out the pattern yet. Delivery and packaging were good.",
      "Mia Torres", "US", "B12P-30", 150, verified=False),
    R(2, "Came off in the pool",
      "I swim three times a week and the patch came off in the pool twice in the first week. "
      "Fine on other days, but I wanted something I don't have to think about.",
      "Ryan Cooper", "US", "B12P-90", 44,
      reply="Sorry to hear that, Ryan. Long swims in chlorinated water are hard on any "
      "adhesive; several swimmers tell us they put the patch on after their swim instead. "
      "Unopened sachets can be returned under our return policy." + TEAM),
    R(2, "Box arrived crushed",
      "The outer box was crushed and a few sachets were bent. The patches inside still stuck "
      "fine, but it wasn't a great first impression for the price.",
      "Inés Romero", "ES", "B12P-30", 92,
      reply="We're sorry, Inés: that shouldn't happen. We've moved to a sturdier mailer since "
      "your order. Please write to hello@b12patch.example if any sachet was damaged and we "
      "will replace it." + TEAM),
    R(2, "Red square where it sat",
      "My skin went red under the patch after a day, in exactly its shape. A different spot "
      "gave the same result, so I stopped. Probably the adhesive and my skin don't get along; "
      "the rest of my family uses them without trouble.",
      "Anna Petersen", "DE", "B12P-30", 117,
      reply="Thank you for letting us know, Anna, and you did the right thing by stopping. "
      "A few people are sensitive to medical adhesives; if the redness doesn't settle, please "
      "see your pharmacist. We have refunded the patches you didn't use." + TEAM),
    R(1, "Didn't like wearing it",
      "I found it uncomfortable to have something stuck to my skin all day. I gave it a fair "
      "try for two weeks. The return was handled quickly, I'll give them that.",
      "Laura Evans", "GB", "B12P-30", 66),
    R(1, "Parcel went missing",
      "My first parcel never arrived and the tracking stopped updating for a week. It was "
      "sent again in the end, but that took three emails. Can't say much about the patch "
      "yet.",
      "Jake Walsh", "US", "B12P-90", 170,
      reply="Jake, we're sorry about the lost parcel and the slow replies. We now send a new "
      "parcel as soon as tracking stalls for five business days." + TEAM),
    # Waiting for a moderator.
    R(5, "An easy swap from tablets",
      "Switched from a daily tablet a month ago. The patch is easier to stick with, in both "
      "senses. The size is right for the upper arm.",
      "Fatima Zahra", "GB", "B12P-30", 2, status=ReviewStatus.PENDING),
    R(4, "Wish there was a refill option",
      "I'd love to buy just the patches in a refill envelope, without a new box each time. "
      "Otherwise no complaints about comfort or stickiness.",
      "Henrik Jansen", "NL", "B12P-90", 3, verified=False, status=ReviewStatus.PENDING),
    R(2, "Backing is hard to peel",
      "The clear backing is hard to get started with short nails. Once it's off, the patch is "
      "fine. Maybe add a little tab to pull?",
      "Diane Kowalski", "US", "B12P-30", 4, status=ReviewStatus.PENDING),
    R(3, "Sold in shops?",
      "Does anyone know if these are sold in any shops around Leeds? I'd rather not order "
      "online if I can help it.",
      "Colin Barker", "GB", "B12P-30", 9, verified=False, status=ReviewStatus.REJECTED,
      reason="This is a question rather than a review; we have answered it by email."),
]
# fmt: on
# Buyers who were asked and did not write a review: every buyer is asked.
SILENT_BUYERS = [
    ("Rosa Lindqvist", "GB", "B12P-90", 35),
    ("Ethan Brooks", "US", "B12P-30", 60),
    ("Maya Fischer", "DE", "B12P-30", 90),
]


def _display(name: str) -> str:
    first, *rest = name.split()
    return f"{first} {rest[-1][0]}." if rest else first


def _email(name: str) -> str:
    first, *rest = name.lower().replace("'", "").split()
    return f"{first}.{rest[-1]}@example.com" if rest else f"{first}@example.com"


def _demo_order(*, key: str, name: str, country: str, variant: Variant, delivered_at):
    """A delivered demo order of one pack, priced as the checkout would price it."""
    existing = Order.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing.lines.first()
    rate = (
        ShippingRate.objects.select_related("zone")
        .filter(zone__countries__icontains=country, active=True)
        .order_by("price")
        .first()
    )
    if rate is None:
        return None
    totals = compute_totals(
        lines=[PricedLine(variant.pk, variant.price, 1, variant.weight_grams)],
        shipping_rate=rate,
        tax_rate=rate.zone.tax_rate,
    )
    placed = delivered_at - timedelta(days=6)
    order = Order.objects.create(
        idempotency_key=key,
        status=OrderStatus.DELIVERED,
        email=_email(name),
        shipping_name=name,
        shipping_line1="1 Demo Street",
        shipping_city="Springfield",
        shipping_postcode="12345",
        shipping_country=country,
        currency="USD",
        shipping_method=rate.name,
        subtotal=totals.subtotal,
        shipping_amount=totals.shipping,
        tax_rate=rate.zone.tax_rate,
        tax_amount=totals.tax,
        total=totals.total,
        carrier="USPS" if country == "US" else "DHL",
        tracking_number=f"DEMO{zlib.crc32(key.encode()) % 10**8:08d}",
        paid_at=placed + timedelta(minutes=3),
        shipped_at=placed + timedelta(days=1),
        delivered_at=delivered_at,
    )
    Order.objects.filter(pk=order.pk).update(created_at=placed)
    OrderEvent.objects.create(
        order=order, to_status=OrderStatus.DELIVERED, actor_label="demo", message="Demo order"
    )
    return OrderLine.objects.create(
        order=order,
        variant=variant,
        product_title=variant.product.title,
        variant_name=variant.name,
        sku=variant.sku,
        unit_price=variant.price,
        quantity=1,
        line_total=variant.price,
    )


def _asked(line, *, delivered_at, used_at=None) -> None:
    review_request, _ = ReviewRequest.objects.get_or_create(
        order_line=line, defaults={"email": line.order.email}
    )
    sent = delivered_at + timedelta(days=14)
    ReviewRequest.objects.filter(pk=review_request.pk).update(
        created_at=sent, sent_at=sent, used_at=used_at
    )


def seed_reviews(product, report) -> None:
    if Review.objects.filter(product=product).exists():
        return
    variants = {v.sku: v for v in Variant.objects.filter(product=product).select_related("product")}
    now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    for n, spec in enumerate(REVIEWS):
        written = now - timedelta(days=spec.days_ago, hours=n % 7)
        line = None
        if spec.verified and spec.sku in variants:
            delivered = written - timedelta(days=15 + n % 9)
            line = _demo_order(
                key=f"demo-review-{n}",
                name=spec.name,
                country=spec.country,
                variant=variants[spec.sku],
                delivered_at=delivered,
            )
            if line is not None:
                _asked(line, delivered_at=delivered, used_at=written)
        moderated = spec.status in (ReviewStatus.APPROVED, ReviewStatus.REJECTED)
        review = Review.objects.create(
            product=product,
            rating=spec.stars,
            title=spec.title,
            text=spec.text,
            display_name=_display(spec.name),
            country=spec.country,
            email=_email(spec.name),
            created_at=written,
            order_line=line,
            status=spec.status,
            rejection_reason=spec.reason,
            confirmed_at=written,
            moderated_at=written + timedelta(days=1) if moderated else None,
            brand_reply=spec.reply,
            brand_reply_at=written + timedelta(days=2) if spec.reply else None,
            text_hash=text_fingerprint(spec.text),
        )
        ReviewEvent.objects.create(review=review, to_status=spec.status, message="Demo review")
    for n, (name, country, sku, days_ago) in enumerate(SILENT_BUYERS):
        delivered = now - timedelta(days=days_ago)
        line = _demo_order(
            key=f"demo-silent-{n}",
            name=name,
            country=country,
            variant=variants[sku],
            delivered_at=delivered,
        )
        if line is not None:
            _asked(line, delivered_at=delivered)
    report.created.append(f"{len(REVIEWS)} reviews of {product.title}")
