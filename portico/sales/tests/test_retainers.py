"""Retainer invoices: paid in advance, the payment becomes retainer credit, applied to invoices or refunded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.actors import Actor
from portico.overview import customer_available_credits
from portico.payments.credits import credit_apply
from portico.payments.services import payment_delete, payment_record, refund_create
from portico.sales.models import Invoice, RetainerInvoice
from portico.sales.selectors import (
    customer_available_retainer,
    customer_outstanding_retainers,
    customer_receivable,
)
from portico.sales.services.invoices import retainer_invoice_void
from portico.testing import SETUP, audit_actions, db_state, make_invoice, make_retainer, today


def test_retainer_paid_applied_to_an_invoice_and_the_rest_refunded(customer_a, staff):
    retainer = make_retainer(customer_a, "500.00")
    assert customer_outstanding_retainers(customer=customer_a) == Decimal("500.00")

    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="500.00", date=today(), allocations=[(retainer, "500.00")]
    )
    retainer.refresh_from_db()
    payment.refresh_from_db()
    assert (retainer.status, retainer.balance_due, retainer.retainer_available) == (
        RetainerInvoice.Status.PAID,
        Decimal("0"),
        Decimal("500.00"),
    )
    assert payment.unused_amount == 0  # the money is retainer credit, not payment credit
    assert customer_outstanding_retainers(customer=customer_a) == 0
    assert customer_available_retainer(customer=customer_a) == Decimal("500.00")
    assert customer_available_credits(customer=customer_a) == 0

    invoice = make_invoice(customer_a, "320.00")
    application = credit_apply(
        actor=Actor.staff(staff),
        source=retainer,
        invoice=invoice,
        amount="320.00",
    )
    invoice.refresh_from_db()
    retainer.refresh_from_db()
    assert application.amount == Decimal("320.00")
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.PAID, Decimal("0"))
    assert retainer.retainer_available == Decimal("180.00")
    assert customer_available_retainer(customer=customer_a) == Decimal("180.00")
    assert customer_receivable(customer=customer_a) == 0
    assert audit_actions(invoice)[-1] == "retainer.applied"

    refund = refund_create(
        actor=Actor.staff(staff),
        source=retainer,
        amount="180.00",
        date=today(),
    )
    retainer.refresh_from_db()
    assert (refund.retainer_invoice, refund.amount) == (retainer, Decimal("180.00"))
    assert retainer.retainer_available == 0
    assert retainer.status == RetainerInvoice.Status.PAID  # refunding credit does not reopen what was paid
    assert customer_available_retainer(customer=customer_a) == 0
    assert audit_actions(refund) == ["refund.created"]


def test_a_partly_paid_retainer_offers_only_what_was_paid(customer_a):
    retainer = make_retainer(customer_a, "500.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="200.00", date=today(), allocations=[(retainer, "200.00")]
    )
    retainer.refresh_from_db()
    assert (retainer.status, retainer.balance_due, retainer.retainer_available) == (
        RetainerInvoice.Status.PARTIALLY_PAID,
        Decimal("300.00"),
        Decimal("200.00"),
    )
    invoice = make_invoice(customer_a, "250.00")
    before = db_state(retainer, invoice)
    with pytest.raises(ValidationError) as exc:
        credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount="200.01")
    assert exc.value.messages == [f"Retainer {retainer.number} has only $200.00 available."]
    assert db_state(retainer, invoice) == before


def test_retainer_cannot_pay_another_customers_invoice(customer_a, customer_b):
    retainer = make_retainer(customer_a, "100.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="100.00", date=today(), allocations=[(retainer, "100.00")]
    )
    invoice_b = make_invoice(customer_b, "50.00")
    before = db_state(retainer, invoice_b)
    with pytest.raises(ValidationError) as exc:
        credit_apply(actor=SETUP, source=retainer, invoice=invoice_b, amount="50.00")
    assert exc.value.messages == [f"{invoice_b.number} belongs to another customer."]
    assert db_state(retainer, invoice_b) == before


def test_refunding_more_retainer_than_available_is_refused(customer_a):
    retainer = make_retainer(customer_a, "100.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="100.00", date=today(), allocations=[(retainer, "100.00")]
    )
    before = db_state(retainer)
    with pytest.raises(ValidationError) as exc:
        refund_create(actor=SETUP, source=retainer, amount="100.01", date=today())
    assert exc.value.message_dict == {
        "amount": [f"Only $100.00 is available to refund from {retainer.number}."]
    }
    assert db_state(retainer) == before


def test_a_retainer_with_a_payment_cannot_be_voided_until_the_payment_is_deleted(customer_a):
    retainer = make_retainer(customer_a, "100.00")
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="40.00", date=today(), allocations=[(retainer, "40.00")]
    )
    before = db_state(retainer)
    with pytest.raises(ValidationError) as exc:
        retainer_invoice_void(actor=SETUP, retainer=retainer)
    assert exc.value.messages == ["Remove the payments on this retainer invoice before voiding it."]
    assert db_state(retainer) == before

    payment_delete(actor=SETUP, payment=payment)
    retainer_invoice_void(actor=SETUP, retainer=retainer)
    retainer.refresh_from_db()
    assert (retainer.status, retainer.balance_due, retainer.retainer_available) == ("void", 0, 0)
    assert audit_actions(retainer)[-1] == "retainerinvoice.voided"


def test_a_payment_whose_retainer_was_used_cannot_be_deleted(customer_a):
    retainer = make_retainer(customer_a, "100.00")
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="100.00", date=today(), allocations=[(retainer, "100.00")]
    )
    invoice = make_invoice(customer_a, "30.00")
    credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount="30.00")
    before = db_state(retainer, invoice, payment)
    with pytest.raises(ValidationError) as exc:
        payment_delete(actor=SETUP, payment=payment)
    assert exc.value.messages == [f"The retainer paid by this payment was already used on {retainer.number}."]
    assert db_state(retainer, invoice, payment) == before
