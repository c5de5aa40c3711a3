"""What the business hears about: entries in the back office's notification feed and, when the organization's
portal preferences ask for it, an email to its primary address once the change commits.

The services call these when a contact acts — a document's first view, a decision on a quote or a timesheet, a
comment — so the business is told the same way whichever path (the portal, the API, a signed link) the contact
took.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.actors import Actor
from portico.emails.services import absolute_url, email_enqueue

from .models import Comment, Notification


def notification_create(
    *, organization, kind: str, message: str, target: models.Model | None = None, customer=None
) -> Notification:
    """Add an entry to the organization's notification feed."""
    return Notification.objects.create(
        organization=organization,
        kind=kind,
        message=message[:500],
        customer=customer if customer is not None else getattr(target, "customer", None),
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
    )


def notification_mark_read(*, organization, notifications=None) -> int:
    """Mark notifications of the organization's feed as read (all unread ones when none are named)."""
    qs = Notification.objects.filter(organization=organization, read_at__isnull=True)
    if notifications is not None:
        qs = qs.filter(pk__in=[n.pk for n in notifications])
    return qs.update(read_at=timezone.now())


def _office_url(target: models.Model) -> str:
    """The back-office page of the record, as a link that works from an email."""
    try:
        path = reverse(f"office:{target._meta.app_label}_{target._meta.model_name}_change", args=[target.pk])
    except NoReverseMatch:
        path = reverse("office:index")
    return absolute_url(path)


def kind_label(document: models.Model) -> str:
    return str(document._meta.verbose_name)


def speaker(actor: Actor):
    """The contact who acted, with their customer and organization (loaded with the contact by the portal)."""
    if not actor.is_contact:
        raise ValueError("Only a contact's actions are news to the business.")
    contact = actor.contact
    return contact, contact.customer, contact.customer.organization


def tell_business(
    *,
    actor: Actor,
    kind: str,
    message: str,
    target: models.Model,
    email: bool,
    subject: str,
    template: str,
    context: dict,
) -> Notification:
    """A feed entry for the organization and, when ``email``, a message to its primary address on commit."""
    contact, customer, organization = speaker(actor)
    notification = notification_create(
        organization=organization, kind=kind, message=message, target=target, customer=customer
    )
    if email and organization.email:
        email_enqueue(
            to=organization.email,
            subject=subject,
            template=template,
            context={
                "contact": contact,
                "customer": customer,
                "target": target,
                "message": message,
                "office_url": _office_url(target),
                **context,
            },
            organization=organization,
            reply_to=[contact.email] if contact.email else None,
        )
    return notification


def quote_decision_notify(*, actor: Actor, quote) -> Notification:
    """Tell the business that the portal's contact accepted or declined ``quote`` (as decided just now)."""
    accepted = quote.status == quote.Status.ACCEPTED
    contact, customer, organization = speaker(actor)
    names = {
        "contact": contact.full_name,
        "customer": customer.display_name,
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
    return tell_business(
        actor=actor,
        kind=Notification.Kind.QUOTE_ACCEPTED if accepted else Notification.Kind.QUOTE_DECLINED,
        message=message,
        target=quote,
        email=organization.notify_quote_decision,
        subject=(
            _("Quote %(number)s was accepted by %(customer)s")
            if accepted
            else _("Quote %(number)s was declined by %(customer)s")
        )
        % names,
        template="quote_decided",
        context={"quote": quote, "accepted": accepted},
    )


def timesheet_decision_notify(*, actor: Actor, approval) -> Notification:
    """Tell the business that the portal's contact approved or rejected ``approval`` (as decided just now)."""
    approved = approval.status == approval.Status.APPROVED
    contact, customer, organization = speaker(actor)
    names = {
        "contact": contact.full_name,
        "customer": customer.display_name,
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
    return tell_business(
        actor=actor,
        kind=Notification.Kind.TIMESHEET_DECIDED,
        message=message,
        target=approval,
        email=organization.notify_timesheet_decision,
        subject=subject,
        template="timesheet_decided",
        context={"approval": approval, "approved": approved},
    )


def comment_notify(*, actor: Actor, comment: Comment) -> Notification:
    """Tell the business that the portal's contact commented on one of its documents."""
    target = comment.target
    contact, customer, organization = speaker(actor)
    names = {
        "contact": contact.full_name,
        "customer": customer.display_name,
        "kind": kind_label(target),
        "number": getattr(target, "number", str(target)),
    }
    return tell_business(
        actor=actor,
        kind=Notification.Kind.COMMENT_ADDED,
        message=_("%(contact)s of %(customer)s commented on %(kind)s %(number)s.") % names,
        target=target,
        email=organization.notify_comment,
        subject=_("New comment on %(kind)s %(number)s from %(customer)s") % names,
        template="comment_added",
        context={"comment": comment, "kind": names["kind"], "document": target},
    )
