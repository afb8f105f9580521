from django.dispatch import receiver  # noqa: F401  (filled in by services work)
