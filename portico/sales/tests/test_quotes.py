"""A quote's life: sent, accepted or declined, expired, revised, converted to an invoice or a sales order."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.sales.models import Invoice, Quote, SalesOrder
from portico.sales.services.documents import document_replace_lines
from portico.sales.services.quotes import (
    quote_accept,
    quote_convert_to_invoice,
    quote_convert_to_sales_order,
    quote_decline,
    quote_mark_expired,
    quote_revise,
    quote_send,
    quotes_expire_due,
)
from portico.testing import SETUP, audit_actions, db_state, lines, make_quote, today

DAY = datetime.timedelta(days=1)


def _past_expiry(quote: Quote) -> Quote:
    """Let the quote's expiry date pass, as time does."""
    Quote.objects.filter(pk=quote.pk).update(expiry_date=today() - DAY)
    quote.refresh_from_db()
    return quote


def test_staff_sends_a_draft_quote(customer_a, staff):
    quote = make_quote(customer_a, "100.00", send=False)
    quote_send(
        actor=Actor.staff(staff),
        quote=quote,
    )
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SENT
    assert quote.sent_at is not None
    assert audit_actions(quote) == ["quote.created", "quote.sent"]
    assert AuditEvent.objects.get(action="quote.sent").actor_user == staff


def test_a_quote_whose_expiry_date_passed_cannot_be_sent(customer_a):
    quote = make_quote(customer_a, "100.00", send=False, expiry_date=today())
    _past_expiry(quote)
    before = db_state(quote)
    with pytest.raises(ValidationError) as exc:
        quote_send(actor=SETUP, quote=quote)
    assert exc.value.message_dict == {
        "expiry_date": ["The quote has already expired; move its expiry date first."]
    }
    assert db_state(quote) == before


def test_expiry_date_before_the_quote_date_is_refused(customer_a):
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        make_quote(customer_a, "1", send=False, expiry_date=today() - DAY)
    assert exc.value.message_dict == {"expiry_date": ["The expiry date cannot be before the quote date."]}
    assert db_state() == before


def test_contact_accepts_sent_quote(customer_a, contact_a):
    quote = make_quote(customer_a, "100.00", expiry_date=today())
    accepted = quote_accept(
        actor=Actor.for_contact(contact_a),
        quote=quote,
    )
    quote.refresh_from_db()
    assert accepted.status == quote.status == Quote.Status.ACCEPTED
    assert quote.decided_at is not None
    event = AuditEvent.objects.get(action="quote.accepted")
    assert (event.actor_contact, event.object_id, event.customer) == (contact_a, quote.pk, customer_a)
    assert event.data == {"version": 1, "reason": ""}


def test_contact_declines_sent_quote_with_a_reason(customer_a, contact_a):
    quote = make_quote(customer_a, "100.00")
    quote_decline(
        actor=Actor.for_contact(contact_a),
        quote=quote,
        reason="  Too expensive for this year.  ",
    )
    quote.refresh_from_db()
    assert quote.status == Quote.Status.DECLINED
    assert quote.decline_reason == "Too expensive for this year."
    event = AuditEvent.objects.get(action="quote.declined")
    assert event.data["reason"] == "Too expensive for this year."
    assert event.actor_contact == contact_a


def test_expired_quote_cannot_be_accepted(customer_a, contact_a):
    quote = _past_expiry(make_quote(customer_a, "100.00", expiry_date=today()))
    before = db_state(quote)
    with pytest.raises(ValidationError) as exc:
        quote_accept(
            actor=Actor.for_contact(contact_a),
            quote=quote,
        )
    assert exc.value.messages == ["This quote has expired and can no longer be accepted or declined."]
    assert db_state(quote) == before


def test_quote_marked_expired_cannot_be_declined(customer_a, contact_a):
    quote = make_quote(customer_a, "100.00")
    quote_mark_expired(actor=SETUP, quote=quote)
    before = db_state(quote)
    with pytest.raises(ValidationError) as exc:
        quote_decline(
            actor=Actor.for_contact(contact_a),
            quote=quote,
            reason="late",
        )
    assert exc.value.messages == ["This quote has expired and can no longer be accepted or declined."]
    assert db_state(quote) == before


def test_second_accept_is_refused(customer_a, contact_a):
    quote = make_quote(customer_a, "100.00")
    quote_accept(
        actor=Actor.for_contact(contact_a),
        quote=quote,
    )
    before = db_state(quote)
    with pytest.raises(ValidationError) as exc:
        quote_accept(
            actor=Actor.for_contact(contact_a),
            quote=quote,
        )
    assert exc.value.messages == ["This quote was already accepted."]
    assert db_state(quote) == before


def test_a_draft_quote_cannot_be_accepted(customer_a, contact_a):
    quote = make_quote(customer_a, "100.00", send=False)
    before = db_state(quote)
    with pytest.raises(ValidationError) as exc:
        quote_accept(
            actor=Actor.for_contact(contact_a),
            quote=quote,
        )
    assert exc.value.messages == ["This quote is draft; it cannot be accepted."]
    assert db_state(quote) == before


def test_accepting_a_version_that_was_revised_since_is_refused(customer_a, contact_a):
    opened = make_quote(customer_a, "100.00")  # what the contact has on screen: version 1
    quote_decline(actor=SETUP, quote=Quote.objects.get(pk=opened.pk), reason="cheaper please")
    revised = quote_revise(actor=SETUP, quote=opened)
    document_replace_lines(actor=SETUP, document=revised, lines=lines("80.00"))
    quote_send(actor=SETUP, quote=revised)
    before = db_state(opened)
    with pytest.raises(ValidationError) as exc:
        quote_accept(
            actor=Actor.for_contact(contact_a),
            quote=opened,
        )
    assert exc.value.messages == ["This quote was changed since it was opened; review the new version."]
    assert db_state(opened) == before
    current = Quote.objects.get(pk=opened.pk)
    assert (current.status, current.version, current.total) == ("sent", 2, Decimal("80.00"))
    quote_accept(
        actor=Actor.for_contact(contact_a),
        quote=current,
    )  # the new version can be accepted
    current.refresh_from_db()
    assert current.status == Quote.Status.ACCEPTED


def test_a_declined_quote_is_revised_as_a_new_draft_version(customer_a, staff):
    quote = make_quote(customer_a, "100.00")
    quote_decline(actor=SETUP, quote=quote, reason="no")
    quote_revise(
        actor=Actor.staff(staff),
        quote=quote,
    )
    quote.refresh_from_db()
    assert (quote.status, quote.version, quote.decided_at, quote.decline_reason) == (
        Quote.Status.DRAFT,
        2,
        None,
        "",
    )
    assert audit_actions(quote)[-1] == "quote.revised"
    assert AuditEvent.objects.get(action="quote.revised").data == {"version": 2}


def test_a_sent_quote_cannot_be_revised(customer_a):
    quote = make_quote(customer_a, "100.00")
    before = db_state(quote)
    with pytest.raises(ValidationError) as exc:
        quote_revise(actor=SETUP, quote=quote)
    assert exc.value.messages == ["This quote is sent; it cannot be revised."]
    assert db_state(quote) == before


def test_accepted_quote_converts_to_a_draft_invoice(customer_a, tax, staff):
    from portico.sales.services.documents import LineInput
    from portico.sales.services.quotes import quote_create

    quote = quote_create(
        actor=SETUP,
        customer=customer_a,
        date=today(),
        lines=[LineInput(description="Audit", quantity="2", rate="50.00", tax=tax, discount_percent="5")],
        notes="Thanks",
    )
    quote_send(actor=SETUP, quote=quote)
    quote_accept(actor=SETUP, quote=quote)
    invoice = quote_convert_to_invoice(
        actor=Actor.staff(staff),
        quote=quote,
    )
    quote.refresh_from_db()
    invoice.refresh_from_db()
    assert quote.status == Quote.Status.INVOICED
    assert quote.invoice == invoice
    assert invoice.status == Invoice.Status.DRAFT
    assert (invoice.total, invoice.tax_total, invoice.notes) == (quote.total, quote.tax_total, "Thanks")
    assert invoice.reference == quote.number
    line = invoice.lines.get()
    assert (line.quantity, line.rate, line.discount_percent, line.tax) == (
        Decimal("2"),
        Decimal("50"),
        Decimal("5"),
        tax,
    )
    assert audit_actions(quote)[-1] == "quote.invoiced"
    assert audit_actions(invoice) == ["invoice.created"]


def test_an_invoiced_quote_cannot_be_converted_again(customer_a):
    quote = make_quote(customer_a, "100.00")
    quote_convert_to_invoice(actor=SETUP, quote=quote)
    before = db_state(quote)
    with pytest.raises(ValidationError) as exc:
        quote_convert_to_invoice(actor=SETUP, quote=quote)
    assert exc.value.messages == ["This quote is invoiced; it cannot be converted to an invoice."]
    assert db_state(quote) == before


def test_sent_quote_converts_to_a_sales_order_and_counts_as_accepted(customer_a):
    quote = make_quote(customer_a, "40.00", "2.50")
    order = quote_convert_to_sales_order(actor=SETUP, quote=quote)
    quote.refresh_from_db()
    order.refresh_from_db()
    assert (order.status, order.total, order.number) == (
        SalesOrder.Status.DRAFT,
        Decimal("42.50"),
        "SO-00001",
    )
    assert (quote.status, quote.sales_order) == (Quote.Status.ACCEPTED, order)
    assert quote.decided_at is not None
    assert audit_actions(quote)[-1] == "quote.ordered"


def test_a_quote_gets_one_sales_order_only(customer_a):
    quote = make_quote(customer_a, "40.00")
    quote_convert_to_sales_order(actor=SETUP, quote=quote)
    before = db_state(quote)
    with pytest.raises(ValidationError) as exc:
        quote_convert_to_sales_order(actor=SETUP, quote=quote)
    assert exc.value.messages == ["This quote already has a sales order."]
    assert db_state(quote) == before


def test_a_draft_quote_cannot_be_converted(customer_a):
    quote = make_quote(customer_a, "40.00", send=False)
    before = db_state(quote)
    with pytest.raises(ValidationError) as exc:
        quote_convert_to_invoice(actor=SETUP, quote=quote)
    assert exc.value.messages == ["This quote is draft; it cannot be converted to an invoice."]
    assert db_state(quote) == before


def test_quotes_past_their_expiry_date_expire_in_their_organization_only(customer_a, other_customer):
    due = _past_expiry(make_quote(customer_a, "1", expiry_date=today()))
    still_valid = make_quote(customer_a, "1", expiry_date=today() + DAY)
    no_expiry = make_quote(customer_a, "1")
    accepted = make_quote(customer_a, "1", expiry_date=today())
    quote_accept(actor=SETUP, quote=accepted)
    _past_expiry(accepted)
    elsewhere = _past_expiry(make_quote(other_customer, "1", expiry_date=today()))

    assert quotes_expire_due(organization=customer_a.organization) == 1

    statuses = {
        q.pk: Quote.objects.get(pk=q.pk).status for q in (due, still_valid, no_expiry, accepted, elsewhere)
    }
    assert statuses == {
        due.pk: "expired",
        still_valid.pk: "sent",
        no_expiry.pk: "sent",
        accepted.pk: "accepted",
        elsewhere.pk: "sent",
    }
    assert audit_actions(due)[-1] == "quote.expired"
    assert quotes_expire_due(organization=customer_a.organization) == 0


@pytest.mark.parametrize("convert", [quote_convert_to_invoice, quote_convert_to_sales_order])
def test_a_sent_quote_past_its_expiry_date_cannot_be_converted(customer_a, convert):
    quote = _past_expiry(make_quote(customer_a, "100.00", expiry_date=today()))
    before = db_state(quote)
    with pytest.raises(ValidationError) as exc:
        convert(quote=quote, actor=SETUP)
    assert "expired" in exc.value.messages[0]
    assert "revise it" in exc.value.messages[0]
    assert db_state(quote) == before


def test_a_sent_quote_past_its_expiry_date_can_be_revised(customer_a):
    quote = _past_expiry(make_quote(customer_a, "100.00", expiry_date=today()))
    quote_revise(actor=SETUP, quote=quote)
    quote.refresh_from_db()
    assert (quote.status, quote.version) == (Quote.Status.DRAFT, 2)
