"""Security headers on every page, production settings that pass `check --deploy`, and the shared cache."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import checks
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from portico.testing import make_invoice

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "portal.example.com"}
#: Settings of this test run's own environment that would change what production looks like.
NOT_INHERITED = {
    "DATABASE_URL",
    "DEBUG",
    "SECRET_KEY",
    "REDIS_URL",
    "PORTICO_BASE_URL",
    "PORTICO_TRUSTED_PROXIES",
    "TASKS_BACKEND",
    # Set for the browser tests' worker (portico/browser_tests/conftest.py); production never has it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}

STRICT_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def in_production(args: list[str], extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with production's environment (and nothing of this test run's)."""
    clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **PRODUCTION, **(extra or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def policy_of(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def assert_security_headers(response) -> None:
    assert policy_of(response) == STRICT_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    features = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    assert features["camera"] == features["microphone"] == features["geolocation"] == "()"
    assert features["payment"] == "(self)"


def test_the_login_page_has_a_strict_content_security_policy_and_the_other_security_headers(client, db):
    response = client.get(reverse("office:login"))

    assert response.status_code == 200
    assert_security_headers(response)


def test_a_back_office_page_has_the_same_headers(staff_client):
    response = staff_client.get(reverse("office:index"))

    assert response.status_code == 200
    assert_security_headers(response)


def test_back_office_pages_carry_no_inline_script_or_style(staff_client, customer_a, contact_a):
    """The policy forbids them, so a browser would drop them: they must not be there."""
    invoice = make_invoice(customer_a, "100")
    pages = [
        reverse("office:index"),
        reverse("office:customers_customer_change", args=[customer_a.pk]),
        reverse("office:sales_invoice_change", args=[invoice.pk]),
        reverse("office:sales_invoice_action", args=[invoice.pk, "void"]),
    ]
    for url in pages:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>" not in html, url
        assert "<style" not in html, url
        assert " style=" not in html, url
        assert " onclick=" not in html, url


def test_production_passes_the_deployment_checks_without_a_warning():
    result = in_production(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {"PORTICO_BASE_URL": "https://portal.example.com"},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_deployment_checks_warn_when_the_base_url_is_left_at_localhost():
    result = in_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode != 0
    assert "portico.W001" in result.stderr
    assert "PORTICO_BASE_URL is 'http://127.0.0.1:8000'" in result.stderr


@pytest.mark.parametrize(
    ("base_url", "warnings"),
    [
        ("http://localhost:8000", ["portico.W001"]),
        ("https://[::1]:8443", ["portico.W001"]),
        ("http://portal.example.com", ["portico.W002"]),
        ("https://portal.example.com", []),
    ],
)
def test_the_base_url_check_wants_a_public_https_address(settings, base_url, warnings):
    settings.DEBUG = False
    settings.PORTICO_BASE_URL = base_url
    settings.TASKS_BACKEND = "database"
    settings.PORTICO_MAILBOX = False

    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])

    assert [message.id for message in found if message.id.startswith("portico.")] == warnings


def test_the_deployment_checks_warn_about_the_demo_mailbox_and_emails_sent_in_the_request(settings):
    settings.DEBUG = False
    settings.PORTICO_BASE_URL = "https://portal.example.com"
    settings.TASKS_BACKEND = "immediate"
    settings.PORTICO_MAILBOX = True

    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])

    assert [message.id for message in found if message.id.startswith("portico.")] == [
        "portico.W003",
        "portico.W004",
    ]


def test_the_base_url_check_is_quiet_in_development(settings):
    settings.DEBUG = True
    settings.PORTICO_BASE_URL = "http://127.0.0.1:8000"

    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])

    assert not [message for message in found if message.id.startswith("portico.")]


def setting_in_production(name: str, extra: dict[str, str] | None = None):
    result = in_production(
        ["-c", f"import json, portico.settings as s; print(json.dumps(getattr(s, {name!r}, None)))"], extra
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_x_forwarded_proto_is_trusted_only_behind_trusted_proxies():
    assert setting_in_production("SECURE_PROXY_SSL_HEADER") is None
    assert setting_in_production("SECURE_PROXY_SSL_HEADER", {"PORTICO_TRUSTED_PROXIES": "1"}) == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_production_runs_background_tasks_in_a_database_worker_and_development_at_once():
    database = "django_tasks_db.DatabaseBackend"
    immediate = "django_tasks.backends.immediate.ImmediateBackend"

    assert setting_in_production("TASKS")["default"]["BACKEND"] == database
    assert setting_in_production("TASKS", {"TASKS_BACKEND": "immediate"})["default"]["BACKEND"] == immediate
    assert setting_in_production("TASKS", {"DEBUG": "1"})["default"]["BACKEND"] == immediate


def test_production_cookies_are_secure_http_only_and_same_site_lax():
    expression = (
        "[s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        " s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_AGE]"
    )
    result = in_production(["-c", f"import json, portico.settings as s; print(json.dumps({expression}))"])

    assert json.loads(result.stdout) == [True, True, "Lax", True, True, "Lax", True, True, 14 * 24 * 3600]


def test_csrf_trusted_origins_come_from_the_environment():
    result = in_production(
        ["-c", "import json, portico.settings as s; print(json.dumps(s.CSRF_TRUSTED_ORIGINS))"],
        {"CSRF_TRUSTED_ORIGINS": "https://portal.example.com, https://office.example.com"},
    )

    assert json.loads(result.stdout) == ["https://portal.example.com", "https://office.example.com"]


def test_the_cache_is_redis_when_redis_url_is_set_and_the_database_otherwise():
    expression = "[s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION']]"
    command = ["-c", f"import json, portico.settings as s; print(json.dumps({expression}))"]

    with_redis = in_production(command, {"REDIS_URL": "redis://cache.internal:6379/2"})
    without = in_production(command)

    assert json.loads(with_redis.stdout) == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.internal:6379/2",
    ]
    assert json.loads(without.stdout) == ["portico.security.AtomicDatabaseCache", "portico_cache"]


@pytest.mark.django_db
def test_the_test_database_has_the_cache_table():
    cache.set("portico:probe", 41, timeout=60)

    assert cache.incr("portico:probe") == 42


@pytest.mark.django_db
def test_a_counter_keeps_its_expiry_when_it_is_incremented():
    cache.add("portico:counter", 1, timeout=1)
    cache.incr("portico:counter")

    time.sleep(1.1)

    assert cache.get("portico:counter") is None


def test_portal_pages_have_the_same_headers(org, access_a, portal_client):
    login = Client().get(reverse("portal:login", kwargs={"slug": org.portal_slug}))
    home = portal_client.get(reverse("portal:home", kwargs={"slug": org.portal_slug}))

    for response in (login, home):
        assert response.status_code == 200
        assert_security_headers(response)


#: The portal's forms, each of which must refuse a POST without the CSRF token.
PORTAL_FORMS = {
    "login",
    "logout",
    "signup",
    "invitation-request",
    "password-reset",
    "password-reset-confirm",
    "password-change",
    "switch",
}


def portal_urls(org, token: str) -> dict[str, str]:
    """Every portal URL by name, read from the URL configuration (so a new page joins on its own)."""
    arguments = {"slug": org.portal_slug, "token": token, "uidb64": "MQ", "number": "INV-000001"}
    resolver = get_resolver()
    portal = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "portal")
    urls = {}
    for pattern in portal.url_patterns:
        assert isinstance(pattern, URLPattern)
        names = list(pattern.pattern.converters)
        unknown = [name for name in names if name not in arguments]
        assert not unknown, f"teach the CSRF walk how to fill {unknown} for portal:{pattern.name}"
        urls[pattern.name] = reverse(
            f"portal:{pattern.name}", kwargs={name: arguments[name] for name in names}
        )
    return urls


def test_every_portal_url_refuses_a_post_without_the_csrf_token(org, access_a):
    urls = portal_urls(org, "any-token")
    assert set(urls) >= PORTAL_FORMS
    anonymous = Client(enforce_csrf_checks=True)
    contact = Client(enforce_csrf_checks=True)
    contact.force_login(access_a.user)

    for name, url in urls.items():
        for client in (anonymous, contact):
            response = client.post(url, {"username": access_a.user.email, "email": access_a.user.email})
            assert response.status_code == 403, f"portal:{name} took a POST without the CSRF token"


def test_the_portal_forms_take_a_post_with_the_csrf_token(org, access_a):
    """The other side of the walk: with the token, each form gets past the check (so the 403s are CSRF's)."""
    urls = portal_urls(org, "any-token")
    contact = Client(enforce_csrf_checks=True)
    contact.force_login(access_a.user)
    contact.get(urls["password-change"])  # sets the CSRF cookie
    token = contact.cookies["csrftoken"].value

    for name in sorted(PORTAL_FORMS):
        response = contact.post(urls[name], {"csrfmiddlewaretoken": token})
        assert response.status_code != 403, f"portal:{name} refused a POST that carried the CSRF token"
