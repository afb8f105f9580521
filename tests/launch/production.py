"""Production settings for the launch tests: the environment of a DEBUG=0 deployment, manage.py
run with it in a subprocess (apothecary.settings itself, read at import), and the values of
settings that depend on DEBUG, read from such a process so that tests in this process can use
them with override_settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROD = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-production-secret-that-is-long-enough-" + "z" * 20,
    "ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "sqlite:////tmp/apothecary-check.sqlite3",
    "VAR_DIR": "/tmp/apothecary-production-check",
    "STRIPE_SECRET_KEY": "sk_test_configured_for_the_deploy_check",
    "STRIPE_WEBHOOK_SECRET": "whsec_configured_for_the_deploy_check",
    "EMAIL_URL": "smtp://mailer:secret@mail.example.com:587",
}
# Variables of the caller's shell that would change what the subprocess configures.
_DROPPED = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "EMAIL_BACKEND",
    "VAR_DIR",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
}


def run_manage(*args, env=None):
    clean = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **(PROD if env is None else env)},
        capture_output=True,
        text=True,
        timeout=120,
    )


# What DEBUG=0 changes for a response: headers, cookies, the policy, error pages.
RESPONSE_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_DOMAIN",
    "SESSION_COOKIE_PATH",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_COOKIE_DOMAIN",
    "CSRF_COOKIE_PATH",
    "REFERRAL_COOKIE_NAME",
    "CONSENT_COOKIE_NAME",
    "MESSAGE_STORAGE",
    "CONTENT_SECURITY_POLICY",
    "CSP_ADMIN_URL_PREFIXES",
    "CSP_ADMIN_DIRECTIVES",
    "ALLOWED_HOSTS",
]


def production_settings(names=RESPONSE_SETTINGS, env=None) -> dict:
    """The values `names` take under the production environment, read from manage.py itself."""
    code = (
        "import json; from django.conf import settings as s; from csp.constants import NONCE;"
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}},"
        " default=lambda v: 'NONCE' if v is NONCE else list(v)))"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    return {name: _restore(value) for name, value in values.items()}


def _restore(value):
    """JSON gives lists for tuples and a string for the nonce sentinel: put them back."""
    from csp.constants import NONCE

    if value == "NONCE":
        return NONCE
    if isinstance(value, dict):
        return {k: _restore(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v) for v in value]
    return value
