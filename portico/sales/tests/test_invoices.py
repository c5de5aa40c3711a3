"""Issuing and voiding invoices, what a person sees as their status, and the snapshot taken when sent."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.payments.credits import credit_apply
from portico.payments.services import payment_record
from portico.sales.models import Invoice
from portico.sales.selectors import customer_receivable
from portico.sales.services.invoices import invoice_send, invoice_void
from portico.testing import SETUP, audit_actions, db_state, make_credit_note, make_invoice, today

DAY = datetime.timedelta(days=1)


def test_staff_sends_a_draft_invoice_and_it_is_owed(customer_a, staff):
    invoice = make_invoice(customer_a, "120.00", "30.00", send=False)
    assert customer_receivable(customer=customer_a) == 0
    invoice_send(
        actor=Actor.staff(staff),
        invoice=invoice,
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT
    assert invoice.sent_at is not None
    assert invoice.balance_due == invoice.total == Decimal("150.00")
    assert customer_receivable(customer=customer_a) == Decimal("150.00")
    assert audit_actions(invoice) == ["invoice.created", "invoice.sent"]
    assert AuditEvent.objects.get(action="invoice.sent").actor_user == staff


def test_a_sent_invoice_cannot_be_sent_again(customer_a):
    invoice = make_invoice(customer_a, "10.00")
    before = db_state(invoice)
    with pytest.raises(ValidationError) as exc:
        invoice_send(actor=SETUP, invoice=invoice)
    assert exc.value.messages == ["This invoice is sent; it cannot be sent."]
    assert db_state(invoice) == before


def test_an_invoice_totalling_zero_cannot_be_sent(customer_a):
    invoice = make_invoice(customer_a, "0", send=False)
    before = db_state(invoice)
    with pytest.raises(ValidationError) as exc:
        invoice_send(actor=SETUP, invoice=invoice)
    assert exc.value.messages == ["A document with a total of zero cannot be sent."]
    assert db_state(invoice) == before


@pytest.mark.parametrize("send", [False, True])
def test_an_invoice_nothing_was_paid_on_is_voided(customer_a, staff, send):
    invoice = make_invoice(customer_a, "80.00", send=send)
    invoice_void(
        actor=Actor.staff(staff),
        invoice=invoice,
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.VOID, Decimal("0"))
    assert invoice.voided_at is not None
    assert customer_receivable(customer=customer_a) == 0
    assert audit_actions(invoice)[-1] == "invoice.voided"


def test_an_invoice_with_a_payment_cannot_be_voided(customer_a):
    invoice = make_invoice(customer_a, "80.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="30.00", date=today(), allocations=[(invoice, "30.00")]
    )
    before = db_state(invoice)
    with pytest.raises(ValidationError) as exc:
        invoice_void(actor=SETUP, invoice=invoice)
    assert exc.value.messages == [
        "Remove the payments and credits applied to this invoice before voiding it."
    ]
    assert db_state(invoice) == before
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.PARTIALLY_PAID, Decimal("50.00"))


def test_a_paid_invoice_cannot_be_voided(customer_a):
    invoice = make_invoice(customer_a, "80.00")
    credit_apply(actor=SETUP, source=make_credit_note(customer_a, "80.00"), invoice=invoice, amount="80.00")
    before = db_state(invoice)
    with pytest.raises(ValidationError) as exc:
        invoice_void(actor=SETUP, invoice=invoice)
    assert exc.value.messages == [
        "Remove the payments and credits applied to this invoice before voiding it."
    ]
    assert db_state(invoice) == before


def test_a_void_invoice_cannot_be_voided_again(customer_a):
    invoice = invoice_void(actor=SETUP, invoice=make_invoice(customer_a, "80.00"))
    before = db_state(invoice)
    with pytest.raises(ValidationError) as exc:
        invoice_void(actor=SETUP, invoice=invoice)
    assert exc.value.messages == ["This invoice is void; it cannot be voided."]
    assert db_state(invoice) == before


def test_an_open_invoice_past_its_due_date_shows_as_overdue(customer_a):
    invoice = make_invoice(customer_a, "50.00", date=today() - 40 * DAY, due_date=today() - DAY)
    assert invoice.status == Invoice.Status.SENT  # overdue is never stored
    assert invoice.display_status(today()) == Invoice.Status.OVERDUE
    assert invoice.display_status(today() - DAY) == Invoice.Status.SENT  # due today is not overdue yet
    payment_record(
        actor=SETUP, customer=customer_a, amount="10.00", date=today(), allocations=[(invoice, "10.00")]
    )
    invoice.refresh_from_db()
    assert invoice.display_status(today()) == Invoice.Status.OVERDUE
    payment_record(
        actor=SETUP, customer=customer_a, amount="40.00", date=today(), allocations=[(invoice, "40.00")]
    )
    invoice.refresh_from_db()
    assert invoice.display_status(today()) == Invoice.Status.PAID


def test_drafts_and_void_invoices_are_never_overdue(customer_a):
    draft = make_invoice(customer_a, "50.00", send=False, date=today() - 40 * DAY, due_date=today() - DAY)
    void = invoice_void(
        actor=SETUP, invoice=make_invoice(customer_a, "5", date=today() - 40 * DAY, due_date=today() - DAY)
    )
    assert draft.display_status(today()) == Invoice.Status.DRAFT
    assert void.display_status(today()) == Invoice.Status.VOID


def test_sending_copies_the_customers_address_as_it_is_then(customer_a):
    invoice = make_invoice(customer_a, "50.00", send=False)
    customer_a.billing_address = "2 New Road\nShelbyville"
    customer_a.company_name = "Customer A Holdings"
    customer_a.save()
    invoice_send(actor=SETUP, invoice=invoice)

    customer_a.billing_address = "3 Later Lane\nCapital City"
    customer_a.company_name = "Renamed Again"
    customer_a.save()
    invoice.refresh_from_db()
    assert invoice.billing_address == "2 New Road\nShelbyville"
    assert invoice.customer_name == "Customer A Holdings"
