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
