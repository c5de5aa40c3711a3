"""Taking back what was done by mistake: deleting a refund, removing a credit or retainer applied to an invoice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from portico.payments.credits import credit_apply
from portico.payments.models import Refund
from portico.payments.services import payment_record, refund_create
from portico.sales.models import CreditApplication, CreditNote, Invoice, RetainerApplication
from portico.testing import (
    SETUP,
    audit_actions,
    db_state,
    make_credit_note,
    make_invoice,
    make_retainer,
    today,
)

from .conftest import action_url, admin_url, messages_of


def row_url(document, action: str, row) -> str:
    opts = document._meta
    return reverse(f"office:{opts.app_label}_{opts.model_name}_row", args=[document.pk, action, row.pk])


@pytest.fixture
def credited(customer_a):
    """An invoice with a credit note and a retainer applied to it."""
    invoice = make_invoice(customer_a, "100.00")
    credit_note = make_credit_note(customer_a, "30.00")
    retainer = make_retainer(customer_a, "50.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="50.00", date=today(), allocations=[(retainer, "50.00")]
    )
    credit = credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount="30.00")
    applied = credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount="20.00")
    for record in (invoice, credit_note, retainer):
        record.refresh_from_db()
    return invoice, credit_note, retainer, credit, applied


# Refunds ------------------------------------------------------------------------------------------------------


def test_the_refund_page_links_to_its_source(staff_client, customer_a):
    credit_note = make_credit_note(customer_a, "30.00")
    refund = refund_create(actor=SETUP, source=credit_note, amount="10.00", date=today())

    html = staff_client.get(admin_url(refund)).content.decode()

    assert f'<a href="{admin_url(credit_note)}">{credit_note.number}</a>' in html
    assert action_url(refund, "delete") in html


def test_deleting_a_refund_asks_for_confirmation_then_gives_the_credit_back(staff_client, customer_a):
    credit_note = make_credit_note(customer_a, "30.00")
    refund = refund_create(actor=SETUP, source=credit_note, amount="30.00", date=today())
    credit_note.refresh_from_db()
    assert credit_note.status == CreditNote.Status.CLOSED

    confirm = staff_client.get(action_url(refund, "delete"))
    assert "Are you sure?" in confirm.content.decode()
    assert Refund.objects.filter(pk=refund.pk).exists()

    response = staff_client.post(action_url(refund, "delete"), follow=True)

    assert response.redirect_chain[-1][0] == admin_url(credit_note)
    assert f"Refund {refund.number} was deleted; its amount is available again." in messages_of(response)
    assert not Refund.objects.filter(pk=refund.pk).exists()
    credit_note.refresh_from_db()
    assert (credit_note.status, credit_note.balance) == (CreditNote.Status.OPEN, Decimal("30.00"))
    assert "refund.deleted" in audit_actions()


def test_deleting_a_payments_refund_makes_its_amount_unused_again(staff_client, customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="80.00", date=today())
    refund = refund_create(actor=SETUP, source=payment, amount="30.00", date=today())

    staff_client.post(action_url(refund, "delete"))

    payment.refresh_from_db()
    assert payment.unused_amount == Decimal("80.00")
    assert not Refund.objects.exists()


def test_another_organizations_staff_gets_404_for_deleting_a_refund(other_client, customer_a):
    credit_note = make_credit_note(customer_a, "30.00")
    refund = refund_create(actor=SETUP, source=credit_note, amount="10.00", date=today())
    before = db_state(credit_note)

    assert other_client.get(action_url(refund, "delete")).status_code == 404
    assert other_client.post(action_url(refund, "delete")).status_code == 404
    assert db_state(credit_note) == before


# Credits and retainers applied to an invoice ------------------------------------------------------------------


def test_the_invoice_page_offers_to_remove_each_credit_and_retainer_applied(staff_client, credited):
    invoice, _credit_note, _retainer, credit, applied = credited

    html = staff_client.get(admin_url(invoice)).content.decode()

    assert row_url(invoice, "remove-credit", credit) in html
    assert row_url(invoice, "remove-retainer", applied) in html


def test_staff_removes_a_credit_applied_to_an_invoice_after_confirming(staff_client, credited):
    invoice, credit_note, _retainer, credit, _applied = credited
    assert invoice.balance_due == Decimal("50.00")

    confirm = staff_client.get(row_url(invoice, "remove-credit", credit))
    assert "Are you sure?" in confirm.content.decode() and credit_note.number in confirm.content.decode()
    assert CreditApplication.objects.filter(pk=credit.pk).exists()

    response = staff_client.post(row_url(invoice, "remove-credit", credit), follow=True)

    assert response.redirect_chain[-1][0] == admin_url(invoice)
    assert f"The credit applied was removed from {invoice.number}." in messages_of(response)
    invoice.refresh_from_db()
    credit_note.refresh_from_db()
    assert invoice.balance_due == Decimal("80.00")
    assert (credit_note.status, credit_note.balance) == (CreditNote.Status.OPEN, Decimal("30.00"))
    assert not CreditApplication.objects.exists()


def test_staff_removes_a_retainer_applied_to_an_invoice(staff_client, credited):
    invoice, _credit_note, retainer, _credit, applied = credited

    staff_client.post(row_url(invoice, "remove-retainer", applied))

    invoice.refresh_from_db()
    retainer.refresh_from_db()
    assert invoice.balance_due == Decimal("70.00")
    assert retainer.retainer_available == Decimal("50.00")
    assert not RetainerApplication.objects.exists()


def test_the_credit_note_page_lists_its_applications_and_removes_one(staff_client, credited):
    invoice, credit_note, _retainer, credit, _applied = credited

    html = staff_client.get(admin_url(credit_note)).content.decode()
    staff_client.post(row_url(credit_note, "remove-application", credit))

    assert invoice.number in html and row_url(credit_note, "remove-application", credit) in html
    credit_note.refresh_from_db()
    invoice.refresh_from_db()
    assert credit_note.balance == Decimal("30.00") and invoice.balance_due == Decimal("80.00")


def test_the_retainer_page_lists_its_applications_and_removes_one(staff_client, credited):
    invoice, _credit_note, retainer, _credit, applied = credited

    html = staff_client.get(admin_url(retainer)).content.decode()
    staff_client.post(row_url(retainer, "remove-application", applied))

    assert invoice.number in html and row_url(retainer, "remove-application", applied) in html
    retainer.refresh_from_db()
    invoice.refresh_from_db()
    assert retainer.retainer_available == Decimal("50.00") and invoice.balance_due == Decimal("70.00")


def test_an_application_of_another_invoice_is_404_and_nothing_changes(staff_client, customer_a, credited):
    invoice, credit_note, retainer, credit, applied = credited
    other = make_invoice(customer_a, "10.00")
    before = db_state(invoice, other, credit_note, retainer)

    for url in (
        row_url(other, "remove-credit", credit),
        row_url(other, "remove-retainer", applied),
        row_url(invoice, "remove-nothing", credit),
    ):
        assert staff_client.get(url).status_code == 404, url
        assert staff_client.post(url).status_code == 404, url
    assert db_state(invoice, other, credit_note, retainer) == before


def test_another_organizations_staff_gets_404_for_removing_applications(other_client, credited):
    invoice, credit_note, retainer, credit, applied = credited
    before = db_state(invoice, credit_note, retainer)

    for url in (
        row_url(invoice, "remove-credit", credit),
        row_url(invoice, "remove-retainer", applied),
        row_url(credit_note, "remove-application", credit),
        row_url(retainer, "remove-application", applied),
    ):
        assert other_client.get(url).status_code == 404, url
        assert other_client.post(url).status_code == 404, url
    assert db_state(invoice, credit_note, retainer) == before
    assert Invoice.objects.get(pk=invoice.pk).balance_due == Decimal("50.00")
