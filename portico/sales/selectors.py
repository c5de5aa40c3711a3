"""Reads of a customer's money: what they owe, what credit they have, what awaits their decision.

The portal's Home shows exactly these figures, and the back office shows the same for a customer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from portico.fields import money_sum
from portico.payments.models import CustomerPayment

from .models import CreditNote, Invoice, Quote, RetainerInvoice


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


def customer_available_credits(*, customer) -> Decimal:
    """Credit the business owes the customer: open credit notes plus payments not yet allocated."""
    credit_notes = _total(CreditNote.objects.filter(customer=customer).open(), "balance")
    payments = _total(CustomerPayment.objects.filter(customer=customer, unused_amount__gt=0), "unused_amount")
    return credit_notes + payments


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


def customer_last_payment(*, customer) -> CustomerPayment | None:
    return CustomerPayment.objects.filter(customer=customer).order_by("-date", "-id").first()


def customer_open_quotes(*, customer, today: datetime.date | None = None) -> QuerySet[Quote]:
    """Quotes awaiting the customer's decision: sent and not past their expiry date (by default on the
    organization's date)."""
    today = today or customer.organization.today()
    return Quote.objects.filter(customer=customer).open(today)


@dataclass(frozen=True)
class CustomerBalances:
    currency: str
    receivable: Decimal
    overdue: Decimal
    available_credits: Decimal
    outstanding_retainers: Decimal
    available_retainer: Decimal
    last_payment: CustomerPayment | None
    open_quotes: int
    pending_approvals: int


def customer_balances(*, customer, today: datetime.date | None = None) -> CustomerBalances:
    """Every figure of the customer's account at once (a handful of indexed aggregate queries)."""
    from portico.projects.selectors import customer_pending_approvals

    today = today or customer.organization.today()
    return CustomerBalances(
        currency=customer.currency,
        receivable=customer_receivable(customer=customer),
        overdue=_total(overdue_invoices(customer=customer, today=today), "balance_due"),
        available_credits=customer_available_credits(customer=customer),
        outstanding_retainers=customer_outstanding_retainers(customer=customer),
        available_retainer=customer_available_retainer(customer=customer),
        last_payment=customer_last_payment(customer=customer),
        open_quotes=customer_open_quotes(customer=customer, today=today).count(),
        pending_approvals=customer_pending_approvals(customer=customer).count(),
    )
