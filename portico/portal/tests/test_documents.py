"""What every document page of the portal shares: the line items and the totals rendered alike on a quote, an
invoice, a retainer invoice and a sales order, totals that add up, percentages written as the organization's locale
writes them, and an "All …" link that goes back to the list the contact came from, never to another site."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from portico.payments.services import payment_record
from portico.projects.services import (
    project_create,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_send,
)
from portico.sales.services.documents import LineInput
from portico.sales.services.invoices import (
    invoice_create,
    invoice_send,
    retainer_invoice_create,
    retainer_invoice_send,
)
from portico.sales.services.quotes import quote_create, quote_send
from portico.sales.services.salesorders import (
    sales_order_confirm,
    sales_order_convert_to_invoice,
    sales_order_create,
)
from portico.testing import SETUP, TaxFactory, make_invoice, make_quote, today


def url(name: str, org, **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs={"slug": org.portal_slug, **kwargs})


def text(fragment: str) -> str:
    """What a fragment of HTML reads as: its text, with the spacing collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def amount(shown: str) -> Decimal:
    """A money figure as shown in en_US ("$1,234.50", "(−) $30.00") as a number."""
    return Decimal(re.sub(r"[^\d.]", "", shown))


def lines_table(body: str) -> str:
    return re.search(r'<table class="doc-table doc-lines">.*?</table>', body, re.S).group(0)


def line_amounts(body: str) -> list[Decimal]:
    cells = re.findall(r'<td data-label="Amount" class="doc-num doc-lead">(.*?)</td>', lines_table(body))
    return [amount(cell) for cell in cells]


def totals(body: str) -> list[tuple[str, Decimal]]:
    """The rows of the document's totals block, top to bottom: (label, amount)."""
    block = re.search(r'<dl class="doc-totals">(.*?)</dl>', body, re.S).group(1)
    rows = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block, re.S)
    return [(text(label), amount(text(figure))) for label, figure in rows]


@pytest.fixture
def sales_tax(org):
    return TaxFactory(organization=org, name="Sales tax", rate=Decimal("8.875"))


@pytest.fixture
def line_inputs(tax, sales_tax):
    """Lines with a discount, two taxes, no tax, and quantities a stored Decimal would write oddly (1E+3, 2.5000)."""
    return [
        LineInput(
            description="Design hours",
            quantity=Decimal("48"),
            rate=Decimal("125"),
            discount_percent=5,
            tax=tax,
        ),
        LineInput(
            description="Printed panels", quantity=Decimal("1000"), rate=Decimal("0.85"), tax=sales_tax
        ),
        LineInput(
            description="Workshop",
            quantity=Decimal("2.5"),
            rate=Decimal("90"),
            discount_percent=Decimal("12.5"),
        ),
    ]


@pytest.fixture
def sales_orders_shown(org):
    org.portal_show_sales_orders = True
    org.save()
    return org


@pytest.fixture
def documents(sales_orders_shown, customer_a, line_inputs):
    """A quote, an invoice, a retainer invoice and a sales order with the same lines, sent to customer A."""
    date = today()
    return {
        "quote-detail": quote_send(
            actor=SETUP, quote=quote_create(actor=SETUP, customer=customer_a, date=date, lines=line_inputs)
        ),
        "invoice-detail": invoice_send(
            actor=SETUP,
            invoice=invoice_create(actor=SETUP, customer=customer_a, date=date, lines=line_inputs),
        ),
        "retainer-invoice-detail": retainer_invoice_send(
            actor=SETUP,
            retainer=retainer_invoice_create(actor=SETUP, customer=customer_a, date=date, lines=line_inputs),
        ),
        "sales-order-detail": sales_order_confirm(
            actor=SETUP,
            order=sales_order_create(actor=SETUP, customer=customer_a, date=date, lines=line_inputs),
        ),
    }


def page(client, org, name: str, document) -> str:
    response = client.get(url(name, org, number=document.number))
    assert response.status_code == 200
    return response.content.decode()


def test_every_document_renders_the_same_lines_alike(org, portal_client, documents):
    tables = {name: lines_table(page(portal_client, org, name, doc)) for name, doc in documents.items()}

    assert len(set(tables.values())) == 1, "the line items differ between documents"
    table = tables["quote-detail"]
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
    assert headers == ["Item", "Qty", "Rate", "Discount", "Tax", "Amount"]
    for shown in (">1,000<", ">2.5<", ">5%<", ">12.5%<", "VAT 20%", "Sales tax 8.875%"):
        assert shown in table, shown
    assert "1E+3" not in table and "2.5000" not in table
    # An empty discount or tax reads "—" in its cell, on every line that has none.
    assert table.count('<td data-label="Discount" class="doc-num">—</td>') == 1
    assert table.count('<td data-label="Tax" class="doc-num">—</td>') == 1


@pytest.mark.parametrize("name", ["quote-detail", "invoice-detail", "sales-order-detail"])
def test_the_totals_add_up_on_each_document(org, portal_client, documents, name):
    document = documents[name]
    body = page(portal_client, org, name, document)
    rows = totals(body)
    labels = [label for label, _ in rows]
    figure = dict(rows)

    # The lines' amounts are after their discounts: they make the subtotal, and the discounts are only a note.
    assert sum(line_amounts(body)) == figure["Subtotal"] == document.subtotal
    assert figure["Discounts included"] == document.discount_total > 0
    taxes = [value for label, value in rows if label.startswith(("VAT", "Sales tax"))]
    assert labels[: 2 + len(taxes) + 1] == [
        "Subtotal",
        "Discounts included",
        *["Sales tax 8.875%", "VAT 20%"],
        "Total",
    ]
    assert figure["Subtotal"] + sum(taxes) == figure["Total"] == document.total


def test_the_invoice_totals_end_in_the_balance_due(org, portal_client, documents):
    invoice = documents["invoice-detail"]
    payment_record(
        actor=SETUP, customer=invoice.customer, amount="100", date=today(), allocations=[(invoice, "100")]
    )
    invoice.refresh_from_db()

    rows = totals(page(portal_client, org, "invoice-detail", invoice))
    figure = dict(rows)

    assert [label for label, _ in rows][-2:] == ["Payments made", "Balance due"]
    assert figure["Total"] - figure["Payments made"] == figure["Balance due"] == invoice.balance_due


def test_percentages_are_written_as_the_organizations_locale_writes_them(org, portal_client, documents):
    org.locale = "de_DE"
    org.save()

    table = lines_table(page(portal_client, org, "quote-detail", documents["quote-detail"]))

    assert ">1.000<" in table and ">2,5<" in table
    assert "Sales tax 8,875\xa0%" in table and ">12,5\xa0%<" in table


# The invoice's head


def test_an_invoice_with_something_due_leads_with_the_balance_and_pay_now(org, portal_client, customer_a):
    invoice = make_invoice(customer_a, "300")
    payment_record(
        actor=SETUP, customer=customer_a, amount="100", date=today(), allocations=[(invoice, "100")]
    )

    body = page(portal_client, org, "invoice-detail", invoice)
    head = text(re.search(r'<header class="doc-head">(.*?)</header>', body, re.S).group(1))

    assert head == f"Invoice {invoice.number} Balance due $200.00 Partially paid Pay Now"


def test_a_paid_invoice_leads_with_paid_and_its_total(org, portal_client, customer_a):
    invoice = make_invoice(customer_a, "300")
    payment_record(
        actor=SETUP, customer=customer_a, amount="300", date=today(), allocations=[(invoice, "300")]
    )

    body = page(portal_client, org, "invoice-detail", invoice)
    head = text(re.search(r'<header class="doc-head">(.*?)</header>', body, re.S).group(1))

    assert head == f"Invoice {invoice.number} Total $300.00 Paid"
    assert url("pay", org) not in body


def test_an_invoice_made_from_a_sales_order_links_to_it_while_sales_orders_are_shown(
    org, portal_client, customer_a
):
    order = sales_order_confirm(
        actor=SETUP,
        order=sales_order_create(
            actor=SETUP, customer=customer_a, date=today(), lines=[LineInput("Boards", 1, 100)]
        ),
    )
    invoice = invoice_send(actor=SETUP, invoice=sales_order_convert_to_invoice(actor=SETUP, order=order))
    order_url = url("sales-order-detail", org, number=order.number)

    assert order_url not in page(portal_client, org, "invoice-detail", invoice)  # not shown in this portal
    org.portal_show_sales_orders = True
    org.save()
    body = page(portal_client, org, "invoice-detail", invoice)
    assert f'<a class="doc-key" href="{order_url}">{order.number}</a>' in body


def test_a_sales_orders_invoices_wear_the_status_badges_of_the_list(
    sales_orders_shown, portal_client, customer_a
):
    order = sales_order_confirm(
        actor=SETUP,
        order=sales_order_create(
            actor=SETUP, customer=customer_a, date=today(), lines=[LineInput("Boards", 1, 100)]
        ),
    )
    invoice = invoice_send(actor=SETUP, invoice=sales_order_convert_to_invoice(actor=SETUP, order=order))

    body = page(portal_client, sales_orders_shown, "sales-order-detail", order)
    listed = portal_client.get(url("invoices", sales_orders_shown)).content.decode()

    badge = '<span class="doc-status doc-status-sent">Sent</span>'
    assert badge in body and badge in listed
    assert invoice.number in body


# The way back to the list


@pytest.fixture
def approval(org, customer_a):
    org.portal_show_projects = True
    org.save()
    task = task_create(
        actor=SETUP, project=project_create(actor=SETUP, customer=customer_a, name="Relaunch"), name="Design"
    )
    time_entry_log(actor=SETUP, task=task, date=today(), hours="2")
    created = timesheet_approval_create(
        actor=SETUP, project=task.project, period_start=today(), period_end=today()
    )
    return timesheet_approval_send(actor=SETUP, approval=created)


def back_link(body: str) -> str:
    return html.unescape(re.search(r'<p class="doc-back"><a href="([^"]*)">', body).group(1))


@pytest.mark.parametrize(
    ("detail", "listing", "kind"),
    [
        ("quote-detail", "quotes", "quote"),
        ("invoice-detail", "invoices", "invoice"),
        ("retainer-invoice-detail", "invoices", "retainer"),
        ("payment-detail", "payments", "payment"),
        ("sales-order-detail", "sales-orders", "order"),
        ("timesheet-detail", "timesheets", "approval"),
    ],
)
def test_each_document_links_back_to_the_list_with_its_filter_sort_and_page(
    org, portal_client, documents, approval, customer_a, detail, listing, kind
):
    number = {
        "quote": documents["quote-detail"].number,
        "invoice": documents["invoice-detail"].number,
        "retainer": documents["retainer-invoice-detail"].number,
        "payment": payment_record(actor=SETUP, customer=customer_a, amount="10", date=today()).number,
        "order": documents["sales-order-detail"].number,
        "approval": approval.number,
    }[kind]
    list_url = url(listing, org)
    came_from = f"http://testserver{list_url}?status=all&sort=amount&page=2"

    body = portal_client.get(url(detail, org, number=number), HTTP_REFERER=came_from).content.decode()
    assert back_link(body) == f"{list_url}?status=all&sort=amount&page=2"
    body = portal_client.get(url(detail, org, number=number)).content.decode()
    assert back_link(body) == list_url


@pytest.mark.parametrize(
    "referer",
    [
        "http://evil.test{quotes}?status=open",  # another site, even with the list's path
        "https://testserver.evil.test{quotes}?status=open",
        "//evil.test{quotes}?status=open",
        "javascript:alert(1)//testserver{quotes}",
        "http://testserver{invoices}?status=open",  # another list
        "http://testserver{quotes}QT-00001/",  # not a list
        "not a url at all",
    ],
)
def test_a_referer_that_is_not_this_list_on_this_host_is_never_echoed(
    org, portal_client, customer_a, referer
):
    quote = make_quote(customer_a, "100")
    referer = referer.format(quotes=url("quotes", org), invoices=url("invoices", org))

    response = portal_client.get(url("quote-detail", org, number=quote.number), HTTP_REFERER=referer)

    body = response.content.decode()
    assert back_link(body) == url("quotes", org)
    assert "evil" not in body and "javascript:" not in body


def test_the_back_link_keeps_only_the_lists_own_parameters(org, portal_client, customer_a):
    quote = make_quote(customer_a, "100")
    referer = f"http://testserver{url('quotes', org)}?status=open&next=https%3A%2F%2Fevil.test%2F&sort=amount"

    response = portal_client.get(url("quote-detail", org, number=quote.number), HTTP_REFERER=referer)

    assert back_link(response.content.decode()) == url("quotes", org) + "?status=open&sort=amount"


# Accepting a quote


def test_accept_asks_for_a_confirmation_that_works_without_javascript(org, portal_client, customer_a):
    quote = make_quote(customer_a, "250")

    body = page(portal_client, org, "quote-detail", quote)
    accept = re.search(
        r'<details class="doc-confirm" name="decision">\s*<summary[^>]*>Accept</summary>(.*?)</details>',
        body,
        re.S,
    )

    assert accept, "Accept opens a confirmation in place"
    confirmation = accept.group(1)
    assert f'action="{url("quote-accept", org, number=quote.number)}"' in confirmation
    assert f"Accept quote {quote.number} for $250.00?" in text(confirmation)
    assert '<button type="submit" class="button primary">Accept quote</button>' in confirmation


# Home


def test_home_shows_the_shipping_address_and_payment_terms(org, portal_client, customer_a):
    customer_a.shipping_address = "Dock 4\nHarbor Road 12"
    customer_a.payment_terms_days = 15
    customer_a.save()

    body = portal_client.get(url("home", org)).content.decode()

    assert "Shipping address" in body and "Dock 4<br>Harbor Road 12" in body
    assert "Due 15 days after the invoice date" in body

    customer_a.shipping_address = ""
    customer_a.payment_terms_days = 0
    customer_a.save()
    body = portal_client.get(url("home", org)).content.decode()
    assert "Shipping address" not in body
    assert "Due on receipt" in body


def test_a_unit_price_keeps_its_own_precision_on_every_document(org, portal_client, customer_a):
    bolts = [
        LineInput(description="Bolts", quantity=Decimal("1000"), rate=Decimal("0.005")),
        LineInput(description="Washers", quantity=Decimal("3"), rate=Decimal("0.1250")),
        LineInput(description="Hours", quantity=Decimal("2"), rate=Decimal("95")),
    ]
    quote = quote_send(
        actor=SETUP, quote=quote_create(actor=SETUP, customer=customer_a, date=today(), lines=bolts)
    )
    invoice = invoice_send(
        actor=SETUP, invoice=invoice_create(actor=SETUP, customer=customer_a, date=today(), lines=bolts)
    )

    for name, document in (("quote-detail", quote), ("invoice-detail", invoice)):
        body = page(portal_client, org, name, document)
        rates = re.findall(r'<td data-label="Rate" class="doc-num">(.*?)</td>', lines_table(body))
        assert rates == ["$0.005", "$0.125", "$95.00"]
        assert line_amounts(body) == [Decimal("5.00"), Decimal("0.38"), Decimal("190.00")]
        assert document.total == Decimal("195.38")

    org.locale = "de_DE"
    org.save()
    table = lines_table(page(portal_client, org, "invoice-detail", invoice))
    assert ">0,005\xa0$<" in table and ">5,00\xa0$<" in table
