"""Portico's one settings module, driven by environment variables with development defaults.

Every knob an operator turns is an environment variable: ``DATABASE_URL``, ``SECRET_KEY``, ``DEBUG``,
``ALLOWED_HOSTS``, ``TIME_ZONE``, ``REDIS_URL``, ``CSRF_TRUSTED_ORIGINS``, ``PORTICO_TRUSTED_PROXIES``. Without
them Portico runs on a SQLite file under ``var/``, with its cache in the same database.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portico.emails.config import email_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTICO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "portico-development-key-not-for-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    # The back office comes first so that its admin templates (admin/base_site.html) take precedence.
    "portico.office",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "portico.accounts",
    "portico.organizations",
    "portico.customers",
    "portico.catalog",
    "portico.sales",
    "portico.payments",
    "portico.projects",
    "portico.activity",
    "portico.portal",
    "portico.emails",
    "portico.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portico.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portico.office.middleware.OfficeOrganizationMiddleware",
]

ROOT_URLCONF = "portico.urls"
CSRF_FAILURE_VIEW = "portico.errors.csrf_failure"
WSGI_APPLICATION = "portico.wsgi.application"
ASGI_APPLICATION = "portico.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portico" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portico.portal.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
SQLITE_PATH = VAR_DIR / "portico.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite ignores SELECT ... FOR UPDATE. Immediate transactions take the write lock at BEGIN, so
    # writers queue on the busy timeout instead of failing with "database is locked" half-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
    # Tests use a file (not memory), so that several connections can share it as they do in production;
    # one per test run, so that runs side by side don't meet.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-portico-{os.getpid()}.sqlite3")}

# Cache, shared by every app process (login throttling counts in it): Redis when REDIS_URL is set, otherwise a
# table in the database (`manage.py createcachetable`, which `make migrate` runs).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portico",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "portico.security.AtomicDatabaseCache", "LOCATION": "portico_cache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "office:login"
# Days a portal invitation link stays valid before the contact must ask for a new one.
PORTAL_INVITATION_DAYS = int(os.environ.get("PORTAL_INVITATION_DAYS", "7"))

# Login throttling (portico.accounts.throttle): this many failures per account (email) or per client address
# within the window (seconds, from the first failure) lock further attempts out for PORTICO_LOGIN_LOCKOUT seconds.
PORTICO_LOGIN_ACCOUNT_FAILURES = int(os.environ.get("PORTICO_LOGIN_ACCOUNT_FAILURES", "5"))
PORTICO_LOGIN_ADDRESS_FAILURES = int(os.environ.get("PORTICO_LOGIN_ADDRESS_FAILURES", "20"))
PORTICO_LOGIN_FAILURE_WINDOW = int(os.environ.get("PORTICO_LOGIN_FAILURE_WINDOW", str(15 * 60)))
PORTICO_LOGIN_LOCKOUT = int(os.environ.get("PORTICO_LOGIN_LOCKOUT", str(15 * 60)))
# How many reverse proxies in front of Portico append to X-Forwarded-For. 0: the header is ignored and the client
# address is REMOTE_ADDR; n: the address the outermost of n proxies saw (what the client itself sent is never used).
# With n > 0 (and DEBUG off), X-Forwarded-Proto from those proxies also tells whether the request came over HTTPS.
PORTICO_TRUSTED_PROXIES = int(os.environ.get("PORTICO_TRUSTED_PROXIES", "0"))
# Forgot password: requests per email and per client address within the window (seconds); more are answered the
# same way and send nothing.
PORTICO_PASSWORD_RESET_EMAIL_REQUESTS = int(os.environ.get("PORTICO_PASSWORD_RESET_EMAIL_REQUESTS", "5"))
PORTICO_PASSWORD_RESET_ADDRESS_REQUESTS = int(os.environ.get("PORTICO_PASSWORD_RESET_ADDRESS_REQUESTS", "20"))
PORTICO_PASSWORD_RESET_WINDOW = int(os.environ.get("PORTICO_PASSWORD_RESET_WINDOW", str(60 * 60)))

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
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
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Background work (emails, password resets): with DEBUG off the default is TASKS_BACKEND=database, tasks are stored
# in the database and a worker (`manage.py db_worker`) runs them, so a request never waits for SMTP; with DEBUG on
# (development, tests, the demo) they run at once in the request.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if DEBUG else "database").strip().lower()
if TASKS_BACKEND not in {"immediate", "database"}:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'immediate' or 'database'.")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Email: EMAIL_URL (smtp://user:password@host:587?tls=1, smtps://…, console:, mailbox:) or the plain EMAIL_HOST,
# EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS and EMAIL_USE_SSL; see portico/emails/config.py.
# With none of them, development keeps every message in the local mailbox at /mailbox/ and production sends
# through the SMTP server on localhost:25.
_email = email_settings(os.environ, debug=DEBUG)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Portico <portico@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Where Portico is reached from outside, for the absolute links in emails (no trailing slash).
PORTICO_BASE_URL = os.environ.get("PORTICO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The local mailbox at /mailbox/ is on in development (DEBUG); PORTICO_MAILBOX=1 turns it on for a demo server.
PORTICO_MAILBOX = env_bool("PORTICO_MAILBOX", False)

# Security headers and cookies (docs/security.md). Cookies are Secure whenever DEBUG is off.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(14 * 24 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # forms carry the token ({% csrf_token %}); no script needs the cookie
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every asset is served by Portico itself (no CDN), so nothing but 'self' is allowed, and no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
# Browser features no page of Portico uses are switched off; payment stays available to Portico's own pages.
PORTICO_PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": ["self"],
    "usb": [],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if PORTICO_TRUSTED_PROXIES > 0:
        # Only a proxy Portico trusts may say the request came over HTTPS; it must overwrite what the client sent.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django_tasks logs every task it runs at INFO; failures still show at WARNING and above.
    "loggers": {
        # Django's own console handler would print its messages a second time beside the root's.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# How many documents a back-office list shows per page.
OFFICE_PAGE_SIZE = 50
