"""Amounts in the back office: written as the organization's locale writes them, drop-downs included, and unit
prices with their own precision."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from portico.payments.services import payment_record
from portico.sales.services.documents import LineInput
from portico.sales.services.invoices import invoice_create, invoice_send
from portico.testing import SETUP, ItemFactory, make_credit_note, make_invoice, make_retainer, today

from .conftest import action_url, admin_url


@pytest.fixture
def german(org):
    org.locale = "de_DE"
    org.save()
    return org


def options(page: str) -> list[str]:
    return [label for _value, label in re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', page)]


def test_the_apply_credits_drop_down_writes_amounts_the_organizations_way(staff_client, german, customer_a):
    invoice = make_invoice(customer_a, "2000.00")
    credit_note = make_credit_note(customer_a, "1234.50")
    retainer = make_retainer(customer_a, "1500.25")
    payment_record(
        actor=SETUP, customer=customer_a, amount="1500.25", date=today(), allocations=[(retainer, "1500.25")]
    )
    payment = payment_record(actor=SETUP, customer=customer_a, amount="1000.75", date=today())

    page = staff_client.get(action_url(invoice, "apply-credits")).content.decode()

    assert options(page) == [
        f"Credit note {credit_note.number} — 1.234,50\xa0$ available",
        f"Retainer {retainer.number} — 1.500,25\xa0$ available",
        f"Payment {payment.number} — 1.000,75\xa0$ unused",
    ]


def test_the_invoice_drop_down_of_applying_a_credit_note_writes_the_organizations_way(
    staff_client, german, customer_a
):
    invoice = make_invoice(customer_a, "1234.50")
    credit_note = make_credit_note(customer_a, "30.00")

    page = staff_client.get(action_url(credit_note, "apply")).content.decode()

    assert f"{invoice.number} — 1.234,50\xa0$" in options(page)


def test_an_issued_invoice_shows_a_rate_finer_than_a_cent_as_it_was_priced(staff_client, customer_a):
    invoice = invoice_send(
        actor=SETUP,
        invoice=invoice_create(
            actor=SETUP,
            customer=customer_a,
            date=today(),
            lines=[LineInput(description="Bolts", quantity="1000", rate="0.005")],
        ),
    )

    page = staff_client.get(admin_url(invoice)).content.decode()

    assert "$0.005" in page  # not $0.01, which would make 1,000 of them $10.00
    assert "$5.00" in page
    assert invoice.total == Decimal("5.00")


def test_the_item_list_shows_each_unit_price_with_its_own_precision(staff_client, german):
    ItemFactory(organization=german, name="Bolt", rate=Decimal("0.005"))
    ItemFactory(organization=german, name="Hour", rate=Decimal("95"))

    page = staff_client.get(admin_url(ItemFactory._meta.model, "changelist")).content.decode()

    assert "0,005\xa0$" in page
    assert "95,00\xa0$" in page
