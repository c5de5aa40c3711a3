"""What the business hears about from its portal: a document's first view, a decision on a quote or a
timesheet, a comment.

``document_viewed`` keeps the "Viewed" marker of a quote, invoice, retainer invoice, sales order or timesheet
approval: the first view is recorded once, with its contact and time, and notifies the business; later views
only move the last-viewed time and count. Each event adds an entry to the back office's notification feed and,
when the organization's portal preferences ask for it, emails the organization's primary address once the
change commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.emails.services import absolute_url, email_enqueue

from .models import Comment, Notification, ViewEvent
from .selectors import document_version
from .services import notification_create

if TYPE_CHECKING:
    from portico.portal.context import PortalContext


def _office_url(target: models.Model) -> str:
    """The back-office page of the record, as a link that works from an email."""
    try:
        path = reverse(f"office:{target._meta.app_label}_{target._meta.model_name}_change", args=[target.pk])
    except NoReverseMatch:
        path = reverse("office:index")
    return absolute_url(path)


def _kind_label(document: models.Model) -> str:
    return str(document._meta.verbose_name)


def _tell_business(
    *,
    portal: PortalContext,
    kind: str,
    message: str,
    target: models.Model,
    email: bool,
    subject: str,
    template: str,
    context: dict,
) -> Notification:
    """A feed entry for the organization and, when ``email``, a message to its primary address on commit."""
    organization = portal.organization
    notification = notification_create(
        organization=organization, kind=kind, message=message, target=target, customer=portal.customer
    )
    if email and organization.email:
        email_enqueue(
            to=organization.email,
            subject=subject,
            template=template,
            context={
                "contact": portal.contact,
                "customer": portal.customer,
                "target": target,
                "message": message,
                "office_url": _office_url(target),
                **context,
            },
            organization=organization,
            reply_to=[portal.contact.email] if portal.contact.email else None,
        )
    return notification


def document_viewed(*, portal: PortalContext, document: models.Model) -> ViewEvent:
    """Record that the portal's contact opened ``document``; the first view notifies the business.

    Safe when two requests open the document at once: the marker is unique per document, the loser of the race
    creating it reads the winner's row under a lock and counts as a later view.
    """
    now = timezone.now()
    contact = portal.contact
    with transaction.atomic():
        event, created = ViewEvent.objects.select_for_update().get_or_create(
            content_type=ContentType.objects.get_for_model(document),
            object_id=document.pk,
            version=document_version(document),
            defaults={
                "organization": portal.organization,
                "customer": portal.customer,
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
            "customer": portal.customer.display_name,
            "kind": _kind_label(document),
            "number": getattr(document, "number", str(document)),
            "version": event.version,
        }
        if event.version > 1:
            message = _(
                "%(contact)s of %(customer)s viewed version %(version)d of %(kind)s %(number)s for the first time."
            )
        else:
            message = _("%(contact)s of %(customer)s viewed %(kind)s %(number)s for the first time.")
        _tell_business(
            portal=portal,
            kind=Notification.Kind.DOCUMENT_VIEWED,
            message=message % names,
            target=document,
            email=portal.organization.notify_first_view,
            subject=_("%(contact)s of %(customer)s viewed %(kind)s %(number)s") % names,
            template="document_viewed",
            context={"document": document, "kind": names["kind"], "viewed_at": now},
        )
    return event


def quote_decision_notify(*, portal: PortalContext, quote) -> Notification:
    """Tell the business that the portal's contact accepted or declined ``quote`` (as decided just now)."""
    accepted = quote.status == quote.Status.ACCEPTED
    names = {
        "contact": portal.contact.full_name,
        "customer": portal.customer.display_name,
        "number": quote.number,
    }
    if accepted:
        message = _("%(contact)s of %(customer)s accepted quote %(number)s.") % names
    elif quote.decline_reason:
        message = _("%(contact)s of %(customer)s declined quote %(number)s: %(reason)s") % {
            **names,
            "reason": quote.decline_reason,
        }
    else:
        message = _("%(contact)s of %(customer)s declined quote %(number)s.") % names
    return _tell_business(
        portal=portal,
        kind=Notification.Kind.QUOTE_ACCEPTED if accepted else Notification.Kind.QUOTE_DECLINED,
        message=message,
        target=quote,
        email=portal.organization.notify_quote_decision,
        subject=(
            _("Quote %(number)s was accepted by %(customer)s")
            if accepted
            else _("Quote %(number)s was declined by %(customer)s")
        )
        % names,
        template="quote_decided",
        context={"quote": quote, "accepted": accepted},
    )


def timesheet_decision_notify(*, portal: PortalContext, approval) -> Notification:
    """Tell the business that the portal's contact approved or rejected ``approval`` (as decided just now)."""
    approved = approval.status == approval.Status.APPROVED
    names = {
        "contact": portal.contact.full_name,
        "customer": portal.customer.display_name,
        "number": approval.number,
    }
    if approved:
        message = _("%(contact)s of %(customer)s approved timesheet %(number)s.") % names
        subject = _("Timesheet %(number)s was approved by %(customer)s") % names
    else:
        message = _("%(contact)s of %(customer)s rejected timesheet %(number)s: %(reason)s") % {
            **names,
            "reason": approval.rejection_reason,
        }
        subject = _("Timesheet %(number)s was rejected by %(customer)s") % names
    return _tell_business(
        portal=portal,
        kind=Notification.Kind.TIMESHEET_DECIDED,
        message=message,
        target=approval,
        email=portal.organization.notify_timesheet_decision,
        subject=subject,
        template="timesheet_decided",
        context={"approval": approval, "approved": approved},
    )


def comment_notify(*, portal: PortalContext, comment: Comment) -> Notification:
    """Tell the business that the portal's contact commented on one of its documents."""
    target = comment.target
    names = {
        "contact": portal.contact.full_name,
        "customer": portal.customer.display_name,
        "kind": _kind_label(target),
        "number": getattr(target, "number", str(target)),
    }
    return _tell_business(
        portal=portal,
        kind=Notification.Kind.COMMENT_ADDED,
        message=_("%(contact)s of %(customer)s commented on %(kind)s %(number)s.") % names,
        target=target,
        email=portal.organization.notify_comment,
        subject=_("New comment on %(kind)s %(number)s from %(customer)s") % names,
        template="comment_added",
        context={"comment": comment, "kind": names["kind"], "document": target},
    )
