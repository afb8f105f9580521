"""Contact messages and the replies to them (privacy.registry): deleted on erasure, and after
PRIVACY_RETENTION_DAYS["contact_messages"] (services.messages_delete_expired; a message's
replies go with it)."""

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
        "msgid": delete(),  # the sender's own Message-ID names their mail server
    },
    not_personal={"status": "the inbox's own code"},
)
register(
    "contact.ContactReply",
    title="replies to contact messages",
    user=("message__order__user",),
    email=("message__email",),
    personal={"text": delete(), "msgid": delete()},
    step=40,  # before the messages they answer
)
register(
    "contact.ContactSettings",
    not_personal=same("the shop's own words and address", "staff_email", "saved_replies"),
)
register(
    "contact.ContactPage",
    not_personal=same(
        "editorial text", "intro", "form_heading", "thank_you_heading", "thank_you_text"
    ),
)
register_retention(
    "contact_messages", lambda now: {"contact messages deleted": messages_delete_expired(now=now)}
)
