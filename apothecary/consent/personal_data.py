"""Cookie-consent records (privacy.registry): a signed-in person's are exported and deleted
with them; every record is deleted after PRIVACY_RETENTION_DAYS["consent_records"]. A guest's
record holds no personal data (a random id, the choice, the time): nothing finds it."""

from apothecary.privacy.registry import delete, register, register_retention

from .services import records_delete_expired

register(
    "consent.ConsentRecord",
    title="cookie choices",
    user=("user",),
    personal={"categories": delete()},
    not_personal={
        "policy_version": "the version of the shop's own cookie policy",
        "source": "which of the shop's forms recorded it",
    },
)
register_retention(
    "consent_records",
    lambda now: {"consent records deleted": records_delete_expired(now=now)},
)
