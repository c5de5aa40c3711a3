"""Reads of the local mailbox."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import MailboxMessage


def mailbox_message_list() -> QuerySet[MailboxMessage]:
    """Every kept message, newest first; the list leaves the (possibly long) bodies out."""
    return MailboxMessage.objects.order_by("-created_at", "-id").defer("text", "html")
