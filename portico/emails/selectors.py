"""Reads of the local mailbox."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portico.organizations.models import Organization

from .models import MailboxMessage


def mailbox_messages_visible(
    *, organization: Organization | None, include_without_organization: bool
) -> QuerySet[MailboxMessage]:
    """The messages a reader may see: those of ``organization`` (none when it is None) and, when
    ``include_without_organization`` (superusers), those sent for no organization.

    Messages hold invitation and password-reset links, so another organization's are never among them.
    """
    scope = Q(organization=organization) if organization is not None else Q(pk__in=[])
    if include_without_organization:
        scope |= Q(organization__isnull=True)
    return MailboxMessage.objects.filter(scope)


def mailbox_message_list(
    *, organization: Organization | None, include_without_organization: bool
) -> QuerySet[MailboxMessage]:
    """The messages a reader may see, newest first; the list leaves the (possibly long) bodies out."""
    return (
        mailbox_messages_visible(
            organization=organization, include_without_organization=include_without_organization
        )
        .order_by("-created_at", "-id")
        .defer("text", "html")
    )
