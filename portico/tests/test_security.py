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
from django.core.cache import cache
from django.urls import reverse

from portico.testing import make_invoice

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "portal.example.com"}

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
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "REDIS_URL"}
    }
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
    result = in_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


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
