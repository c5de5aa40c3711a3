"""What the timesheet tests of the portal share: addresses, and approvals made through the services."""

from __future__ import annotations

import datetime

from django.urls import reverse

from portico.projects.models import TimesheetApproval
from portico.projects.services import time_entry_log, timesheet_approval_create, timesheet_approval_send
from portico.testing import SETUP, today

DAY = datetime.timedelta(days=1)
S = TimesheetApproval.Status
REASON = "The workshop on Tuesday took two hours, not four."


def url(name: str, org, **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs={"slug": org.portal_slug, **kwargs})


def make_approval(
    task, *hours: str, start: datetime.date | None = None, send: bool = True, user=None, notes: str = ""
) -> TimesheetApproval:
    """Time logged on ``task``, one entry per day from ``start`` (a week ago by default), gathered for approval
    over that week and sent unless ``send=False``. Give approvals of one project periods that don't overlap."""
    start = start or today() - 7 * DAY
    for index, value in enumerate(hours):
        time_entry_log(actor=SETUP, task=task, date=start + index * DAY, hours=value, user=user, notes=notes)
    approval = timesheet_approval_create(
        actor=SETUP, project=task.project, period_start=start, period_end=start + max(len(hours) - 1, 6) * DAY
    )
    return timesheet_approval_send(actor=SETUP, approval=approval) if send else approval


def weeks_ago(weeks: int) -> datetime.date:
    return today() - weeks * 7 * DAY


def opened(client, org, approval: TimesheetApproval) -> TimesheetApproval:
    """The contact has the approval's page open (its first view is recorded before what the test measures)."""
    assert client.get(url("timesheet-detail", org, number=approval.number)).status_code == 200
    return approval
