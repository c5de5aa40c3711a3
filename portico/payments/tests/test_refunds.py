"""Refunds: paying back a payment's unused amount, a credit note's credit, or a retainer's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.overview import customer_available_credits
from portico.payments.credits import credit_apply_many
from portico.payments.models import Refund
from portico.payments.services import payment_record, refund_create
from portico.testing import SETUP, audit_actions, db_state, make_credit_note, make_invoice, today


def test_the_unused_part_of_a_payment_is_refunded(customer_a, staff):
    invoice = make_invoice(customer_a, "70.00")
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="100.00", date=today(), allocations=[(invoice, "70.00")]
    )

    refund = refund_create(
        actor=Actor.staff(staff),
        source=payment,
        amount="30.00",
        date=today(),
        mode="check",
        reference="1001",
    )

    payment.refresh_from_db()
    refund.refresh_from_db()
    assert (refund.number, refund.amount, refund.payment, refund.customer, refund.mode) == (
        "RF-00001",
        Decimal("30.00"),
        payment,
        customer_a,
        "check",
    )
    assert payment.unused_amount == 0
    assert customer_available_credits(customer=customer_a) == 0
    assert audit_actions(refund) == ["refund.created"]
    event = AuditEvent.objects.get(action="refund.created")
    assert (event.customer, event.actor_user, event.data) == (
        customer_a,
        staff,
        {"source": payment.number, "amount": "30.00"},
    )


def test_refunded_credit_can_no_longer_be_allocated(customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="100.00", date=today())
    refund_create(actor=SETUP, source=payment, amount="60.00", date=today())
    invoice = make_invoice(customer_a, "50.00")
    before = db_state(payment, invoice)
    with pytest.raises(ValidationError) as exc:
        credit_apply_many(actor=SETUP, source=payment, uses=[(invoice, "50.00")])
    assert exc.value.messages == [
        "The allocations add up to $50.00, more than the $40.00 available on this payment."
    ]
    assert db_state(payment, invoice) == before


def test_refunding_more_than_a_payment_has_unused_is_refused(customer_a):
    invoice = make_invoice(customer_a, "70.00")
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="100.00", date=today(), allocations=[(invoice, "70.00")]
    )
    before = db_state(payment, invoice)
    with pytest.raises(ValidationError) as exc:
        refund_create(actor=SETUP, source=payment, amount="30.01", date=today())
    assert exc.value.message_dict == {
        "amount": [f"Only $30.00 is available to refund from {payment.number}."]
    }
    assert db_state(payment, invoice) == before


def test_refunding_more_than_a_credit_note_has_left_is_refused(customer_a):
    credit_note = make_credit_note(customer_a, "20.00")
    before = db_state(credit_note)
    with pytest.raises(ValidationError) as exc:
        refund_create(actor=SETUP, source=credit_note, amount="20.01", date=today())
    assert exc.value.message_dict == {
        "amount": [f"Only $20.00 is available to refund from {credit_note.number}."]
    }
    assert db_state(credit_note) == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "0"}, "The refund must be more than zero."),
        ({"amount": "-1"}, "The amount cannot be negative."),
        ({"amount": "1.234"}, "USD amounts have at most 2 decimal places."),
        ({"amount": "1", "mode": "gold"}, "Choose a payment mode."),
    ],
)
def test_an_invalid_refund_is_refused(customer_a, fields, message):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="100.00", date=today())
    before = db_state(payment)
    with pytest.raises(ValidationError) as exc:
        refund_create(source=payment, date=today(), **{"actor": SETUP, **fields})
    assert exc.value.messages == [message]
    assert db_state(payment) == before
    assert not Refund.objects.exists()


def test_a_draft_credit_note_cannot_be_refunded(customer_a):
    credit_note = make_credit_note(customer_a, "20.00", open_it=False)
    before = db_state(credit_note)
    with pytest.raises(ValidationError) as exc:
        refund_create(actor=SETUP, source=credit_note, amount="5.00", date=today())
    assert exc.value.messages == ["This credit note is draft; it cannot be refunded."]
    assert db_state(credit_note) == before
