"""An office edit of a draft that someone else sends and gets paid meanwhile: the edit works on the document as it
is now, so it is refused with a message and the payment and the status stay; nothing is undone."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client

from portico.actors import Actor
from portico.payments.models import CustomerPayment
from portico.payments.services import payment_record
from portico.sales.models import Invoice
from portico.sales.services.invoices import invoice_send
from portico.testing import make_invoice, today

from .conftest import admin_url, formset_data, line, messages_of

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (SELECT … FOR UPDATE) exist on PostgreSQL only"
)


def edit_post(invoice: Invoice, rate: str) -> dict:
    existing = invoice.lines.get()
    data = {
        "customer": invoice.customer_id,
        "date": invoice.date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "reference": "edited",
        "notes": "",
        "terms": "",
    }
    data.update(formset_data("lines", [line(rate=rate, id=existing.pk, document=invoice.pk)], initial=1))
    return data


def send_and_pay(invoice: Invoice, staff) -> CustomerPayment:
    actor = Actor.staff(staff)
    invoice_send(invoice=invoice, actor=actor)
    return payment_record(
        customer=invoice.customer, amount="40.00", date=today(), allocations=[(invoice, "40.00")], actor=actor
    )


def test_an_edit_of_a_draft_sent_and_paid_since_the_form_opened_is_refused(staff_client, staff, customer_a):
    invoice = make_invoice(customer_a, "100.00", send=False)
    stale_form = edit_post(invoice, rate="80.00")  # what staff typed on the page they opened
    send_and_pay(invoice, staff)

    response = staff_client.post(admin_url(invoice), stale_form, follow=True)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.total, invoice.balance_due, invoice.reference) == (
        Invoice.Status.PARTIALLY_PAID,
        Decimal("100.00"),
        Decimal("60.00"),
        "",
    )
    assert invoice.payment_allocations.get().amount == Decimal("40.00")
    assert response.status_code == 200
    assert messages_of(response) == [
        f"{invoice.number} is partially paid and can no longer be edited; it is shown as it is now."
    ]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_office_edit_racing_a_send_and_a_payment_never_undoes_them(staff, customer_a):
    """The send and the payment hold the invoice's lock while the office's save of the draft arrives: the save
    waits, then finds the invoice sent and refuses; the payment and the status stay."""
    invoice = make_invoice(customer_a, "100.00", send=False)
    stale_form = edit_post(invoice, rate="80.00")
    locked = threading.Event()
    outcome: dict[str, object] = {}

    def colleague() -> None:
        try:
            with transaction.atomic():
                Invoice.objects.select_for_update().get(pk=invoice.pk)
                locked.set()
                time.sleep(1.5)  # the office's save arrives while the lock is held
                send_and_pay(invoice, staff)
        finally:
            connection.close()

    def office() -> None:
        try:
            client = Client()
            client.force_login(staff)
            locked.wait(timeout=30)
            outcome["response"] = client.post(admin_url(invoice), stale_form)
        finally:
            connection.close()

    threads = [threading.Thread(target=colleague), threading.Thread(target=office)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTIALLY_PAID
    assert (invoice.total, invoice.balance_due, invoice.reference) == (
        Decimal("100.00"),
        Decimal("60.00"),
        "",
    )
    assert invoice.payment_allocations.get().amount == Decimal("40.00")
    response = outcome["response"]
    # The save waited for the lock, then found the invoice sent: refused, whichever check saw it first.
    assert response.status_code in (200, 302), response.content[:600]
    if response.status_code == 200:
        assert "can no longer be edited" in response.content.decode()
    else:
        assert response.url == admin_url(invoice)
