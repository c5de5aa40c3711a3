"""The money invariants, checked from the rows themselves: what any organization's data must satisfy."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from portico.customers.models import Customer
from portico.money import ZERO, is_rounded, line_amounts
from portico.organizations.models import NumberSeries
from portico.payments.models import CustomerPayment, PaymentAllocation, Refund
from portico.projects.models import Project, TimesheetApproval
from portico.sales.models import (
    CreditApplication,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    Quote,
    QuoteLine,
    RetainerApplication,
    RetainerInvoice,
    RetainerInvoiceLine,
    SalesOrder,
    SalesOrderLine,
)
from portico.sales.selectors import customer_receivable

DOCUMENTS = (
    (Quote, QuoteLine),
    (Invoice, InvoiceLine),
    (RetainerInvoice, RetainerInvoiceLine),
    (CreditNote, CreditNoteLine),
    (SalesOrder, SalesOrderLine),
)
NUMBERED = (
    (Quote, NumberSeries.Kind.QUOTE),
    (Invoice, NumberSeries.Kind.INVOICE),
    (RetainerInvoice, NumberSeries.Kind.RETAINER_INVOICE),
    (CreditNote, NumberSeries.Kind.CREDIT_NOTE),
    (SalesOrder, NumberSeries.Kind.SALES_ORDER),
    (CustomerPayment, NumberSeries.Kind.PAYMENT),
    (Refund, NumberSeries.Kind.REFUND),
    (Project, NumberSeries.Kind.PROJECT),
    (TimesheetApproval, NumberSeries.Kind.TIMESHEET_APPROVAL),
)


def _sums(queryset, key: str) -> dict[int, Decimal]:
    sums: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for target, amount in queryset.exclude(**{f"{key}__isnull": True}).values_list(key, "amount"):
        sums[target] += amount
    return sums


def check_document_totals(organization) -> int:
    """Each line is priced as :mod:`portico.money` prices it; each document's totals are sums of its lines."""
    checked = 0
    for model, line_model in DOCUMENTS:
        lines: dict[int, list] = defaultdict(list)
        for line in line_model.objects.filter(document__organization=organization).select_related("document"):
            lines[line.document_id].append(line)
        for document in model.objects.filter(organization=organization):
            own = lines[document.pk]
            assert own, f"{document.number} has no lines"
            for line in own:
                amounts = line_amounts(
                    quantity=line.quantity,
                    rate=line.rate,
                    currency=document.currency,
                    discount_percent=line.discount_percent,
                    tax_percent=line.tax_rate,
                )
                assert (line.amount, line.tax_amount) == (amounts.net, amounts.tax), (
                    f"{document.number}: {line}"
                )
            assert document.total == sum((line.amount + line.tax_amount for line in own), ZERO), (
                document.number
            )
            assert document.subtotal == sum((line.amount for line in own), ZERO), document.number
            assert document.tax_total == sum((line.tax_amount for line in own), ZERO), document.number
            assert is_rounded(document.total, document.currency), document.number
            checked += 1
    return checked


def check_invoice_balances(organization) -> int:
    """Balance due = total − payments − credits applied − retainer applied, never below zero."""
    payments = _sums(PaymentAllocation.objects.filter(organization=organization), "invoice_id")
    credits = _sums(CreditApplication.objects.filter(organization=organization), "invoice_id")
    retainers = _sums(RetainerApplication.objects.filter(organization=organization), "invoice_id")
    checked = 0
    for invoice in Invoice.objects.filter(organization=organization):
        settled = payments[invoice.pk] + credits[invoice.pk] + retainers[invoice.pk]
        if invoice.status == Invoice.Status.VOID:
            assert (invoice.balance_due, settled) == (ZERO, ZERO), invoice.number
            continue
        if invoice.status == Invoice.Status.DRAFT:
            assert (invoice.balance_due, settled) == (invoice.total, ZERO), invoice.number
            continue
        assert invoice.balance_due == invoice.total - settled, invoice.number
        assert invoice.balance_due >= 0, invoice.number
        if invoice.balance_due == 0:
            expected = Invoice.Status.PAID
        elif settled > 0:
            expected = Invoice.Status.PARTIALLY_PAID
        else:
            expected = Invoice.Status.SENT
        assert invoice.status == expected, f"{invoice.number} is {invoice.status}, expected {expected}"
        checked += 1
    return checked


def check_payments(organization) -> int:
    """A payment's allocations and refunds never exceed it; what is left is its unused amount."""
    allocated = _sums(PaymentAllocation.objects.filter(organization=organization), "payment_id")
    refunded = _sums(Refund.objects.filter(organization=organization), "payment_id")
    payments = CustomerPayment.objects.filter(organization=organization)
    for payment in payments:
        used = allocated[payment.pk] + refunded[payment.pk]
        assert used <= payment.amount, payment.number
        assert payment.unused_amount == payment.amount - used, payment.number
    for allocation in PaymentAllocation.objects.filter(organization=organization).select_related("payment"):
        document = allocation.invoice or allocation.retainer_invoice
        assert document.customer_id == allocation.payment.customer_id, allocation.payment.number
        assert document.currency == allocation.payment.currency, allocation.payment.number
    return payments.count()


def check_credits(organization) -> None:
    """Retainers and credit notes: what remains is what was paid or issued less what was used."""
    paid = _sums(PaymentAllocation.objects.filter(organization=organization), "retainer_invoice_id")
    applied = _sums(RetainerApplication.objects.filter(organization=organization), "retainer_invoice_id")
    refunded = _sums(Refund.objects.filter(organization=organization), "retainer_invoice_id")
    for retainer in RetainerInvoice.objects.filter(organization=organization).exclude(
        status__in=[RetainerInvoice.Status.DRAFT, RetainerInvoice.Status.VOID]
    ):
        assert retainer.balance_due == retainer.total - paid[retainer.pk] >= 0, retainer.number
        available = paid[retainer.pk] - applied[retainer.pk] - refunded[retainer.pk]
        assert retainer.retainer_available == available >= 0, retainer.number
    applied = _sums(CreditApplication.objects.filter(organization=organization), "credit_note_id")
    refunded = _sums(Refund.objects.filter(organization=organization), "credit_note_id")
    for credit_note in CreditNote.objects.filter(
        organization=organization, status__in=[CreditNote.Status.OPEN, CreditNote.Status.CLOSED]
    ):
        remaining = credit_note.total - applied[credit_note.pk] - refunded[credit_note.pk]
        assert credit_note.balance == remaining >= 0, credit_note.number
        assert (credit_note.status == CreditNote.Status.CLOSED) == (remaining == 0), credit_note.number


def check_receivables(organization) -> int:
    """The receivable selector equals the open invoices' balances, computed here from the money rows."""
    payments = _sums(PaymentAllocation.objects.filter(organization=organization), "invoice_id")
    credits = _sums(CreditApplication.objects.filter(organization=organization), "invoice_id")
    retainers = _sums(RetainerApplication.objects.filter(organization=organization), "invoice_id")
    owed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for invoice in Invoice.objects.filter(organization=organization, status__in=Invoice.OPEN_STATUSES):
        owed[invoice.customer_id] += (
            invoice.total - payments[invoice.pk] - credits[invoice.pk] - retainers[invoice.pk]
        )
    customers = Customer.objects.filter(organization=organization)
    for customer in customers:
        assert customer_receivable(customer=customer) == owed[customer.pk], customer.display_name
    return customers.count()


def check_numbers(organization) -> None:
    """Numbers are unique, use their series' prefix, and the series continues after the highest of them."""
    series = {s.kind: s for s in NumberSeries.objects.filter(organization=organization)}
    for model, kind in NUMBERED:
        numbers = list(model.objects.filter(organization=organization).values_list("number", flat=True))
        assert len(numbers) == len(set(numbers)), f"duplicate {kind} numbers"
        if not numbers:
            continue
        pattern = re.compile(rf"^{re.escape(series[kind].prefix)}(\d+)$")
        values = [int(pattern.match(number).group(1)) for number in numbers]
        assert max(values) < series[kind].next_number, kind


def check_all(organization) -> None:
    check_document_totals(organization)
    check_invoice_balances(organization)
    check_payments(organization)
    check_credits(organization)
    check_receivables(organization)
    check_numbers(organization)
