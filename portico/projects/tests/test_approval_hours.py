"""A timesheet approval's total hours are its entries' hours: nothing that changes an entry can make them differ.

Entries of a draft, pending or approved approval cannot be corrected or deleted (the services refuse, the office
offers no button); billing them or voiding their invoice changes no hours. A rejected approval keeps the hours
it was rejected with while its entries are corrected and gathered again.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from portico.projects.models import TimesheetApproval
from portico.projects.services import (
    project_create,
    project_invoice_time,
    task_create,
    time_entry_delete,
    time_entry_log,
    time_entry_update,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_send,
)
from portico.sales.services.invoices import invoice_void
from portico.testing import SETUP

DAY = datetime.timedelta(days=1)


def _entries_hours(approval: TimesheetApproval) -> Decimal:
    return approval.entries.aggregate(h=Sum("hours"))["h"] or Decimal(0)


@pytest.fixture
def task(customer_a):
    return task_create(
        actor=SETUP,
        project=project_create(actor=SETUP, customer=customer_a, name="Website", rate="80"),
        name="Build",
    )


def _approval(task, fate: str) -> TimesheetApproval:
    today = task.organization.today()
    time_entry_log(actor=SETUP, task=task, date=today - 2 * DAY, hours="2.5")
    time_entry_log(actor=SETUP, task=task, date=today - DAY, hours="1.5")
    approval = timesheet_approval_create(
        actor=SETUP, project=task.project, period_start=today - 2 * DAY, period_end=today
    )
    if fate != "draft":
        approval = timesheet_approval_send(actor=SETUP, approval=approval)
    if fate == "approved":
        approval = timesheet_approval_decide(actor=SETUP, approval=approval, approve=True)
    return approval


@pytest.mark.parametrize("fate", ["draft", "pending", "approved"])
def test_an_approvals_entries_cannot_change_under_its_total(task, fate):
    approval = _approval(task, fate)
    entry = approval.entries.first()

    with pytest.raises(ValidationError):
        time_entry_update(actor=SETUP, entry=entry, task=task, date=entry.date, hours="8")
    with pytest.raises(ValidationError):
        time_entry_delete(actor=SETUP, entry=entry)

    approval.refresh_from_db()
    assert approval.total_hours == _entries_hours(approval) == Decimal("4.00")


def test_billing_an_approved_approvals_time_and_voiding_the_invoice_keep_its_total(task):
    approval = _approval(task, "approved")

    invoice = project_invoice_time(actor=SETUP, project=task.project)
    approval.refresh_from_db()
    assert approval.total_hours == _entries_hours(approval) == Decimal("4.00")
    invoice_void(actor=SETUP, invoice=invoice)
    approval.refresh_from_db()
    assert approval.total_hours == _entries_hours(approval) == Decimal("4.00")


def test_the_office_offers_no_change_of_an_entry_counted_in_an_approval(task, staff_client):
    from django.urls import reverse

    approval = _approval(task, "draft")
    entry = approval.entries.first()

    page = staff_client.get(reverse("office:projects_timeentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert 'name="hours"' not in page.content.decode()  # read-only
