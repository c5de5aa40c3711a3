"""Credit notes, retainer invoices and sales orders: their actions from their pages and the invoice's."""

from __future__ import annotations

from decimal import Decimal

from portico.payments.credits import credit_apply
from portico.payments.models import Refund
from portico.payments.services import payment_record
from portico.sales.models import CreditNote, Invoice, RetainerInvoice, SalesOrder
from portico.sales.services.salesorders import sales_order_confirm, sales_order_create
from portico.testing import SETUP, db_state, lines, make_credit_note, make_invoice, make_retainer, today

from .conftest import action_url, admin_url, assert_refused, formset_data, line, messages_of


def test_staff_creates_and_opens_a_credit_note_for_an_invoice(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")
    data = {
        "customer": customer_a.pk,
        "date": today().isoformat(),
        "invoice": invoice.pk,
        "reason": "Damaged",
    }
    data.update(formset_data("lines", [line(rate="20.00")]))

    assert staff_client.post(admin_url(CreditNote, "add"), data).status_code == 302
    credit_note = CreditNote.objects.get()
    staff_client.post(action_url(credit_note, "open"))

    credit_note.refresh_from_db()
    assert (credit_note.number, credit_note.status, credit_note.balance) == (
        "CN-00001",
        "open",
        Decimal("20.00"),
    )
    assert credit_note.invoice == invoice


def test_staff_applies_a_credit_note_to_an_invoice(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")
    credit_note = make_credit_note(customer_a, "30.00")

    response = staff_client.post(
        action_url(credit_note, "apply"), {"invoice": invoice.pk, "amount": "30.00"}, follow=True
    )

    invoice.refresh_from_db()
    credit_note.refresh_from_db()
    assert invoice.balance_due == Decimal("70.00")
    assert (credit_note.balance, credit_note.status) == (Decimal("0"), CreditNote.Status.CLOSED)
    assert "Credit note CN-00001 was applied." in messages_of(response)


def test_applying_more_credit_than_the_note_has_is_refused(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")
    credit_note = make_credit_note(customer_a, "30.00")
    before = db_state(invoice, credit_note)

    response = staff_client.post(action_url(credit_note, "apply"), {"invoice": invoice.pk, "amount": "31.00"})

    assert response.status_code == 200
    assert "has only" in response.content.decode()
    assert db_state(invoice, credit_note) == before


def test_applying_a_credit_note_to_another_customers_invoice_is_refused(staff_client, customer_a, customer_b):
    theirs = make_invoice(customer_b, "100.00")
    credit_note = make_credit_note(customer_a, "30.00")
    before = db_state(theirs, credit_note)

    response = staff_client.post(action_url(credit_note, "apply"), {"invoice": theirs.pk, "amount": "10.00"})

    assert "belongs to another customer" in response.content.decode()
    assert db_state(theirs, credit_note) == before


def test_staff_refunds_a_credit_note(staff_client, customer_a):
    credit_note = make_credit_note(customer_a, "30.00")

    staff_client.post(
        action_url(credit_note, "refund"),
        {"amount": "12.50", "date": today().isoformat(), "mode": "bank_transfer", "reference": "TRX-1"},
    )

    refund = Refund.objects.get()
    credit_note.refresh_from_db()
    assert (refund.amount, refund.credit_note, refund.reference) == (Decimal("12.50"), credit_note, "TRX-1")
    assert credit_note.balance == Decimal("17.50")


def test_voiding_an_applied_credit_note_is_refused(staff_client, customer_a):

    invoice = make_invoice(customer_a, "100.00")
    credit_note = make_credit_note(customer_a, "30.00")
    credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount="10.00")
    credit_note.refresh_from_db()
    before = db_state(credit_note, invoice)

    response = staff_client.post(action_url(credit_note, "void"), follow=True)

    assert_refused(response, "cannot be voided")
    assert db_state(credit_note, invoice) == before


def test_staff_voids_an_unused_credit_note(staff_client, customer_a):
    credit_note = make_credit_note(customer_a, "30.00")

    staff_client.post(action_url(credit_note, "void"))

    credit_note.refresh_from_db()
    assert (credit_note.status, credit_note.balance) == (CreditNote.Status.VOID, Decimal("0"))


def test_invoice_page_applies_a_retainer_or_a_credit_note(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")
    credit_note = make_credit_note(customer_a, "30.00")
    retainer = make_retainer(customer_a, "50.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="50.00", date=today(), allocations=[(retainer, "50.00")]
    )

    page = staff_client.get(action_url(invoice, "apply-credits")).content.decode()
    staff_client.post(
        action_url(invoice, "apply-credits"), {"source": f"creditnote-{credit_note.pk}", "amount": "30"}
    )
    staff_client.post(
        action_url(invoice, "apply-credits"), {"source": f"retainer-{retainer.pk}", "amount": "45"}
    )

    assert "CN-00001" in page and "RET-00001" in page
    invoice.refresh_from_db()
    retainer.refresh_from_db()
    assert invoice.balance_due == Decimal("25.00")
    assert retainer.retainer_available == Decimal("5.00")


def test_invoice_page_applies_a_payments_unused_credit(staff_client, customer_a, customer_b):
    invoice = make_invoice(customer_a, "100.00")
    payment = payment_record(actor=SETUP, customer=customer_a, amount="40.00", date=today())
    payment_record(
        actor=SETUP, customer=customer_b, amount="70.00", date=today()
    )  # not this customer's credit

    page = staff_client.get(action_url(invoice, "apply-credits")).content.decode()
    staff_client.post(
        action_url(invoice, "apply-credits"), {"source": f"payment-{payment.pk}", "amount": "40"}
    )

    assert payment.number in page and "PAY-00002" not in page
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.PARTIALLY_PAID, Decimal("60.00"))
    assert payment.unused_amount == Decimal("0")
    assert payment.allocations.get().invoice == invoice


def test_applying_more_than_a_payments_unused_credit_is_refused(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")
    payment = payment_record(actor=SETUP, customer=customer_a, amount="40.00", date=today())
    before = db_state(invoice, payment)

    response = staff_client.post(
        action_url(invoice, "apply-credits"), {"source": f"payment-{payment.pk}", "amount": "50"}, follow=True
    )

    assert "more than the $40.00 available" in response.content.decode()
    assert db_state(invoice, payment) == before


def test_staff_sends_a_retainer_and_applies_what_was_paid_to_an_invoice(staff_client, customer_a):
    retainer = make_retainer(customer_a, "80.00", send=False)
    staff_client.post(action_url(retainer, "send"))
    retainer.refresh_from_db()
    assert retainer.status == RetainerInvoice.Status.SENT
    payment_record(
        actor=SETUP, customer=customer_a, amount="80.00", date=today(), allocations=[(retainer, "80.00")]
    )
    invoice = make_invoice(customer_a, "60.00")

    staff_client.post(action_url(retainer, "apply"), {"invoice": invoice.pk, "amount": "60.00"})

    invoice.refresh_from_db()
    retainer.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert retainer.retainer_available == Decimal("20.00")


def test_applying_more_retainer_than_available_is_refused(staff_client, customer_a):
    retainer = make_retainer(customer_a, "80.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="30.00", date=today(), allocations=[(retainer, "30.00")]
    )
    invoice = make_invoice(customer_a, "60.00")
    retainer.refresh_from_db()
    before = db_state(invoice, retainer)

    response = staff_client.post(action_url(retainer, "apply"), {"invoice": invoice.pk, "amount": "40.00"})

    assert "available" in " ".join(str(e) for e in response.context["form"].non_field_errors())
    assert db_state(invoice, retainer) == before


def test_staff_refunds_an_unused_retainer(staff_client, customer_a):
    retainer = make_retainer(customer_a, "80.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="80.00", date=today(), allocations=[(retainer, "80.00")]
    )

    staff_client.post(
        action_url(retainer, "refund"), {"amount": "80.00", "date": today().isoformat(), "mode": "check"}
    )

    retainer.refresh_from_db()
    assert retainer.retainer_available == Decimal("0")
    assert Refund.objects.get().retainer_invoice == retainer


def test_voiding_a_paid_retainer_is_refused(staff_client, customer_a):
    retainer = make_retainer(customer_a, "80.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="80.00", date=today(), allocations=[(retainer, "80.00")]
    )
    retainer.refresh_from_db()
    before = db_state(retainer)

    response = staff_client.post(action_url(retainer, "void"), follow=True)

    assert_refused(response, "before voiding it")
    assert db_state(retainer) == before


def test_staff_confirms_a_sales_order_and_converts_it_to_an_invoice(staff_client, customer_a):
    order = sales_order_create(actor=SETUP, customer=customer_a, date=today(), lines=lines("70.00"))

    staff_client.post(action_url(order, "confirm"))
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.OPEN

    response = staff_client.post(action_url(order, "to-invoice"))
    invoice = Invoice.objects.get()
    assert response["Location"] == admin_url(invoice)
    order.refresh_from_db()
    assert (order.status, invoice.sales_order, invoice.total) == (
        SalesOrder.Status.INVOICED,
        order,
        Decimal("70.00"),
    )


def test_converting_a_draft_sales_order_is_refused(staff_client, customer_a):
    order = sales_order_create(actor=SETUP, customer=customer_a, date=today(), lines=lines("70.00"))

    response = staff_client.post(action_url(order, "to-invoice"), follow=True)

    assert_refused(response, "invoiced")
    assert not Invoice.objects.exists()


def test_staff_voids_an_open_sales_order_after_confirming(staff_client, customer_a):
    order = sales_order_confirm(
        actor=SETUP,
        order=sales_order_create(actor=SETUP, customer=customer_a, date=today(), lines=lines("70.00")),
    )

    assert "Are you sure?" in staff_client.get(action_url(order, "void")).content.decode()
    staff_client.post(action_url(order, "void"))

    order.refresh_from_db()
    assert order.status == SalesOrder.Status.VOID


def test_staff_creates_a_sales_order_and_a_retainer_invoice(staff_client, customer_a):
    for model, prefix in ((SalesOrder, "SO-"), (RetainerInvoice, "RET-")):
        data = {"customer": customer_a.pk, "date": today().isoformat()}
        data.update(formset_data("lines", [line(rate="40.00")]))

        assert staff_client.post(admin_url(model, "add"), data).status_code == 302
        document = model.objects.get()
        assert document.number.startswith(prefix) and document.total == Decimal("40.00")
