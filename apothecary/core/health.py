"""Health checks for load balancers, nginx and the process manager.

/healthz/ says the process answers (liveness: restart it when it does not). /readyz/ says it
can serve (readiness: send it traffic): the database answers, every migration this code knows
is applied, and the cache answers or is degraded (the site survives losing Redis, so a dead
cache makes the answer "degraded", still 200). Neither touches a session or a cookie, neither
is ever cached, and neither says anything about a person."""

import logging
import time

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# Migrations applied once stay applied for this process's code: checked until first found
# complete, then no more (reading every migration file costs tens of milliseconds).
_migrations_complete = False


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _migrations() -> str:
    global _migrations_complete
    if not _migrations_complete:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return f"{len(plan)} pending"
        _migrations_complete = True
    return "ok"


def _cache() -> str:
    # A value of this request's own: another process's write cannot make it look alive.
    key, value = "readyz:" + get_random_string(12), time.monotonic()
    cache.set(key, value, 10)
    alive = cache.get(key) == value
    cache.delete(key)
    return "ok" if alive else "degraded"


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    checks = {}
    try:
        checks["database"] = _database()
        checks["migrations"] = _migrations()
    except DatabaseError as error:
        checks.setdefault("database", "unreachable")
        logger.warning("readiness: the database fails: %s", type(error).__name__)
    checks["cache"] = _cache()
    ready = checks.get("database") == "ok" and checks.get("migrations") == "ok"
    if ready and checks["cache"] != "ok":
        status = "degraded"
    else:
        status = "ready" if ready else "not ready"
    return JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)
