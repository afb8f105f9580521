"""Apothecary's settings, read from environment variables (README.md, .env.example).

`base` is the whole site in its embedded default (SQLite, local memory, console email,
immediate tasks, DEBUG on); each module after it is one part of the launch hardening or one
feature with its own settings (docs/security.md), and may change INSTALLED_APPS, MIDDLEWARE
and what an earlier module set. The order below is the order they apply in.
"""

# isort: skip_file
# The order is the order the parts apply in: keep it (isort would sort it).
from .base import *  # noqa: F403
from .logins import *  # noqa: F403
from .headers import *  # noqa: F403
from .limits import *  # noqa: F403
from .mail import *  # noqa: F403
from .payments import *  # noqa: F403
from .newsletter import *  # noqa: F403
from .privacy import *  # noqa: F403
from .accounts import *  # noqa: F403
from .tasks import *  # noqa: F403
from .storage import *  # noqa: F403
from .observability import *  # noqa: F403
from .backups import *  # noqa: F403
