"""An email backend that keeps messages in Portico's local mailbox instead of sending them."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from portico.organizations.models import Organization

from .models import MailboxMessage


def _html_part(message: EmailMessage) -> str:
    for alternative in getattr(message, "alternatives", ()):
        content, mimetype = alternative[0], alternative[1]
        if mimetype == "text/html":
            return content.decode() if isinstance(content, bytes) else str(content)
    if message.content_subtype == "html":
        return str(message.body)
    return ""


def _text_part(message: EmailMessage) -> str:
    return "" if message.content_subtype == "html" else str(message.body)


def _organization_id(message: EmailMessage) -> int | None:
    """The organization ``send_email_task`` set on the message, if it still exists (else superusers only)."""
    organization_id = getattr(message, "organization_id", None)
    if organization_id is None or not Organization.objects.filter(pk=organization_id).exists():
        return None
    return organization_id


class MailboxBackend(BaseEmailBackend):
    """Stores each message as a ``MailboxMessage``; staff read them at ``/mailbox/`` (development, demo).

    A message's organization comes from its ``organization_id`` attribute, which ``send_email_task`` sets
    (Django's ``EmailMessage`` has no such field, and a header would travel to real recipients with the SMTP
    backend). A message without it is kept without an organization, for superusers only.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            try:
                MailboxMessage.objects.create(
                    organization_id=_organization_id(message),
                    from_email=str(message.from_email),
                    to=", ".join(recipients),
                    reply_to=", ".join(message.reply_to),
                    subject=str(message.subject),
                    text=_text_part(message),
                    html=_html_part(message),
                )
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent
