"""Payments Made in the portal: the customer's payments, filtered and sorted, and a receipt for each."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portico.payments.models import PaymentMode
from portico.payments.services import payment_record, refund_create
from portico.portal.views.payments import document_link
from portico.testing import SETUP, make_invoice, make_retainer, today


def url(org, name: str = "payments", **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs={"slug": org.portal_slug, **kwargs})


def numbers_on(response) -> list[str]:
    return [payment.number for payment in response.context["listing"].page.object_list]


def pay(customer, amount, *, days_ago: int = 0, allocations=(), **fields):
    return payment_record(
        customer=customer,
        amount=amount,
        date=today() - datetime.timedelta(days=days_ago),
        allocations=allocations,
        **{"actor": SETUP, **fields},
    )


@pytest.fixture
def history(customer_a, customer_b):
    """Customer A paid an invoice, a retainer invoice, and once in advance; customer B paid once."""
    invoice = make_invoice(customer_a, "300")
    retainer = make_retainer(customer_a, "500")
    return {
        "invoice_payment": pay(customer_a, "300", days_ago=3, allocations=[(invoice, "300")]),
        "retainer_payment": pay(customer_a, "500", days_ago=2, allocations=[(retainer, "500")]),
        "advance": pay(customer_a, "50", days_ago=1, mode=PaymentMode.CASH),
        "other_customer": pay(customer_b, "999", days_ago=1),
    }


def test_the_list_shows_only_the_customers_payments_newest_first(org, portal_client, history):
    response = portal_client.get(url(org))
    assert response.status_code == 200
    assert numbers_on(response) == [
        history["advance"].number,
        history["retainer_payment"].number,
        history["invoice_payment"].number,
    ]
    assert history["other_customer"].number not in response.content.decode()


def test_online_and_offline_payments_are_both_listed(org, portal_client, customer_a):
    offline = pay(customer_a, "10", mode=PaymentMode.CHECK)
    online = pay(customer_a, "20", mode=PaymentMode.CARD, is_online=True, gateway="sandbox")
    response = portal_client.get(url(org))
    assert set(numbers_on(response)) == {offline.number, online.number}
    assert "Online" in response.content.decode()


def test_the_invoice_payments_filter_keeps_payments_that_paid_invoices(org, portal_client, history):
    response = portal_client.get(url(org) + "?status=invoice")
    assert numbers_on(response) == [history["invoice_payment"].number]


def test_the_retainer_payments_filter_keeps_payments_that_paid_retainer_invoices(org, portal_client, history):
    response = portal_client.get(url(org) + "?status=retainer")
    assert numbers_on(response) == [history["retainer_payment"].number]


def test_a_payment_of_several_invoices_is_listed_once(org, portal_client, customer_a):
    first, second = make_invoice(customer_a, "100"), make_invoice(customer_a, "200")
    payment = pay(customer_a, "300", allocations=[(first, "100"), (second, "200")])
    assert numbers_on(portal_client.get(url(org) + "?status=invoice")) == [payment.number]


def test_payments_sort_by_date_and_by_amount(org, portal_client, history):
    invoice_payment, retainer_payment, advance = (
        history["invoice_payment"].number,
        history["retainer_payment"].number,
        history["advance"].number,
    )
    assert numbers_on(portal_client.get(url(org) + "?sort=date-asc")) == [
        invoice_payment,
        retainer_payment,
        advance,
    ]
    assert numbers_on(portal_client.get(url(org) + "?sort=amount")) == [
        retainer_payment,
        invoice_payment,
        advance,
    ]
    assert numbers_on(portal_client.get(url(org) + "?sort=amount-asc")) == [
        advance,
        invoice_payment,
        retainer_payment,
    ]


def test_an_unknown_filter_or_sort_shows_the_default_list(org, portal_client, history):
    response = portal_client.get(url(org) + "?status=nonsense&sort=nonsense&page=nonsense")
    assert response.status_code == 200
    assert len(numbers_on(response)) == 3


def test_the_list_has_pages_of_25(org, portal_client, customer_a):
    payments = [pay(customer_a, str(n + 1), days_ago=n) for n in range(27)]
    first = portal_client.get(url(org))
    second = portal_client.get(url(org) + "?status=all&sort=date&page=2")
    assert numbers_on(first) == [p.number for p in payments[:25]]
    assert numbers_on(second) == [p.number for p in payments[25:]]
    assert "Page 1 of 2" in first.content.decode()
    assert 'rel="next"' in first.content.decode()


def test_an_empty_list_says_where_payments_will_appear(org, portal_client):
    body = portal_client.get(url(org)).content.decode()
    assert "Payments you make to Acme Consulting will be listed here." in body


def test_an_empty_filter_offers_the_whole_list(org, portal_client, customer_a):
    pay(customer_a, "10")
    body = portal_client.get(url(org) + "?status=invoice").content.decode()
    assert "No payments match this filter." in body


def test_the_list_runs_as_many_queries_for_50_payments_as_for_5(org, portal_client, customer_a):
    invoice = make_invoice(customer_a, "1000")
    for _ in range(5):
        pay(customer_a, "10", allocations=[(invoice, "5")])
    with CaptureQueriesContext(connection) as few:
        assert portal_client.get(url(org)).status_code == 200
    for _ in range(45):
        pay(customer_a, "10", allocations=[(invoice, "5")])
    with CaptureQueriesContext(connection) as many:
        assert portal_client.get(url(org)).status_code == 200
    assert len(many) == len(few)


def test_the_receipt_shows_the_payment_and_what_it_paid(org, portal_client, customer_a):
    invoice = make_invoice(customer_a, "300")
    retainer = make_retainer(customer_a, "200")
    payment = pay(
        customer_a,
        "600",
        allocations=[(invoice, "300"), (retainer, "200")],
        reference="WIRE-7781",
        bank_charges="2.50",
    )
    response = portal_client.get(url(org, "payment-detail", number=payment.number))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (payment.number, "WIRE-7781", "Bank transfer", "$600.00", "$2.50", "$500.00", "$100.00"):
        assert text in body, text
    paid = {(row.link.number, row.amount) for row in response.context["paid"]}
    assert paid == {(invoice.number, Decimal("300.00")), (retainer.number, Decimal("200.00"))}
    assert response.context["paid_total"] == Decimal("500.00")
    assert invoice.number in body and retainer.number in body


def test_the_receipt_shows_what_was_refunded_from_the_payment(org, portal_client, customer_a):
    payment = pay(customer_a, "100")
    refund = refund_create(actor=SETUP, source=payment, amount="40", date=today())
    body = portal_client.get(url(org, "payment-detail", number=payment.number)).content.decode()
    assert refund.number in body and "$40.00" in body
    assert "$60.00" in body  # what is left as credit


def test_the_receipt_of_an_unapplied_payment_says_it_is_credit(org, portal_client, customer_a):
    payment = pay(customer_a, "75")
    body = portal_client.get(url(org, "payment-detail", number=payment.number)).content.decode()
    assert "available as credit" in body
    assert "Bank charges" not in body


def test_another_customers_payment_is_404(org, portal_client, customer_b):
    payment = pay(customer_b, "10")
    assert portal_client.get(url(org, "payment-detail", number=payment.number)).status_code == 404


def test_another_organizations_payment_is_404(org, portal_client, other_customer):
    payment = pay(other_customer, "10")
    assert portal_client.get(url(org, "payment-detail", number=payment.number)).status_code == 404


def test_an_unknown_payment_number_is_404(org, portal_client, access_a):
    assert portal_client.get(url(org, "payment-detail", number="PAY-NOPE")).status_code == 404


def test_a_paid_document_links_to_its_portal_page_when_there_is_one(org, access_a, customer_a):
    from portico.portal.context import PortalContext

    portal = PortalContext(organization=org, access=access_a)
    link = document_link(portal, make_invoice(customer_a, "10"))
    assert link.number
    if link.url is not None:  # the invoice pages may not exist yet; then the number is shown as text
        assert link.url == reverse(
            "portal:invoice-detail", kwargs={"slug": org.portal_slug, "number": link.number}
        )
