"""Credit notes: issued, applied to the customer's invoices, refunded, voided."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.customers.models import Customer
from portico.overview import customer_available_credits
from portico.payments.credits import credit_apply
from portico.payments.models import Refund
from portico.payments.services import refund_create
from portico.sales.models import CreditApplication, CreditNote, Invoice
from portico.sales.selectors import customer_receivable
from portico.sales.services.invoices import credit_note_create, credit_note_open, credit_note_void
from portico.testing import SETUP, audit_actions, db_state, lines, make_credit_note, make_invoice, today


def test_staff_opens_a_draft_credit_note_and_it_is_available_credit(customer_a, staff):
    credit_note = make_credit_note(customer_a, "60.00", open_it=False)
    assert customer_available_credits(customer=customer_a) == 0
    credit_note_open(
        actor=Actor.staff(staff),
        credit_note=credit_note,
    )
    credit_note.refresh_from_db()
    assert (credit_note.status, credit_note.balance) == (CreditNote.Status.OPEN, Decimal("60.00"))
    assert customer_available_credits(customer=customer_a) == Decimal("60.00")
    assert audit_actions(credit_note) == ["creditnote.created", "creditnote.opened"]


def test_credit_is_applied_to_an_invoice_of_the_same_customer(customer_a, staff):
    invoice = make_invoice(customer_a, "100.00")
    credit_note = make_credit_note(customer_a, "60.00")

    application = credit_apply(
        actor=Actor.staff(staff),
        source=credit_note,
        invoice=invoice,
        amount="40.00",
    )

    invoice.refresh_from_db()
    credit_note.refresh_from_db()
    assert (application.amount, application.invoice, application.date) == (Decimal("40.00"), invoice, today())
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.PARTIALLY_PAID, Decimal("60.00"))
    assert (credit_note.status, credit_note.balance) == (CreditNote.Status.OPEN, Decimal("20.00"))
    assert customer_receivable(customer=customer_a) == Decimal("60.00")
    assert customer_available_credits(customer=customer_a) == Decimal("20.00")
    event = AuditEvent.objects.get(action="creditnote.applied")
    assert (event.object_id, event.actor_user, event.data) == (
        invoice.pk,
        staff,
        {"credit_note": credit_note.number, "document": invoice.number, "amount": "40.00"},
    )

    credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount="20.00")
    credit_note.refresh_from_db()
    invoice.refresh_from_db()
    assert (credit_note.status, credit_note.balance) == (CreditNote.Status.CLOSED, Decimal("0"))
    assert invoice.balance_due == Decimal("40.00")


def _refused_apply(credit_note, invoice, amount, message):
    before = db_state(credit_note, invoice)
    with pytest.raises(ValidationError) as exc:
        credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount=amount)
    assert exc.value.messages == [message]
    assert db_state(credit_note, invoice) == before


def test_credit_cannot_be_applied_to_another_customers_invoice(customer_a, customer_b):
    invoice_b = make_invoice(customer_b, "100.00")
    credit_note = make_credit_note(customer_a, "60.00")
    _refused_apply(credit_note, invoice_b, "10.00", f"{invoice_b.number} belongs to another customer.")


def test_credit_cannot_be_applied_to_another_organizations_invoice(customer_a, other_customer):
    invoice = make_invoice(other_customer, "100.00")
    credit_note = make_credit_note(customer_a, "60.00")
    _refused_apply(credit_note, invoice, "10.00", f"{invoice.number} belongs to another customer.")


def test_credit_beyond_the_invoices_balance_is_refused(customer_a):
    invoice = make_invoice(customer_a, "30.00")
    credit_note = make_credit_note(customer_a, "60.00")
    _refused_apply(credit_note, invoice, "30.01", f"$30.01 is more than the $30.00 due on {invoice.number}.")


def test_credit_beyond_what_the_note_has_left_is_refused(customer_a):
    invoice = make_invoice(customer_a, "100.00")
    credit_note = make_credit_note(customer_a, "60.00")
    credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount="50.00")
    _refused_apply(credit_note, invoice, "10.01", f"Credit note {credit_note.number} has only $10.00 left.")


def test_credit_in_another_currency_is_refused(customer_a):
    invoice = make_invoice(customer_a, "100.00")  # USD
    # The customer's currency changed since (as imported data can have it): new documents are in EUR.
    Customer.objects.filter(pk=customer_a.pk).update(currency="EUR")
    customer_a.refresh_from_db()
    credit_note = make_credit_note(customer_a, "60.00")
    assert credit_note.currency == "EUR"
    _refused_apply(credit_note, invoice, "10.00", f"{invoice.number} is in USD, not EUR.")


def test_credit_for_a_draft_invoice_is_refused(customer_a):
    invoice = make_invoice(customer_a, "100.00", send=False)
    credit_note = make_credit_note(customer_a, "60.00")
    _refused_apply(
        credit_note,
        invoice,
        "10.00",
        f"{invoice.number} is draft; only sent or partially paid invoices can be paid.",
    )


def test_a_draft_credit_note_cannot_be_applied(customer_a):
    invoice = make_invoice(customer_a, "100.00")
    credit_note = make_credit_note(customer_a, "60.00", open_it=False)
    _refused_apply(credit_note, invoice, "10.00", "This credit note is draft; it cannot be applied.")


def test_a_credit_note_for_another_customers_invoice_is_refused(customer_a, customer_b):
    invoice_b = make_invoice(customer_b, "100.00")
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        credit_note_create(
            actor=SETUP, customer=customer_a, date=today(), lines=lines("5"), invoice=invoice_b
        )
    assert exc.value.message_dict == {"invoice": ["This invoice belongs to another customer."]}
    assert db_state() == before


def test_credit_left_on_a_note_is_refunded_and_the_note_closes(customer_a, staff):
    credit_note = make_credit_note(customer_a, "60.00")
    refund = refund_create(
        actor=Actor.staff(staff),
        source=credit_note,
        amount="25.00",
        date=today(),
        reference="chq 12",
    )
    credit_note.refresh_from_db()
    assert (refund.amount, refund.credit_note, refund.number, refund.currency) == (
        Decimal("25.00"),
        credit_note,
        "RF-00001",
        "USD",
    )
    assert (credit_note.status, credit_note.balance) == (CreditNote.Status.OPEN, Decimal("35.00"))
    assert audit_actions(refund) == ["refund.created"]

    refund_create(actor=SETUP, source=credit_note, amount="35.00", date=today())
    credit_note.refresh_from_db()
    assert (credit_note.status, credit_note.balance) == (CreditNote.Status.CLOSED, Decimal("0"))
    assert customer_available_credits(customer=customer_a) == 0

    before = db_state(credit_note)
    with pytest.raises(ValidationError) as exc:
        refund_create(actor=SETUP, source=credit_note, amount="1.00", date=today())
    assert exc.value.messages == ["This credit note is closed; it cannot be refunded."]
    assert db_state(credit_note) == before


def test_an_unused_credit_note_is_voided(customer_a, staff):
    credit_note = make_credit_note(customer_a, "60.00")
    credit_note_void(
        actor=Actor.staff(staff),
        credit_note=credit_note,
    )
    credit_note.refresh_from_db()
    assert (credit_note.status, credit_note.balance) == (CreditNote.Status.VOID, Decimal("0"))
    assert customer_available_credits(customer=customer_a) == 0
    assert audit_actions(credit_note)[-1] == "creditnote.voided"


def test_a_credit_note_already_applied_cannot_be_voided(customer_a):
    invoice = make_invoice(customer_a, "100.00")
    credit_note = make_credit_note(customer_a, "60.00")
    credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount="10.00")
    before = db_state(credit_note, invoice)
    with pytest.raises(ValidationError) as exc:
        credit_note_void(actor=SETUP, credit_note=credit_note)
    assert exc.value.messages == ["This credit note has been applied or refunded; it cannot be voided."]
    assert db_state(credit_note, invoice) == before
    assert CreditApplication.objects.count() == 1
    assert Refund.objects.count() == 0
