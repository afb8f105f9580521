"""Settings for the test suite: the project's settings, with what only tests may change.

tests/core/test_settings.py runs manage.py with apothecary.settings itself, so the real
settings stay tested.
"""

import os
from urllib.parse import urlsplit, urlunsplit

from apothecary.settings import *  # noqa: F403
from apothecary.settings import CACHES, REDIS_URL

# A created user costs a 1,000,000-iteration PBKDF2 hash with the real hashers (0.3 s);
# tests check who may do what, not how strong the hash is.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Under pytest-xdist every worker has a Redis database of its own: the suite clears the cache
# before each test, and Redis clears a whole database at once, whatever the key prefix.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", …
if REDIS_URL and _worker.startswith("gw"):
    _parts = urlsplit(REDIS_URL)
    _base = int(_parts.path.strip("/") or 0)
    CACHES["default"]["LOCATION"] = urlunsplit(
        _parts._replace(path=f"/{_base + 1 + int(_worker[2:])}")
    )

# Tests build many unpaid orders for one test customer (ada@example.com); the cap on unpaid
# orders (checkout.holds) is tested with the project's own values, set in those tests.
MAX_UNPAID_ORDERS_PER_CUSTOMER = 1000
MAX_UNPAID_ORDERS_PER_IP = 1000
