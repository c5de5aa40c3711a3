"""Sales Orders in the portal: only when the organization shows them; the customer's orders and their invoices."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portico.sales.models import SalesOrder
from portico.sales.services.invoices import invoice_send
from portico.sales.services.salesorders import (
    sales_order_confirm,
    sales_order_convert_to_invoice,
    sales_order_create,
    sales_order_void,
)
from portico.testing import SETUP, lines, today


def url(org, name: str = "sales-orders", **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs={"slug": org.portal_slug, **kwargs})


def numbers_on(response) -> list[str]:
    return [order.number for order in response.context["listing"].page.object_list]


def order(customer, *amounts, days_ago: int = 0, confirm: bool = True, **fields) -> SalesOrder:
    created = sales_order_create(
        customer=customer,
        date=today() - datetime.timedelta(days=days_ago),
        lines=lines(*amounts),
        **{"actor": SETUP, **fields},
    )
    return sales_order_confirm(actor=SETUP, order=created) if confirm else created


@pytest.fixture
def shown(org):
    org.portal_show_sales_orders = True
    org.save()
    return org


@pytest.fixture
def orders(shown, customer_a, customer_b):
    """Customer A has an open, an invoiced, a void and a draft order; customer B has an open one."""
    invoiced = order(customer_a, "500", days_ago=3)
    sales_order_convert_to_invoice(actor=SETUP, order=invoiced)
    void = sales_order_void(actor=SETUP, order=order(customer_a, "50", days_ago=2))
    return {
        "invoiced": invoiced,
        "void": void,
        "open": order(customer_a, "200", days_ago=1),
        "draft": order(customer_a, "75", confirm=False),
        "other_customer": order(customer_b, "999"),
    }


def test_sales_orders_are_404_when_the_organization_does_not_show_them(org, portal_client, customer_a):
    sales_order = order(customer_a, "100")
    assert portal_client.get(url(org)).status_code == 404
    assert portal_client.get(url(org, "sales-order-detail", number=sales_order.number)).status_code == 404


def test_the_list_shows_the_customers_orders_but_never_drafts(shown, portal_client, orders):
    response = portal_client.get(url(shown))
    assert response.status_code == 200
    assert numbers_on(response) == [orders["open"].number, orders["void"].number, orders["invoiced"].number]
    body = response.content.decode()
    assert orders["draft"].number not in body and orders["other_customer"].number not in body


@pytest.mark.parametrize(("status", "name"), [("open", "open"), ("invoiced", "invoiced"), ("void", "void")])
def test_the_status_filter_keeps_orders_of_that_status(shown, portal_client, orders, status, name):
    assert numbers_on(portal_client.get(url(shown) + f"?status={status}")) == [orders[name].number]


def test_a_draft_cannot_be_asked_for_by_its_status(shown, portal_client, orders):
    response = portal_client.get(url(shown) + "?status=draft")
    assert orders["draft"].number not in numbers_on(response)


def test_orders_sort_by_date_number_and_amount(shown, portal_client, orders):
    invoiced, void, open_ = orders["invoiced"].number, orders["void"].number, orders["open"].number
    assert numbers_on(portal_client.get(url(shown) + "?sort=date-asc")) == [invoiced, void, open_]
    assert numbers_on(portal_client.get(url(shown) + "?sort=number")) == sorted([invoiced, void, open_])
    assert numbers_on(portal_client.get(url(shown) + "?sort=amount")) == [invoiced, open_, void]
    assert numbers_on(portal_client.get(url(shown) + "?sort=amount-asc")) == [void, open_, invoiced]


def test_the_list_has_pages_of_25(shown, portal_client, customer_a):
    made = [order(customer_a, "10", days_ago=n) for n in range(26)]
    assert numbers_on(portal_client.get(url(shown))) == [o.number for o in made[:25]]
    assert numbers_on(portal_client.get(url(shown) + "?page=2")) == [made[25].number]


def test_an_empty_list_says_where_orders_will_appear(shown, portal_client):
    body = portal_client.get(url(shown)).content.decode()
    assert "Your sales orders with Acme Consulting will be listed here." in body


def test_the_list_runs_as_many_queries_for_50_orders_as_for_5(shown, portal_client, customer_a):
    for _ in range(5):
        order(customer_a, "10")
    with CaptureQueriesContext(connection) as few:
        assert portal_client.get(url(shown)).status_code == 200
    for _ in range(45):
        order(customer_a, "10")
    with CaptureQueriesContext(connection) as many:
        assert portal_client.get(url(shown)).status_code == 200
    assert len(many) == len(few)


def test_the_detail_shows_lines_and_totals(shown, portal_client, customer_a, tax):
    sales_order = sales_order_create(
        actor=SETUP, customer=customer_a, date=today(), lines=lines("100", "50", tax=tax), reference="PO-4411"
    )
    sales_order = sales_order_confirm(actor=SETUP, order=sales_order)
    response = portal_client.get(url(shown, "sales-order-detail", number=sales_order.number))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        sales_order.number,
        "PO-4411",
        "Service 0",
        "Service 1",
        "$150.00",
        "$30.00",
        "$180.00",
        "Open",
    ):
        assert text in body, text


def test_an_invoiced_order_shows_its_sent_invoices(shown, portal_client, customer_a):
    sales_order = order(customer_a, "400")
    invoice = sales_order_convert_to_invoice(actor=SETUP, order=sales_order)
    detail = url(shown, "sales-order-detail", number=sales_order.number)
    assert (
        invoice.number not in portal_client.get(detail).content.decode()
    )  # a draft invoice is not theirs yet
    invoice_send(actor=SETUP, invoice=invoice)
    response = portal_client.get(detail)
    assert [row["invoice"].number for row in response.context["invoices"]] == [invoice.number]
    assert invoice.number in response.content.decode()


def test_a_draft_order_is_404(shown, portal_client, orders):
    assert (
        portal_client.get(url(shown, "sales-order-detail", number=orders["draft"].number)).status_code == 404
    )


def test_another_customers_order_is_404(shown, portal_client, orders):
    number = orders["other_customer"].number
    assert portal_client.get(url(shown, "sales-order-detail", number=number)).status_code == 404


def test_another_organizations_order_is_404(shown, portal_client, other_customer):
    number = order(other_customer, "10").number
    assert portal_client.get(url(shown, "sales-order-detail", number=number)).status_code == 404


def test_an_orders_page_runs_as_many_queries_with_40_taxed_lines_as_with_1(
    shown, portal_client, customer_a, org, tax
):
    def page_queries(sales_order) -> int:
        page = url(org, "sales-order-detail", number=sales_order.number)
        portal_client.get(page)  # the first view writes the Viewed marker
        with CaptureQueriesContext(connection) as queries:
            assert portal_client.get(page).status_code == 200
        return len(queries)

    small = order(customer_a, "10.00")
    invoice_send(actor=SETUP, invoice=sales_order_convert_to_invoice(actor=SETUP, order=small))
    large = sales_order_create(
        actor=SETUP, customer=customer_a, date=today(), lines=lines(*["10.00"] * 40, tax=tax)
    )
    large = sales_order_confirm(actor=SETUP, order=large)
    invoice_send(actor=SETUP, invoice=sales_order_convert_to_invoice(actor=SETUP, order=large))

    assert page_queries(large) == page_queries(small)
    response = portal_client.get(url(org, "sales-order-detail", number=large.number))
    assert len(response.context["lines"]) == 40
    assert len(response.context["invoices"]) == 1
