"""Contact messages (privacy.registry): deleted on erasure, and after
PRIVACY_RETENTION_DAYS["contact_messages"] (services.messages_delete_expired)."""

from apothecary.privacy.registry import delete, register, register_retention, same

from .services import messages_delete_expired

register(
    "contact.ContactMessage",
    title="contact messages",
    user=("order__user",),
    email=("email",),
    personal={
        "name": delete(),
        "email": delete(),
        "subject": delete(),
        "order_number": delete(),
        "text": delete(),
    },
    not_personal={"status": "the inbox's own code"},
)
register("contact.ContactSettings", not_personal=same("the shop's staff address", "staff_email"))
register(
    "contact.ContactPage",
    not_personal=same(
        "editorial text", "intro", "form_heading", "thank_you_heading", "thank_you_text"
    ),
)
register_retention(
    "contact_messages", lambda now: {"contact messages deleted": messages_delete_expired(now=now)}
)
