"""Writes for the activity trail: audit events, comments and notifications."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .models import AuditEvent, Comment, Notification

#: Models a comment can be attached to, as "app_label.model".
COMMENTABLE = {
    "sales.quote",
    "sales.invoice",
    "sales.retainerinvoice",
    "sales.salesorder",
    "projects.project",
    "projects.timesheetapproval",
}


def audit_record(
    *,
    organization,
    action: str,
    target: models.Model | None = None,
    actor_user=None,
    actor_contact=None,
    customer=None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Record who did what. Call it inside the transaction of the change it describes."""
    if customer is None and target is not None:
        customer = getattr(target, "customer", None)
    return AuditEvent.objects.create(
        organization=organization,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        object_repr=str(target)[:200] if target is not None else "",
        actor_user=actor_user if getattr(actor_user, "is_authenticated", False) else None,
        actor_contact=actor_contact,
        customer=customer,
        data=data or {},
        ip_address=ip_address,
    )


def _clean_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > 5000:
        raise ValidationError({"body": _("A comment can be at most 5,000 characters long.")})
    return body


def comment_add(
    *, target: models.Model, body: str, author_user=None, author_contact=None, display_in_portal: bool = False
) -> Comment:
    """Add a comment to a document, by a staff user or a contact person of the document's customer."""
    label = f"{target._meta.app_label}.{target._meta.model_name}"
    if label not in COMMENTABLE:
        raise ValidationError(_("Comments cannot be added to this kind of record."))
    body = _clean_body(body)
    if (author_user is None) == (author_contact is None):
        raise ValidationError(_("A comment has exactly one author."))
    if author_user is not None:
        from portico.organizations.models import Membership

        if not Membership.objects.filter(organization_id=target.organization_id, user=author_user).exists():
            raise ValidationError(_("Only staff of the document's organization can comment on it."))
    if author_contact is not None:
        if author_contact.customer_id != target.customer_id:
            raise ValidationError(_("This contact cannot comment on another customer's documents."))
        display_in_portal = True  # a contact's own comment is always visible to their customer
    with transaction.atomic():
        comment = Comment.objects.create(
            organization=target.organization,
            customer=target.customer,
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            author_user=author_user,
            author_contact=author_contact,
            body=body,
            display_in_portal=display_in_portal,
        )
        audit_record(
            organization=target.organization,
            action="comment.added",
            target=target,
            actor_user=author_user,
            actor_contact=author_contact,
            data={"comment": comment.pk},
        )
    return comment


def _lock_staff_comment(comment: Comment) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_contact_id is not None:
        raise ValidationError(
            _("This comment was written by the customer's contact; only staff comments can be changed.")
        )
    return comment


def comment_update(
    *, comment: Comment, actor=None, body: str | None = None, display_in_portal: bool | None = None
) -> Comment:
    """Correct a staff comment's text, or show or hide it in the portal."""
    with transaction.atomic():
        comment = _lock_staff_comment(comment)
        changed = []
        if body is not None:
            comment.body = _clean_body(body)
            changed.append("body")
        if display_in_portal is not None:
            comment.display_in_portal = bool(display_in_portal)
            changed.append("display_in_portal")
        if changed:
            comment.save(update_fields=changed)
        audit_record(
            organization=comment.organization,
            action="comment.updated",
            target=comment.target,
            customer=comment.customer,
            actor_user=actor,
            data={"comment": comment.pk, "fields": changed},
        )
    return comment


def comment_delete(*, comment: Comment, actor=None) -> None:
    """Delete a staff comment; a contact's comment stays, as part of what the customer said."""
    with transaction.atomic():
        comment = _lock_staff_comment(comment)
        audit_record(
            organization=comment.organization,
            action="comment.deleted",
            target=comment.target,
            customer=comment.customer,
            actor_user=actor,
            data={"comment": comment.pk, "body": comment.body[:200]},
        )
        comment.delete()


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
    from django.utils import timezone

    qs = Notification.objects.filter(organization=organization, read_at__isnull=True)
    if notifications is not None:
        qs = qs.filter(pk__in=[n.pk for n in notifications])
    return qs.update(read_at=timezone.now())
