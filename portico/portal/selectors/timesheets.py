"""A portal contact's timesheet approvals: only their customer's, and only those the business has sent.

A draft approval is the business's work in progress: the portal answers 404 for it exactly as for another
customer's approval.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from portico.portal.context import PortalContext
from portico.portal.listing import Choice
from portico.projects.models import TimeEntry, TimesheetApproval

S = TimesheetApproval.Status

#: The status filter of the list; "pending" is what Home's "Timesheets to approve" card counts and links to.
TIMESHEET_FILTERS = (
    Choice("all", _("All timesheets"), None),
    Choice("pending", _("Pending approval"), Q(status=S.PENDING)),
    Choice("approved", _("Approved"), Q(status=S.APPROVED)),
    Choice("rejected", _("Rejected"), Q(status=S.REJECTED)),
)

#: The sorts of the list; each ends with a unique field so that pages never overlap.
TIMESHEET_SORTS = (
    Choice("period", _("Period (newest first)"), ("-period_end", "-id")),
    Choice("number", _("Approval number"), ("-number", "-id")),
    Choice("hours", _("Total hours (most first)"), ("-total_hours", "-id")),
)


def timesheet_list_for_contact(*, portal: PortalContext) -> QuerySet[TimesheetApproval]:
    """The portal customer's sent approvals with their project, newest period first (backed by
    ``approval_customer_status``)."""
    return (
        TimesheetApproval.objects.filter(organization=portal.organization, customer=portal.customer)
        .visible_to_customer()
        .select_related("project")
        .order_by("-period_end", "-id")
    )


def timesheet_for_contact(*, portal: PortalContext, number: str) -> TimesheetApproval:
    """The portal customer's sent approval with this number, with its project and who decided it; 404 for
    anything else."""
    approval = (
        timesheet_list_for_contact(portal=portal).select_related("decided_by").filter(number=number).first()
    )
    if approval is None:
        raise Http404
    return portal.attach(approval)


def timesheet_entries(*, approval: TimesheetApproval) -> QuerySet[TimeEntry]:
    """The time entries gathered in the approval, oldest first, with their task and staff member (one query)."""
    return approval.entries.select_related("task", "user").order_by("date", "id")


def timesheet_is_open(approval: TimesheetApproval) -> bool:
    """Whether the contact can still approve or reject the approval."""
    return approval.can_decide()
