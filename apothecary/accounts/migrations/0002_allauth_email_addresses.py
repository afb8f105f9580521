"""Every account made before allauth gets its allauth EmailAddress row: the address it signs
in with, primary and verified. Verified, because these accounts have signed in with it and
received its emails (order mails, reset links) all along, and allauth would otherwise treat
them as new: with ACCOUNT_EMAIL_VERIFICATION = "mandatory" an unverified account cannot sign
in until it follows a link, and an email change replaces an unverified address at once
instead of keeping it until the new one is confirmed. What the old sign-up never proved is
not assumed either: no guest order is attached here (that waits for a confirmation)."""

from django.db import migrations


def add_email_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    have = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email.lower(), primary=True, verified=True)
            for pk, email in User.objects.exclude(email="").values_list("pk", "email")
            if pk not in have
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(add_email_addresses, migrations.RunPython.noop)]
