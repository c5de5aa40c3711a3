"""Parallel writers: payments on one invoice never overpay it, credit is never spent twice, numbers never repeat.

Each thread has its own database connection, as parallel requests do. On PostgreSQL the services' row locks
serialise the writers; on SQLite, immediate transactions take the write lock at BEGIN, so writers queue on the
busy timeout instead of failing with "database is locked".
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from portico.organizations.models import NumberSeries
from portico.organizations.services import number_next
from portico.payments.credits import credit_apply, credit_apply_many
from portico.payments.models import CustomerPayment, PaymentAllocation
from portico.payments.services import payment_record
from portico.sales.models import CreditApplication, CreditNote, Invoice
from portico.testing import SETUP, make_credit_note, make_invoice, run_together, today

THREADS = 8

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (SELECT … FOR UPDATE) exist on PostgreSQL only"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="checks SQLite's immediate transactions, WAL and busy timeout"
)


def run_in_threads(count: int, work) -> list[tuple[str, object]]:
    """Run ``work(i)`` in ``count`` threads released at once."""
    return run_together(*(lambda i=i: work(i) for i in range(count)), timeout=120)


def _ok(outcomes):
    return [value for status, value in outcomes if status == "ok"]


def _errors(outcomes):
    return [value for status, value in outcomes if status == "error"]


@pytest.mark.django_db(transaction=True)
def test_parallel_payments_never_overpay_an_invoice(customer_a):
    """Eight payments of 30.00 race for an invoice of 100.00: three are recorded, five refused."""
    invoice = make_invoice(customer_a, "100.00")

    outcomes = run_in_threads(
        THREADS,
        lambda i: payment_record(
            actor=SETUP,
            customer=customer_a,
            amount="30.00",
            date=today(),
            reference=f"thread {i}",
            allocations=[(invoice, "30.00")],
        ),
    )

    recorded, refused = _ok(outcomes), _errors(outcomes)
    assert len(recorded) == 3
    assert len(refused) == THREADS - 3
    for error in refused:
        assert isinstance(error, ValidationError), repr(error)
        assert error.messages in (
            [f"$30.00 is more than the $10.00 due on {invoice.number}."],
            [f"{invoice.number} is paid; only sent or partially paid invoices can be paid."],
        )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.PARTIALLY_PAID, Decimal("10.00"))
    allocated = PaymentAllocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"]
    assert invoice.balance_due == invoice.total - allocated
    # Every payment that returned is stored with its allocation; the refused ones wrote nothing.
    assert set(CustomerPayment.objects.values_list("pk", flat=True)) == {p.pk for p in recorded}
    for payment in recorded:
        assert list(payment.allocations.values_list("invoice", "amount")) == [(invoice.pk, Decimal("30.00"))]
        payment.refresh_from_db()
        assert payment.unused_amount == 0
    assert len(set(CustomerPayment.objects.values_list("number", flat=True))) == 3


@pytest.mark.django_db(transaction=True)
def test_parallel_payments_that_fit_are_all_recorded(customer_a):
    invoice = make_invoice(customer_a, "80.00")
    outcomes = run_in_threads(
        THREADS,
        lambda i: payment_record(
            actor=SETUP, customer=customer_a, amount="10.00", date=today(), allocations=[(invoice, "10.00")]
        ),
    )
    assert _errors(outcomes) == []
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.PAID, Decimal("0"))
    assert PaymentAllocation.objects.filter(invoice=invoice).count() == THREADS


@pytest.mark.django_db(transaction=True)
def test_parallel_applications_never_spend_a_credit_note_twice(customer_a):
    credit_note = make_credit_note(customer_a, "100.00")
    invoices = [make_invoice(customer_a, "40.00") for _ in range(THREADS)]

    outcomes = run_in_threads(
        THREADS,
        lambda i: credit_apply(actor=SETUP, source=credit_note, invoice=invoices[i], amount="40.00"),
    )

    assert len(_ok(outcomes)) == 2
    for error in _errors(outcomes):
        assert isinstance(error, ValidationError), repr(error)
        assert error.messages == [f"Credit note {credit_note.number} has only $20.00 left."]
    credit_note.refresh_from_db()
    assert (credit_note.status, credit_note.balance) == (CreditNote.Status.OPEN, Decimal("20.00"))
    assert CreditApplication.objects.aggregate(s=Sum("amount"))["s"] == Decimal("80.00")
    assert Invoice.objects.filter(status=Invoice.Status.PAID).count() == 2


@pytest.mark.django_db(transaction=True)
def test_parallel_allocations_never_spend_a_payments_credit_twice(customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="100.00", date=today())
    invoices = [make_invoice(customer_a, "40.00") for _ in range(THREADS)]

    outcomes = run_in_threads(
        THREADS,
        lambda i: credit_apply_many(actor=SETUP, source=payment, uses=[(invoices[i], "40.00")]),
    )

    assert len(_ok(outcomes)) == 2
    for error in _errors(outcomes):
        assert isinstance(error, ValidationError), repr(error)
        assert error.messages == [
            "The allocations add up to $40.00, more than the $20.00 available on this payment."
        ]
    payment.refresh_from_db()
    assert payment.unused_amount == Decimal("20.00")
    assert payment.allocations.aggregate(s=Sum("amount"))["s"] == Decimal("80.00")
    assert Invoice.objects.filter(status=Invoice.Status.PAID).count() == 2


@pytest.mark.django_db(transaction=True)
def test_parallel_invoice_creation_gives_unique_consecutive_numbers(customer_a, customer_b):
    per_thread = 4
    customers = [customer_a, customer_b]

    def create(i: int) -> list[str]:
        return [make_invoice(customers[i % 2], "10.00", send=False).number for _ in range(per_thread)]

    outcomes = run_in_threads(THREADS, create)

    assert _errors(outcomes) == []
    numbers = sorted(number for batch in _ok(outcomes) for number in batch)
    expected = [f"INV-{n:05d}" for n in range(1, THREADS * per_thread + 1)]
    assert numbers == expected
    assert sorted(Invoice.objects.values_list("number", flat=True)) == expected
    assert (
        NumberSeries.objects.get(organization=customer_a.organization, kind="invoice").next_number
        == len(expected) + 1
    )


@pytest.mark.django_db(transaction=True)
def test_parallel_number_takers_all_succeed_and_never_share_a_number(org):
    outcomes = run_in_threads(
        THREADS, lambda i: [number_next(organization=org, kind=NumberSeries.Kind.PAYMENT) for _ in range(10)]
    )
    assert _errors(outcomes) == []  # no "database is locked"
    numbers = sorted(n for batch in _ok(outcomes) for n in batch)
    assert numbers == [f"PAY-{n:05d}" for n in range(1, THREADS * 10 + 1)]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_locked_invoice_makes_a_second_payment_wait_on_postgresql(customer_a):
    """While one transaction holds the customer's lock, a parallel payment waits instead of reading stale rows."""
    from django.db import transaction

    from portico.sales.services.documents import lock_customer

    invoice = make_invoice(customer_a, "50.00")
    holding, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def holder() -> None:
        try:
            with transaction.atomic():
                lock_customer(customer_a.pk)
                holding.set()
                release.wait(timeout=30)
                payment_record(
                    actor=SETUP,
                    customer=customer_a,
                    amount="50.00",
                    date=today(),
                    allocations=[(invoice, "50.00")],
                )
        finally:
            connection.close()

    def second() -> None:
        try:
            payment_record(
                actor=SETUP,
                customer=customer_a,
                amount="50.00",
                date=today(),
                allocations=[(invoice, "50.00")],
            )
            outcome["second"] = "recorded"
        except ValidationError as exc:
            outcome["second"] = exc.messages
        finally:
            connection.close()

    first_thread = threading.Thread(target=holder)
    first_thread.start()
    assert holding.wait(timeout=30)
    second_thread = threading.Thread(target=second)
    second_thread.start()
    second_thread.join(timeout=1)
    assert second_thread.is_alive(), "the second payment should wait for the customer's lock"
    release.set()
    first_thread.join(timeout=30)
    second_thread.join(timeout=30)
    assert outcome["second"] == [
        f"{invoice.number} is paid; only sent or partially paid invoices can be paid."
    ]
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.PAID, Decimal("0"))
    assert CustomerPayment.objects.count() == 1


@sqlite_only
@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout():
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@postgres_only
@pytest.mark.django_db
def test_postgresql_isolation_is_read_committed():
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        assert cursor.fetchone()[0] == "read committed"
