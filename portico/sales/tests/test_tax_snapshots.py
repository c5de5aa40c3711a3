"""A line keeps the tax it was priced with: changing or deleting a Tax later changes no issued or accepted
document, and converting a quote or a sales order copies each line's tax name and rate as they were."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portico.sales.models import Invoice, Quote
from portico.sales.services.documents import LineInput, document_recalculate
from portico.sales.services.invoices import invoice_create, invoice_send
from portico.sales.services.quotes import (
    quote_accept,
    quote_convert_to_invoice,
    quote_convert_to_sales_order,
    quote_create,
    quote_send,
)
from portico.sales.services.salesorders import sales_order_confirm, sales_order_convert_to_invoice
from portico.testing import SETUP, ItemFactory, TaxFactory, today


@pytest.fixture
def gst(org):
    return TaxFactory(organization=org, name="GST", rate=Decimal("10"))


def _accepted_quote(customer, tax) -> Quote:
    quote = quote_create(
        actor=SETUP,
        customer=customer,
        date=today(),
        lines=[
            LineInput(description="Design", quantity="2", rate="150.00", tax=tax),
            LineInput(description="Hosting", quantity="1", rate="20.00"),
        ],
    )
    return quote_accept(actor=SETUP, quote=quote_send(actor=SETUP, quote=quote))


def _later(tax, change: str) -> None:
    if change == "changed":
        tax.rate = Decimal("20")
        tax.save()
    else:
        tax.delete()


def _taxes(document) -> list[tuple[str, Decimal, Decimal]]:
    return [(line.tax_name, line.tax_rate, line.tax_amount) for line in document.lines.order_by("position")]


@pytest.mark.parametrize("change", ["changed", "deleted"])
def test_an_invoice_from_an_accepted_quote_keeps_the_quotes_tax_after_the_tax_changes(
    customer_a, gst, change
):
    quote = _accepted_quote(customer_a, gst)
    assert quote.total == Decimal("350.00")  # 300 + 10 % of 300 + 20

    _later(gst, change)
    invoice = quote_convert_to_invoice(actor=SETUP, quote=quote)

    invoice.refresh_from_db()
    quote.refresh_from_db()
    assert _taxes(invoice) == [("GST", Decimal("10"), Decimal("30.00")), ("", Decimal("0"), Decimal("0"))]
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("320.00"),
        Decimal("30.00"),
        Decimal("350.00"),
    )
    assert invoice.balance_due == invoice.total
    assert (quote.status, quote.total, quote.tax_total) == (
        Quote.Status.INVOICED,
        Decimal("350.00"),
        Decimal("30.00"),
    )
    assert _taxes(quote) == _taxes(invoice)


@pytest.mark.parametrize("change", ["changed", "deleted"])
def test_an_invoice_from_a_sales_order_keeps_the_quotes_tax_after_the_tax_changes(customer_a, gst, change):
    quote = _accepted_quote(customer_a, gst)
    order = sales_order_confirm(actor=SETUP, order=quote_convert_to_sales_order(actor=SETUP, quote=quote))

    _later(gst, change)
    invoice = sales_order_convert_to_invoice(actor=SETUP, order=order)

    invoice.refresh_from_db()
    order.refresh_from_db()
    assert _taxes(invoice)[0] == ("GST", Decimal("10"), Decimal("30.00"))
    assert invoice.total == order.total == Decimal("350.00")
    assert _taxes(order) == _taxes(invoice)


def test_a_sales_order_from_a_quote_keeps_its_tax_after_the_tax_changes(customer_a, gst):
    quote = _accepted_quote(customer_a, gst)

    _later(gst, "changed")
    order = quote_convert_to_sales_order(actor=SETUP, quote=quote)

    order.refresh_from_db()
    assert _taxes(order)[0] == ("GST", Decimal("10"), Decimal("30.00"))
    assert order.total == quote.total == Decimal("350.00")


def test_an_item_given_a_tax_after_the_quote_adds_none_to_its_invoice(org, customer_a, gst):
    item = ItemFactory(organization=org, name="Support", rate=Decimal("80.00"), tax=None)
    quote = quote_create(
        actor=SETUP,
        customer=customer_a,
        date=today(),
        lines=[LineInput(description="", item=item, rate=None)],
    )
    quote = quote_accept(actor=SETUP, quote=quote_send(actor=SETUP, quote=quote))
    item.tax = gst
    item.save()

    invoice = quote_convert_to_invoice(actor=SETUP, quote=quote)

    invoice.refresh_from_db()
    assert _taxes(invoice) == [("", Decimal("0"), Decimal("0"))]
    assert invoice.total == quote.total == Decimal("80.00")


@pytest.mark.parametrize("change", ["changed", "deleted"])
def test_a_sent_invoice_is_unchanged_when_its_tax_changes(customer_a, gst, change):
    invoice = invoice_create(
        actor=SETUP,
        customer=customer_a,
        date=today(),
        lines=[LineInput(description="Design", quantity="1", rate="100.00", tax=gst)],
    )
    invoice_send(actor=SETUP, invoice=invoice)

    _later(gst, change)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT
    assert _taxes(invoice) == [("GST", Decimal("10"), Decimal("10.00"))]
    assert (invoice.total, invoice.balance_due) == (Decimal("110.00"), Decimal("110.00"))


def test_a_draft_recalculated_takes_the_taxs_rate_as_it_is_now(customer_a, gst):
    # A draft is not yet issued: recalculating it prices it with the tax as it is when it is issued.
    invoice = invoice_create(
        actor=SETUP,
        customer=customer_a,
        date=today(),
        lines=[LineInput(description="Design", quantity="1", rate="100.00", tax=gst)],
    )
    _later(gst, "changed")

    document_recalculate(document=invoice)

    invoice.refresh_from_db()
    assert _taxes(invoice) == [("GST", Decimal("20"), Decimal("20.00"))]
    assert invoice.total == Decimal("120.00")
