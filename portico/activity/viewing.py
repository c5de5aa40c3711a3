"""The "Viewed" marker of documents opened in the portal.

``document_viewed`` keeps the "Viewed" marker of a quote, invoice, retainer invoice, sales order or timesheet
approval: the first view is recorded once, with its contact and time, and notifies the business; later views
only move the last-viewed time and count. Each event adds an entry to the back office's notification feed and,
when the organization's portal preferences ask for it, emails the organization's primary address once the
change commits.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.actors import Actor

from .models import Notification, ViewEvent
from .notifications import kind_label, speaker, tell_business
from .selectors import document_version


def document_viewed(*, actor: Actor, document: models.Model) -> ViewEvent:
    """Record that the portal's contact opened ``document``; the first view notifies the business.

    Safe when two requests open the document at once: the marker is unique per document, the loser of the race
    creating it reads the winner's row under a lock and counts as a later view.
    """
    now = timezone.now()
    contact, customer, organization = speaker(actor)
    with transaction.atomic():
        event, created = ViewEvent.objects.select_for_update().get_or_create(
            content_type=ContentType.objects.get_for_model(document),
            object_id=document.pk,
            version=document_version(document),
            defaults={
                "organization": organization,
                "customer": customer,
                "first_contact": contact,
                "first_viewed_at": now,
                "last_contact": contact,
                "last_viewed_at": now,
                "view_count": 1,
            },
        )
        if not created:
            event.last_contact = contact
            event.last_viewed_at = now
            event.view_count += 1  # the row is locked: no other request counts at the same time
            event.save(update_fields=["last_contact", "last_viewed_at", "view_count"])
            return event
        names = {
            "contact": contact.full_name,
            "customer": customer.display_name,
            "kind": kind_label(document),
            "number": getattr(document, "number", str(document)),
            "version": event.version,
        }
        if event.version > 1:
            message = _(
                "%(contact)s of %(customer)s viewed version %(version)d of %(kind)s %(number)s for the first time."
            )
        else:
            message = _("%(contact)s of %(customer)s viewed %(kind)s %(number)s for the first time.")
        tell_business(
            actor=actor,
            kind=Notification.Kind.DOCUMENT_VIEWED,
            message=message % names,
            target=document,
            email=organization.notify_first_view,
            subject=_("%(contact)s of %(customer)s viewed %(kind)s %(number)s") % names,
            template="document_viewed",
            context={"document": document, "kind": names["kind"], "viewed_at": now},
        )
    return event
