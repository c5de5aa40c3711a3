"""Staff correct or delete their own side of a conversation; a contact's words stay as they were written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent, Comment, Notification
from portico.activity.notifications import notification_create, notification_mark_read
from portico.activity.services import comment_add, comment_delete, comment_update
from portico.actors import Actor
from portico.testing import SETUP, db_state, make_invoice


@pytest.fixture
def invoice(customer_a):
    return make_invoice(customer_a, "100.00")


def test_staff_corrects_a_comment_and_shows_it_in_the_portal(invoice, staff):
    comment = comment_add(
        actor=Actor.staff(staff),
        target=invoice,
        body="Chased by phone",
    )

    comment_update(
        actor=Actor.staff(staff),
        comment=comment,
        body="  Chased by phone on Monday. ",
        display_in_portal=True,
    )

    comment.refresh_from_db()
    assert (comment.body, comment.display_in_portal) == ("Chased by phone on Monday.", True)
    event = AuditEvent.objects.get(action="comment.updated")
    assert (event.object_id, event.actor_user, event.customer, event.data) == (
        invoice.pk,
        staff,
        invoice.customer,
        {"comment": comment.pk, "fields": ["body", "display_in_portal"]},
    )


def test_an_empty_body_is_refused(invoice, staff):
    comment = comment_add(
        actor=Actor.staff(staff),
        target=invoice,
        body="Chased",
    )
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        comment_update(actor=SETUP, comment=comment, body="   ")
    assert exc.value.message_dict == {"body": ["Write a comment first."]}
    assert db_state() == before
    comment.refresh_from_db()
    assert comment.body == "Chased"


def test_a_contacts_comment_cannot_be_edited_by_staff(invoice, contact_a, staff):
    comment = comment_add(
        actor=Actor.for_contact(contact_a),
        target=invoice,
        body="When is it due?",
    )
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        comment_update(actor=Actor.staff(staff), comment=comment, display_in_portal=False)
    assert exc.value.messages == [
        "This comment was written by the customer's contact; only staff comments can be changed."
    ]
    assert db_state() == before
    comment.refresh_from_db()
    assert comment.display_in_portal is True


def test_staff_deletes_their_comment(invoice, staff):
    comment = comment_add(
        actor=Actor.staff(staff),
        target=invoice,
        body="Internal note",
    )

    comment_delete(
        actor=Actor.staff(staff),
        comment=comment,
    )

    assert not Comment.objects.filter(pk=comment.pk).exists()
    event = AuditEvent.objects.get(action="comment.deleted")
    assert (event.object_id, event.actor_user, event.data) == (
        invoice.pk,
        staff,
        {"comment": comment.pk, "body": "Internal note"},
    )


def test_a_contacts_comment_cannot_be_deleted_by_staff(invoice, contact_a, staff):
    comment = comment_add(
        actor=Actor.for_contact(contact_a),
        target=invoice,
        body="Please resend",
    )
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        comment_delete(
            actor=Actor.staff(staff),
            comment=comment,
        )
    assert exc.value.messages == [
        "This comment was written by the customer's contact; only staff comments can be changed."
    ]
    assert db_state() == before
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_named_notifications_are_marked_read_and_the_others_stay_unread(org, invoice):
    first = notification_create(organization=org, kind="payment_made", message="Paid", target=invoice)
    second = notification_create(organization=org, kind="comment_added", message="Comment", target=invoice)

    assert notification_mark_read(organization=org, notifications=[first]) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    assert notification_mark_read(organization=org) == 1
    assert not Notification.objects.filter(organization=org, read_at__isnull=True).exists()


def test_another_organizations_notifications_are_never_marked_read(org, other_org):
    theirs = notification_create(organization=other_org, kind="payment_made", message="Paid")

    assert notification_mark_read(organization=org, notifications=[theirs]) == 0
    assert notification_mark_read(organization=org) == 0

    theirs.refresh_from_db()
    assert theirs.read_at is None
