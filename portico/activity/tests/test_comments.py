"""Comments on documents: by staff or by a contact of the document's customer, shown in the portal or not."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent, Comment
from portico.activity.selectors import comments_for
from portico.activity.services import comment_add
from portico.actors import Actor
from portico.testing import SETUP, ContactPersonFactory, db_state, make_invoice, make_quote


@pytest.fixture
def invoice(customer_a):
    return make_invoice(customer_a, "100.00")


def test_staff_comments_on_an_invoice_hidden_from_the_portal_by_default(invoice, staff):
    comment = comment_add(
        actor=Actor.staff(staff),
        target=invoice,
        body="  Chased by phone.  ",
    )
    comment.refresh_from_db()
    assert (comment.body, comment.author_user, comment.display_in_portal) == (
        "Chased by phone.",
        staff,
        False,
    )
    assert (comment.organization, comment.customer, comment.target) == (
        invoice.organization,
        invoice.customer,
        invoice,
    )
    event = AuditEvent.objects.get(action="comment.added")
    assert (event.object_id, event.actor_user, event.data) == (invoice.pk, staff, {"comment": comment.pk})


def test_staff_comment_displayed_in_portal_reaches_the_customer(invoice, staff):
    hidden = comment_add(
        actor=Actor.staff(staff),
        target=invoice,
        body="internal note",
    )
    shown = comment_add(
        actor=Actor.staff(staff), target=invoice, body="We received your cheque.", display_in_portal=True
    )
    assert list(comments_for(target=invoice)) == [hidden, shown]
    assert list(comments_for(target=invoice, portal=True)) == [shown]


def test_contact_comments_and_the_comment_is_always_shown_in_the_portal(customer_a, contact_a, staff):
    quote = make_quote(customer_a, "10.00")
    comment = comment_add(
        actor=Actor.for_contact(contact_a),
        target=quote,
        body="Can we start in May?",
    )
    assert comment.display_in_portal is True
    assert comment.author_name == contact_a.full_name
    assert list(comments_for(target=quote, portal=True)) == [comment]
    assert AuditEvent.objects.get(action="comment.added").actor_contact == contact_a


def test_comments_of_one_document_do_not_show_on_another(customer_a, invoice, staff):
    other = make_invoice(customer_a, "5.00")
    comment_add(actor=Actor.staff(staff), target=other, body="about the other one", display_in_portal=True)
    assert list(comments_for(target=invoice, portal=True)) == []


def _refused(target, message, **kwargs):
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        comment_add(target=target, **kwargs)
    assert exc.value.messages == [message]
    assert db_state() == before
    assert not Comment.objects.exists()


def test_a_contact_of_another_customer_cannot_comment(invoice, contact_b):
    _refused(
        invoice,
        "This contact cannot comment on another customer's documents.",
        body="hi",
        actor=Actor.for_contact(contact_b),
    )


def test_a_contact_of_another_organization_cannot_comment(invoice, other_customer):
    outsider = ContactPersonFactory(customer=other_customer, email="out@other.test")
    _refused(
        invoice,
        "This contact cannot comment on another customer's documents.",
        body="hi",
        actor=Actor.for_contact(outsider),
    )


def test_an_empty_comment_is_refused(invoice, staff):
    _refused(invoice, "Write a comment first.", body="   \n ", actor=Actor.staff(staff))


def test_a_comment_too_long_is_refused(invoice, staff):
    _refused(
        invoice, "A comment can be at most 5,000 characters long.", body="x" * 5001, actor=Actor.staff(staff)
    )


def test_only_staff_or_a_contact_can_write_a_comment(invoice):
    _refused(invoice, "Comments are written by staff or by the customer's contacts.", body="hi", actor=SETUP)


def test_records_that_take_no_comments_are_refused(customer_a, staff):
    _refused(
        customer_a, "Comments cannot be added to this kind of record.", body="hi", actor=Actor.staff(staff)
    )


def test_staff_of_another_organization_cannot_comment(invoice, other_staff):
    _refused(
        invoice,
        "Only staff of the document's organization can comment on it.",
        body="hi",
        actor=Actor.staff(other_staff),
    )
