"""Newsletter subscribers (privacy.registry): exported with their consent trail, deleted on
erasure (the consent records go with them), and sign-ups never confirmed deleted after
NEWSLETTER_PENDING_RETENTION_DAYS by apply_retention (services.delete_unconfirmed)."""

from apothecary.privacy.registry import delete, register, register_retention

from .services import delete_unconfirmed

SECRET = "a link's secret: useless to the person, and it would work for whoever reads it"

register(
    "newsletter.Subscriber",
    title="newsletter subscription",
    email=("email",),
    personal={
        "email": delete(),
        "consent_text": delete(),
        "source_page": delete(),
        "confirm_nonce": delete(waive_export=SECRET),
        "unsubscribe_token": delete(waive_export=SECRET),
    },
    not_personal={
        "status": "the subscription's state",
        "consent_version": "the version of the shop's own wording",
        "source": "which of the shop's forms was used",
    },
)
register(
    "newsletter.NewsletterConsent",
    title="newsletter consent records",
    email=("subscriber__email",),
    personal={"wording": delete(), "source_page": delete()},
    not_personal={
        "event": "given or withdrawn",
        "wording_version": "the version of the shop's own wording",
        "source": "which of the shop's forms or links was used",
    },
)
register_retention(
    "newsletter_pending",
    lambda now: {"unconfirmed newsletter sign-ups deleted": delete_unconfirmed(now=now)},
)
