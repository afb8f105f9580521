"""Apothecary settings: one module, configured by environment variables.

With no variables set it runs embedded: SQLite under var/, local-memory cache,
console email, immediate tasks, media on the local disk, DEBUG on.
Production sets DEBUG=0 and must then give SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import babel
import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]  # the repository: apothecary/settings/base.py
PROJECT_DIR = BASE_DIR / "apothecary"
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "dev-only-key-not-for-production-use-8c1f0f1e5a4b4e6f9d2c"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("DEBUG=0 needs SECRET_KEY: set it to a long random string.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DEBUG=0 needs ALLOWED_HOSTS: a comma-separated list of hosts.")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "apothecary.core",
    "apothecary.accounts",
    "apothecary.pages",
    "apothecary.blog",
    "apothecary.catalog",
    "apothecary.cart",
    "apothecary.checkout",
    "apothecary.orders",
    "apothecary.payments",
    "apothecary.invoices",
    "apothecary.reviews",
    "apothecary.contact",
    "apothecary.affiliates",
    "apothecary.research",
    "apothecary.compliance",
    "apothecary.backoffice",
    "apothecary.demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apothecary.core.security_log.RefusalLogMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "apothecary.affiliates.middleware.ReferralMiddleware",
]

ROOT_URLCONF = "apothecary.urls"
WSGI_APPLICATION = "apothecary.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'apothecary.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite keeps no persistent connection; WAL lets readers and a writer work together.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache, sessions: local memory unless REDIS_URL is set. Redis is an accelerator the site
# survives losing (core.cache_backend): reads miss, writes are skipped, rate limits refuse
# with a 503; sessions live in the database, the cache only in front of them.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apothecary.core.cache_backend.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "apothecary"),
            "OPTIONS": {
                # Seconds one Redis call may take before Redis counts as down.
                "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.25")),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.25")),
                # Seconds a Redis found down rests before it is tried again.
                "retry_seconds": float(os.environ.get("REDIS_RETRY_SECONDS", "5")),
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static files: whitenoise serves them, hashed and compressed outside DEBUG.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

# Email: console by default; EMAIL_URL=smtp://user:password@host:587 (or smtps://) otherwise.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "store@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
if EMAIL_URL:
    _email = urlparse(EMAIL_URL)
    if _email.scheme not in {"smtp", "smtps", "submission"}:
        raise ImproperlyConfigured("EMAIL_URL must start with smtp://, smtps:// or submission://")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or (465 if _email.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _email.scheme != "smtps"
elif os.environ.get("EMAIL_BACKEND"):
    # Chosen on purpose, e.g. the console backend on a staging server.
    EMAIL_BACKEND = os.environ["EMAIL_BACKEND"]
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    # The console backend would print password-reset links and order tokens into the log.
    raise ImproperlyConfigured(
        "DEBUG=0 needs a real email backend: set EMAIL_URL=smtp://user:password@host:587 (or "
        "smtps://), or name a backend on purpose with EMAIL_BACKEND, e.g. "
        "EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend for a staging run."
    )

# Background tasks run at once, in the process that queues them; settings/tasks.py reads
# TASKS_BACKEND (a database worker) and holds the schedule of periodic work.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Security: production refuses plain HTTP and sends strict headers.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Health checks come from a load balancer or nginx on the inside, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", not DEBUG) else None
)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# DENY everywhere; Wagtail's preview views answer SAMEORIGIN themselves (its
# xframe_options_sameorigin_override), which is all the admin's preview panel needs.
X_FRAME_OPTIONS = "DENY"
# HSTS preload is a promise to the browsers' preload list, made by choice (SECURE_HSTS_PRELOAD).
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # core.logs: UTC ISO 8601 time stamps; tokens and card-like numbers redacted; CR, LF and
    # other control characters escaped (no forged lines), on every handler.
    "filters": {
        "redact_secrets": {"()": "apothecary.core.logs.RedactSecrets"},
        "escape_controls": {"()": "apothecary.core.logs.EscapeControlCharacters"},
    },
    "formatters": {
        "plain": {
            "()": "apothecary.core.logs.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets", "escape_controls"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "WARNING"},
        "django.server": {  # runserver's request lines, redacted like the rest
            "handlers": ["console"],
            "level": os.environ.get("LOG_LEVEL_SERVER", "INFO"),
            "propagate": False,
        },
        "django_tasks": {"level": os.environ.get("LOG_LEVEL_TASKS", "WARNING")},
        "wagtail": {"level": os.environ.get("LOG_LEVEL_WAGTAIL", "WARNING")},
    },
}

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Apothecary")
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "core.CreditedImage"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# No html, htm, svg, exe or other format a browser runs or shows as a page.
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "rtf", "txt", "xlsx"]
WAGTAIL_I18N_ENABLED = False
TAGGIT_CASE_INSENSITIVE = True

BLOG_PAGE_SIZE = int(os.environ.get("BLOG_PAGE_SIZE", "10"))
SEARCH_PAGE_SIZE = int(os.environ.get("SEARCH_PAGE_SIZE", "10"))
# Serve uploaded media from the app itself (embedded mode); production puts media on S3.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

# Store
STORE_CURRENCY = os.environ.get("STORE_CURRENCY", "USD")
# How amounts and country names are written for people (Babel/CLDR locale): en_US, de_DE, …
STORE_LOCALE = os.environ.get("STORE_LOCALE", "en_US")
try:
    babel.Locale.parse(STORE_LOCALE)
except (ValueError, babel.UnknownLocaleError) as error:
    raise ImproperlyConfigured(
        f"STORE_LOCALE={STORE_LOCALE!r} is not a locale Babel knows: use e.g. en_US or de_DE."
    ) from error
CART_MAX_QUANTITY_PER_LINE = int(os.environ.get("CART_MAX_QUANTITY_PER_LINE", "10"))
# An unpaid order holds its stock this long, then release_expired_orders cancels it.
ORDER_PAYMENT_WINDOW_MINUTES = int(os.environ.get("ORDER_PAYMENT_WINDOW_MINUTES", "15"))
# Unpaid orders (inside the payment window) one email, account or session may hold at once,
# and, looser because homes and offices share an address, one IP address.
MAX_UNPAID_ORDERS_PER_CUSTOMER = int(os.environ.get("MAX_UNPAID_ORDERS_PER_CUSTOMER", "3"))
MAX_UNPAID_ORDERS_PER_IP = int(os.environ.get("MAX_UNPAID_ORDERS_PER_IP", "10"))
STAFF_NOTIFICATION_EMAIL = os.environ.get("STAFF_NOTIFICATION_EMAIL", "")
# Contact form: messages accepted per visitor address per hour, and per email address per day.
CONTACT_LIMIT_PER_IP = int(os.environ.get("CONTACT_LIMIT_PER_IP", "5"))
CONTACT_LIMIT_PER_EMAIL = int(os.environ.get("CONTACT_LIMIT_PER_EMAIL", "5"))
# Reply-To of the answers sent from the inbox, e.g. the address piped into `manage.py
# receive_email` (docs/operations.md); empty: none, the customer answers DEFAULT_FROM_EMAIL.
CONTACT_REPLY_TO_EMAIL = os.environ.get("CONTACT_REPLY_TO_EMAIL", "")

# Payments (django-payments): the dummy provider unless Stripe keys are given.
PAYMENT_MODEL = "payments.Payment"
PAYMENT_HOST = os.environ.get("PAYMENT_HOST", urlparse(WAGTAILADMIN_BASE_URL).netloc)
PAYMENT_USES_SSL = env_bool("PAYMENT_USES_SSL", urlparse(WAGTAILADMIN_BASE_URL).scheme == "https")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
PAYMENT_VARIANTS = {"dummy": ("payments.dummy.DummyProvider", {})}
if STRIPE_SECRET_KEY:
    PAYMENT_VARIANTS["stripe"] = (
        "apothecary.payments.providers.StripeCheckoutProvider",
        {
            "api_key": STRIPE_SECRET_KEY,
            "endpoint_secret": STRIPE_WEBHOOK_SECRET,
            "secure_endpoint": True,
        },
    )
# PayPal beside the default provider, when its REST app's keys are given; the shopper
# approves at PayPal and comes back to payments:process_payment, where the payment is executed
# (and so captured: the order is paid at once).
PAYPAL_CLIENT_ID = os.environ.get("PAYPAL_CLIENT_ID", "")
PAYPAL_SECRET = os.environ.get("PAYPAL_SECRET", "")
PAYPAL_ENDPOINT = os.environ.get("PAYPAL_ENDPOINT", "https://api.sandbox.paypal.com")
if PAYPAL_CLIENT_ID and PAYPAL_SECRET:
    PAYMENT_VARIANTS["paypal"] = (
        "apothecary.payments.providers.PaypalCheckoutProvider",
        {
            "client_id": PAYPAL_CLIENT_ID,
            "secret": PAYPAL_SECRET,
            "endpoint": PAYPAL_ENDPOINT,
            "capture": True,  # an authorisation alone would leave the order unpaid
        },
    )
# A payment confirmed for a cancelled order, or for an order another payment paid, is refunded
# whole through its provider, once (the order is flagged for attention either way).
PAYMENTS_AUTO_REFUND_SURPLUS = env_bool("PAYMENTS_AUTO_REFUND_SURPLUS", False)
PAYMENT_VARIANT = os.environ.get("PAYMENT_VARIANT", "stripe" if STRIPE_SECRET_KEY else "dummy")
if not DEBUG and PAYMENT_VARIANT == "dummy" and not env_bool("ALLOW_DUMMY_PAYMENTS", False):
    raise ImproperlyConfigured(
        "DEBUG=0 with the dummy payment provider would give goods away: set STRIPE_SECRET_KEY "
        "and STRIPE_WEBHOOK_SECRET, or ALLOW_DUMMY_PAYMENTS=1 for a staging or benchmark run."
    )
ORDER_LOOKUP_LIMIT = int(os.environ.get("ORDER_LOOKUP_LIMIT", "10"))  # attempts per 10 minutes
LOGIN_REDIRECT_URL = "/account/"

# Reviews
REVIEW_REQUEST_DELAY_DAYS = int(os.environ.get("REVIEW_REQUEST_DELAY_DAYS", "14"))  # after delivery
# Deliveries older than the delay plus this are not asked (e.g. when reviews are first turned on).
REVIEW_REQUEST_MAX_AGE_DAYS = int(os.environ.get("REVIEW_REQUEST_MAX_AGE_DAYS", "60"))
REVIEW_LINK_MAX_AGE_DAYS = int(os.environ.get("REVIEW_LINK_MAX_AGE_DAYS", "60"))  # request link
REVIEW_CONFIRM_MAX_AGE_HOURS = int(os.environ.get("REVIEW_CONFIRM_MAX_AGE_HOURS", "72"))
REVIEW_LIMIT_PER_IP = int(os.environ.get("REVIEW_LIMIT_PER_IP", "10"))  # attempts per hour
REVIEW_LIMIT_PER_EMAIL = int(os.environ.get("REVIEW_LIMIT_PER_EMAIL", "3"))  # reviews per day
REVIEWS_PAGE_SIZE = int(os.environ.get("REVIEWS_PAGE_SIZE", "10"))

# Affiliates. Visitor IPs are stored only as HMAC-SHA256 under this salt (default: derived
# from SECRET_KEY); changing it makes old clicks unmatchable, nothing else.
AFFILIATE_IP_SALT = os.environ.get("AFFILIATE_IP_SALT", "")
# The __Host- prefix in production, like the session cookie (see the headers section).
REFERRAL_COOKIE_NAME = "__Host-ref" if SESSION_COOKIE_SECURE else "ref"
AFFILIATE_LIMIT_PER_IP = int(os.environ.get("AFFILIATE_LIMIT_PER_IP", "5"))  # applications/hour
# Referral clicks: one Click row per hashed IP, link and window of REFERRAL_CLICK_WINDOW
# seconds; at most REFERRAL_CLICK_LIMIT_PER_IP visits per hashed IP and window reach the
# database (the rest are redirected, unrecorded); more than REFERRAL_CLICK_HARD_LIMIT_PER_IP
# referral requests per IP within REFERRAL_CLICK_HARD_LIMIT_WINDOW seconds are answered 429.
REFERRAL_CLICK_WINDOW = int(os.environ.get("REFERRAL_CLICK_WINDOW", "3600"))
REFERRAL_CLICK_LIMIT_PER_IP = int(os.environ.get("REFERRAL_CLICK_LIMIT_PER_IP", "30"))
REFERRAL_CLICK_HARD_LIMIT_PER_IP = int(os.environ.get("REFERRAL_CLICK_HARD_LIMIT_PER_IP", "120"))
REFERRAL_CLICK_HARD_LIMIT_WINDOW = int(os.environ.get("REFERRAL_CLICK_HARD_LIMIT_WINDOW", "60"))

# Cookie consent (apothecary.consent; core.consent reads the choice). A first-party banner on
# every public page, and the page /consent/, record each visitor's choice (a ConsentRecord: no
# IP, no user agent) and keep it in a cookie "<version>|<record id>|<categories joined by +>".
INSTALLED_APPS += ["apothecary.consent"]
# On: an optional cookie (the referral cookie is "marketing") is set only with the visitor's
# consent to its category. Off: every category is allowed (except marketing under GPC).
CONSENT_REQUIRED = env_bool("CONSENT_REQUIRED", True)
# The cookie holding the choice (Secure, SameSite=Lax, path /, the __Host- prefix in
# production like the session cookie). Not HttpOnly: the page's script reads it to hide the
# banner, and it holds nothing secret (a version, a random record id, categories).
CONSENT_COOKIE_NAME = os.environ.get(
    "CONSENT_COOKIE_NAME", "__Host-consent" if SESSION_COOKIE_SECURE else "cookie_consent"
)
# How long the choice is kept by the browser before the banner asks again (default 180 days).
CONSENT_COOKIE_MAX_AGE = int(os.environ.get("CONSENT_COOKIE_MAX_AGE", str(180 * 24 * 3600)))
# The version of the cookie policy (letters, digits, ".", "_", "-"). Raise it when the
# categories or what they cover change: a choice made for another version counts as none.
CONSENT_POLICY_VERSION = os.environ.get("CONSENT_POLICY_VERSION", "1")
# The categories the banner offers, in order: (key, label, one sentence saying what it
# covers). "necessary" is always on; keys are what code asks core.consent.allows about.
CONSENT_CATEGORIES = [
    (
        "necessary",
        "Necessary",
        "Keep your cart and sign-in, protect forms and remember this choice; always on.",
    ),
    (
        "preferences",
        "Preferences",
        "Remember settings you pick on this site, so that you need not pick them again.",
    ),
    (
        "analytics",
        "Analytics",
        "Count visits and pages on our own servers to see what works; no other company.",
    ),
    (
        "marketing",
        "Marketing",
        "Remember the partner whose link brought you here, so they are credited for an order.",
    ),
]
# Choices one address may send within CONSENT_LIMIT_WINDOW seconds; more are answered 429.
CONSENT_LIMIT_PER_IP = int(os.environ.get("CONSENT_LIMIT_PER_IP", "30"))
CONSENT_LIMIT_WINDOW = int(os.environ.get("CONSENT_LIMIT_WINDOW", "600"))

# No third-party requests from the admin either: no Gravatar avatars, no release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
