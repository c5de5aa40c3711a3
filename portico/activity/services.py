"""Writes for the activity trail: audit events, comments and notifications."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from portico.actors import Actor
from portico.organizations.models import Membership

from .models import AuditEvent, Comment
from .notifications import comment_notify

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
    actor: Actor,
    target: models.Model | None = None,
    customer=None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record who did what. Call it inside the transaction of the change it describes."""
    if not isinstance(actor, Actor):
        raise TypeError("audit_record needs the Actor who made the change.")
    if customer is None and target is not None:
        customer = getattr(target, "customer", None)
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        organization=organization,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        object_repr=str(target)[:200] if target is not None else "",
        actor_kind=str(actor.kind),
        actor_name=actor.label[:200],
        actor_user=user,
        actor_contact=actor.contact,
        customer=customer,
        data=data or {},
        ip_address=actor.ip_address,
    )


def _clean_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if "\x00" in body:
        raise ValidationError(
            {"body": _("The comment contains a NUL character, which cannot be saved; remove it.")}
        )
    if len(body) > 5000:
        raise ValidationError({"body": _("A comment can be at most 5,000 characters long.")})
    return body


def comment_add(*, actor: Actor, target: models.Model, body: str, display_in_portal: bool = False) -> Comment:
    """Add a comment to a document, by its organization's staff or a contact person of its customer.

    A contact's comment is always shown to their customer, and the business is told of it.
    """
    label = f"{target._meta.app_label}.{target._meta.model_name}"
    if label not in COMMENTABLE:
        raise ValidationError(_("Comments cannot be added to this kind of record."))
    body = _clean_body(body)
    if actor.is_staff:
        if not Membership.objects.filter(organization_id=target.organization_id, user=actor.user).exists():
            raise ValidationError(_("Only staff of the document's organization can comment on it."))
    elif actor.is_contact:
        if actor.contact.customer_id != target.customer_id:
            raise ValidationError(_("This contact cannot comment on another customer's documents."))
        display_in_portal = True  # a contact's own comment is always visible to their customer
    else:
        raise ValidationError(_("Comments are written by staff or by the customer's contacts."))
    with transaction.atomic():
        comment = Comment.objects.create(
            organization=target.organization,
            customer=target.customer,
            target=target,  # keeps the document, so telling the business reads it without a query
            author_user=actor.user if actor.is_staff else None,
            author_contact=actor.contact,
            body=body,
            display_in_portal=display_in_portal,
        )
        audit_record(
            organization=target.organization,
            action="comment.added",
            target=target,
            actor=actor,
            data={"comment": comment.pk},
        )
        if actor.is_contact:
            comment_notify(actor=actor, comment=comment)
    return comment


def _lock_staff_comment(comment: Comment) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_contact_id is not None:
        raise ValidationError(
            _("This comment was written by the customer's contact; only staff comments can be changed.")
        )
    return comment


def comment_update(
    *, comment: Comment, actor: Actor, body: str | None = None, display_in_portal: bool | None = None
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
            actor=actor,
            data={"comment": comment.pk, "fields": changed},
        )
    return comment


def comment_delete(*, comment: Comment, actor: Actor) -> None:
    """Delete a staff comment; a contact's comment stays, as part of what the customer said."""
    with transaction.atomic():
        comment = _lock_staff_comment(comment)
        audit_record(
            organization=comment.organization,
            action="comment.deleted",
            target=comment.target,
            customer=comment.customer,
            actor=actor,
            data={"comment": comment.pk, "body": comment.body[:200]},
        )
        comment.delete()
