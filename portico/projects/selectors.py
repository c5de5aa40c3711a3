"""Reads about projects: hours per task and approvals awaiting the customer."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from .models import Project, Task, TimeEntry, TimesheetApproval

_HOURS = DecimalField(max_digits=12, decimal_places=2)


def customer_pending_approvals(*, customer) -> QuerySet[TimesheetApproval]:
    return TimesheetApproval.objects.filter(customer=customer).pending()


def tasks_with_hours(*, project: Project) -> QuerySet[Task]:
    """The project's tasks, each annotated with hours logged (all of them), and billable hours billed and unbilled.

    Non-billable time counts as logged but is neither billed nor waiting to be billed.
    """
    billable = Q(time_entries__is_billable=True)
    zero = Value(Decimal("0"), output_field=_HOURS)
    return project.tasks.annotate(
        logged_hours=Coalesce(Sum("time_entries__hours"), zero, output_field=_HOURS),
        billed_hours=Coalesce(
            Sum(
                "time_entries__hours",
                filter=billable & Q(time_entries__billing_status=TimeEntry.BillingStatus.BILLED),
            ),
            zero,
            output_field=_HOURS,
        ),
        unbilled_hours=Coalesce(
            Sum(
                "time_entries__hours",
                filter=billable & Q(time_entries__billing_status=TimeEntry.BillingStatus.UNBILLED),
            ),
            zero,
            output_field=_HOURS,
        ),
    ).order_by("name")
