"""The "Viewed" marker of documents opened in the portal.

``document_viewed`` keeps the "Viewed" marker of a quote, invoice, retainer invoice, sales order or timesheet
approval: the first view is recorded once, with its contact and time, and notifies the business; later views
only move the last-viewed time and count. Either is one statement (an insert that updates the existing marker
instead), so a page that shows a document pays one query for its marker. A first view adds an entry to the
back office's notification feed and, when the organization's portal preferences ask for it, emails the
organization's primary address once the change commits.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.actors import Actor

from .models import Notification, ViewEvent
from .notifications import kind_label, speaker, tell_business
from .selectors import document_version

#: What a view writes: the marker's columns as a first view sets them (``view_count`` is 1).
_INSERTED = (
    "organization",
    "customer",
    "content_type",
    "object_id",
    "version",
    "first_contact",
    "first_viewed_at",
    "last_contact",
    "last_viewed_at",
)
#: The marker's identity (its unique constraint), and what a later view moves.
_IDENTITY = ("content_type", "object_id", "version")
_MOVED = ("last_contact", "last_viewed_at")


def _view_counted(connection, values: dict) -> ViewEvent:
    """Insert the marker, or on the unique marker of this document's version move its last view and add one to
    its count, in one statement, and return the marker as it is now.

    The database decides between the two under its unique constraint, so requests racing to the first view
    all count, and exactly one of them finds ``view_count == 1``: the one that inserted it.
    """
    opts = ViewEvent._meta
    quote = connection.ops.quote_name
    table = quote(opts.db_table)

    def column(name: str) -> str:
        return quote(opts.get_field(name).column)

    params = [opts.get_field(name).get_db_prep_save(values[name], connection) for name in _INSERTED]
    count = column("view_count")
    moved = ", ".join(f"{column(name)} = excluded.{column(name)}" for name in _MOVED)
    sql = (
        # Table and column names come from the model, quoted; every value is a parameter.
        f"INSERT INTO {table} ({', '.join(column(name) for name in _INSERTED)}, {count}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(_INSERTED))}, 1) "
        f"ON CONFLICT ({', '.join(column(name) for name in _IDENTITY)}) "
        f"DO UPDATE SET {moved}, {count} = {table}.{count} + 1 "
        f"RETURNING {', '.join(quote(field.column) for field in opts.concrete_fields)}"
    )
    # The row the statement returns, read as a model (raw() converts the columns as a query would).
    [event] = ViewEvent.objects.db_manager(connection.alias).raw(sql, params)
    return event


def document_viewed(*, actor: Actor, document: models.Model) -> ViewEvent:
    """Record that the portal's contact opened ``document``; the first view notifies the business.

    One statement writes the marker, whether it is the first view or a later one (see ``_view_counted``), so
    two requests opening the document at once record one marker, count two views and notify once.
    """
    now = timezone.now()
    contact, customer, organization = speaker(actor)
    event = _view_counted(
        connections[router.db_for_write(ViewEvent)],
        {
            "organization": organization.pk,
            "customer": customer.pk,
            "content_type": ContentType.objects.get_for_model(document).pk,
            "object_id": document.pk,
            "version": document_version(document),
            "first_contact": contact.pk,
            "first_viewed_at": now,
            "last_contact": contact.pk,
            "last_viewed_at": now,
        },
    )
    if event.view_count > 1:
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
