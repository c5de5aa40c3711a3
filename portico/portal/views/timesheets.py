"""Timesheet approvals in the portal: the list, an approval's page, Approve, Reject and comments.

Shown only when the organization shows projects in its portal (``module="projects"``: 404 otherwise). Every
view loads the approval through ``timesheet_for_contact`` first (404 for anything not this customer's sent
approval), then calls one service. A refused decision (already decided, a rejection without a reason) changes
nothing and says why: a missing reason next to the reason field, anything else as a message.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portico.activity.selectors import comments_for
from portico.activity.viewing import document_viewed
from portico.projects.models import TimesheetApproval
from portico.projects.services import timesheet_approval_decide

from ..context import PortalContext, portal_page
from ..listing import listing
from ..selectors.timesheets import (
    TIMESHEET_FILTERS,
    TIMESHEET_SORTS,
    timesheet_entries,
    timesheet_for_contact,
    timesheet_is_open,
    timesheet_list_for_contact,
)
from .comments import comment_post

#: What the empty list says, per filter.
EMPTY = {
    "all": gettext_lazy("%(organization)s hasn’t sent you any timesheets to approve yet."),
    "pending": gettext_lazy("No timesheets are waiting for your approval."),
    "approved": gettext_lazy("You haven’t approved any timesheets."),
    "rejected": gettext_lazy("You haven’t rejected any timesheets."),
}

#: The Reject form's reason field; the error summary links to it.
REASON_FIELD_ID = "reject-reason"


def _detail_url(portal: PortalContext, number: str) -> str:
    return reverse(
        "portal:timesheet-detail", kwargs={"slug": portal.organization.portal_slug, "number": number}
    )


@portal_page(module="projects")
def timesheet_list(request: HttpRequest, portal: PortalContext) -> HttpResponse:
    approvals = listing(
        request, timesheet_list_for_contact(portal=portal), filters=TIMESHEET_FILTERS, sorts=TIMESHEET_SORTS
    )
    empty = EMPTY.get(approvals.filter_value, EMPTY["all"]) % {"organization": portal.organization.name}
    return render(
        request,
        "portal/timesheets/list.html",
        {
            "portal": portal,
            "nav": "timesheets",
            "listing": approvals,
            "approvals": list(approvals.page.object_list),
            "empty": empty,
        },
    )


def _detail_page(
    request: HttpRequest,
    portal: PortalContext,
    approval: TimesheetApproval,
    *,
    reason: str = "",
    reason_errors: list[str] | None = None,
) -> HttpResponse:
    """The approval's page; with ``reason_errors``, the Reject form open again with what was typed."""
    entries = list(timesheet_entries(approval=approval))
    entries_hours = sum((entry.hours for entry in entries), Decimal("0"))
    slug = portal.organization.portal_slug
    return render(
        request,
        "portal/timesheets/detail.html",
        {
            "portal": portal,
            "nav": "timesheets",
            "approval": approval,
            "entries": entries,
            "entries_hours": entries_hours,
            # Time of a rejected approval is corrected and sent again in a new one, so it may have moved on.
            "entries_moved": entries_hours != approval.total_hours,
            "can_decide": timesheet_is_open(approval),
            "reason": reason,
            "reason_errors": reason_errors or [],
            "reason_field_id": REASON_FIELD_ID,
            "comments": comments_for(target=approval, portal=True),
            "comment_url": reverse(
                "portal:timesheet-comment", kwargs={"slug": slug, "number": approval.number}
            ),
        },
    )


@portal_page(module="projects")
def timesheet_detail(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    approval = timesheet_for_contact(portal=portal, number=number)
    document_viewed(actor=portal.actor, document=approval)
    return _detail_page(request, portal, approval)


def _decide(request: HttpRequest, portal: PortalContext, number: str, *, approve: bool) -> HttpResponse:
    approval = timesheet_for_contact(portal=portal, number=number)
    reason = request.POST.get("reason", "")
    try:
        timesheet_approval_decide(approval=approval, approve=approve, reason=reason, actor=portal.actor)
    except ValidationError as error:
        reason_errors = error.message_dict.get("reason") if hasattr(error, "error_dict") else None
        if reason_errors:
            # Still pending (the service says so first otherwise): show the form again, with the error at the field.
            return _detail_page(request, portal, approval, reason=reason, reason_errors=reason_errors)
        messages.error(request, " ".join(error.messages))
    else:
        if approve:
            message = _("You approved timesheet %(number)s. Thank you!")
        else:
            message = _("You rejected timesheet %(number)s. %(organization)s has been notified.")
        messages.success(
            request, message % {"number": approval.number, "organization": portal.organization.name}
        )
    return redirect(_detail_url(portal, approval.number))


@portal_page(module="projects")
@require_POST
def timesheet_approve(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    return _decide(request, portal, number, approve=True)


@portal_page(module="projects")
@require_POST
def timesheet_reject(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    return _decide(request, portal, number, approve=False)


@portal_page(module="projects")
@require_POST
def timesheet_comment(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    approval = timesheet_for_contact(portal=portal, number=number)
    return comment_post(request, portal, target=approval, detail_url=_detail_url(portal, approval.number))
