"""One maximum amount, ``MAX_AMOUNT``, for lines, documents, payments and sums: at it everything works, beyond it
a clear message and nothing written, never a server error. Run on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.money import MAX_AMOUNT, MAX_QUANTITY
from portico.overview import customer_available_credits
from portico.payments.services import payment_record
from portico.sales.models import Invoice
from portico.sales.selectors import customer_receivable
from portico.sales.services.documents import LineInput
from portico.sales.services.invoices import invoice_create, invoice_send
from portico.testing import SETUP, CustomerFactory, TaxFactory, db_state, make_invoice, today

LINE_TOO_LARGE = "Quantity × rate comes to more than 900,000,000,000,000, the most a line can hold."


def _create(customer, *line_inputs):
    return invoice_create(actor=SETUP, customer=customer, date=today(), lines=list(line_inputs))


def _refused(customer, line_inputs, messages):
    before = db_state(customer)
    with pytest.raises(ValidationError) as exc:
        _create(customer, *line_inputs)
    assert exc.value.messages == messages
    assert db_state(customer) == before


@pytest.mark.parametrize("currency", ["USD", "JPY", "BHD", "CLF"])
def test_the_largest_quantity_at_the_largest_rate_is_refused_in_every_currency(org, currency):
    # With four decimal places (CLF) the product was too long to round and ended in a server error.
    customer = CustomerFactory(organization=org, currency=currency)
    _refused(
        customer,
        [LineInput(description="x", quantity=MAX_QUANTITY, rate=MAX_AMOUNT)],
        [f"Line 1: {LINE_TOO_LARGE}"],
    )


@pytest.mark.parametrize(
    ("quantity", "rate", "message"),
    [
        ("1", "1e30", "Line 1: Enter an amount of at most 900,000,000,000,000."),
        ("1e20", "1", "Line 1: Quantity can be at most 9,999,999,999.9999."),
        ("1.0001", "900000000000000", f"Line 1: {LINE_TOO_LARGE}"),
    ],
)
def test_a_quantity_or_rate_beyond_the_maximum_is_refused_with_a_message(customer_a, quantity, rate, message):
    _refused(customer_a, [LineInput(description="x", quantity=quantity, rate=rate)], [message])


def test_a_quantity_and_a_rate_both_beyond_the_maximum_are_both_named(customer_a):
    _refused(
        customer_a,
        [LineInput(description="x", quantity="1e30", rate="1e30")],
        [
            "Line 1: Quantity can be at most 9,999,999,999.9999.",
            "Line 1: Enter an amount of at most 900,000,000,000,000.",
        ],
    )


def test_a_tax_that_takes_a_line_beyond_the_maximum_is_refused(customer_a):
    vat = TaxFactory(organization=customer_a.organization, name="VAT", rate=Decimal("10"))
    _refused(
        customer_a,
        [LineInput(description="x", quantity="1", rate="850000000000000", tax=vat)],
        ["Line 1: With its tax the line comes to more than 900,000,000,000,000, the most a line can hold."],
    )


def test_a_document_at_the_maximum_is_kept_and_paid_in_full(customer_a):
    vat = TaxFactory(organization=customer_a.organization, name="VAT", rate=Decimal("12.5"))
    invoice = invoice_send(
        actor=SETUP,
        invoice=_create(
            customer_a,
            LineInput(description="Tower", quantity="4", rate="100000000000000", tax=vat),
            LineInput(description="Bridge", quantity="1", rate="450000000000000"),
        ),
    )
    invoice.refresh_from_db()
    assert invoice.total == invoice.balance_due == MAX_AMOUNT  # 400e12 + 12.5 % tax + 450e12

    payment = payment_record(
        actor=SETUP, customer=customer_a, amount=MAX_AMOUNT, date=today(), allocations=[(invoice, MAX_AMOUNT)]
    )

    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.PAID, Decimal("0"))
    assert (payment.amount, payment.unused_amount) == (MAX_AMOUNT, Decimal("0"))


def test_a_payment_beyond_the_maximum_is_refused_with_a_message(customer_a):
    before = db_state(customer_a)
    with pytest.raises(ValidationError) as exc:
        payment_record(actor=SETUP, customer=customer_a, amount="900000000000000.01", date=today())
    assert exc.value.message_dict == {"amount": ["Enter an amount of at most 900,000,000,000,000."]}
    assert db_state(customer_a) == before


def test_balances_of_many_documents_at_the_maximum_add_up_exactly(customer_a):
    # Summed as plain 64-bit integers, two of these overflowed SQLite ("integer overflow", a server error).
    for _ in range(3):
        make_invoice(customer_a, MAX_AMOUNT)
    for _ in range(2):
        payment_record(actor=SETUP, customer=customer_a, amount=MAX_AMOUNT, date=today())

    assert customer_receivable(customer=customer_a) == 3 * MAX_AMOUNT
    assert customer_available_credits(customer=customer_a) == 2 * MAX_AMOUNT
