"""A customer's account at a glance: what they owe, their credit and retainers, the quotes and timesheets
waiting for them, and their last payment.

The portal's Home shows exactly these figures, and the back office shows the same on a customer's page;
``customer_balances`` reads them all in two queries, whatever the customer's history. It sits above sales,
payments and projects, whose figures it gathers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Subquery

from portico.customers.models import Customer
from portico.fields import money_from_parts, money_sum, money_sum_parts
from portico.payments.models import CustomerPayment
from portico.projects.selectors import customer_pending_approvals
from portico.sales.models import CreditNote, RetainerInvoice
from portico.sales.selectors import customer_open_quotes, open_invoices, overdue_invoices


def customer_available_credits(*, customer) -> Decimal:
    """Credit the business owes the customer: open credit notes plus payments not yet allocated."""
    credit_notes = money_sum(CreditNote.objects.filter(customer=customer).open(), "balance")
    payments = money_sum(
        CustomerPayment.objects.filter(customer=customer, unused_amount__gt=0), "unused_amount"
    )
    return credit_notes + payments


def customer_last_payment(*, customer) -> CustomerPayment | None:
    return CustomerPayment.objects.filter(customer=customer).order_by("-date", "-id").first()


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


def _sums_of(name: str, queryset: QuerySet, field: str) -> dict[str, Subquery]:
    """The exact sum of money ``field`` over ``queryset`` (rows of one customer), as two subqueries of another
    query, ``name`` high and low; ``_money_of`` adds them up."""
    grouped = queryset.order_by().values("customer")
    high, low = money_sum_parts(field)
    return {
        f"{name}_high": Subquery(grouped.annotate(part=high).values("part")),
        f"{name}_low": Subquery(grouped.annotate(part=low).values("part")),
    }


def _money_of(figures: dict, name: str) -> Decimal:
    return money_from_parts(figures[f"{name}_high"], figures[f"{name}_low"])


def _count_of(queryset: QuerySet) -> Subquery:
    """How many rows ``queryset`` (rows of one customer) has, as a subquery of another query."""
    return Subquery(queryset.order_by().values("customer").annotate(count=Count("pk")).values("count"))


def customer_balances(*, customer, today: datetime.date | None = None) -> CustomerBalances:
    """Every figure of the customer's account at once: the sums and counts in one query (a subquery each, over
    the same querysets as the sales selectors, on the customer's indexed rows), and the last payment."""
    today = today or customer.organization.today()
    figures = (
        Customer.objects.filter(pk=customer.pk)
        .values(
            **_sums_of("receivable", open_invoices(customer=customer), "balance_due"),
            **_sums_of("overdue", overdue_invoices(customer=customer, today=today), "balance_due"),
            **_sums_of("credit_notes", CreditNote.objects.filter(customer=customer).open(), "balance"),
            **_sums_of(
                "unused_payments",
                CustomerPayment.objects.filter(customer=customer, unused_amount__gt=0),
                "unused_amount",
            ),
            **_sums_of(
                "outstanding_retainers",
                RetainerInvoice.objects.filter(customer=customer).open(),
                "balance_due",
            ),
            **_sums_of(
                "available_retainer",
                RetainerInvoice.objects.filter(customer=customer).with_retainer_available(),
                "retainer_available",
            ),
            open_quotes=_count_of(customer_open_quotes(customer=customer, today=today)),
            pending_approvals=_count_of(customer_pending_approvals(customer=customer)),
        )
        .get()
    )
    return CustomerBalances(
        currency=customer.currency,
        receivable=_money_of(figures, "receivable"),
        overdue=_money_of(figures, "overdue"),
        available_credits=_money_of(figures, "credit_notes") + _money_of(figures, "unused_payments"),
        outstanding_retainers=_money_of(figures, "outstanding_retainers"),
        available_retainer=_money_of(figures, "available_retainer"),
        last_payment=customer_last_payment(customer=customer),
        open_quotes=figures["open_quotes"] or 0,
        pending_approvals=figures["pending_approvals"] or 0,
    )
