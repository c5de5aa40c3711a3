"""An email backend that keeps messages in Portico's local mailbox instead of sending them."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

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


class MailboxBackend(BaseEmailBackend):
    """Stores each message as a ``MailboxMessage``; staff read them at ``/mailbox/`` (development, demo)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            try:
                MailboxMessage.objects.create(
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
