"""Settings for the test suite: the project's settings, with what only tests may change.

tests/core/test_settings.py runs manage.py with apothecary.settings itself, so the real
settings stay tested.
"""

from apothecary.settings import *  # noqa: F403

# A created user costs a 1,000,000-iteration PBKDF2 hash with the real hashers (0.3 s);
# tests check who may do what, not how strong the hash is.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
