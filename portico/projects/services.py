"""Writes for projects, tasks, time entries and timesheet approvals."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.activity.notifications import timesheet_decision_notify
from portico.activity.services import audit_record
from portico.actors import Actor
from portico.money import ZERO, parse_amount, to_decimal
from portico.organizations.models import Membership, NumberSeries
from portico.organizations.services import number_next
from portico.sales.services.documents import LineInput, lock_customer
from portico.sales.services.invoices import invoice_create
from portico.unset import UNSET, Unset, given

from .models import Project, Task, TimeEntry, TimesheetApproval

AS = TimesheetApproval.Status


def project_create(*, customer, name: str, rate: Decimal | str = ZERO, actor: Actor, **fields) -> Project:
    """Create an active project for a customer."""
    project = Project(
        organization=customer.organization,
        customer=customer,
        name=(name or "").strip(),
        rate=parse_amount(rate, customer.currency, field="rate"),
        number="pending",
        **fields,
    )
    project.full_clean(exclude=["number"])
    with transaction.atomic():
        project.number = number_next(organization=customer.organization, kind=NumberSeries.Kind.PROJECT)
        project.save()
        audit_record(organization=project.organization, action="project.created", target=project, actor=actor)
    return project


def task_create(
    *,
    project: Project,
    name: str,
    rate: Decimal | str = ZERO,
    is_billable: bool = True,
    actor: Actor,
    **fields,
) -> Task:
    """Add a task to a project, with its hourly rate and whether its time is billable."""
    task = Task(
        organization=project.organization,
        project=project,
        name=(name or "").strip(),
        rate=parse_amount(rate, project.customer.currency, field="rate"),
        is_billable=is_billable,
        **fields,
    )
    task.full_clean()
    with transaction.atomic():
        task.save()
        audit_record(
            organization=task.organization,
            action="task.created",
            target=task,
            actor=actor,
            customer=project.customer,
            data={"project": project.number},
        )
    return task


def _clean_hours(hours: Decimal | str) -> Decimal:
    hours = to_decimal(hours)
    if hours <= 0 or hours > 24:
        raise ValidationError({"hours": _("Hours must be more than 0 and at most 24.")})
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationError({"hours": _("Log hours to the hundredth at most (0.25 is a quarter hour).")})
    return hours


def _require_member(user, task: Task) -> None:
    """Time is logged by staff of the task's organization, never by someone outside it."""
    if (
        user is not None
        and not Membership.objects.filter(organization_id=task.organization_id, user=user).exists()
    ):
        raise ValidationError({"user": _("%(user)s is not staff of this organization.") % {"user": user}})


def _entry_audit(entry: TimeEntry, action: str, actor, **data) -> None:
    audit_record(
        organization=entry.organization,
        action=action,
        target=entry,
        actor=actor,
        customer=entry.project.customer,
        data={"project": entry.project.number, "task": entry.task.name, "hours": str(entry.hours), **data},
    )


def time_entry_log(
    *,
    task: Task,
    date: datetime.date,
    hours: Decimal | str,
    user=None,
    notes: str = "",
    is_billable: bool | None = None,
    actor: Actor,
) -> TimeEntry:
    """Log time on a task, by a member of its organization; billable unless the task is not."""
    hours = _clean_hours(hours)
    _require_member(user, task)
    entry = TimeEntry(
        organization=task.organization,
        project=task.project,
        task=task,
        user=user,
        date=date,
        hours=hours,
        notes=notes,
        is_billable=task.is_billable if is_billable is None else is_billable,
    )
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        _entry_audit(entry, "timeentry.logged", actor)
    return entry


def timesheet_approval_create(
    *, project: Project, period_start: datetime.date, period_end: datetime.date, actor: Actor
) -> TimesheetApproval:
    """Gather the project's unbilled, billable time entries of a period for approval.

    Entries already in a draft, pending or approved approval are left out; those of a rejected one are taken
    again (once corrected, they are sent in the new approval).
    """
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    with transaction.atomic():
        # Lock only the entries: PostgreSQL cannot lock the nullable side of the join to their approval.
        entries = (
            TimeEntry.objects.select_for_update(of=("self",))
            .filter(project=project, date__gte=period_start, date__lte=period_end)
            .gatherable()
        )
        ids = list(entries.values_list("pk", flat=True))
        if not ids:
            raise ValidationError(_("There are no unbilled billable time entries in this period to approve."))
        approval = TimesheetApproval.objects.create(
            organization=project.organization,
            customer=project.customer,
            project=project,
            number=number_next(organization=project.organization, kind=NumberSeries.Kind.TIMESHEET_APPROVAL),
            period_start=period_start,
            period_end=period_end,
        )
        TimeEntry.objects.filter(pk__in=ids).update(approval=approval)
        approval.total_hours = TimeEntry.objects.filter(approval=approval).aggregate(h=Sum("hours"))["h"]
        approval.save(update_fields=["total_hours"])
        audit_record(
            organization=project.organization, action="timesheet.created", target=approval, actor=actor
        )
    return approval


def timesheet_approval_send(*, approval: TimesheetApproval, actor: Actor) -> TimesheetApproval:
    """Send a draft approval to the customer: it is pending their decision."""
    with transaction.atomic():
        approval = TimesheetApproval.objects.select_for_update().get(pk=approval.pk)
        if not approval.can_send():
            raise ValidationError(_("Only a draft approval can be sent."))
        approval.status = AS.PENDING
        approval.sent_at = timezone.now()
        approval.save()
        audit_record(
            organization=approval.organization, action="timesheet.sent", target=approval, actor=actor
        )
    return approval


def timesheet_approval_decide(
    *, approval: TimesheetApproval, approve: bool, reason: str = "", actor: Actor
) -> TimesheetApproval:
    """Approve or reject a pending approval, by a contact of its customer or by staff on their word.

    A decision on an approval that is no longer pending is refused as such before a missing reason is: a
    Reject from a page opened before someone else decided says what happened, not what to type.
    """
    reason = (reason or "").strip()
    if "\x00" in reason:
        raise ValidationError(
            {"reason": _("The reason contains a NUL character, which cannot be saved; remove it.")}
        )
    with transaction.atomic():
        approval = TimesheetApproval.objects.select_for_update().get(pk=approval.pk)
        contact = actor.contact if actor.is_contact else None
        if contact is not None and contact.customer_id != approval.customer_id:
            raise ValidationError(_("This contact cannot decide on another customer's timesheet."))
        if not approval.can_decide():
            raise ValidationError(
                _("This timesheet is %(status)s; only a pending one can be approved or rejected.")
                % {"status": approval.get_status_display().lower()}
            )
        if not approve and not reason:
            raise ValidationError({"reason": _("Say why the timesheet is rejected.")})
        approval.status = AS.APPROVED if approve else AS.REJECTED
        approval.decided_at = timezone.now()
        approval.decided_by = contact
        approval.rejection_reason = "" if approve else reason[:2000]
        approval.save()
        audit_record(
            organization=approval.organization,
            action="timesheet.approved" if approve else "timesheet.rejected",
            target=approval,
            actor=actor,
            data={"reason": reason},
        )
        if contact is not None:
            timesheet_decision_notify(actor=actor, approval=approval)
    return approval


#: Project fields the back office may change after the project was created.
PROJECT_EDITABLE_FIELDS = ("name", "description", "billing_method", "rate", "budget_hours", "status")


def project_update(
    *,
    project: Project,
    actor: Actor,
    name: str | Unset = UNSET,
    description: str | Unset = UNSET,
    billing_method: str | Unset = UNSET,
    rate: Decimal | str | Unset = UNSET,
    budget_hours: Decimal | str | Unset | None = UNSET,
    status: str | Unset = UNSET,
) -> Project:
    """Change a project's name, description, billing, budget or status (active or inactive); the others stay."""
    fields = given(
        name=name,
        description=description,
        billing_method=billing_method,
        rate=rate,
        budget_hours=budget_hours,
        status=status,
    )
    with transaction.atomic():
        project = Project.objects.select_for_update().select_related("customer").get(pk=project.pk)
        if "rate" in fields:
            fields["rate"] = parse_amount(fields["rate"], project.customer.currency, field="rate")
        if "name" in fields:
            fields["name"] = (fields["name"] or "").strip()
        for name, value in fields.items():
            setattr(project, name, value)
        project.full_clean()
        project.save()
        audit_record(
            organization=project.organization,
            action="project.updated",
            target=project,
            actor=actor,
            data={"fields": sorted(fields)},
        )
    return project


def task_update(
    *,
    task: Task,
    actor: Actor,
    name: str | Unset = UNSET,
    description: str | Unset = UNSET,
    rate: Decimal | str | Unset = UNSET,
    is_billable: bool | Unset = UNSET,
) -> Task:
    """Change a task's name, description, hourly rate or billable flag; the others stay."""
    fields = given(name=name, description=description, rate=rate, is_billable=is_billable)
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(of=("self",)).select_related("project__customer").get(pk=task.pk)
        )
        if "rate" in fields:
            fields["rate"] = parse_amount(fields["rate"], task.project.customer.currency, field="rate")
        if "name" in fields:
            fields["name"] = (fields["name"] or "").strip()
        for name, value in fields.items():
            setattr(task, name, value)
        task.full_clean()
        task.save()
        audit_record(
            organization=task.organization,
            action="task.updated",
            target=task,
            actor=actor,
            customer=task.project.customer,
            data={"fields": sorted(fields)},
        )
    return task


def _require_entry_open(entry: TimeEntry) -> None:
    """Billed time, and time gathered in a draft, pending or approved timesheet, no longer changes.

    Time in a rejected timesheet is corrected and gathered again; a draft timesheet is deleted first, so its
    total hours always match its entries.
    """
    if entry.is_open:
        return
    if entry.billing_status == TimeEntry.BillingStatus.BILLED:
        raise ValidationError(_("This time entry was billed; it can no longer change."))
    if entry.approval_id and entry.approval.status == AS.DRAFT:
        raise ValidationError(
            _("This time entry is in draft timesheet %(number)s; delete that timesheet first to change it.")
            % {"number": entry.approval.number}
        )
    if entry.approval_id and entry.approval.status in (AS.PENDING, AS.APPROVED):
        raise ValidationError(
            _("This time entry is in timesheet %(number)s (%(status)s); it can no longer change.")
            % {"number": entry.approval.number, "status": entry.approval.get_status_display().lower()}
        )


def _lock_entry(entry: TimeEntry) -> TimeEntry:
    return (
        TimeEntry.objects.select_for_update(of=("self",))
        .select_related("approval", "project__customer", "task")
        .get(pk=entry.pk)
    )


def time_entry_update(
    *,
    entry: TimeEntry,
    task: Task,
    date: datetime.date,
    hours: Decimal | str,
    user=None,
    notes: str = "",
    is_billable: bool = True,
    actor: Actor,
) -> TimeEntry:
    """Correct an unbilled time entry that is not gathered in a timesheet (or only in a rejected one).

    The task may change to another task of the same project, and the user only to staff of the organization.
    """
    hours = _clean_hours(hours)
    with transaction.atomic():
        entry = _lock_entry(entry)
        _require_entry_open(entry)
        if task.project_id != entry.project_id:
            raise ValidationError({"task": _("Choose a task of this entry's project.")})
        _require_member(user, task)
        entry.task = task
        entry.date = date
        entry.hours = hours
        entry.user = user
        entry.notes = notes
        entry.is_billable = is_billable
        entry.full_clean()
        entry.save()
        _entry_audit(entry, "timeentry.updated", actor)
    return entry


def time_entry_delete(*, entry: TimeEntry, actor: Actor) -> None:
    """Delete an unbilled time entry that is not gathered in a timesheet (or only in a rejected one)."""
    with transaction.atomic():
        entry = _lock_entry(entry)
        _require_entry_open(entry)
        _entry_audit(entry, "timeentry.deleted", actor, date=entry.date.isoformat())
        entry.delete()


def _billable_entries(project: Project):
    """Unbilled billable time the customer has not been asked to approve, or has approved."""
    return TimeEntry.objects.filter(project=project).billable().select_related("task")


def project_invoice_time(
    *, project: Project, date: datetime.date | None = None, up_to: datetime.date | None = None, actor: Actor
):
    """Bill a project's unbilled time on a new draft invoice, one line per task, and mark the time billed.

    Time waiting for the customer's approval (draft, pending or rejected approvals) is left for later.
    Hours are priced at the project's rate, or at each task's rate for projects billed by task hours.
    With ``up_to``, only time logged on or before that day is billed. Voiding the invoice makes the time
    unbilled again.
    """
    if project.billing_method == Project.BillingMethod.FIXED:
        raise ValidationError(
            _("A fixed-cost project is billed for its agreed amount: create an invoice for it directly.")
        )
    with transaction.atomic():
        lock_customer(project.customer_id)
        entries = _billable_entries(project).select_for_update(of=("self",)).order_by("task__name", "date")
        if up_to is not None:
            entries = entries.filter(date__lte=up_to)
        entries = list(entries)
        if not entries:
            raise ValidationError(_("This project has no unbilled time to invoice."))
        hours_by_task: dict[Task, Decimal] = {}
        for entry in entries:
            hours_by_task[entry.task] = hours_by_task.get(entry.task, ZERO) + entry.hours
        by_task = project.billing_method == Project.BillingMethod.TASK_HOURS
        lines = [
            LineInput(
                description=_("%(project)s: %(task)s") % {"project": project.name, "task": task.name},
                quantity=task_hours,
                rate=task.rate if by_task else project.rate,
            )
            for task, task_hours in hours_by_task.items()
        ]
        invoice = invoice_create(
            customer=project.customer,
            date=date or project.organization.today(),
            lines=lines,
            reference=project.number,
            actor=actor,
        )
        invoice_lines = invoice.lines.order_by("position", "pk")
        for task, line in zip(hours_by_task, invoice_lines, strict=True):
            TimeEntry.objects.filter(pk__in=[e.pk for e in entries if e.task_id == task.pk]).update(
                billing_status=TimeEntry.BillingStatus.BILLED, invoice=invoice, invoice_line=line
            )
        audit_record(
            organization=project.organization,
            action="project.invoiced",
            target=project,
            actor=actor,
            data={"invoice": invoice.number, "entries": len(entries)},
        )
    return invoice


def time_entries_follow_lines(invoice, kept: Mapping[int, int]) -> None:
    """Time billed on an invoice follows its lines: time on a kept line moves to the line that replaced it, and
    time on a line removed, or on an invoice voided or deleted, is unbilled, to be invoiced again."""
    billed = TimeEntry.objects.filter(invoice=invoice)
    for old, new in kept.items():
        if old != new:
            billed.filter(invoice_line_id=old).update(invoice_line_id=new)
    billed.exclude(invoice_line_id__in=list(kept.values())).update(
        billing_status=TimeEntry.BillingStatus.UNBILLED, invoice=None, invoice_line=None
    )


def timesheet_approval_delete(*, approval: TimesheetApproval, actor: Actor) -> None:
    """Delete a draft approval; its time entries are released, to be gathered again or changed."""
    with transaction.atomic():
        approval = TimesheetApproval.objects.select_for_update().get(pk=approval.pk)
        if not approval.can_delete():
            raise ValidationError(
                _("This timesheet is %(status)s; only a draft can be deleted.")
                % {"status": approval.get_status_display().lower()}
            )
        TimeEntry.objects.filter(approval=approval).update(approval=None)
        audit_record(
            organization=approval.organization,
            action="timesheet.deleted",
            target=approval,
            actor=actor,
            data={"number": approval.number},
        )
        approval.delete()
