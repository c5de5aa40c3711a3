"""Services work on the rows they lock, not on the copies their caller loaded earlier."""

from __future__ import annotations

from decimal import Decimal

from portico.customers.models import Customer
from portico.payments.services import payment_record
from portico.sales.services.invoices import invoice_create
from portico.testing import SETUP, lines, today


def test_a_document_takes_the_customers_currency_and_details_as_they_are_now(customer_a):
    stale = Customer.objects.get(pk=customer_a.pk)  # loaded when the page opened
    Customer.objects.filter(pk=customer_a.pk).update(currency="EUR", company_name="Acme Europe")

    invoice = invoice_create(actor=SETUP, customer=stale, date=today(), lines=lines("100.00"))

    assert (invoice.currency, invoice.customer_name) == ("EUR", "Acme Europe")


def test_a_payment_is_in_the_customers_currency_as_it_is_now(customer_a):
    stale = Customer.objects.get(pk=customer_a.pk)
    Customer.objects.filter(pk=customer_a.pk).update(currency="JPY")

    payment = payment_record(actor=SETUP, customer=stale, amount="1500", date=today())

    assert (payment.currency, payment.amount) == ("JPY", Decimal("1500"))
