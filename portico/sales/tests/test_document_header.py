"""A new document takes only the header fields of its kind, and related records of its own customer."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from portico.actors import Actor
from portico.projects.services import project_create
from portico.sales.models import CreditNote, Invoice, RetainerInvoice
from portico.sales.services.invoices import credit_note_create, invoice_create, retainer_invoice_create
from portico.sales.services.quotes import quote_create
from portico.sales.services.salesorders import sales_order_create
from portico.testing import SETUP, audit_actions, db_state, lines, make_invoice, make_quote, today


def test_an_invoice_is_created_with_its_own_header_fields(customer_a, staff):
    due = today() + datetime.timedelta(days=10)
    invoice = invoice_create(
        actor=Actor.staff(staff),
        customer=customer_a,
        date=today(),
        lines=lines("10.00"),
        due_date=due,
        allow_partial_payments=True,
        payment_gateways=["sandbox"],
        reference="PO-1",
        notes="Thanks",
        terms="Net 10",
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.due_date, invoice.allow_partial_payments, invoice.payment_gateways) == (
        Invoice.Status.DRAFT,
        due,
        True,
        ["sandbox"],
    )
    assert (invoice.reference, invoice.notes, invoice.terms) == ("PO-1", "Thanks", "Net 10")
    assert audit_actions(invoice) == ["invoice.created"]


def test_an_invoice_cannot_be_created_with_a_status(customer_a):
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        invoice_create(
            actor=SETUP, customer=customer_a, date=today(), lines=lines("10.00"), status="partially_paid"
        )
    assert exc.value.messages == ["A new invoice cannot be created with these fields: status."]
    assert db_state() == before


@pytest.mark.parametrize(
    ("create", "fields", "message"),
    [
        (
            invoice_create,
            {"balance_due": "0", "sent_at": None},
            "A new invoice cannot be created with these fields: balance_due, sent_at.",
        ),
        (quote_create, {"status": "accepted"}, "A new quote cannot be created with these fields: status."),
        (quote_create, {"version": 3}, "A new quote cannot be created with these fields: version."),
        (
            credit_note_create,
            {"balance": "5"},
            "A new credit note cannot be created with these fields: balance.",
        ),
        (
            sales_order_create,
            {"status": "invoiced"},
            "A new sales order cannot be created with these fields: status.",
        ),
        (
            retainer_invoice_create,
            {"retainer_available": "5"},
            "A new retainer invoice cannot be created with these fields: retainer_available.",
        ),
        (
            sales_order_create,
            {"due_date": today()},
            "A new sales order cannot be created with these fields: due_date.",
        ),
    ],
)
def test_fields_a_service_maintains_are_refused_on_creation(customer_a, create, fields, message):
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        create(customer=customer_a, date=today(), lines=lines("10.00"), actor=SETUP, **fields)
    assert exc.value.messages == [message]
    assert db_state() == before


def test_a_retainer_for_the_customers_project_and_quote_is_created(customer_a):
    project = project_create(actor=SETUP, customer=customer_a, name="Website")
    quote = make_quote(customer_a, "100.00")
    retainer = retainer_invoice_create(
        actor=SETUP, customer=customer_a, date=today(), lines=lines("50.00"), project=project, quote=quote
    )
    retainer.refresh_from_db()
    assert (retainer.project, retainer.quote, retainer.status) == (
        project,
        quote,
        RetainerInvoice.Status.DRAFT,
    )


def test_a_retainer_for_another_customers_project_is_refused(customer_a, customer_b):
    project = project_create(actor=SETUP, customer=customer_b, name="Website")
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        retainer_invoice_create(
            actor=SETUP, customer=customer_a, date=today(), lines=lines("50.00"), project=project
        )
    assert exc.value.message_dict == {"project": ["This project belongs to another customer."]}
    assert db_state() == before


def test_a_retainer_for_another_organizations_quote_is_refused(customer_a, other_customer):
    quote = make_quote(other_customer, "100.00")
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        retainer_invoice_create(
            actor=SETUP, customer=customer_a, date=today(), lines=lines("50.00"), quote=quote
        )
    assert exc.value.message_dict == {"quote": ["This quote belongs to another customer."]}
    assert db_state() == before


def test_a_credit_note_for_another_organizations_invoice_is_refused(customer_a, other_customer):
    invoice = make_invoice(other_customer, "100.00")
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        credit_note_create(
            actor=SETUP, customer=customer_a, date=today(), lines=lines("10.00"), invoice=invoice
        )
    assert exc.value.message_dict == {"invoice": ["This invoice belongs to another customer."]}
    assert db_state() == before


def test_a_credit_note_for_the_customers_invoice_keeps_its_reason(customer_a):
    invoice = make_invoice(customer_a, "100.00")
    credit_note = credit_note_create(
        actor=SETUP,
        customer=customer_a,
        date=today(),
        lines=lines("10.00"),
        invoice=invoice,
        reason="Damaged",
    )
    credit_note.refresh_from_db()
    assert (credit_note.invoice, credit_note.reason, credit_note.status) == (
        invoice,
        "Damaged",
        CreditNote.Status.DRAFT,
    )


def test_a_sales_order_takes_its_expected_shipment_date(customer_a):
    day = today() + datetime.timedelta(days=7)
    order = sales_order_create(
        actor=SETUP, customer=customer_a, date=today(), lines=lines("10.00"), expected_shipment_date=day
    )
    order.refresh_from_db()
    assert order.expected_shipment_date == day
