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
    "STRIPE_SECRET_KEY": "sk_test_configured_for_the_deploy_check",
    "STRIPE_WEBHOOK_SECRET": "whsec_configured_for_the_deploy_check",
    "EMAIL_URL": "smtp://mailer:secret@mail.example.com:587",
}


def run_manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_URL",
            "EMAIL_BACKEND",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env={**PROD, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert "DEBUG=0 needs SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", env={**PROD, "ALLOWED_HOSTS": ""})

    assert result.returncode != 0
    assert "DEBUG=0 needs ALLOWED_HOSTS" in result.stderr


def test_production_refuses_the_dummy_payment_provider():
    env = {k: v for k, v in PROD.items() if not k.startswith("STRIPE_")}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "dummy payment provider" in result.stderr


def test_production_refuses_to_start_without_a_real_email_backend():
    env = {k: v for k, v in PROD.items() if k != "EMAIL_URL"}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "DEBUG=0 needs a real email backend" in result.stderr
    assert "EMAIL_URL=smtp://" in result.stderr


def test_production_takes_a_backend_named_on_purpose():
    env = {k: v for k, v in PROD.items() if k != "EMAIL_URL"}
    env["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"

    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.EMAIL_BACKEND)",
        env=env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.mail.backends.console.EmailBackend"]


def test_production_names_the_session_and_csrf_cookies_with_the_host_prefix():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN, s.X_FRAME_OPTIONS)",
        env=PROD,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "None",
        "None",
        "DENY",
    ]


def test_deploy_check_passes_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_embedded_defaults_need_no_variables():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CACHES['default']"
        "['BACKEND'], s.EMAIL_BACKEND, s.TASKS['default']['BACKEND'], s.SESSION_COOKIE_NAME)",
        env={"VAR_DIR": "/tmp/apothecary-defaults"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.mail.backends.console.EmailBackend",
        "django_tasks.backends.immediate.ImmediateBackend",
        "sessionid",
    ]


def test_email_url_configures_smtp():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER,"
        " s.EMAIL_USE_TLS)",
        env={
            "EMAIL_URL": "smtp://mailer:p%40ss@mail.example.com:2525",
            "VAR_DIR": "/tmp/apothecary-defaults",
        },
    )

    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.com",
        "2525",
        "mailer",
        "True",
    ]


def test_a_store_locale_babel_does_not_know_stops_the_start():
    result = run_manage("check", env={"STORE_LOCALE": "xx_YY"})

    assert result.returncode != 0
    assert "STORE_LOCALE='xx_YY' is not a locale Babel knows" in result.stderr
