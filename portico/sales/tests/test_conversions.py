"""One quote is invoiced once: directly or through its sales order, and again only if that invoice goes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.sales.models import Invoice, Quote, SalesOrder
from portico.sales.services.documents import document_delete
from portico.sales.services.invoices import invoice_send, invoice_void
from portico.sales.services.quotes import quote_convert_to_invoice, quote_convert_to_sales_order
from portico.sales.services.salesorders import sales_order_confirm, sales_order_convert_to_invoice
from portico.testing import SETUP, audit_actions, db_state, make_quote


def _ordered_and_invoiced(customer):
    quote = make_quote(customer, "100.00")
    order = sales_order_confirm(actor=SETUP, order=quote_convert_to_sales_order(actor=SETUP, quote=quote))
    invoice = sales_order_convert_to_invoice(actor=SETUP, order=order)
    return quote, order, invoice


def test_invoicing_a_sales_order_marks_its_quote_invoiced(customer_a, staff):
    quote = make_quote(customer_a, "100.00")
    order = sales_order_confirm(actor=SETUP, order=quote_convert_to_sales_order(actor=SETUP, quote=quote))

    invoice = sales_order_convert_to_invoice(
        actor=Actor.staff(staff),
        order=order,
    )

    quote.refresh_from_db()
    assert (quote.status, quote.invoice, quote.sales_order) == (Quote.Status.INVOICED, invoice, order)
    assert audit_actions(quote)[-1] == "quote.invoiced"
    event = AuditEvent.objects.filter(action="quote.invoiced").get()
    assert (event.actor_user, event.data) == (staff, {"invoice": invoice.number, "sales_order": order.number})


def test_a_quote_with_a_sales_order_cannot_be_invoiced_directly(customer_a):
    quote = make_quote(customer_a, "100.00")
    order = sales_order_confirm(actor=SETUP, order=quote_convert_to_sales_order(actor=SETUP, quote=quote))
    before = db_state(quote, order)

    with pytest.raises(ValidationError) as exc:
        quote_convert_to_invoice(actor=SETUP, quote=quote)

    assert exc.value.messages == [
        f"This quote became sales order {order.number}; invoice its sales order instead."
    ]
    assert db_state(quote, order) == before


def test_a_quote_invoiced_through_its_sales_order_cannot_be_invoiced_again(customer_a):
    quote, order, invoice = _ordered_and_invoiced(customer_a)
    before = db_state(quote, order, invoice)

    with pytest.raises(ValidationError) as exc:
        quote_convert_to_invoice(actor=SETUP, quote=quote)

    assert exc.value.messages == ["This quote is invoiced; it cannot be converted to an invoice."]
    assert db_state(quote, order, invoice) == before


@pytest.mark.parametrize("send", [False, True])
def test_voiding_a_quotes_invoice_reopens_the_quote(customer_a, staff, send):
    quote = make_quote(customer_a, "100.00")
    invoice = quote_convert_to_invoice(actor=SETUP, quote=quote)
    if send:
        invoice_send(actor=SETUP, invoice=invoice)

    invoice_void(
        actor=Actor.staff(staff),
        invoice=invoice,
    )

    quote.refresh_from_db()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID
    assert (quote.status, quote.invoice) == (Quote.Status.ACCEPTED, None)
    assert audit_actions(quote)[-1] == "quote.reopened"
    again = quote_convert_to_invoice(actor=SETUP, quote=quote)
    quote.refresh_from_db()
    assert (quote.status, quote.invoice) == (Quote.Status.INVOICED, again)


def test_deleting_a_quotes_draft_invoice_reopens_the_quote(customer_a, staff):
    quote = make_quote(customer_a, "100.00")
    invoice = quote_convert_to_invoice(actor=SETUP, quote=quote)

    document_delete(
        actor=Actor.staff(staff),
        document=invoice,
    )

    quote.refresh_from_db()
    assert not Invoice.objects.filter(pk=invoice.pk).exists()
    assert (quote.status, quote.invoice) == (Quote.Status.ACCEPTED, None)
    event = AuditEvent.objects.get(action="quote.reopened")
    assert (event.object_id, event.actor_user, event.data) == (quote.pk, staff, {"invoice": invoice.number})


def test_voiding_a_sales_orders_invoice_reopens_the_order_and_its_quote(customer_a, staff):
    quote, order, invoice = _ordered_and_invoiced(customer_a)
    invoice_send(actor=SETUP, invoice=invoice)

    invoice_void(
        actor=Actor.staff(staff),
        invoice=invoice,
    )

    order.refresh_from_db()
    quote.refresh_from_db()
    assert order.status == SalesOrder.Status.OPEN
    assert (quote.status, quote.invoice, quote.sales_order) == (Quote.Status.ACCEPTED, None, order)
    assert audit_actions(order)[-1] == "salesorder.reopened"
    again = sales_order_convert_to_invoice(actor=SETUP, order=order)
    order.refresh_from_db()
    quote.refresh_from_db()
    assert (order.status, quote.status, quote.invoice) == (
        SalesOrder.Status.INVOICED,
        Quote.Status.INVOICED,
        again,
    )


def test_deleting_a_sales_orders_draft_invoice_reopens_the_order(customer_a):
    quote, order, invoice = _ordered_and_invoiced(customer_a)

    document_delete(actor=SETUP, document=invoice)

    order.refresh_from_db()
    quote.refresh_from_db()
    assert order.status == SalesOrder.Status.OPEN
    assert (quote.status, quote.invoice) == (Quote.Status.ACCEPTED, None)


def test_an_invoice_that_cannot_be_voided_leaves_its_quote_invoiced(customer_a):
    from portico.payments.services import payment_record
    from portico.testing import today

    quote = make_quote(customer_a, "100.00")
    invoice = invoice_send(actor=SETUP, invoice=quote_convert_to_invoice(actor=SETUP, quote=quote))
    payment_record(
        actor=SETUP, customer=customer_a, amount="10.00", date=today(), allocations=[(invoice, "10.00")]
    )
    before = db_state(quote, invoice)

    with pytest.raises(ValidationError) as exc:
        invoice_void(actor=SETUP, invoice=invoice)

    assert exc.value.messages == [
        "Remove the payments and credits applied to this invoice before voiding it."
    ]
    assert db_state(quote, invoice) == before
    quote.refresh_from_db()
    assert (quote.status, quote.invoice) == (Quote.Status.INVOICED, invoice)
