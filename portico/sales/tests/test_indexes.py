"""Every customer-scoped list of the portal is backed by a composite index that starts with the customer."""

from __future__ import annotations

import pytest

from portico.payments.models import CustomerPayment
from portico.sales.models import Invoice, Quote, RetainerInvoice, SalesOrder


def index_fields(model) -> list[tuple[str, ...]]:
    return [tuple(index.fields) for index in model._meta.indexes]


@pytest.mark.parametrize("model", [Quote, Invoice, RetainerInvoice, SalesOrder, CustomerPayment])
def test_the_customers_list_in_date_order_has_an_index(model):
    """The portal lists' default order: the customer's documents, newest first."""
    assert ("customer", "-date", "-id") in index_fields(model)


@pytest.mark.parametrize("model", [Quote, Invoice, RetainerInvoice, SalesOrder])
def test_the_customers_list_filtered_by_status_has_an_index(model):
    """The status filters and the Home figures (open quotes, unpaid invoices) read one customer's statuses."""
    assert any(fields[:2] == ("customer", "status") for fields in index_fields(model))


@pytest.mark.parametrize("model", [Quote, Invoice, RetainerInvoice, SalesOrder, CustomerPayment])
def test_every_index_on_a_customer_list_starts_with_the_customer(model):
    customer_indexes = [fields for fields in index_fields(model) if "customer" in fields]
    assert customer_indexes
    assert all(fields[0] == "customer" for fields in customer_indexes)
