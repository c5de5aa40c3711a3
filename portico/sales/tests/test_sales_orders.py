"""Sales orders: confirmed, invoiced in full with the invoice linked, or voided."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.actors import Actor
from portico.sales.models import Invoice, SalesOrder
from portico.sales.services.salesorders import (
    sales_order_confirm,
    sales_order_convert_to_invoice,
    sales_order_create,
    sales_order_void,
)
from portico.testing import SETUP, audit_actions, db_state, lines, today


@pytest.fixture
def order(customer_a):
    return sales_order_create(
        actor=SETUP, customer=customer_a, date=today(), lines=lines("70.00", "5.25"), reference="PO-9"
    )


def test_staff_confirms_a_draft_order(order, staff):
    sales_order_confirm(
        actor=Actor.staff(staff),
        order=order,
    )
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.OPEN
    assert order.sent_at is not None
    assert audit_actions(order) == ["salesorder.created", "salesorder.confirmed"]


def test_an_open_order_is_invoiced_in_full_and_the_invoice_links_back(order, staff):
    sales_order_confirm(actor=SETUP, order=order)
    invoice = sales_order_convert_to_invoice(
        actor=Actor.staff(staff),
        order=order,
    )
    order.refresh_from_db()
    invoice.refresh_from_db()
    assert order.status == SalesOrder.Status.INVOICED
    assert invoice.sales_order == order
    assert list(order.invoices.all()) == [invoice]
    assert (invoice.status, invoice.total, invoice.reference) == (
        Invoice.Status.DRAFT,
        Decimal("75.25"),
        "PO-9",
    )
    assert list(invoice.lines.values_list("description", "rate")) == list(
        order.lines.values_list("description", "rate")
    )
    assert audit_actions(order)[-1] == "salesorder.invoiced"
    assert audit_actions(invoice) == ["invoice.created"]


def test_a_draft_order_cannot_be_invoiced(order):
    before = db_state(order)
    with pytest.raises(ValidationError) as exc:
        sales_order_convert_to_invoice(actor=SETUP, order=order)
    assert exc.value.messages == ["This sales order is draft; it cannot be invoiced."]
    assert db_state(order) == before


def test_an_invoiced_order_cannot_be_invoiced_again(order):
    sales_order_confirm(actor=SETUP, order=order)
    sales_order_convert_to_invoice(actor=SETUP, order=order)
    before = db_state(order)
    with pytest.raises(ValidationError) as exc:
        sales_order_convert_to_invoice(actor=SETUP, order=order)
    assert exc.value.messages == ["This sales order is fulfilled and invoiced; it cannot be invoiced."]
    assert db_state(order) == before


@pytest.mark.parametrize("confirm", [False, True])
def test_a_draft_or_open_order_is_voided(order, staff, confirm):
    if confirm:
        sales_order_confirm(actor=SETUP, order=order)
    sales_order_void(
        actor=Actor.staff(staff),
        order=order,
    )
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.VOID
    assert audit_actions(order)[-1] == "salesorder.voided"


def test_an_invoiced_order_cannot_be_voided(order):
    sales_order_confirm(actor=SETUP, order=order)
    sales_order_convert_to_invoice(actor=SETUP, order=order)
    before = db_state(order)
    with pytest.raises(ValidationError) as exc:
        sales_order_void(actor=SETUP, order=order)
    assert exc.value.messages == ["This sales order is fulfilled and invoiced; it cannot be voided."]
    assert db_state(order) == before
