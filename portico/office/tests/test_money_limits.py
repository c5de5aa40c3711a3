"""The back office and the maximum amount: what it can create it can take payment for, and beyond the maximum
every form answers with a message, never a server error."""

from __future__ import annotations

import html
from decimal import Decimal

from django.urls import reverse

from portico.money import MAX_AMOUNT
from portico.payments.models import CustomerPayment
from portico.sales.models import Invoice
from portico.testing import db_state, make_credit_note, make_invoice, today

from .conftest import action_url, admin_url, formset_data, line


def page(response) -> str:
    return html.unescape(response.content.decode())


def invoice_post(customer, rows):
    data = {
        "customer": customer.pk,
        "date": today().isoformat(),
        "due_date": "",
        "reference": "",
        "notes": "",
    }
    data.update({"terms": ""}, **formset_data("lines", rows))
    return data


def record_url(customer, **query):
    url = reverse("office:payments_customerpayment_record", args=[customer.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def payment_data(amount, **allocations):
    return {
        "date": today().isoformat(),
        "amount": amount,
        "bank_charges": "0",
        "mode": "bank_transfer",
        "reference": "",
        "notes": "",
        **allocations,
    }


def test_an_invoice_the_office_makes_at_the_maximum_is_paid_there(staff_client, customer_a):
    response = staff_client.post(
        admin_url(Invoice, "add"),
        invoice_post(customer_a, [line(quantity="9", rate="100000000000000.00")]),
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.total == MAX_AMOUNT
    staff_client.post(action_url(invoice, "send"))

    prefilled = staff_client.get(record_url(customer_a, invoice=invoice.pk)).context["form"]
    amount = f"{prefilled['amount'].initial}"
    response = staff_client.post(
        record_url(customer_a), payment_data(amount, **{f"invoice_{invoice.pk}": amount}), follow=True
    )

    assert response.status_code == 200
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.PAID, Decimal("0"))
    assert CustomerPayment.objects.get().amount == MAX_AMOUNT


def test_a_payment_beyond_the_maximum_is_refused_with_the_maximum_named(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")
    before = db_state(invoice)

    response = staff_client.post(
        record_url(customer_a),
        payment_data("900000000000000.01", **{f"invoice_{invoice.pk}": "1000000000000000"}),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["amount"] == ["Enter an amount of at most 900,000,000,000,000."]
    assert form.errors[f"invoice_{invoice.pk}"] == ["Enter an amount of at most 900,000,000,000,000."]
    assert db_state(invoice) == before


def test_a_line_whose_quantity_times_rate_passes_the_maximum_is_refused_on_the_page(staff_client, customer_a):
    before = db_state()

    response = staff_client.post(
        admin_url(Invoice, "add"),
        invoice_post(customer_a, [line(quantity="9999999999", rate="899999999999999.99")]),
    )

    assert response.status_code == 200
    assert "Quantity × rate comes to more than 900,000,000,000,000, the most a line can hold." in page(
        response
    )
    assert db_state() == before


def test_lines_adding_up_beyond_the_maximum_are_refused_on_the_page(staff_client, customer_a):
    before = db_state()

    response = staff_client.post(
        admin_url(Invoice, "add"),
        invoice_post(customer_a, [line(rate="500000000000000"), line("More", rate="500000000000000")]),
    )

    assert response.status_code == 200
    assert (
        "The lines add up to $1,000,000,000,000,000.00, more than $900,000,000,000,000.00, "
        "the most one invoice can hold."
    ) in page(response)
    assert db_state() == before


def test_applying_a_credit_beyond_the_maximum_is_refused_with_a_message(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")
    credit_note = make_credit_note(customer_a, "30.00")
    before = db_state(invoice, credit_note)

    response = staff_client.post(action_url(credit_note, "apply"), {"invoice": invoice.pk, "amount": "1e30"})

    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == ["Enter an amount of at most 900,000,000,000,000."]
    assert db_state(invoice, credit_note) == before
