"""The demo's affiliate program (affiliates.toml, terms in affiliates/terms.html): the program's
terms and disclosure, the creatives affiliates may use, and one approved demo affiliate who
signs in to see the dashboard. The affiliate joins as anyone does, through
`affiliates.membership`: an application with a new account, then a manager's approval."""

from django.contrib.auth import get_user_model

from apothecary.affiliates.membership import affiliate_apply, affiliate_signup, affiliate_transition
from apothecary.affiliates.models import (
    Affiliate,
    AffiliateProgramSettings,
    AffiliateStatus,
    Creative,
)

from . import content
from .quiet import quietly


def affiliate_spec() -> dict:
    """The demo affiliate of affiliates.toml, its `password` included."""
    return content.read("affiliates")["affiliate"]


def _join(spec: dict, report) -> None:
    """The demo affiliate's account and approved membership, whichever of them is missing."""
    user = get_user_model().objects.filter(email=spec["email"]).first()
    if user is not None and Affiliate.objects.filter(user=user).exists():
        return
    application = {
        "name": f"{spec['first_name']} {spec['last_name']}",
        "email": spec["email"],
        "website": spec["website"],
        "promotion": spec["promotion"],
        "payout_method": spec["payout_method"],
        "paypal_email": spec["paypal_email"],
        "code": spec["code"],
    }
    with quietly():  # the application's receipt and the approval are emails to no one
        if user is None:
            affiliate = affiliate_signup(
                password=spec["password"],
                first_name=spec["first_name"],
                last_name=spec["last_name"],
                **application,
            )
            report.created.append(f"affiliate account {spec['email']}")
        else:
            affiliate = affiliate_apply(user=user, **application)
        affiliate_transition(affiliate=affiliate, to=AffiliateStatus.APPROVED)
    report.created.append(f"affiliate {affiliate.code}")


def seed_affiliate_program(site, images, report) -> None:
    """The program's terms and disclosure (unless an editor set terms), the demo creatives,
    and the demo affiliate."""
    spec = content.read("affiliates")
    program = AffiliateProgramSettings.for_site(site)
    if not program.terms:
        program.terms = content.rich_text("affiliates/terms.html")
        program.disclosure = spec["program"]["disclosure"]
        program.save()
        report.created.append("affiliate program settings")
    for creative in spec["creative"]:
        if Creative.objects.filter(name=creative["name"]).exists():
            continue
        Creative.objects.create(
            name=creative["name"],
            kind=creative["kind"],
            image=images.get(creative.get("image")),
            text=creative["text"],
            landing_path=creative["landing_path"],
        )
        report.created.append(f"creative {creative['name']}")
    _join(spec["affiliate"], report)


def reset_affiliate_program() -> None:
    AffiliateProgramSettings.objects.all().delete()
    Creative.objects.all().delete()  # their images are gone
