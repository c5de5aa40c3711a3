"""Correcting recorded money: editing a payment, taking back one allocation, deleting a refund."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.payments.credits import credit_apply, credit_remove
from portico.payments.models import CustomerPayment, PaymentAllocation, Refund
from portico.payments.services import payment_record, payment_update, refund_create, refund_delete
from portico.sales.models import CreditNote, Invoice, RetainerInvoice
from portico.testing import (
    SETUP,
    audit_actions,
    db_state,
    make_credit_note,
    make_invoice,
    make_retainer,
    today,
)

# --- payment_update ------------------------------------------------------------------------------------------


def test_staff_corrects_an_offline_payments_details(customer_a, staff):
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="100.00", date=today(), reference="chq 1"
    )
    new_date = today() - datetime.timedelta(days=2)

    payment_update(
        actor=Actor.staff(staff),
        payment=payment,
        date=new_date,
        mode="check",
        reference="  chq 12  ",
        notes="Deposited late",
        bank_charges="1.50",
    )

    payment.refresh_from_db()
    assert (payment.date, payment.mode, payment.reference, payment.notes, payment.bank_charges) == (
        new_date,
        "check",
        "chq 12",
        "Deposited late",
        Decimal("1.50"),
    )
    assert (payment.amount, payment.unused_amount) == (Decimal("100.00"), Decimal("100.00"))
    event = AuditEvent.objects.get(action="payment.updated")
    assert (event.object_id, event.actor_user, event.customer) == (payment.pk, staff, customer_a)
    assert event.data == {"fields": ["bank_charges", "date", "mode", "notes", "reference"]}


def test_a_payments_amount_cannot_be_edited(customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="100.00", date=today())
    before = db_state(payment)
    # The service has no such argument: the call itself is refused, before anything is read or written.
    with pytest.raises(TypeError, match="amount"):
        payment_update(actor=SETUP, payment=payment, amount="90.00")
    assert db_state(payment) == before


def test_bank_charges_above_the_amount_received_are_refused(customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="100.00", date=today())
    before = db_state(payment)
    with pytest.raises(ValidationError) as exc:
        payment_update(actor=SETUP, payment=payment, bank_charges="100.01")
    assert exc.value.message_dict == {
        "bank_charges": ["Bank charges cannot be more than the amount received."]
    }
    assert db_state(payment) == before


def test_negative_bank_charges_are_refused(customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="100.00", date=today())
    before = db_state(payment)
    with pytest.raises(ValidationError) as exc:
        payment_update(actor=SETUP, payment=payment, bank_charges="-1.00")
    assert exc.value.message_dict == {"bank_charges": ["The amount cannot be negative."]}
    assert db_state(payment) == before


def test_an_unknown_payment_mode_is_refused(customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="100.00", date=today())
    before = db_state(payment)
    with pytest.raises(ValidationError) as exc:
        payment_update(actor=SETUP, payment=payment, mode="barter")
    assert exc.value.message_dict == {"mode": ["Choose a payment mode."]}
    assert db_state(payment) == before


def test_an_online_payment_cannot_be_edited(customer_a):
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="100.00", date=today(), is_online=True, gateway="sandbox"
    )
    before = db_state(payment)
    with pytest.raises(ValidationError) as exc:
        payment_update(actor=SETUP, payment=payment, reference="changed")
    assert exc.value.messages == ["An online payment cannot be edited; its details come from the gateway."]
    assert db_state(payment) == before
    payment.refresh_from_db()
    assert payment.reference == ""


# --- payment_unallocate --------------------------------------------------------------------------------------


def test_an_allocation_taken_back_makes_the_invoice_owe_again_and_the_money_available(customer_a, staff):
    invoice = make_invoice(customer_a, "100.00")
    other = make_invoice(customer_a, "50.00")
    payment = payment_record(
        actor=SETUP,
        customer=customer_a,
        amount="150.00",
        date=today(),
        allocations=[(invoice, "100.00"), (other, "50.00")],
    )
    allocation = PaymentAllocation.objects.get(invoice=invoice)

    credit_remove(
        actor=Actor.staff(staff),
        use=allocation,
    )

    payment.refresh_from_db()
    invoice.refresh_from_db()
    other.refresh_from_db()
    assert not PaymentAllocation.objects.filter(pk=allocation.pk).exists()
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.SENT, Decimal("100.00"))
    assert (other.status, other.balance_due) == (Invoice.Status.PAID, Decimal("0"))
    assert payment.unused_amount == Decimal("100.00")
    event = AuditEvent.objects.get(action="payment.unallocated")
    assert (event.object_id, event.actor_user, event.data) == (
        payment.pk,
        staff,
        {"payment": payment.number, "document": invoice.number, "amount": "100.00"},
    )


def test_an_unused_retainer_payment_is_taken_back(customer_a):
    retainer = make_retainer(customer_a, "60.00")
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="60.00", date=today(), allocations=[(retainer, "60.00")]
    )

    credit_remove(actor=SETUP, use=payment.allocations.get())

    retainer.refresh_from_db()
    payment.refresh_from_db()
    assert (retainer.status, retainer.balance_due, retainer.retainer_available) == (
        RetainerInvoice.Status.SENT,
        Decimal("60.00"),
        Decimal("0"),
    )
    assert payment.unused_amount == Decimal("60.00")
    assert audit_actions(payment)[-1] == "payment.unallocated"


def test_a_retainer_payment_already_applied_cannot_be_taken_back(customer_a):
    retainer = make_retainer(customer_a, "60.00")
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="60.00", date=today(), allocations=[(retainer, "60.00")]
    )
    invoice = make_invoice(customer_a, "100.00")
    credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount="25.00")
    before = db_state(retainer, payment, invoice)

    with pytest.raises(ValidationError) as exc:
        credit_remove(actor=SETUP, use=payment.allocations.get())

    assert exc.value.messages == [
        f"The retainer paid on {retainer.number} was already applied or refunded; only $35.00 of it is "
        "unused. Remove those applications or refunds first."
    ]
    assert db_state(retainer, payment, invoice) == before


def test_a_retainer_payment_partly_refunded_cannot_be_taken_back(customer_a):
    retainer = make_retainer(customer_a, "60.00")
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="60.00", date=today(), allocations=[(retainer, "60.00")]
    )
    refund_create(actor=SETUP, source=retainer, amount="0.01", date=today())
    before = db_state(retainer, payment)

    with pytest.raises(ValidationError) as exc:
        credit_remove(actor=SETUP, use=payment.allocations.get())

    assert exc.value.messages == [
        f"The retainer paid on {retainer.number} was already applied or refunded; only $59.99 of it is "
        "unused. Remove those applications or refunds first."
    ]
    assert db_state(retainer, payment) == before


# --- refund_delete -------------------------------------------------------------------------------------------


def test_deleting_a_payment_refund_makes_its_amount_available_again(customer_a, staff):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="100.00", date=today())
    refund = refund_create(actor=SETUP, source=payment, amount="30.00", date=today())

    refund_delete(
        actor=Actor.staff(staff),
        refund=refund,
    )

    payment.refresh_from_db()
    assert payment.unused_amount == Decimal("100.00")
    assert not Refund.objects.filter(pk=refund.pk).exists()
    event = AuditEvent.objects.get(action="refund.deleted")
    assert (event.object_id, event.actor_user, event.customer, event.data) == (
        refund.pk,
        staff,
        customer_a,
        {"number": refund.number, "source": payment.number, "amount": "30.00"},
    )


def test_deleting_a_credit_note_refund_reopens_the_closed_note(customer_a):
    credit_note = make_credit_note(customer_a, "20.00")
    refund = refund_create(actor=SETUP, source=credit_note, amount="20.00", date=today())
    credit_note.refresh_from_db()
    assert credit_note.status == CreditNote.Status.CLOSED

    refund_delete(actor=SETUP, refund=refund)

    credit_note.refresh_from_db()
    assert (credit_note.status, credit_note.balance) == (CreditNote.Status.OPEN, Decimal("20.00"))
    assert audit_actions(refund) == ["refund.created", "refund.deleted"]


def test_deleting_a_retainer_refund_makes_the_retainer_available_again(customer_a):
    retainer = make_retainer(customer_a, "60.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="60.00", date=today(), allocations=[(retainer, "60.00")]
    )
    refund = refund_create(actor=SETUP, source=retainer, amount="40.00", date=today())

    refund_delete(actor=SETUP, refund=refund)

    retainer.refresh_from_db()
    assert (retainer.status, retainer.retainer_available) == (RetainerInvoice.Status.PAID, Decimal("60.00"))


def test_a_refund_already_deleted_cannot_be_deleted_again(customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="100.00", date=today())
    refund = refund_create(actor=SETUP, source=payment, amount="30.00", date=today())
    refund_delete(actor=SETUP, refund=refund)
    before = db_state(payment)
    with pytest.raises(ValidationError, match=r"This refund was already deleted\."):
        refund_delete(actor=SETUP, refund=refund)
    assert db_state(payment) == before
    assert CustomerPayment.objects.get(pk=payment.pk).unused_amount == Decimal("100.00")
