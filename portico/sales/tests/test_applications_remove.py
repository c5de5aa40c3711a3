"""Taking back credit or retainer applied to an invoice: both sides are settled again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.payments.credits import credit_apply, credit_remove
from portico.payments.services import payment_record
from portico.sales.models import CreditApplication, CreditNote, Invoice, RetainerApplication, RetainerInvoice
from portico.sales.services.invoices import invoice_void
from portico.testing import (
    SETUP,
    audit_actions,
    db_state,
    make_credit_note,
    make_invoice,
    make_retainer,
    today,
)


def test_credit_taken_back_from_an_invoice_is_owed_again_and_offered_again(customer_a, staff):
    credit_note = make_credit_note(customer_a, "40.00")
    invoice = make_invoice(customer_a, "40.00")
    application = credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount="40.00")

    credit_remove(
        actor=Actor.staff(staff),
        use=application,
    )

    credit_note.refresh_from_db()
    invoice.refresh_from_db()
    assert not CreditApplication.objects.filter(pk=application.pk).exists()
    assert (credit_note.status, credit_note.balance) == (CreditNote.Status.OPEN, Decimal("40.00"))
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.SENT, Decimal("40.00"))
    assert audit_actions(invoice)[-1] == "creditnote.unapplied"
    event = AuditEvent.objects.get(action="creditnote.unapplied")
    assert (event.actor_user, event.customer, event.data) == (
        staff,
        customer_a,
        {"credit_note": credit_note.number, "document": invoice.number, "amount": "40.00"},
    )


def test_credit_taken_back_lets_the_invoice_be_voided(customer_a):
    credit_note = make_credit_note(customer_a, "10.00")
    invoice = make_invoice(customer_a, "40.00")
    application = credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount="10.00")
    credit_remove(actor=SETUP, use=application)

    invoice_void(actor=SETUP, invoice=invoice)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID


def test_a_credit_application_already_removed_cannot_be_removed_again(customer_a):
    credit_note = make_credit_note(customer_a, "40.00")
    invoice = make_invoice(customer_a, "40.00")
    application = credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount="15.00")
    credit_remove(actor=SETUP, use=application)
    before = db_state(credit_note, invoice)
    with pytest.raises(ValidationError, match=r"This credit was already taken back\."):
        credit_remove(actor=SETUP, use=application)
    assert db_state(credit_note, invoice) == before


def test_retainer_taken_back_from_an_invoice_is_available_again(customer_a, staff):
    retainer = make_retainer(customer_a, "60.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="60.00", date=today(), allocations=[(retainer, "60.00")]
    )
    invoice = make_invoice(customer_a, "100.00")
    application = credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount="60.00")

    credit_remove(
        actor=Actor.staff(staff),
        use=application,
    )

    retainer.refresh_from_db()
    invoice.refresh_from_db()
    assert not RetainerApplication.objects.filter(pk=application.pk).exists()
    assert (retainer.status, retainer.retainer_available) == (RetainerInvoice.Status.PAID, Decimal("60.00"))
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.SENT, Decimal("100.00"))
    event = AuditEvent.objects.get(action="retainer.unapplied")
    assert (event.object_id, event.actor_user, event.data) == (
        invoice.pk,
        staff,
        {"retainer": retainer.number, "document": invoice.number, "amount": "60.00"},
    )


def test_a_retainer_application_already_removed_cannot_be_removed_again(customer_a):
    retainer = make_retainer(customer_a, "60.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="60.00", date=today(), allocations=[(retainer, "60.00")]
    )
    invoice = make_invoice(customer_a, "100.00")
    application = credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount="20.00")
    credit_remove(actor=SETUP, use=application)
    before = db_state(retainer, invoice)
    with pytest.raises(ValidationError, match=r"This credit was already taken back\."):
        credit_remove(actor=SETUP, use=application)
    assert db_state(retainer, invoice) == before


def test_the_database_refuses_a_credit_note_balance_above_its_total(customer_a):
    credit_note = make_credit_note(customer_a, "40.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditNote.objects.filter(pk=credit_note.pk).update(balance=Decimal("40.01"))
    credit_note.refresh_from_db()
    assert credit_note.balance == Decimal("40.00")
