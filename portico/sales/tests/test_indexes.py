"""Every customer-scoped list of the portal is backed by a composite index that starts with the customer."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import RequestFactory

from portico.payments.models import CustomerPayment
from portico.portal.context import PortalContext
from portico.portal.listing import listing
from portico.portal.selectors.timesheets import TIMESHEET_FILTERS, TIMESHEET_SORTS, timesheet_list_for_contact
from portico.projects.models import TimesheetApproval
from portico.sales.models import Invoice, Quote, RetainerInvoice, SalesOrder


def index_fields(model) -> list[tuple[str, ...]]:
    return [tuple(index.fields) for index in model._meta.indexes]


@pytest.mark.parametrize("model", [Quote, Invoice, RetainerInvoice, SalesOrder, CustomerPayment])
def test_the_customers_list_in_date_order_has_an_index(model):
    """The portal lists' default order: the customer's documents, newest first."""
    assert ("customer", "-date", "-id") in index_fields(model)


def test_the_customers_timesheets_in_period_order_have_an_index():
    """The portal's Timesheet list, all statuses: the customer's approvals, latest period first."""
    assert ("customer", "-period_end", "-id") in index_fields(TimesheetApproval)


@pytest.mark.parametrize("model", [Quote, Invoice, RetainerInvoice, SalesOrder, TimesheetApproval])
def test_the_customers_list_filtered_by_status_has_an_index(model):
    """The status filters and the Home figures (open quotes, unpaid invoices) read one customer's statuses."""
    assert any(fields[:2] == ("customer", "status") for fields in index_fields(model))


@pytest.mark.parametrize(
    "model", [Quote, Invoice, RetainerInvoice, SalesOrder, CustomerPayment, TimesheetApproval]
)
def test_every_index_on_a_customer_list_starts_with_the_customer(model):
    customer_indexes = [fields for fields in index_fields(model) if "customer" in fields]
    assert customer_indexes
    assert all(fields[0] == "customer" for fields in customer_indexes)


@pytest.mark.parametrize("status", ["all", "pending"])
def test_the_timesheet_list_reads_an_index_of_the_customers_approvals(org, customer_a, access_a, status):
    """The portal's timesheet list, all of them or filtered by a status (Home links to the pending ones), reads
    one customer's range of an index that starts with the customer, never the organization's approvals. Which
    such index the planner picks (``approval_customer_status``, ``approval_customer_period``, the foreign key's)
    depends on its statistics; each is bounded by the customer.

    The tables are tiny, so PostgreSQL is told not to prefer a sequential scan; the plan must then search by the
    customer.
    """
    portal = PortalContext(organization=org, access=access_a)
    request = RequestFactory().get("/", {"status": status})
    page = listing(
        request, timesheet_list_for_contact(portal=portal), filters=TIMESHEET_FILTERS, sorts=TIMESHEET_SORTS
    ).page
    queryset = page.paginator.object_list
    assert queryset.query.order_by == ("-period_end", "-id")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    table = TimesheetApproval._meta.db_table
    if connection.vendor == "postgresql":
        assert f"Seq Scan on {table}" not in plan, plan
        assert re.search(r"Index Cond: \(+customer_id = \d+", plan), plan
    else:
        assert f"SEARCH {table} USING INDEX" in plan, plan
        assert "(customer_id=?" in plan, plan
