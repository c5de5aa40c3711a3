"""The figures of a customer's account, each from a history of documents, and never another customer's rows.

Every customer gets the same history with amounts scaled by a factor (customer A ×1, customer B ×10, the
other organization's customer ×100), so a figure that counted another customer's rows would be visibly off.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from portico.overview import (
    CustomerBalances,
    customer_available_credits,
    customer_balances,
    customer_last_payment,
)
from portico.payments.credits import credit_apply
from portico.payments.services import payment_record, refund_create
from portico.projects.selectors import customer_pending_approvals
from portico.projects.services import (
    project_create,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_send,
)
from portico.sales.models import Quote
from portico.sales.selectors import (
    customer_available_retainer,
    customer_open_quotes,
    customer_outstanding_retainers,
    customer_receivable,
)
from portico.sales.services.invoices import invoice_void
from portico.sales.services.quotes import quote_accept
from portico.testing import SETUP, make_credit_note, make_invoice, make_quote, make_retainer, today

DAY = datetime.timedelta(days=1)


def _history(customer, k: int) -> dict:
    """Documents of every state for one customer, amounts × k. Returns what the figures should be."""

    def m(amount: str) -> Decimal:
        return Decimal(amount) * k

    sent = make_invoice(customer, m("100"))
    partly_paid = make_invoice(customer, m("200"))
    credited = make_invoice(customer, m("30"))
    make_invoice(customer, m("999"), send=False)  # a draft owes nothing
    invoice_void(actor=SETUP, invoice=make_invoice(customer, m("77")))
    make_invoice(customer, m("40"), date=today() - 40 * DAY, due_date=today() - DAY)  # overdue

    payment_record(actor=SETUP, customer=customer, amount=m("5"), date=today() - 10 * DAY)  # unused: credit
    payment_record(
        actor=SETUP,
        customer=customer,
        amount=m("65"),
        date=today() - 5 * DAY,
        allocations=[(partly_paid, m("50"))],
    )

    credit_note = make_credit_note(customer, m("55"))
    credit_apply(actor=SETUP, source=credit_note, invoice=credited, amount=m("30"))
    refund_create(
        actor=SETUP, source=make_credit_note(customer, m("10")), amount=m("10"), date=today()
    )  # closed
    make_credit_note(customer, m("500"), open_it=False)  # a draft offers nothing

    make_retainer(customer, m("300"))  # outstanding
    paid_retainer = make_retainer(customer, m("100"))
    last = payment_record(
        actor=SETUP,
        customer=customer,
        amount=m("100"),
        date=today() - 2 * DAY,
        allocations=[(paid_retainer, m("100"))],
    )
    credit_apply(actor=SETUP, source=paid_retainer, invoice=sent, amount=m("40"))
    make_retainer(customer, m("700"), send=False)

    make_quote(customer, m("1"))  # open, no expiry
    make_quote(customer, m("1"), expiry_date=today() + 5 * DAY)  # open
    past = make_quote(customer, m("1"), expiry_date=today())
    Quote.objects.filter(pk=past.pk).update(expiry_date=today() - DAY)  # expired, not yet marked
    make_quote(customer, m("1"), send=False)
    quote_accept(actor=SETUP, quote=make_quote(customer, m("1")))

    project = project_create(actor=SETUP, customer=customer, name="Support")
    task = task_create(actor=SETUP, project=project, name="Hours")
    time_entry_log(actor=SETUP, task=task, date=today() - DAY, hours="2")
    timesheet_approval_send(
        actor=SETUP,
        approval=timesheet_approval_create(
            actor=SETUP, project=project, period_start=today() - DAY, period_end=today() - DAY
        ),
    )
    time_entry_log(actor=SETUP, task=task, date=today(), hours="1")
    timesheet_approval_create(
        actor=SETUP, project=project, period_start=today(), period_end=today()
    )  # a draft

    return {
        "receivable": m("60") + m("150") + m("40"),
        "overdue": m("40"),
        "available_credits": m("25") + m("15") + m("5"),
        "outstanding_retainers": m("300"),
        "available_retainer": m("60"),
        "last_payment": last,
    }


@pytest.fixture
def expected(customer_a, customer_b, other_customer):
    figures = _history(customer_a, 1)
    _history(customer_b, 10)
    _history(other_customer, 100)
    return figures


def test_receivable_is_what_sent_and_partly_paid_invoices_still_owe(customer_a, expected):
    assert customer_receivable(customer=customer_a) == expected["receivable"] == Decimal("250")


def test_available_credits_are_open_credit_notes_and_unused_payments(customer_a, expected):
    assert customer_available_credits(customer=customer_a) == expected["available_credits"] == Decimal("45")


def test_outstanding_retainers_are_what_sent_retainer_invoices_still_ask(customer_a, expected):
    assert customer_outstanding_retainers(customer=customer_a) == expected["outstanding_retainers"]


def test_available_retainer_is_what_was_paid_and_not_yet_used(customer_a, expected):
    assert customer_available_retainer(customer=customer_a) == expected["available_retainer"]


def test_last_payment_is_the_latest_by_date(customer_a, expected):
    assert customer_last_payment(customer=customer_a) == expected["last_payment"]


def test_open_quotes_are_sent_and_not_past_their_expiry(customer_a, expected):
    quotes = customer_open_quotes(customer=customer_a)
    assert quotes.count() == 2
    assert {q.customer_id for q in quotes} == {customer_a.pk}
    assert all(q.status == Quote.Status.SENT for q in quotes)


def test_pending_approvals_are_those_sent_and_undecided(customer_a, expected):
    approvals = list(customer_pending_approvals(customer=customer_a))
    assert [(a.customer, a.status) for a in approvals] == [(customer_a, "pending")]


def test_balances_gather_every_figure_of_one_customer(customer_a, customer_b, expected):
    assert customer_balances(customer=customer_a) == CustomerBalances(
        currency="USD",
        receivable=Decimal("250"),
        overdue=Decimal("40"),
        available_credits=Decimal("45"),
        outstanding_retainers=Decimal("300"),
        available_retainer=Decimal("60"),
        last_payment=expected["last_payment"],
        open_quotes=2,
        pending_approvals=1,
    )
    other = customer_balances(customer=customer_b)
    assert (other.receivable, other.overdue, other.available_credits) == (
        Decimal("2500"),
        Decimal("400"),
        Decimal("450"),
    )


def test_a_customer_without_history_has_zero_everywhere(org):
    from portico.testing import CustomerFactory

    balances = customer_balances(customer=CustomerFactory(organization=org))
    assert balances == CustomerBalances(
        "USD", Decimal("0"), Decimal("0"), Decimal("0"), Decimal("0"), Decimal("0"), None, 0, 0
    )
