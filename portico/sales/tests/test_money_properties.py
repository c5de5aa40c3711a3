"""Property-based checks of the money rules.

(a) For any lines in any currency, a document's total is the sum of its line totals, all rounded to the
    currency's minor unit.
(b) For any sequence of operations on a customer's account — invoices, payments with allocations, credit
    notes, retainers, refunds, voids, deletions — every refused operation raises ValidationError and writes
    nothing, and after every step the stored balances equal what the rows that move money say.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from portico.activity.models import AuditEvent
from portico.money import document_totals, is_rounded, line_amounts, minor_unit, round_money
from portico.overview import customer_available_credits
from portico.payments.credits import credit_apply, credit_apply_many, credit_remove
from portico.payments.models import CustomerPayment, PaymentAllocation, Refund
from portico.payments.services import payment_delete, payment_record, refund_create, refund_delete
from portico.sales.models import CreditApplication, CreditNote, Invoice, RetainerApplication, RetainerInvoice
from portico.sales.selectors import customer_available_retainer, customer_receivable
from portico.sales.services.documents import LineInput
from portico.sales.services.invoices import (
    credit_note_void,
    invoice_create,
    invoice_void,
    retainer_invoice_void,
)
from portico.testing import (
    SETUP,
    CustomerFactory,
    TaxFactory,
    make_credit_note,
    make_invoice,
    make_retainer,
    today,
)

ZERO = Decimal("0")

# --- (a) pure money ---------------------------------------------------------------------------------------

quantities = st.decimals(min_value=0, max_value=10_000, places=4, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=100_000, places=4, allow_nan=False, allow_infinity=False)
percents = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)
lines_strategy = st.lists(st.tuples(quantities, rates, percents, percents), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(lines=lines_strategy, currency=st.sampled_from(["USD", "JPY", "BHD", "EUR"]))
def test_document_total_is_the_sum_of_line_totals_rounded_to_the_currency(lines, currency):
    computed = [
        line_amounts(quantity=q, rate=r, currency=currency, discount_percent=d, tax_percent=t)
        for q, r, d, t in lines
    ]
    totals = document_totals([(c, "Tax", Decimal("1")) for c in computed], currency)

    for c in computed:
        assert all(is_rounded(v, currency) for v in (c.gross, c.discount, c.net, c.tax, c.total))
        assert ZERO <= c.discount <= c.gross
        assert c.net == c.gross - c.discount
        assert c.total == c.net + c.tax
    assert totals.total == sum((c.total for c in computed), ZERO)
    assert totals.subtotal == sum((c.net for c in computed), ZERO)
    assert totals.tax_total == sum((c.tax for c in computed), ZERO)
    assert totals.discount_total == sum((c.discount for c in computed), ZERO)
    assert totals.total == totals.subtotal + totals.tax_total
    assert all(is_rounded(v, currency) for v in (totals.total, totals.subtotal, totals.tax_total))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(
        st.tuples(
            st.decimals(min_value=0, max_value=1000, places=4),
            st.decimals(min_value=0, max_value=10_000, places=4),
            percents,
        ),
        min_size=1,
        max_size=5,
    ),
    currency=st.sampled_from(["USD", "JPY", "BHD"]),
)
def test_stored_document_totals_equal_the_sum_of_stored_lines(org, lines, currency):
    with transaction.atomic():
        tax = TaxFactory(organization=org, rate=Decimal("7.6"))
        customer = CustomerFactory(organization=org, currency=currency)
        invoice = invoice_create(
            actor=SETUP,
            customer=customer,
            date=today(),
            lines=[
                LineInput(description="x", quantity=q, rate=r, discount_percent=d, tax=tax)
                for q, r, d in lines
            ],
        )
        invoice.refresh_from_db()
        stored = list(invoice.lines.all())
        assert invoice.total == sum((line.total for line in stored), ZERO)
        assert invoice.total == round_money(invoice.total, currency)
        for line in stored:  # each stored line explains its own amount
            assert (
                line.amount + line.tax_amount
                == line_amounts(
                    quantity=line.quantity,
                    rate=line.rate,
                    currency=currency,
                    discount_percent=line.discount_percent,
                    tax_percent=line.tax_rate,
                ).total
            )
        transaction.set_rollback(True)


# --- (b) random histories on the database -----------------------------------------------------------------

#: A number of minor units (cents, fils, yen), made an amount in the customer's currency by ``_money``.
units = st.integers(min_value=1, max_value=60_000)
#: An amount: either any amount (often too much, to be refused) or a share of what the operation can move.
amounts = st.one_of(units, st.sampled_from(["all", "half", "third"]))
index = st.integers(min_value=0, max_value=7)

operations = st.one_of(
    st.tuples(st.just("invoice"), st.lists(units, min_size=1, max_size=3)),
    st.tuples(st.just("draft_invoice"), units),
    st.tuples(st.just("pay"), units, st.lists(st.tuples(index, amounts), min_size=1, max_size=3)),
    st.tuples(st.just("pay"), units, st.lists(st.tuples(index, amounts), max_size=3)),
    st.tuples(st.just("pay_foreign"), units),
    st.tuples(st.just("allocate"), index, index, amounts),
    st.tuples(st.just("credit_note"), units),
    st.tuples(st.just("apply_credit"), index, index, amounts),
    st.tuples(st.just("retainer"), units),
    st.tuples(st.just("pay_retainer"), index, amounts),
    st.tuples(st.just("apply_retainer"), index, index, amounts),
    st.tuples(st.just("refund"), st.sampled_from(["payment", "credit_note", "retainer"]), index, amounts),
    st.tuples(st.just("void_invoice"), index),
    st.tuples(st.just("void_credit_note"), index),
    st.tuples(st.just("void_retainer"), index),
    st.tuples(st.just("delete_payment"), index),
    st.tuples(st.just("unallocate"), index),
    st.tuples(st.just("unapply_credit"), index),
    st.tuples(st.just("unapply_retainer"), index),
    st.tuples(st.just("delete_refund"), index),
)

SHARES = {"all": Decimal("1"), "half": Decimal("0.5"), "third": Decimal("0.3333")}


def _money(units: int, currency: str) -> Decimal:
    return Decimal(units).scaleb(-minor_unit(currency))


def _amount(spec, currency: str, *limits: Decimal) -> Decimal:
    """Resolve an amount spec against the balances it may move (at least one minor unit, so it can be refused)."""
    if isinstance(spec, int):
        return _money(spec, currency)
    return max(round_money(min(limits) * SHARES[spec], currency), _money(1, currency))


def _pick(rows: list, i: int):
    return rows[i % len(rows)] if rows else None


def _sums(model, key: str, **filters) -> dict[int, Decimal]:
    """Σ amount of the model's rows per ``key`` (one grouped query), e.g. allocations per invoice."""
    rows = (
        model.objects.filter(**{f"{key}__isnull": False}, **filters)
        .values_list(key)
        .annotate(s=Sum("amount"))
    )
    return dict(rows.order_by())


def _snapshot(customer) -> tuple:
    """Everything an operation on the customer could write."""
    return (
        list(
            Invoice.objects.filter(customer=customer)
            .values_list("id", "status", "balance_due")
            .order_by("id")
        ),
        list(
            CreditNote.objects.filter(customer=customer).values_list("id", "status", "balance").order_by("id")
        ),
        list(
            RetainerInvoice.objects.filter(customer=customer)
            .values_list("id", "status", "balance_due", "retainer_available")
            .order_by("id")
        ),
        list(CustomerPayment.objects.values_list("id", "unused_amount").order_by("id")),
        PaymentAllocation.objects.count(),
        CreditApplication.objects.count(),
        RetainerApplication.objects.count(),
        Refund.objects.count(),
        AuditEvent.objects.count(),
    )


def _check_invariants(customer) -> None:
    """Recompute every stored balance of the customer from the rows that move money (a fixed number of queries)."""
    mine = {"organization": customer.organization}
    allocated = _sums(PaymentAllocation, "invoice", **mine)
    credited = _sums(CreditApplication, "invoice", **mine)
    retained = _sums(RetainerApplication, "invoice", **mine)
    open_balances = ZERO
    for invoice in Invoice.objects.filter(customer=customer):
        pk = invoice.pk
        settled = allocated.get(pk, ZERO) + credited.get(pk, ZERO) + retained.get(pk, ZERO)
        assert ZERO <= invoice.balance_due <= invoice.total
        if invoice.status == Invoice.Status.VOID:
            assert (invoice.balance_due, settled) == (ZERO, ZERO)
            continue
        assert invoice.balance_due == invoice.total - settled
        if invoice.status == Invoice.Status.DRAFT:
            assert settled == ZERO
            continue
        expected_status = "paid" if invoice.balance_due == 0 else "sent" if settled == 0 else "partially_paid"
        assert invoice.status == expected_status
        if invoice.status in Invoice.OPEN_STATUSES:
            open_balances += invoice.balance_due
    assert customer_receivable(customer=customer) == open_balances

    by_payment = _sums(PaymentAllocation, "payment", **mine)
    refunded_payment = _sums(Refund, "payment", **mine)
    credits = ZERO
    for payment in CustomerPayment.objects.filter(customer=customer):
        used = by_payment.get(payment.pk, ZERO) + refunded_payment.get(payment.pk, ZERO)
        assert used <= payment.amount
        assert payment.unused_amount == payment.amount - used
        credits += payment.unused_amount

    applied_credit = _sums(CreditApplication, "credit_note", **mine)
    refunded_credit = _sums(Refund, "credit_note", **mine)
    for credit_note in CreditNote.objects.filter(customer=customer):
        used = applied_credit.get(credit_note.pk, ZERO) + refunded_credit.get(credit_note.pk, ZERO)
        if credit_note.status == CreditNote.Status.VOID:
            assert (credit_note.balance, used) == (ZERO, ZERO)
            continue
        assert ZERO <= credit_note.balance == credit_note.total - used
        if credit_note.status == CreditNote.Status.OPEN:
            assert credit_note.balance > 0
            credits += credit_note.balance
        elif credit_note.status == CreditNote.Status.CLOSED:
            assert credit_note.balance == 0
    assert customer_available_credits(customer=customer) == credits

    paid_retainer = _sums(PaymentAllocation, "retainer_invoice", **mine)
    applied_retainer = _sums(RetainerApplication, "retainer_invoice", **mine)
    refunded_retainer = _sums(Refund, "retainer_invoice", **mine)
    retainer_credit = ZERO
    for retainer in RetainerInvoice.objects.filter(customer=customer):
        pk = retainer.pk
        paid = paid_retainer.get(pk, ZERO)
        used = applied_retainer.get(pk, ZERO) + refunded_retainer.get(pk, ZERO)
        if retainer.status == RetainerInvoice.Status.VOID:
            assert (retainer.balance_due, retainer.retainer_available, paid) == (ZERO, ZERO, ZERO)
            continue
        assert ZERO <= retainer.balance_due == retainer.total - paid
        assert ZERO <= retainer.retainer_available == paid - used
        retainer_credit += retainer.retainer_available
    assert customer_available_retainer(customer=customer) == retainer_credit


def _apply(operation, customer, foreign_invoice) -> None:
    kind, *args = operation
    currency = customer.currency
    invoices = list(Invoice.objects.filter(customer=customer).order_by("id"))
    payments = list(CustomerPayment.objects.filter(customer=customer).order_by("id"))
    credit_notes = list(CreditNote.objects.filter(customer=customer).order_by("id"))
    retainers = list(RetainerInvoice.objects.filter(customer=customer).order_by("id"))
    if kind == "invoice":
        make_invoice(customer, *(_money(u, currency) for u in args[0]))
    elif kind == "draft_invoice":
        make_invoice(customer, _money(args[0], currency), send=False)
    elif kind == "pay":
        amount = _money(args[0], currency)
        allocations = []
        for i, spec in args[1] if invoices else ():
            invoice = _pick(invoices, i)
            allocations.append((invoice, _amount(spec, currency, invoice.balance_due, amount)))
        payment_record(actor=SETUP, customer=customer, amount=amount, date=today(), allocations=allocations)
    elif kind == "pay_foreign":
        amount = _money(args[0], currency)
        payment_record(
            actor=SETUP,
            customer=customer,
            amount=amount,
            date=today(),
            allocations=[(foreign_invoice, amount)],
        )
    elif kind == "allocate" and payments and invoices:
        payment, invoice = _pick(payments, args[0]), _pick(invoices, args[1])
        amount = _amount(args[2], currency, payment.unused_amount, invoice.balance_due)
        credit_apply_many(actor=SETUP, source=payment, uses=[(invoice, amount)])
    elif kind == "credit_note":
        make_credit_note(customer, _money(args[0], currency))
    elif kind == "apply_credit" and credit_notes and invoices:
        credit_note, invoice = _pick(credit_notes, args[0]), _pick(invoices, args[1])
        amount = _amount(args[2], currency, credit_note.balance, invoice.balance_due)
        credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount=amount)
    elif kind == "retainer":
        make_retainer(customer, _money(args[0], currency))
    elif kind == "pay_retainer" and retainers:
        retainer = _pick(retainers, args[0])
        amount = _amount(args[1], currency, retainer.balance_due)
        payment_record(
            actor=SETUP, customer=customer, amount=amount, date=today(), allocations=[(retainer, amount)]
        )
    elif kind == "apply_retainer" and retainers and invoices:
        retainer, invoice = _pick(retainers, args[0]), _pick(invoices, args[1])
        amount = _amount(args[2], currency, retainer.retainer_available, invoice.balance_due)
        credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount=amount)
    elif kind == "refund":
        source_kind, i, spec = args
        sources = {"payment": payments, "credit_note": credit_notes, "retainer": retainers}[source_kind]
        source = _pick(sources, i)
        if source is not None:
            field = {"payment": "unused_amount", "credit_note": "balance", "retainer": "retainer_available"}
            amount = _amount(spec, currency, getattr(source, field[source_kind]))
            refund_create(actor=SETUP, source=source, amount=amount, date=today())
    elif kind == "void_invoice" and invoices:
        invoice_void(actor=SETUP, invoice=_pick(invoices, args[0]))
    elif kind == "void_credit_note" and credit_notes:
        credit_note_void(actor=SETUP, credit_note=_pick(credit_notes, args[0]))
    elif kind == "void_retainer" and retainers:
        retainer_invoice_void(actor=SETUP, retainer=_pick(retainers, args[0]))
    elif kind == "delete_payment" and payments:
        payment_delete(actor=SETUP, payment=_pick(payments, args[0]))
    elif kind == "unallocate":
        allocation = _pick(
            list(PaymentAllocation.objects.filter(payment__customer=customer).order_by("id")), args[0]
        )
        if allocation is not None:
            credit_remove(actor=SETUP, use=allocation)
    elif kind == "unapply_credit":
        application = _pick(
            list(CreditApplication.objects.filter(invoice__customer=customer).order_by("id")), args[0]
        )
        if application is not None:
            credit_remove(actor=SETUP, use=application)
    elif kind == "unapply_retainer":
        application = _pick(
            list(RetainerApplication.objects.filter(invoice__customer=customer).order_by("id")), args[0]
        )
        if application is not None:
            credit_remove(actor=SETUP, use=application)
    elif kind == "delete_refund":
        refund = _pick(list(Refund.objects.filter(customer=customer).order_by("id")), args[0])
        if refund is not None:
            refund_delete(actor=SETUP, refund=refund)


@pytest.fixture
def foreign_invoice(customer_b):
    return make_invoice(customer_b, "100.00")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    currency=st.sampled_from(["USD", "JPY", "BHD"]),
    history=st.lists(operations, min_size=1, max_size=14),
)
def test_random_histories_keep_every_balance_equal_to_its_rows(org, foreign_invoice, currency, history):
    with transaction.atomic():  # each example starts from the same account, rolled back after it
        customer = CustomerFactory(organization=org, currency=currency)
        invoices = [make_invoice(customer, "120"), make_invoice(customer, "45", "10")]
        payment_record(
            actor=SETUP, customer=customer, amount="80", date=today(), allocations=[(invoices[0], "20")]
        )
        make_credit_note(customer, "30")
        retainer = make_retainer(customer, "60")
        payment_record(
            actor=SETUP, customer=customer, amount="60", date=today(), allocations=[(retainer, "60")]
        )
        _check_invariants(customer)
        for operation in history:
            before = _snapshot(customer)
            # No savepoint of the test's own around the operation: a refused operation must roll back what
            # it wrote by itself, or the snapshot comparison below catches it.
            try:
                _apply(operation, customer, foreign_invoice)
            except ValidationError as exc:
                assert exc.messages, operation
                assert _snapshot(customer) == before, f"{operation} was refused but wrote something"
                event(f"{operation[0]}: refused")
            else:
                event(f"{operation[0]}: {'no-op' if _snapshot(customer) == before else 'done'}")
            _check_invariants(customer)
        foreign_invoice.refresh_from_db()
        assert foreign_invoice.balance_due == Decimal("100.00")  # never paid from customer A's account
        transaction.set_rollback(True)
