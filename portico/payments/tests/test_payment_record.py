"""Recording a payment, allocating it to invoices, keeping the excess as credit, and deleting it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.customers.models import Customer
from portico.overview import customer_available_credits
from portico.payments.credits import credit_apply_many
from portico.payments.models import CustomerPayment, PaymentAllocation
from portico.payments.services import payment_delete, payment_record, refund_create
from portico.sales.models import Invoice
from portico.sales.selectors import customer_receivable
from portico.sales.services.invoices import invoice_void
from portico.testing import SETUP, CustomerFactory, audit_actions, db_state, make_invoice, today


def test_one_payment_pays_several_invoices_and_leaves_the_excess_as_credit(customer_a, staff):
    first = make_invoice(customer_a, "100.00")
    second = make_invoice(customer_a, "50.00", "25.50")
    third = make_invoice(customer_a, "40.00")

    payment = payment_record(
        actor=Actor.staff(staff),
        customer=customer_a,
        amount="200.00",
        date=today(),
        reference="wire 77",
        allocations=[(first, "100.00"), (second, "75.50"), (third, "10.00")],
    )

    payment.refresh_from_db()
    for invoice in (first, second, third):
        invoice.refresh_from_db()
    assert (payment.number, payment.amount, payment.unused_amount, payment.currency) == (
        "PAY-00001",
        Decimal("200.00"),
        Decimal("14.50"),
        "USD",
    )
    assert (first.status, first.balance_due) == (Invoice.Status.PAID, Decimal("0"))
    assert (second.status, second.balance_due) == (Invoice.Status.PAID, Decimal("0"))
    assert (third.status, third.balance_due) == (Invoice.Status.PARTIALLY_PAID, Decimal("30.00"))
    assert sorted(payment.allocations.values_list("invoice__number", "amount")) == [
        (first.number, Decimal("100.00")),
        (second.number, Decimal("75.50")),
        (third.number, Decimal("10.00")),
    ]
    assert customer_receivable(customer=customer_a) == Decimal("30.00")
    assert customer_available_credits(customer=customer_a) == Decimal("14.50")
    event = AuditEvent.objects.get(action="payment.recorded")
    assert (event.object_id, event.actor_user, event.customer) == (payment.pk, staff, customer_a)
    assert event.data["amount"] == "200.00"


def test_unused_credit_is_allocated_to_a_later_invoice(customer_a, staff):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="80.00", date=today())
    assert customer_available_credits(customer=customer_a) == Decimal("80.00")
    invoice = make_invoice(customer_a, "50.00")

    credit_apply_many(
        actor=Actor.staff(staff),
        source=payment,
        uses=[(invoice, "50.00")],
    )

    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.unused_amount == Decimal("30.00")
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.PAID, Decimal("0"))
    assert customer_available_credits(customer=customer_a) == Decimal("30.00")
    assert audit_actions(payment) == ["payment.recorded", "payment.allocated"]


def _refused(customer, message, *, objects=(), **kwargs):
    before = db_state(customer, *objects)
    with pytest.raises(ValidationError) as exc:
        payment_record(customer=customer, date=today(), **{"actor": SETUP, **kwargs})
    assert message in exc.value.messages
    assert db_state(customer, *objects) == before


def test_allocations_above_the_payment_are_refused(customer_a):
    first = make_invoice(customer_a, "100.00")
    second = make_invoice(customer_a, "100.00")
    _refused(
        customer_a,
        "The allocations add up to $150.00, more than the $100.00 available on this payment.",
        objects=(first, second),
        amount="100.00",
        allocations=[(first, "75.00"), (second, "75.00")],
    )


def test_allocation_above_an_invoices_balance_is_refused(customer_a):
    invoice = make_invoice(customer_a, "100.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="60.00", date=today(), allocations=[(invoice, "60.00")]
    )
    _refused(
        customer_a,
        f"$40.01 is more than the $40.00 due on {invoice.number}.",
        objects=(invoice,),
        amount="100.00",
        allocations=[(invoice, "40.01")],
    )


def test_allocation_in_another_currency_is_refused(org, customer_a):
    euro_customer = CustomerFactory(organization=org, display_name="Euro Customer", currency="EUR")
    euro_invoice = make_invoice(euro_customer, "100.00")
    dollar_invoice = make_invoice(customer_a, "100.00")
    assert (euro_invoice.currency, dollar_invoice.currency) == ("EUR", "USD")
    # A payment in euros from the euro customer cannot pay the dollar customer's invoice…
    _refused(
        euro_customer,
        f"{dollar_invoice.number} belongs to another customer.",
        objects=(dollar_invoice,),
        amount="100.00",
        allocations=[(dollar_invoice, "100.00")],
    )
    # …nor a dollar invoice of its own, issued before its currency became euros.
    Customer.objects.filter(pk=customer_a.pk).update(currency="EUR")
    customer_a.refresh_from_db()
    _refused(
        customer_a,
        f"{dollar_invoice.number} is in USD, not EUR.",
        objects=(dollar_invoice,),
        amount="100.00",
        allocations=[(dollar_invoice, "100.00")],
    )


def test_another_customers_invoice_is_refused(customer_a, customer_b, other_customer):
    invoice_b = make_invoice(customer_b, "100.00")
    elsewhere = make_invoice(other_customer, "100.00")
    for invoice in (invoice_b, elsewhere):
        _refused(
            customer_a,
            f"{invoice.number} belongs to another customer.",
            objects=(invoice,),
            amount="100.00",
            allocations=[(invoice, "10.00")],
        )


@pytest.mark.parametrize(("state", "shown"), [("draft", "draft"), ("void", "void")])
def test_a_draft_or_void_invoice_cannot_be_paid(customer_a, state, shown):
    invoice = make_invoice(customer_a, "100.00", send=False)
    if state == "void":
        invoice = invoice_void(actor=SETUP, invoice=invoice)
    _refused(
        customer_a,
        f"{invoice.number} is {shown}; only sent or partially paid invoices can be paid.",
        objects=(invoice,),
        amount="100.00",
        allocations=[(invoice, "10.00")],
    )


def test_the_same_invoice_twice_in_one_payment_is_refused(customer_a):
    invoice = make_invoice(customer_a, "100.00")
    _refused(
        customer_a,
        f"{invoice.number} appears twice.",
        objects=(invoice,),
        amount="100.00",
        allocations=[(invoice, "10.00"), (invoice, "20.00")],
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "0"}, "The amount received must be more than zero."),
        ({"amount": "-5"}, "The amount cannot be negative."),
        ({"amount": "10.001"}, "USD amounts have at most 2 decimal places."),
        ({"amount": "1000000000000000"}, "Enter an amount of at most 900,000,000,000,000."),
        ({"amount": "10", "bank_charges": "11"}, "Bank charges cannot be more than the amount received."),
        ({"amount": "10", "mode": "barter"}, "Choose a payment mode."),
    ],
)
def test_an_invalid_payment_is_refused(customer_a, fields, message):
    _refused(customer_a, message, **fields)


def test_allocating_more_than_the_unused_credit_is_refused(customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="30.00", date=today())
    invoice = make_invoice(customer_a, "50.00")
    before = db_state(payment, invoice)
    with pytest.raises(ValidationError) as exc:
        credit_apply_many(actor=SETUP, source=payment, uses=[(invoice, "30.01")])
    assert exc.value.messages == [
        "The allocations add up to $30.01, more than the $30.00 available on this payment."
    ]
    assert db_state(payment, invoice) == before


def test_allocating_nothing_is_refused(customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="30.00", date=today())
    before = db_state(payment)
    with pytest.raises(ValidationError) as exc:
        credit_apply_many(actor=SETUP, source=payment, uses=[])
    assert exc.value.messages == ["Choose at least one invoice to apply the credit to."]
    assert db_state(payment) == before


def test_deleting_a_payment_restores_the_invoices_balances(customer_a, staff):
    first = make_invoice(customer_a, "100.00")
    second = make_invoice(customer_a, "50.00")
    payment = payment_record(
        actor=SETUP,
        customer=customer_a,
        amount="170.00",
        date=today(),
        allocations=[(first, "100.00"), (second, "20.00")],
    )
    payment_delete(
        actor=Actor.staff(staff),
        payment=payment,
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.balance_due) == (Invoice.Status.SENT, Decimal("100.00"))
    assert (second.status, second.balance_due) == (Invoice.Status.SENT, Decimal("50.00"))
    assert not CustomerPayment.objects.exists()
    assert not PaymentAllocation.objects.exists()
    assert customer_receivable(customer=customer_a) == Decimal("150.00")
    assert customer_available_credits(customer=customer_a) == 0
    event = AuditEvent.objects.get(action="payment.deleted")
    assert event.data == {"number": payment.number, "amount": "170.00"}


def test_a_payment_partly_refunded_cannot_be_deleted(customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="50.00", date=today())
    refund_create(actor=SETUP, source=payment, amount="10.00", date=today())
    before = db_state(payment)
    with pytest.raises(ValidationError) as exc:
        payment_delete(actor=SETUP, payment=payment)
    assert exc.value.messages == ["Part of this payment was refunded; delete the refund first."]
    assert db_state(payment) == before


def test_an_online_payment_cannot_be_deleted(customer_a):
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="50.00", date=today(), is_online=True, gateway="sandbox"
    )
    before = db_state(payment)
    with pytest.raises(ValidationError) as exc:
        payment_delete(actor=SETUP, payment=payment)
    assert exc.value.messages == ["An online payment cannot be deleted; refund it instead."]
    assert db_state(payment) == before
