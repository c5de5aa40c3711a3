"""Deployment checks (``manage.py check --deploy``) for settings Django's own checks don't know about."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


def _is_local(host: str) -> bool:
    """Whether a host only ever means "this machine": a link to it in an email leads nowhere for its reader."""
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@checks.register(checks.Tags.security, deploy=True)
def check_base_url(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``PORTICO_BASE_URL`` starts every link in emails (invitations, password resets): in production it must be
    the public HTTPS address, or the links lead to the reader's own machine or travel unencrypted."""
    if settings.DEBUG:
        return []
    base_url = getattr(settings, "PORTICO_BASE_URL", "")
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if _is_local(host):
        return [
            checks.Warning(
                f"PORTICO_BASE_URL is {base_url!r}, which is not a public address.",
                hint="Set PORTICO_BASE_URL to the HTTPS address people reach Portico at, "
                "e.g. https://portal.example.com: links in emails start with it.",
                id="portico.W001",
            )
        ]
    if parts.scheme != "https":
        return [
            checks.Warning(
                f"PORTICO_BASE_URL is {base_url!r}, which is not HTTPS.",
                hint="Links in emails carry sign-up and password reset tokens: "
                "set PORTICO_BASE_URL to an https:// address.",
                id="portico.W002",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_mailbox_and_tasks(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The local mailbox shows sent emails (with their sign-up and reset links) to staff: a demo tool. And emails
    sent inside the request let its duration tell whether a reset went out."""
    if settings.DEBUG:
        return []
    warnings = []
    if getattr(settings, "PORTICO_MAILBOX", False):
        warnings.append(
            checks.Warning(
                "PORTICO_MAILBOX is on: staff can read the emails Portico sends, links included, at /mailbox/.",
                hint="Turn it off (PORTICO_MAILBOX=0) outside a demo and send email through SMTP (EMAIL_URL).",
                id="portico.W003",
            )
        )
    if getattr(settings, "TASKS_BACKEND", "database") != "database":
        warnings.append(
            checks.Warning(
                "TASKS_BACKEND is not 'database': emails are sent within the requests that cause them.",
                hint="Set TASKS_BACKEND=database and run `manage.py db_worker` beside the app.",
                id="portico.W004",
            )
        )
    return warnings
