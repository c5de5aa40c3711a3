"""Correcting an offline payment's details, and taking back one of its allocations."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from portico.payments.credits import credit_apply
from portico.payments.models import CustomerPayment, PaymentAllocation
from portico.payments.services import payment_record
from portico.sales.models import Invoice
from portico.testing import SETUP, audit_actions, db_state, make_invoice, make_retainer, today

from .conftest import admin_url, assert_refused, messages_of


def unallocate_url(allocation: PaymentAllocation) -> str:
    return reverse(
        "office:payments_customerpayment_row", args=[allocation.payment_id, "unallocate", allocation.pk]
    )


def edit_data(payment: CustomerPayment, **changes) -> dict:
    data = {
        "date": payment.date.isoformat(),
        "bank_charges": str(payment.bank_charges),
        "mode": payment.mode,
        "reference": payment.reference,
        "notes": payment.notes,
        "_save": "Save",
    }
    return {**data, **changes}


@pytest.fixture
def paid_invoice(customer_a):
    invoice = make_invoice(customer_a, "100.00")
    payment = payment_record(
        actor=SETUP,
        customer=customer_a,
        amount="150.00",
        date=today(),
        reference="WIRE-1",
        allocations=[(invoice, "100.00")],
    )
    return invoice, payment


def test_the_page_of_an_offline_payment_edits_its_details(staff_client, paid_invoice):
    _invoice, payment = paid_invoice

    html = staff_client.get(admin_url(payment)).content.decode()

    for name in ("date", "mode", "reference", "notes", "bank_charges"):
        assert f'name="{name}"' in html, name
    assert 'name="amount"' not in html and 'name="customer"' not in html


def test_staff_corrects_an_offline_payments_date_mode_reference_notes_and_bank_charges(
    staff_client, paid_invoice
):
    invoice, payment = paid_invoice
    earlier = today() - datetime.timedelta(days=3)

    response = staff_client.post(
        admin_url(payment),
        edit_data(
            payment,
            date=earlier.isoformat(),
            mode="check",
            reference="CHK-42",
            notes="Posted cheque",
            bank_charges="2.50",
        ),
        follow=True,
    )

    assert response.status_code == 200
    assert not [m for m in messages_of(response) if "cannot" in m]
    payment.refresh_from_db()
    assert (payment.date, payment.mode, payment.reference, payment.notes, payment.bank_charges) == (
        earlier,
        "check",
        "CHK-42",
        "Posted cheque",
        Decimal("2.50"),
    )
    assert (payment.amount, payment.unused_amount) == (Decimal("150.00"), Decimal("50.00"))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert "payment.updated" in audit_actions(payment)


def test_bank_charges_above_the_amount_received_are_refused(staff_client, paid_invoice):
    invoice, payment = paid_invoice
    before = db_state(payment, invoice)

    response = staff_client.post(admin_url(payment), edit_data(payment, bank_charges="500.00"), follow=True)

    assert_refused(response, "Bank charges cannot be more than the amount received.")
    assert db_state(payment, invoice) == before
    payment.refresh_from_db()
    assert payment.bank_charges == Decimal("0")


def test_the_amount_of_a_payment_cannot_be_changed_on_its_page(staff_client, paid_invoice):
    _invoice, payment = paid_invoice

    staff_client.post(admin_url(payment), edit_data(payment, amount="999.00", reference="NEW"))

    payment.refresh_from_db()
    assert (payment.amount, payment.reference) == (Decimal("150.00"), "NEW")


def test_removing_an_allocation_asks_for_confirmation_then_the_invoice_owes_it_again(
    staff_client, paid_invoice
):
    invoice, payment = paid_invoice
    allocation = payment.allocations.get()

    confirm = staff_client.get(unallocate_url(allocation))
    assert confirm.status_code == 200
    assert "Are you sure?" in confirm.content.decode() and invoice.number in confirm.content.decode()
    assert PaymentAllocation.objects.filter(pk=allocation.pk).exists()

    response = staff_client.post(unallocate_url(allocation), follow=True)

    assert response.redirect_chain[-1][0] == admin_url(payment)
    assert any("The allocation was removed" in m for m in messages_of(response))
    assert not PaymentAllocation.objects.filter(pk=allocation.pk).exists()
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.SENT, Decimal("100.00"))
    assert payment.unused_amount == Decimal("150.00")


def test_removing_the_allocation_of_a_retainer_already_applied_is_refused(staff_client, customer_a):
    retainer = make_retainer(customer_a, "80.00")
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="80.00", date=today(), allocations=[(retainer, "80.00")]
    )
    invoice = make_invoice(customer_a, "50.00")
    credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount="50.00")
    allocation = payment.allocations.get()
    before = db_state(payment, retainer, invoice)

    response = staff_client.post(unallocate_url(allocation), follow=True)

    assert_refused(response, "already applied or refunded")
    assert db_state(payment, retainer, invoice) == before


def test_an_allocation_of_another_payment_is_404(staff_client, customer_a, paid_invoice):
    _invoice, payment = paid_invoice
    other_invoice = make_invoice(customer_a, "20.00")
    other = payment_record(
        actor=SETUP, customer=customer_a, amount="20.00", date=today(), allocations=[(other_invoice, "20.00")]
    )
    foreign = other.allocations.get()
    before = db_state(payment, other)

    url = reverse("office:payments_customerpayment_row", args=[payment.pk, "unallocate", foreign.pk])

    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url).status_code == 404
    assert db_state(payment, other) == before


def test_another_organizations_staff_gets_404_for_editing_and_unallocating(other_client, paid_invoice):
    invoice, payment = paid_invoice
    allocation = payment.allocations.get()
    before = db_state(payment, invoice)

    assert other_client.get(admin_url(payment)).status_code == 404
    assert other_client.post(admin_url(payment), edit_data(payment, reference="X")).status_code == 404
    assert other_client.get(unallocate_url(allocation)).status_code == 404
    assert other_client.post(unallocate_url(allocation)).status_code == 404
    assert db_state(payment, invoice) == before
    payment.refresh_from_db()
    assert payment.reference == "WIRE-1"
