"""Emails: rendered when the change happens, sent by a background task once its transaction commits."""

from __future__ import annotations

import logging
import re
import zoneinfo
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import TaskResultStatus

from portico.organizations.models import Organization

from .selectors import mailbox_messages_visible
from .tasks import send_email_task

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A path such as ``reverse()`` or a file's ``url`` gives, as a link that works from an email."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.PORTICO_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def _one_line(value: Any) -> str:
    """Headers are one line: a newline in a name or subject would be refused (or worse, injected)."""
    return " ".join(str(value).split())


def _sender(organization) -> str:
    """``DEFAULT_FROM_EMAIL``'s address under the organization's name, so the inbox shows who writes."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if organization is not None:
        name = _one_line(organization.name)
    if not name or not address:
        return settings.DEFAULT_FROM_EMAIL
    try:
        return str(Address(display_name=name, addr_spec=address))
    except (HeaderParseError, ValueError, IndexError):
        return settings.DEFAULT_FROM_EMAIL


def _time_zone(organization) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(organization.timezone) if organization is not None else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _tidy_text(text: str) -> str:
    """Template tags leave blank lines and trailing spaces behind; a text email should not show them."""
    text = re.sub(r"[ \t]+\n", "\n", text.replace("\r\n", "\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _render(template: str, context: dict[str, Any], organization) -> tuple[str, str]:
    # override(None) means the default time zone (TIME_ZONE) for a message without an organization.
    with timezone.override(_time_zone(organization)):
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return _tidy_text(text), html


def _enqueue_send(payload: dict[str, Any]) -> None:
    result = send_email_task.enqueue(**payload)
    if result.status == TaskResultStatus.FAILED:
        # The immediate backend keeps a failure in the result; say so instead of losing the message silently.
        logger.error(
            "The email %r to %s could not be sent:\n%s",
            payload["subject"],
            ", ".join(payload["to"]),
            result.errors[-1].traceback if result.errors else "",
        )


def email_enqueue(
    *,
    to: str | list[str],
    subject: str,
    template: str,
    context: dict,
    organization=None,
    reply_to: list[str] | None = None,
    beyond_organization: bool = False,
) -> None:
    """Render ``emails/<template>.txt`` and ``.html`` now and send them once the current transaction commits.

    ``beyond_organization``: the message carries power over more than this organization (a password reset of an
    account that other organizations know too), so the local mailbox must not show it to this organization's
    staff; it is filed for superusers only.

    Nothing is sent for a change that rolls back. Templates receive ``context`` plus ``organization`` (this
    argument, or the context's own), ``subject``, ``logo_url`` (absolute, or empty) and ``base_url``;
    dates show in the organization's time zone. The message comes from ``DEFAULT_FROM_EMAIL``'s address
    under the organization's name.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [address.strip() for address in recipients if address and address.strip()]
    if not recipients:
        logger.warning("The email %r has no recipient and is not sent.", subject)
        return
    if organization is None:
        organization = context.get("organization")
    subject = _one_line(subject)
    logo_url = getattr(organization, "logo_url", "")
    full_context = {
        **context,
        "organization": organization,
        "subject": subject,
        "logo_url": absolute_url(logo_url) if logo_url else "",
        "base_url": settings.PORTICO_BASE_URL.rstrip("/"),
    }
    text, html = _render(template, full_context, organization)
    payload = {
        "to": recipients,
        "subject": subject,
        "text": text,
        "html": html,
        "from_email": _sender(organization),
        "reply_to": [address for address in (reply_to or []) if address],
        # Not part of the message: the local mailbox keeps it so only this organization's staff read it.
        "organization_id": None if beyond_organization else getattr(organization, "pk", None),
    }
    # robust: the change is already committed; a queue that fails is logged rather than shown as an error.
    transaction.on_commit(lambda: _enqueue_send(payload), robust=True)


def mailbox_clear(*, organization: Organization | None, include_without_organization: bool) -> int:
    """Delete the mailbox messages a reader sees (see ``mailbox_messages_visible``); returns how many."""
    deleted, _per_model = mailbox_messages_visible(
        organization=organization, include_without_organization=include_without_organization
    ).delete()
    return deleted
