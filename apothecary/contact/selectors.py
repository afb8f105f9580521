from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q


def staff_users():
    """People who can use the admin, and so can be handed a message."""
    admin_access = Permission.objects.filter(
        codename="access_admin", content_type__app_label="wagtailadmin"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=admin_access)
            | Q(user_permissions__in=admin_access)
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def staff_label(user) -> str:
    """How a person is named in the inbox's lists: name and address."""
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


def conversation_history(message) -> list[dict]:
    """What was said in the message's conversation, oldest first: the sender's messages (the
    first and those that came back by email) and our replies, each with who and when."""
    from .models import ContactMessage, ContactReply

    root = message.conversation or message
    messages = [root, *ContactMessage.objects.filter(conversation=root).order_by("created_at")]
    entries = [
        {
            "kind": "message",
            "at": m.created_at,
            "who": f"{m.name} <{m.email}>",
            "text": m.text,
            "message": m,
            "is_this": m.pk == message.pk,
        }
        for m in messages
    ]
    replies = ContactReply.objects.filter(message__in=messages).select_related("author", "email")
    entries += [
        {
            "kind": "reply",
            "at": r.sent_at,
            "who": staff_label(r.author) if r.author else "Someone no longer on the staff",
            "text": r.text,
            "reply": r,
        }
        for r in replies
    ]
    return sorted(entries, key=lambda entry: entry["at"])


def orders_of(message, *, limit: int = 10) -> list:
    """The orders beside a message: the one it names, then the sender's others, newest first."""
    from apothecary.orders.models import Order

    orders = list(
        Order.objects.filter(email__iexact=message.email.strip()).order_by("-created_at")[:limit]
    )
    if message.order_id and all(order.pk != message.order_id for order in orders):
        orders.insert(0, message.order)
    elif message.order_id:
        orders.sort(key=lambda order: order.pk != message.order_id)  # the named one first
    return orders
