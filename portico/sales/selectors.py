"""Reads of a customer's sales documents: what they owe, their retainers, the quotes awaiting their decision.

``portico.overview`` gathers these with payments and timesheets into the figures of a customer's account.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import QuerySet

from portico.fields import money_sum

from .models import Invoice, Quote, RetainerInvoice


def _total(queryset: QuerySet, field: str) -> Decimal:
    return money_sum(queryset, field)


def open_invoices(*, customer) -> QuerySet[Invoice]:
    return Invoice.objects.filter(customer=customer).open()


def overdue_invoices(*, customer, today: datetime.date | None = None) -> QuerySet[Invoice]:
    """The customer's invoices overdue on ``today``, by default the organization's date."""
    today = today or customer.organization.today()
    return Invoice.objects.filter(customer=customer).overdue(today)


def customer_receivable(*, customer) -> Decimal:
    """Outstanding invoices: the sum of the balances due of the customer's sent and partly paid invoices."""
    return _total(open_invoices(customer=customer), "balance_due")


def customer_outstanding_retainers(*, customer) -> Decimal:
    """What the customer still owes on sent retainer invoices."""
    return _total(
        RetainerInvoice.objects.filter(customer=customer).open(),
        "balance_due",
    )


def customer_available_retainer(*, customer) -> Decimal:
    """Retainer payments received and not yet applied to invoices or refunded."""
    return _total(
        RetainerInvoice.objects.filter(customer=customer).with_retainer_available(), "retainer_available"
    )


def customer_open_quotes(*, customer, today: datetime.date | None = None) -> QuerySet[Quote]:
    """Quotes awaiting the customer's decision: sent and not past their expiry date (by default on the
    organization's date)."""
    today = today or customer.organization.today()
    return Quote.objects.filter(customer=customer).open(today)
