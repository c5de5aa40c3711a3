"""The portal's Invoices module: the list of invoices and retainer invoices, a document's page, and Pay Now."""

from __future__ import annotations

import contextlib
import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portico.money import format_money
from portico.payments.credits import credit_apply
from portico.payments.services import payment_record
from portico.portal.context import PortalContext
from portico.portal.selectors.invoices import (
    invoice_for_contact,
    retainer_applications_for_contact,
    retainer_invoice_for_contact,
)
from portico.sales.services.documents import LineInput
from portico.sales.services.invoices import invoice_create, invoice_send, invoice_void
from portico.testing import SETUP, make_credit_note, make_invoice, make_retainer, today


def url(name: str, org, **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs={"slug": org.portal_slug, **kwargs})


def listed(client, org, **params) -> list[str]:
    response = client.get(url("invoices", org), params)
    assert response.status_code == 200
    return [row.number for row in response.context["listing"].rows]


def usd(amount) -> str:
    return format_money(Decimal(str(amount)), "USD", "en_US")


def pay(document, amount) -> None:
    payment_record(
        actor=SETUP, customer=document.customer, amount=amount, date=today(), allocations=[(document, amount)]
    )


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


# The list


def test_list_shows_only_the_customers_invoices_and_retainer_invoices(
    org, portal_client, customer_a, customer_b
):
    invoice = make_invoice(customer_a, "100")
    retainer = make_retainer(customer_a, "50")
    draft = make_invoice(customer_a, "70", send=False)
    draft_retainer = make_retainer(customer_a, "80", send=False)
    other = make_invoice(customer_b, "90")
    other_retainer = make_retainer(customer_b, "40")

    numbers = listed(portal_client, org)

    assert sorted(numbers) == sorted([invoice.number, retainer.number])
    body = portal_client.get(url("invoices", org)).content.decode()
    for hidden in (draft, draft_retainer, other, other_retainer):
        assert f">{hidden.number}<" not in body
    assert url("invoice-detail", org, number=invoice.number) in body
    assert url("retainer-invoice-detail", org, number=retainer.number) in body


def test_a_void_invoice_is_listed_as_void_and_in_no_status_filter(org, portal_client, customer_a):
    voided = invoice_void(actor=SETUP, invoice=make_invoice(customer_a, "100"))

    assert listed(portal_client, org) == [voided.number]
    assert "Void" in portal_client.get(url("invoices", org)).content.decode()
    for status in ("unpaid", "partially_paid", "overdue", "paid"):
        assert listed(portal_client, org, status=status) == []


def test_the_type_filter_shows_invoices_or_retainer_invoices(org, portal_client, customer_a):
    invoice = make_invoice(customer_a, "100")
    retainer = make_retainer(customer_a, "50")

    assert listed(portal_client, org, type="invoices") == [invoice.number]
    assert listed(portal_client, org, type="retainers") == [retainer.number]
    assert sorted(listed(portal_client, org, type="all")) == sorted([invoice.number, retainer.number])
    assert sorted(listed(portal_client, org, type="nonsense")) == sorted([invoice.number, retainer.number])


@pytest.fixture
def history(customer_a):
    """One document in each state: sent, partly paid, overdue, paid; a sent and a paid retainer invoice."""
    sent = make_invoice(customer_a, "100", due_date=days(30))
    partly = make_invoice(customer_a, "200", due_date=days(30))
    pay(partly, "50")
    overdue = make_invoice(customer_a, "300", date=days(-40), due_date=days(-10))
    overdue_partly = make_invoice(customer_a, "400", date=days(-40), due_date=days(-1))
    pay(overdue_partly, "100")
    paid = make_invoice(customer_a, "500", date=days(-40), due_date=days(-10))
    pay(paid, "500")
    retainer = make_retainer(customer_a, "60")
    retainer_paid = make_retainer(customer_a, "70")
    pay(retainer_paid, "70")
    return {
        "sent": sent,
        "partly": partly,
        "overdue": overdue,
        "overdue_partly": overdue_partly,
        "paid": paid,
        "retainer": retainer,
        "retainer_paid": retainer_paid,
    }


@pytest.mark.parametrize(
    ("status", "kind", "expected"),
    [
        ("unpaid", "all", ["sent", "partly", "overdue", "overdue_partly", "retainer"]),
        ("unpaid", "invoices", ["sent", "partly", "overdue", "overdue_partly"]),
        ("unpaid", "retainers", ["retainer"]),
        ("partially_paid", "all", ["partly", "overdue_partly"]),
        ("overdue", "all", ["overdue", "overdue_partly"]),
        ("overdue", "retainers", []),
        ("paid", "all", ["paid", "retainer_paid"]),
        ("paid", "invoices", ["paid"]),
        ("all", "all", ["sent", "partly", "overdue", "overdue_partly", "paid", "retainer", "retainer_paid"]),
    ],
)
def test_each_status_filter_shows_its_documents(org, portal_client, history, status, kind, expected):
    numbers = listed(portal_client, org, status=status, type=kind)
    assert sorted(numbers) == sorted(history[name].number for name in expected)


def test_an_overdue_invoice_shows_overdue_in_the_list(org, portal_client, history):
    listing = portal_client.get(url("invoices", org)).context["listing"]
    statuses = {row.number: row.status_label for row in listing.rows}
    assert statuses[history["overdue"].number] == "Overdue"
    assert statuses[history["overdue_partly"].number] == "Overdue"
    assert statuses[history["partly"].number] == "Partially paid"
    assert statuses[history["paid"].number] == "Paid"


def test_overdue_is_decided_by_the_date_where_the_organization_is(org, portal_client, customer_a, settings):
    # The server runs at UTC-12 and the organization at UTC+14: their dates differ by one or two days, always.
    settings.TIME_ZONE = "Etc/GMT+12"
    org.timezone = "Etc/GMT-14"
    org.save()
    organization_today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Etc/GMT-14"))
    assert today() < organization_today
    due_yesterday = make_invoice(customer_a, "100", due_date=organization_today - datetime.timedelta(days=1))
    due_today = make_invoice(customer_a, "100", due_date=organization_today)

    assert listed(portal_client, org, status="overdue") == [due_yesterday.number]
    body = portal_client.get(url("invoice-detail", org, number=due_yesterday.number)).content.decode()
    assert "Overdue" in body
    body = portal_client.get(url("invoice-detail", org, number=due_today.number)).content.decode()
    assert "Overdue" not in body


@pytest.fixture
def sortable(customer_a):
    first = make_invoice(customer_a, "100", date=days(-3), due_date=days(30))
    second = make_invoice(customer_a, "300", date=days(-2), due_date=days(5))
    pay(second, "250")
    third = make_invoice(customer_a, "200", date=days(-1), due_date=days(10))
    retainer = make_retainer(customer_a, "150")
    return first, second, third, retainer


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("date", (3, 2, 1, 0)),  # newest first; the retainer is dated today
        ("", (3, 2, 1, 0)),  # the default
        ("due_date", (1, 2, 0, 3)),  # soonest first; a retainer invoice has no due date, so it comes last
        ("amount", (1, 2, 3, 0)),  # largest total first
        ("balance", (2, 3, 0, 1)),  # largest balance due first
    ],
)
def test_each_sort_orders_the_list(org, portal_client, sortable, sort, order):
    assert listed(portal_client, org, sort=sort) == [sortable[i].number for i in order]


def test_the_due_date_sort_puts_what_is_owed_first_and_long_paid_invoices_after_it(
    org, portal_client, customer_a
):
    paid_long_ago = make_invoice(customer_a, "100", date=days(-90), due_date=days(-60))
    pay(paid_long_ago, "100")
    overdue = make_invoice(customer_a, "200", date=days(-40), due_date=days(-10))
    due_later = make_invoice(customer_a, "300", due_date=days(20))
    partly_paid = make_invoice(customer_a, "400", due_date=days(5))
    pay(partly_paid, "50")
    retainer = make_retainer(customer_a, "60")  # owed, but it has no due date
    voided = invoice_void(
        actor=SETUP, invoice=make_invoice(customer_a, "70", date=days(-80), due_date=days(-50))
    )

    numbers = listed(portal_client, org, sort="due_date")

    owed = [overdue.number, partly_paid.number, due_later.number, retainer.number]
    assert numbers == [*owed, paid_long_ago.number, voided.number]


def test_the_list_pages_by_25_and_the_pages_keep_the_choices(org, portal_client, customer_a):
    numbers = [make_invoice(customer_a, "10").number for _ in range(27)]
    make_retainer(customer_a, "10")

    page_one = portal_client.get(url("invoices", org), {"type": "invoices", "sort": "date"})
    listing = page_one.context["listing"]
    assert len(listing.rows) == 25
    assert "type=invoices" in listing.next_query and "sort=date" in listing.next_query
    page_two = listed(portal_client, org, type="invoices", sort="date", page=2)
    assert sorted(page_two + [row.number for row in listing.rows]) == sorted(numbers)
    assert "Page 1 of 2" in page_one.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Invoices from Acme Consulting will be listed here."),
        ({"status": "overdue"}, "You have no overdue invoices or retainer invoices."),
        ({"status": "paid", "type": "retainers"}, "You have no paid retainer invoices yet."),
        ({"type": "invoices"}, "You have no invoices yet."),
    ],
)
def test_an_empty_list_says_so_for_its_filter(org, portal_client, params, message):
    body = portal_client.get(url("invoices", org), params).content.decode()
    assert message in body


def test_the_list_runs_as_many_queries_for_50_documents_as_for_5(org, portal_client, customer_a):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert portal_client.get(url("invoices", org)).status_code == 200
        return len(captured)

    for _ in range(4):
        make_invoice(customer_a, "10")
    make_retainer(customer_a, "10")
    with_5 = queries()
    for _ in range(40):
        make_invoice(customer_a, "10")
    for _ in range(5):
        make_retainer(customer_a, "10")
    assert queries() == with_5


# A document


def test_another_customers_invoice_and_retainer_invoice_are_404(
    org, portal_client_b, portal_client, customer_a
):
    invoice = make_invoice(customer_a, "100")
    retainer = make_retainer(customer_a, "50")
    draft = make_invoice(customer_a, "70", send=False)

    assert portal_client_b.get(url("invoice-detail", org, number=invoice.number)).status_code == 404
    assert portal_client_b.get(url("retainer-invoice-detail", org, number=retainer.number)).status_code == 404
    assert portal_client_b.get(url("pay", org), {"invoice": invoice.number}).status_code == 404
    assert portal_client_b.get(url("pay", org), {"retainer": retainer.number}).status_code == 404
    # A draft is not the customer's yet, and an invoice's number is not a retainer invoice's.
    assert portal_client.get(url("invoice-detail", org, number=draft.number)).status_code == 404
    assert portal_client.get(url("retainer-invoice-detail", org, number=invoice.number)).status_code == 404
    assert portal_client.get(url("invoice-detail", org, number=retainer.number)).status_code == 404


def test_the_selectors_answer_404_outside_the_customer(org, access_a, access_b, customer_a):
    invoice = make_invoice(customer_a, "100")
    retainer = make_retainer(customer_a, "50")
    portal_a = PortalContext(organization=org, access=access_a)
    portal_b = PortalContext(organization=org, access=access_b)

    assert invoice_for_contact(portal=portal_a, number=invoice.number) == invoice
    assert retainer_invoice_for_contact(portal=portal_a, number=retainer.number) == retainer
    with pytest.raises(Http404):
        invoice_for_contact(portal=portal_b, number=invoice.number)
    with pytest.raises(Http404):
        retainer_invoice_for_contact(portal=portal_b, number=retainer.number)


def test_the_invoice_page_shows_the_stored_figures_and_what_was_applied(org, portal_client, customer_a, tax):
    invoice = invoice_send(
        actor=SETUP,
        invoice=invoice_create(
            actor=SETUP,
            customer=customer_a,
            date=today(),
            lines=[
                LineInput(description="Design work", quantity=Decimal("2.5"), rate=Decimal("80"), tax=tax),
                LineInput(
                    description="Hosting", quantity=1, rate=Decimal("50"), discount_percent=Decimal("10")
                ),
            ],
        ),
    )
    pay(invoice, "30")
    credit_note = make_credit_note(customer_a, "20")
    credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount="20")
    retainer = make_retainer(customer_a, "15")
    pay(retainer, "15")
    credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount="15")
    invoice.refresh_from_db()
    payment = invoice.payment_allocations.get().payment

    response = portal_client.get(url("invoice-detail", org, number=invoice.number))

    assert response.status_code == 200
    body = response.content.decode()
    # 2.5 × 80 = 200 + 20 % VAT; 50 less 10 % = 45; subtotal 245, tax 40, total 285; 285 − 30 − 20 − 15 = 220.
    assert (invoice.subtotal, invoice.tax_total, invoice.total, invoice.balance_due) == (
        Decimal("245"),
        Decimal("40"),
        Decimal("285"),
        Decimal("220"),
    )
    for text in (
        "Design work",
        ">2.5<",
        "10%",  # as en_US writes a percentage; de_DE would write "10 %"
        "VAT 20%",
        usd(invoice.subtotal),
        usd(invoice.tax_total),
        usd(invoice.total),
        usd(invoice.balance_due),
        payment.number,
        usd("30"),
        credit_note.number,
        retainer.number,
        url("retainer-invoice-detail", org, number=retainer.number),
    ):
        assert text in body, text
    with contextlib.suppress(NoReverseMatch):  # the payment's receipt, once the Payments Made module has one
        assert url("payment-detail", org, number=payment.number) in body


def test_pay_now_is_shown_only_while_a_balance_is_due(org, portal_client, customer_a):
    unpaid = make_invoice(customer_a, "100")
    paid = make_invoice(customer_a, "100")
    pay(paid, "100")
    retainer = make_retainer(customer_a, "50")

    body = portal_client.get(url("invoice-detail", org, number=unpaid.number)).content.decode()
    assert f"{url('pay', org)}?invoice={unpaid.number}" in body
    body = portal_client.get(url("invoice-detail", org, number=paid.number)).content.decode()
    assert "Pay Now" not in body
    body = portal_client.get(url("retainer-invoice-detail", org, number=retainer.number)).content.decode()
    assert f"{url('pay', org)}?retainer={retainer.number}" in body


def test_the_retainer_invoice_page_shows_how_the_retainer_was_used(org, portal_client, customer_a):
    retainer = make_retainer(customer_a, "500")
    pay(retainer, "500")
    first = make_invoice(customer_a, "120")
    second = make_invoice(customer_a, "80")
    credit_apply(actor=SETUP, source=retainer, invoice=first, amount="120")
    credit_apply(actor=SETUP, source=retainer, invoice=second, amount="30")
    retainer.refresh_from_db()

    response = portal_client.get(url("retainer-invoice-detail", org, number=retainer.number))

    body = response.content.decode()
    assert [a.invoice.number for a in response.context["applications"]] == [first.number, second.number]
    applied = body[body.index("Retainer applied to invoices") :]
    for text in (
        f'<a href="{url("invoice-detail", org, number=first.number)}">{first.number}</a>',
        f'<a href="{url("invoice-detail", org, number=second.number)}">{second.number}</a>',
        usd("120"),
        usd("30"),
    ):
        assert text in applied, text
    assert retainer.retainer_available == Decimal("350")
    assert "Available retainer" in applied and usd("350") in applied


def test_the_retainers_applications_are_read_for_the_contacts_customer_only(
    org, access_a, access_b, customer_a
):
    retainer = make_retainer(customer_a, "100")
    pay(retainer, "100")
    invoice = make_invoice(customer_a, "40")
    credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount="40")
    portal_a = PortalContext(organization=org, access=access_a)
    portal_b = PortalContext(organization=org, access=access_b)

    assert [a.invoice for a in retainer_applications_for_contact(portal=portal_a, retainer=retainer)] == [
        invoice
    ]
    assert retainer_applications_for_contact(portal=portal_b, retainer=retainer) == []


def test_the_retainer_invoice_page_runs_as_many_queries_with_many_applications_as_with_one(
    org, portal_client, customer_a
):
    retainer = make_retainer(customer_a, "1000")
    pay(retainer, "1000")
    credit_apply(actor=SETUP, source=retainer, invoice=make_invoice(customer_a, "10"), amount="10")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = portal_client.get(url("retainer-invoice-detail", org, number=retainer.number))
            assert response.status_code == 200
        return len(captured)

    queries()  # the first view records the "Viewed" marker; later views only update it
    with_one = queries()
    for _ in range(6):
        credit_apply(actor=SETUP, source=retainer, invoice=make_invoice(customer_a, "10"), amount="10")
    assert queries() == with_one


def test_the_retainer_invoice_page_shows_its_figures_and_payments(org, portal_client, customer_a):
    retainer = make_retainer(customer_a, "80")
    pay(retainer, "30")
    retainer.refresh_from_db()
    payment = retainer.payment_allocations.get().payment

    body = portal_client.get(url("retainer-invoice-detail", org, number=retainer.number)).content.decode()

    assert f"Retainer invoice {retainer.number}" in body
    assert "Partially paid" in body
    for text in (usd(retainer.total), usd("30"), usd(retainer.balance_due), payment.number):
        assert text in body


def test_the_invoice_page_runs_as_many_queries_with_many_payments_as_with_one(org, portal_client, customer_a):
    invoice = make_invoice(customer_a, "100")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert portal_client.get(url("invoice-detail", org, number=invoice.number)).status_code == 200
        return len(captured)

    pay(invoice, "1")
    queries()  # the first view records the "Viewed" marker and notifies; later views only update it
    with_one = queries()
    for _ in range(5):
        pay(invoice, "1")
        credit_apply(actor=SETUP, source=make_credit_note(customer_a, "1"), invoice=invoice, amount="1")
    assert queries() == with_one


# Pay Now


def test_the_pay_page_asks_for_the_invoices_balance(org, portal_client, customer_a):
    org.phone = "+1 555 0100"
    org.save()
    invoice = make_invoice(customer_a, "100")
    pay(invoice, "40")
    make_invoice(customer_a, "500")

    body = portal_client.get(url("pay", org), {"invoice": invoice.number}).content.decode()

    assert "Online payment is not configured yet for Acme Consulting" in body
    assert usd("60") in body and usd("560") not in body
    assert "+1 555 0100" in body and org.email in body
    assert url("invoice-detail", org, number=invoice.number) in body


def test_the_pay_page_without_an_invoice_asks_for_everything_owed(org, portal_client, customer_a):
    make_invoice(customer_a, "100")
    partly = make_invoice(customer_a, "200")
    pay(partly, "50")
    make_retainer(customer_a, "1000")  # a retainer invoice is an advance request, not part of the receivable

    body = portal_client.get(url("pay", org)).content.decode()

    assert usd("250") in body
    assert "Online payment is not configured yet" in body
    assert url("invoices", org) in body


def test_the_pay_page_for_a_retainer_invoice_and_with_nothing_owed(org, portal_client, customer_a):
    retainer = make_retainer(customer_a, "75")
    body = portal_client.get(url("pay", org), {"retainer": retainer.number}).content.decode()
    assert usd("75") in body and retainer.number in body

    body = portal_client.get(url("pay", org)).content.decode()
    assert usd("0") in body and "Nothing is due right now" in body
    assert portal_client.get(url("pay", org), {"invoice": "INV-99999"}).status_code == 404


def test_home_offers_pay_now_for_the_whole_amount_only_when_something_is_owed(org, portal_client, customer_a):
    assert url("pay", org) not in portal_client.get(url("home", org)).content.decode()
    make_invoice(customer_a, "100")
    body = portal_client.get(url("home", org)).content.decode()
    assert f'href="{url("pay", org)}"' in body


def test_the_pay_page_shows_how_to_pay_offline_when_the_business_says(org, portal_client, customer_a):
    make_invoice(customer_a, "100")
    body = portal_client.get(url("pay", org)).content.decode()
    assert "How to pay" not in body
    assert "ask them for their details" in body

    org.payment_instructions = "Bank transfer to Acme Consulting\nIBAN DE00 1234 5678 9012 3456 78"
    org.save()
    body = portal_client.get(url("pay", org)).content.decode()
    assert "How to pay" in body
    assert "Bank transfer to Acme Consulting<br>IBAN DE00 1234 5678 9012 3456 78" in body
    assert "Please pay as described below." in body
