"""Invoices in the back office: list, create with lines, edit drafts only, delete drafts only, send, void."""

from __future__ import annotations

import datetime
from decimal import Decimal

from portico.activity.models import AuditEvent
from portico.payments.credits import credit_apply
from portico.sales.models import Invoice
from portico.testing import SETUP, db_state, make_invoice, today

from .conftest import action_url, admin_url, assert_refused, formset_data, line, messages_of


def invoice_post(customer, rows, **header):
    data = {
        "customer": customer.pk,
        "date": today().isoformat(),
        "due_date": "",
        "reference": "",
        "notes": "",
        "terms": "",
        **header,
    }
    data.update(formset_data("lines", rows))
    return data


def test_staff_creates_an_invoice_numbered_and_totalled_by_the_services(staff_client, customer_a, tax):
    response = staff_client.post(
        admin_url(Invoice, "add"),
        invoice_post(customer_a, [line(rate="100.00", quantity="2", tax=tax), line("Travel", rate="10.005")]),
    )

    assert response.status_code == 302, response.context["errors"] if response.context else response
    invoice = Invoice.objects.get()
    assert invoice.number == "INV-00001"
    assert invoice.organization == customer_a.organization
    assert invoice.currency == customer_a.currency
    assert invoice.customer_name == customer_a.company_name
    assert invoice.status == Invoice.Status.DRAFT
    # 200 + 20 % tax = 240, plus 10.01 (rounded half up) = 250.01
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("210.01"),
        Decimal("40.00"),
        Decimal("250.01"),
    )
    assert invoice.balance_due == invoice.total
    assert invoice.due_date == today() + datetime.timedelta(days=customer_a.payment_terms_days)
    assert [li.tax_name for li in invoice.lines.all()] == ["VAT", ""]
    assert AuditEvent.objects.filter(action="invoice.created", object_id=invoice.pk).exists()


def test_an_invoice_needs_at_least_one_line(staff_client, customer_a):
    before = db_state()
    response = staff_client.post(admin_url(Invoice, "add"), invoice_post(customer_a, []))

    assert response.status_code == 200
    assert "Add at least one line to the invoice." in response.content.decode()
    assert db_state() == before


def test_a_negative_quantity_is_shown_on_its_line(staff_client, customer_a):
    before = db_state()
    response = staff_client.post(admin_url(Invoice, "add"), invoice_post(customer_a, [line(quantity="-2")]))

    assert response.status_code == 200
    assert "Quantity cannot be negative." in response.content.decode()
    assert db_state() == before


def test_a_due_date_before_the_invoice_date_is_refused(staff_client, customer_a):
    yesterday = today() - datetime.timedelta(days=1)
    response = staff_client.post(
        admin_url(Invoice, "add"), invoice_post(customer_a, [line()], due_date=yesterday.isoformat())
    )

    assert response.status_code == 200
    assert "The due date cannot be before the invoice date." in response.content.decode()
    assert not Invoice.objects.exists()


def test_staff_edits_a_draft_and_its_totals_are_recomputed(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00", send=False)
    existing = invoice.lines.get()
    data = invoice_post(customer_a, [], date=invoice.date.isoformat(), due_date=invoice.due_date.isoformat())
    data.update(
        formset_data(
            "lines",
            [line(rate="80.00", id=existing.pk, document=invoice.pk), line("Extra", rate="5.50")],
            initial=1,
        )
    )

    response = staff_client.post(admin_url(invoice), data)

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.total == Decimal("85.50")
    assert invoice.balance_due == Decimal("85.50")
    assert invoice.number == "INV-00001"


def test_a_sent_invoice_is_shown_read_only(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")

    response = staff_client.get(admin_url(invoice))
    html = response.content.decode()

    assert response.status_code == 200
    assert 'name="lines-0-rate"' not in html
    assert 'name="_save"' not in html
    assert "$100.00" in html


def test_posting_changes_to_a_sent_invoice_changes_nothing(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")
    before = db_state(invoice)
    data = invoice_post(customer_a, [line(rate="1.00")], date=invoice.date.isoformat())

    response = staff_client.post(admin_url(invoice), data)

    assert (response.status_code, response.url) == (302, admin_url(invoice))
    assert messages_of(staff_client.get(response.url)) == [
        f"{invoice.number} is sent and can no longer be edited; it is shown as it is now."
    ]
    assert db_state(invoice) == before


def test_invoice_list_shows_numbers_customers_status_and_money(staff_client, customer_a, customer_b):
    make_invoice(customer_a, "1234.50")
    overdue = make_invoice(customer_b, "10.00", date=today() - datetime.timedelta(days=40))
    overdue.due_date = today() - datetime.timedelta(days=10)
    overdue.save(update_fields=["due_date"])

    response = staff_client.get(admin_url(Invoice, "changelist"))
    html = response.content.decode()

    assert response.status_code == 200
    assert "INV-00001" in html and "INV-00002" in html
    assert "Customer A" in html and "Customer B" in html
    assert "$1,234.50" in html
    assert "Overdue" in html


def test_invoice_list_filters_overdue_and_searches_by_customer(staff_client, customer_a, customer_b):
    make_invoice(customer_a, "10.00")
    late = make_invoice(customer_b, "20.00", date=today() - datetime.timedelta(days=40))
    late.due_date = today() - datetime.timedelta(days=1)
    late.save(update_fields=["due_date"])

    overdue = staff_client.get(admin_url(Invoice, "changelist"), {"status": "overdue"})
    searched = staff_client.get(admin_url(Invoice, "changelist"), {"q": "Customer A"})

    assert list(overdue.context["cl"].result_list) == [late]
    assert [i.customer for i in searched.context["cl"].result_list] == [customer_a]


def test_staff_sends_a_draft_invoice(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00", send=False)

    response = staff_client.post(action_url(invoice, "send"), follow=True)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT
    assert "Invoice INV-00001 was sent." in messages_of(response)


def test_sending_an_invoice_twice_is_refused_and_changes_nothing(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")
    before = db_state(invoice)

    response = staff_client.post(action_url(invoice, "send"), follow=True)

    assert_refused(response, "cannot be sent")
    assert db_state(invoice) == before


def test_void_asks_for_confirmation_then_voids(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")

    page = staff_client.get(action_url(invoice, "void"))
    invoice.refresh_from_db()
    assert page.status_code == 200
    assert "Are you sure?" in page.content.decode()
    assert invoice.status == Invoice.Status.SENT

    response = staff_client.post(action_url(invoice, "void"), follow=True)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID
    assert invoice.balance_due == Decimal("0")
    assert "Invoice INV-00001 was voided." in messages_of(response)


def test_a_paid_invoice_cannot_be_voided(staff_client, customer_a):
    from portico.payments.services import payment_record

    invoice = make_invoice(customer_a, "100.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="100.00", date=today(), allocations=[(invoice, "100.00")]
    )
    invoice.refresh_from_db()
    before = db_state(invoice)

    response = staff_client.post(action_url(invoice, "void"), follow=True)

    assert_refused(response, "before voiding it")
    assert db_state(invoice) == before


def test_staff_deletes_a_draft_invoice(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00", send=False)

    response = staff_client.post(admin_url(invoice, "delete"), {"post": "yes"})

    assert response.status_code == 302
    assert not Invoice.objects.filter(pk=invoice.pk).exists()
    assert AuditEvent.objects.filter(action="invoice.deleted").exists()


def test_a_sent_invoice_cannot_be_deleted(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")

    response = staff_client.post(admin_url(invoice, "delete"), {"post": "yes"})

    assert response.status_code == 403
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_invoice_page_shows_payments_credits_retainers_and_balance(staff_client, customer_a):
    from portico.payments.services import payment_record
    from portico.testing import make_credit_note, make_retainer

    invoice = make_invoice(customer_a, "300.00")
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="100.00", date=today(), allocations=[(invoice, "100.00")]
    )
    credit_note = make_credit_note(customer_a, "50.00")
    credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount="50.00")
    retainer = make_retainer(customer_a, "40.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="40.00", date=today(), allocations=[(retainer, "40.00")]
    )
    credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount="25.00")

    html = staff_client.get(admin_url(invoice)).content.decode()

    assert payment.number in html and "$100.00" in html
    assert credit_note.number in html and "$50.00" in html
    assert retainer.number in html and "$25.00" in html
    assert "$125.00" in html  # balance due: 300 − 100 − 50 − 25
    assert "Partially paid" in html
