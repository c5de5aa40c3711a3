"""Email settings from the environment. The settings module imports it, so it imports no Django app.

``EMAIL_URL`` names the whole connection in one variable:

- ``smtp://user:password@host:587?tls=1`` SMTP, STARTTLS with ``tls=1`` (port 25 when none is given);
- ``smtps://user:password@host`` SMTP over TLS from the first byte (port 465 when none is given);
- ``console:`` prints each message (development);
- ``mailbox:`` keeps each message in Portico's local mailbox, readable at ``/mailbox/`` (development, demo);
- ``dummy:`` drops every message.

User name and password are percent-decoded, so a password may hold any character (``p%40ss`` is ``p@ss``).
The plain ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS`` and
``EMAIL_USE_SSL`` variables work alone or override the matching part of ``EMAIL_URL``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MAILBOX_BACKEND = "portico.emails.backends.MailboxBackend"

_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "mailbox": MAILBOX_BACKEND,
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (or true/false, yes/no, on/off), not {value!r}.")


def _number(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


def _smtp_defaults() -> dict[str, Any]:
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
    }


def parse_email_url(url: str) -> dict[str, Any]:
    """The Django email settings that ``url`` describes (see the module's docstring for the schemes)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in _BACKENDS:
        return {"EMAIL_BACKEND": _BACKENDS[scheme]}
    if scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL has an unknown scheme {parts.scheme!r}: use smtp, smtps, console, mailbox or dummy."
        )
    query = {key.lower(): values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    config = _smtp_defaults()
    try:
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL has an invalid port: {error}") from error
    config.update(
        EMAIL_HOST=parts.hostname or "localhost",
        EMAIL_PORT=port or (465 if scheme == "smtps" else 25),
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_SSL=scheme == "smtps" or _flag(query.get("ssl", "0"), "EMAIL_URL's ssl"),
        EMAIL_USE_TLS=_flag(query.get("tls", query.get("starttls", "0")), "EMAIL_URL's tls"),
    )
    if "timeout" in query:
        config["EMAIL_TIMEOUT"] = _number(query["timeout"], "EMAIL_URL's timeout")
    return config


def email_settings(environ: Mapping[str, str], *, debug: bool) -> dict[str, Any]:
    """Every email setting for the given environment.

    Without ``EMAIL_URL`` or ``EMAIL_HOST``, development (``debug``) keeps messages in the local mailbox and
    production sends through the SMTP server on localhost:25.
    """
    config: dict[str, Any] = _smtp_defaults()
    config["EMAIL_TIMEOUT"] = _number(environ.get("EMAIL_TIMEOUT", "20"), "EMAIL_TIMEOUT")
    if environ.get("EMAIL_URL", "").strip():
        config.update(parse_email_url(environ["EMAIL_URL"]))
    elif not environ.get("EMAIL_HOST", "").strip() and debug:
        config["EMAIL_BACKEND"] = MAILBOX_BACKEND
    if environ.get("EMAIL_HOST", "").strip():
        config["EMAIL_HOST"] = environ["EMAIL_HOST"].strip()
        if not environ.get("EMAIL_URL", "").strip():
            config["EMAIL_BACKEND"] = SMTP_BACKEND
    if environ.get("EMAIL_PORT", "").strip():
        config["EMAIL_PORT"] = _number(environ["EMAIL_PORT"], "EMAIL_PORT")
    for name in ("EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
        if name in environ:
            config[name] = environ[name]
    for name in ("EMAIL_USE_TLS", "EMAIL_USE_SSL"):
        if name in environ:
            config[name] = _flag(environ[name], name)
    if environ.get("EMAIL_BACKEND", "").strip():
        config["EMAIL_BACKEND"] = environ["EMAIL_BACKEND"].strip()
    if config["EMAIL_USE_TLS"] and config["EMAIL_USE_SSL"]:
        raise ImproperlyConfigured(
            "EMAIL_USE_TLS (STARTTLS) and EMAIL_USE_SSL (smtps) exclude each other: choose one."
        )
    return config
