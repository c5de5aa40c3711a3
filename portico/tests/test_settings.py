"""Settings come from the environment, with development defaults."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import portico.settings

ROOT = Path(__file__).resolve().parents[2]


def settings_in(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with only the given environment variables set."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "PORTICO_VAR_DIR"}
    }
    return subprocess.run(
        [sys.executable, "-c", f"import json, portico.settings as s; print(json.dumps({expression}))"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_passwords_are_hashed_with_argon2():
    assert portico.settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_without_database_url_portico_uses_sqlite_under_var_with_immediate_transactions():
    result = settings_in({}, "s.DATABASES['default']")
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"].endswith("var/portico.sqlite3")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_database_url_switches_to_postgresql():
    result = settings_in({"DATABASE_URL": "postgres://pat@db.internal:5433/books"}, "s.DATABASES['default']")
    database = json.loads(result.stdout)
    assert (database["ENGINE"], database["HOST"], database["PORT"], database["NAME"], database["USER"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        5433,
        "books",
        "pat",
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = settings_in({"DEBUG": "0"}, "s.DEBUG")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_turn_on_secure_cookies():
    result = settings_in(
        {"DEBUG": "0", "SECRET_KEY": "x" * 50},
        "[s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0]",
    )
    assert json.loads(result.stdout) == [False, True, True, True]
