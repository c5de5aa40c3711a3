"""A customer with hundreds of documents, made fast: copies of documents the services made.

``add_documents`` makes one document of each kind the portal shows through the services (an invoice half paid
by a payment, a sent retainer invoice, a sent quote, a confirmed sales order, and timesheet approvals pending,
approved and rejected, each with its time entry), then copies each of them, with its lines, payment and entries,
with ``bulk_create``: every copy is a document exactly as the services make it, only numbered and dated on its
own, and 500 of them cost a few inserts. Copies are numbered ``<prefix>-<customer id>-<index>``, from 00000.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models

from portico.payments.models import CustomerPayment, PaymentAllocation
from portico.payments.services import payment_record
from portico.projects.models import Project, Task, TimeEntry, TimesheetApproval
from portico.projects.services import (
    project_create,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_send,
)
from portico.sales.models import Invoice
from portico.sales.services.salesorders import sales_order_confirm, sales_order_create
from portico.testing import SETUP, lines, make_invoice, make_quote, make_retainer, today

FEW, MANY = 5, 500
DAY = datetime.timedelta(days=1)
AMOUNT, PAID = Decimal("150.00"), Decimal("50.00")  # each invoice's total, and what its payment paid on it

#: The approvals' statuses, by index modulo 3 (approval 00000 is pending).
APPROVAL_STATUSES = (
    TimesheetApproval.Status.PENDING,
    TimesheetApproval.Status.APPROVED,
    TimesheetApproval.Status.REJECTED,
)


def number(prefix: str, customer, index: int) -> str:
    """The number of the copy ``index`` of a kind of document (unique in the organization)."""
    return f"{prefix}-{customer.pk}-{index:05d}"


def _copy(original: models.Model, **changes) -> models.Model:
    """An unsaved copy of ``original``, every column the same but its id and ``changes``."""
    fields = {
        field.attname: getattr(original, field.attname)
        for field in type(original)._meta.concrete_fields
        if not field.primary_key
    }
    return type(original)(**{**fields, **changes})


def _copies_with_lines(original, headers: list[dict]) -> list:
    """Copies of a sales document, one per header of ``headers`` (the fields that differ), each with its lines."""
    copies = type(original).objects.bulk_create(_copy(original, **header) for header in headers)
    originals = list(original.lines.all())
    line_model = type(originals[0])
    line_model.objects.bulk_create(_copy(line, document_id=copy.pk) for copy in copies for line in originals)
    return copies


def _dates(index: int) -> dict:
    """A copy's date: spread over more than a year, and always at least a month before today."""
    return {"date": today() - (30 + index % 400) * DAY}


def add_documents(customer, start: int, stop: int) -> None:
    """Documents of every kind the portal shows, numbered ``start`` to ``stop - 1``, for ``customer``."""
    indexes = range(start, stop)
    _add_invoices(customer, indexes)
    retainer = make_retainer(customer, AMOUNT)
    _copies_with_lines(retainer, [{"number": number("RET", customer, i), **_dates(i)} for i in indexes])
    quote = make_quote(customer, AMOUNT, expiry_date=today() + 30 * DAY)
    _copies_with_lines(
        quote,
        [
            # Some past their expiry date, some still open.
            {"number": number("QT", customer, i), **_dates(i), "expiry_date": today() + (30 - i % 60) * DAY}
            for i in indexes
        ],
    )
    order = sales_order_confirm(
        actor=SETUP,
        order=sales_order_create(actor=SETUP, customer=customer, date=today(), lines=lines(AMOUNT)),
    )
    _copies_with_lines(order, [{"number": number("SO", customer, i), **_dates(i)} for i in indexes])
    add_approvals(customer, indexes)
    # The originals were only models for the copies.
    for original in (retainer, quote, order):
        original.lines.all().delete()
        type(original).objects.filter(pk=original.pk).delete()


def _add_invoices(customer, indexes: range) -> None:
    """Sent invoices, each partly paid by a payment of its own; half of them overdue (the first 5 too)."""
    invoice = make_invoice(customer, AMOUNT, due_date=today() + 30 * DAY)
    payment = payment_record(
        actor=SETUP, customer=customer, amount=PAID, date=today(), allocations=[(invoice, PAID)]
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.PARTIALLY_PAID, AMOUNT - PAID)
    allocation = payment.allocations.get()
    copies = _copies_with_lines(
        invoice,
        [
            {"number": number("INV", customer, i), **_dates(i), "due_date": today() + (i % 30 - 15) * DAY}
            for i in indexes
        ],
    )
    payments = CustomerPayment.objects.bulk_create(
        _copy(payment, number=number("PAY", customer, i), date=copy.date)
        for i, copy in zip(indexes, copies, strict=True)
    )
    PaymentAllocation.objects.bulk_create(
        _copy(allocation, payment_id=paid.pk, invoice_id=copy.pk, date=paid.date)
        for paid, copy in zip(payments, copies, strict=True)
    )
    allocation.delete()
    payment.delete()
    invoice.lines.all().delete()
    invoice.delete()


def _project(customer) -> tuple[Project, Task]:
    project = Project.objects.filter(customer=customer).first() or project_create(
        actor=SETUP, customer=customer, name=f"Project of {customer.display_name}"
    )
    task = project.tasks.first() or task_create(actor=SETUP, project=project, name="Design")
    return project, task


def _approval(task: Task, status: str, start: datetime.date) -> TimesheetApproval:
    """An approval of one entry of two hours, sent and, unless ``status`` is pending, decided so."""
    time_entry_log(actor=SETUP, task=task, date=start, hours="2")
    approval = timesheet_approval_create(
        actor=SETUP, project=task.project, period_start=start, period_end=start + 6 * DAY
    )
    approval = timesheet_approval_send(actor=SETUP, approval=approval)
    if status != TimesheetApproval.Status.PENDING:
        approval = timesheet_approval_decide(
            actor=SETUP,
            approval=approval,
            approve=status == TimesheetApproval.Status.APPROVED,
            reason="Too many hours",
        )
    return approval


def add_approvals(customer, indexes: range) -> None:
    """Sent timesheet approvals of one project, a third each pending, approved and rejected, one week each (the
    latest ending a week ago), each with its time entry."""
    _, task = _project(customer)
    # The originals cover weeks no copy does (copies go back at most 400 weeks from a week ago).
    originals = [
        _approval(task, status, today() + (7 + 7 * k) * DAY) for k, status in enumerate(APPROVAL_STATUSES)
    ]
    entries = {approval.pk: approval.entries.get() for approval in originals}
    copies = TimesheetApproval.objects.bulk_create(
        _copy(
            originals[i % 3],
            number=number("TS", customer, i),
            period_start=today() - (7 * (i % 400) + 13) * DAY,
            period_end=today() - (7 * (i % 400) + 7) * DAY,
        )
        for i in indexes
    )
    TimeEntry.objects.bulk_create(
        _copy(entries[originals[i % 3].pk], approval_id=copy.pk, date=copy.period_start)
        for i, copy in zip(indexes, copies, strict=True)
    )
    TimeEntry.objects.filter(pk__in=[entry.pk for entry in entries.values()]).delete()
    TimesheetApproval.objects.filter(pk__in=[approval.pk for approval in originals]).delete()


def add_entries(approval: TimesheetApproval, count: int) -> None:
    """``count`` more time entries of an hour in ``approval``, copies of its first one."""
    entry = approval.entries.order_by("id").first()
    TimeEntry.objects.bulk_create(_copy(entry, hours=Decimal("1"), notes=f"Entry {i}") for i in range(count))
