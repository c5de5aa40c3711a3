"""Creating sales documents: lines, stored totals, numbering, and what may still be edited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.actors import Actor
from portico.sales.models import CreditNote, Invoice, InvoiceLine, Quote, RetainerInvoice, SalesOrder
from portico.sales.services.documents import (
    LineInput,
    document_create,
    document_recalculate,
    document_replace_lines,
)
from portico.sales.services.invoices import invoice_create
from portico.testing import (
    SETUP,
    ItemFactory,
    TaxFactory,
    audit_actions,
    db_state,
    lines,
    make_invoice,
    today,
)


def test_invoice_is_created_as_a_draft_with_its_lines_and_stored_totals(customer_a, tax, staff):
    invoice = invoice_create(
        actor=Actor.staff(staff),
        customer=customer_a,
        date=today(),
        lines=[
            LineInput(description="Design", quantity="2", rate="150.00", discount_percent="10", tax=tax),
            LineInput(description="Hosting", quantity=1, rate="20.00"),
        ],
    )

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.number == "INV-00001"
    assert invoice.currency == "USD"
    assert invoice.subtotal == Decimal("290.00")  # 300 − 30 discount + 20
    assert invoice.discount_total == Decimal("30.00")
    assert invoice.tax_total == Decimal("54.00")  # 20 % of 270
    assert invoice.total == Decimal("344.00")
    assert invoice.balance_due == invoice.total
    assert invoice.due_date == invoice.date + datetime.timedelta(days=customer_a.payment_terms_days)
    stored = list(invoice.lines.order_by("position"))
    assert [(line.description, line.amount, line.tax_amount) for line in stored] == [
        ("Design", Decimal("270.00"), Decimal("54.00")),
        ("Hosting", Decimal("20.00"), Decimal("0")),
    ]
    assert (stored[0].tax_name, stored[0].tax_rate) == ("VAT", Decimal("20"))
    assert invoice.total == sum(line.total for line in stored)
    assert invoice.customer_name == customer_a.company_name
    assert audit_actions(invoice) == ["invoice.created"]


def test_each_kind_of_document_is_numbered_from_its_own_series(customer_a):
    kinds = [
        (Quote, "QT-00001"),
        (RetainerInvoice, "RET-00001"),
        (CreditNote, "CN-00001"),
        (SalesOrder, "SO-00001"),
    ]
    for model, number in kinds:
        document = document_create(
            actor=SETUP, model=model, customer=customer_a, date=today(), lines=lines("10")
        )
        assert document.number == number
        assert document.status == "draft"
        assert document.total == Decimal("10.00")
        assert audit_actions(document) == [f"{model._meta.model_name}.created"]


def test_numbers_run_per_organization(customer_a, customer_b, other_customer):
    first = make_invoice(customer_a, "10", send=False)
    second = make_invoice(customer_b, "10", send=False)
    elsewhere = make_invoice(other_customer, "10", send=False)
    assert (first.number, second.number, elsewhere.number) == ("INV-00001", "INV-00002", "INV-00001")


def test_line_with_an_item_takes_its_name_when_it_has_no_description(org, customer_a):
    item = ItemFactory(organization=org, name="Support plan")
    invoice = invoice_create(
        actor=SETUP, customer=customer_a, date=today(), lines=[LineInput(description="", item=item, rate="5")]
    )
    assert invoice.lines.get().description == "Support plan"


def test_amounts_round_to_the_customers_currency(org):
    from portico.testing import CustomerFactory

    yen_customer = CustomerFactory(organization=org, currency="JPY")
    invoice = invoice_create(
        actor=SETUP,
        customer=yen_customer,
        date=today(),
        lines=[LineInput(description="Tea", quantity="3", rate="333.5")],
    )
    invoice.refresh_from_db()
    assert (invoice.currency, invoice.total) == ("JPY", Decimal("1001"))


@pytest.mark.parametrize(("currency", "total"), [("LBP", "1001.25"), ("IQD", "1001.250"), ("RSD", "1001.25")])
def test_a_currency_cldr_writes_without_decimals_keeps_its_iso_minor_units(org, currency, total):
    from portico.testing import CustomerFactory

    customer = CustomerFactory(organization=org, currency=currency)
    invoice = invoice_create(
        actor=SETUP,
        customer=customer,
        date=today(),
        lines=[LineInput(description="Tea", quantity="3", rate="333.75")],
    )
    invoice.refresh_from_db()
    assert invoice.total == invoice.balance_due == Decimal(total)


def _refused(customer, line_inputs, message, **fields):
    before = db_state(customer)
    with pytest.raises(ValidationError) as exc:
        invoice_create(customer=customer, date=today(), lines=line_inputs, **{"actor": SETUP, **fields})
    assert message in exc.value.messages
    assert db_state(customer) == before


def test_tax_of_another_organization_is_refused(customer_a, other_org):
    foreign_tax = TaxFactory(organization=other_org, rate="5")
    _refused(
        customer_a,
        [LineInput(description="x", rate="1", tax=foreign_tax)],
        "Line 1 uses a tax or item of another organization.",
    )


def test_item_of_another_organization_is_refused(customer_a, other_org):
    foreign_item = ItemFactory(organization=other_org)
    _refused(
        customer_a,
        [LineInput(description="ok", rate="1"), LineInput(description="x", rate="1", item=foreign_item)],
        "Line 2 uses a tax or item of another organization.",
    )


def test_negative_quantity_is_refused(customer_a):
    _refused(
        customer_a,
        [LineInput(description="x", quantity="-1", rate="10")],
        "Line 1: Quantity cannot be negative.",
    )


def test_negative_rate_is_refused(customer_a):
    _refused(
        customer_a, [LineInput(description="x", quantity="1", rate="-10")], "Line 1: Rate cannot be negative."
    )


def test_discount_above_everything_is_refused(customer_a):
    _refused(
        customer_a,
        [LineInput(description="x", rate="10", discount_percent="150")],
        "Line 1: Discount must be between 0 and 100 %.",
    )


def test_a_document_without_lines_is_refused(customer_a):
    _refused(customer_a, [], "Add at least one line to the invoice.")


def test_a_line_without_description_is_refused(customer_a):
    _refused(customer_a, [LineInput(description="  ", rate="10")], "Line 1 needs a description.")


def test_quantity_with_more_places_than_stored_is_refused(customer_a):
    # Stored with four places, 1.00005 would come back as 1.0001 and no longer explain the line's amount.
    _refused(
        customer_a,
        [LineInput(description="x", quantity="1.00005", rate="10000")],
        "Line 1: Ensure that there are no more than 4 decimal places.",
    )


def test_rate_with_more_places_than_stored_is_refused(customer_a):
    _refused(
        customer_a,
        [LineInput(description="x", quantity="1", rate="0.00001")],
        "Line 1: Enter an amount with at most 4 decimal places.",
    )


def test_a_unit_rate_finer_than_the_currency_is_kept(customer_a):
    invoice = invoice_create(
        actor=SETUP,
        customer=customer_a,
        date=today(),
        lines=[LineInput(description="Bolts", quantity="1000", rate="0.0125")],
    )
    line = invoice.lines.get()
    line.refresh_from_db()
    assert (line.rate, line.amount) == (Decimal("0.0125"), Decimal("12.50"))


def test_due_date_before_the_invoice_date_is_refused(customer_a):
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        invoice_create(
            actor=SETUP,
            customer=customer_a,
            date=today(),
            due_date=today() - datetime.timedelta(days=1),
            lines=lines("1"),
        )
    assert exc.value.message_dict == {"due_date": ["The due date cannot be before the invoice date."]}
    assert db_state() == before


def test_replacing_the_lines_of_a_draft_recomputes_its_totals(customer_a, tax, staff):
    invoice = make_invoice(customer_a, "100.00", send=False)
    document_replace_lines(
        actor=Actor.staff(staff),
        document=invoice,
        lines=[LineInput(description="New", quantity="3", rate="10.00", tax=tax)],
    )
    invoice.refresh_from_db()
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("30.00"),
        Decimal("6.00"),
        Decimal("36.00"),
    )
    assert invoice.balance_due == Decimal("36.00")
    assert list(invoice.lines.values_list("description", flat=True)) == ["New"]
    assert audit_actions(invoice) == ["invoice.created", "invoice.edited"]


def test_only_a_draft_can_be_edited(customer_a):
    invoice = make_invoice(customer_a, "100.00")
    before = db_state(invoice)
    with pytest.raises(ValidationError) as exc:
        document_replace_lines(actor=SETUP, document=invoice, lines=lines("1"))
    assert exc.value.messages == ["This invoice is sent and can no longer be edited."]
    assert db_state(invoice) == before
    assert list(invoice.lines.values_list("rate", flat=True)) == [Decimal("100.00")]


def test_replacing_with_no_lines_is_refused(customer_a):
    invoice = make_invoice(customer_a, "100.00", send=False)
    before = db_state(invoice)
    with pytest.raises(ValidationError) as exc:
        document_replace_lines(actor=SETUP, document=invoice, lines=[])
    assert exc.value.messages == ["Add at least one line to the invoice."]
    assert db_state(invoice) == before


def test_recalculating_a_draft_reprices_lines_edited_in_place(customer_a):
    invoice = make_invoice(customer_a, "100.00", send=False)
    InvoiceLine.objects.filter(document=invoice).update(quantity=Decimal("2.5"))
    document_recalculate(document=invoice)
    invoice.refresh_from_db()
    assert (invoice.total, invoice.balance_due) == (Decimal("250.00"), Decimal("250.00"))
    assert invoice.lines.get().amount == Decimal("250.00")


def test_recalculating_a_sent_invoice_is_refused(customer_a):
    invoice = make_invoice(customer_a, "100.00")
    before = db_state(invoice)
    with pytest.raises(ValidationError) as exc:
        document_recalculate(document=invoice)
    assert exc.value.messages == ["Only a draft can be edited."]
    assert db_state(invoice) == before


def test_a_line_too_large_to_store_is_refused_instead_of_overflowing(customer_a):
    _refused(
        customer_a,
        [LineInput(description="x", quantity="9999999999", rate="99999999")],
        "Line 1: Quantity × rate comes to more than 900,000,000,000,000, the most a line can hold.",
    )


def test_lines_that_add_up_beyond_what_can_be_stored_are_refused(customer_a):
    before = db_state(customer_a)
    with pytest.raises(ValidationError) as exc:
        invoice_create(
            actor=SETUP, customer=customer_a, date=today(), lines=lines("600000000000000", "600000000000000")
        )
    assert exc.value.message_dict == {
        "lines": [
            "The lines add up to $1,200,000,000,000,000.00, more than $900,000,000,000,000.00, "
            "the most one invoice can hold."
        ]
    }
    assert db_state(customer_a) == before
