"""The portal's Timesheet section in a real browser, on a desktop and on a phone: from Home's "Timesheets to
approve" to the pending approval, a Reject without a reason that is refused at the field, then Approve; the
business is emailed the decision.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portico.actors import Actor
from portico.projects.models import TimesheetApproval
from portico.projects.services import (
    project_create,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_send,
)
from portico.testing import SETUP, TEST_PASSWORD, MembershipFactory, make_portal_access

from .harness import (
    Mailbox,
    PorticoServer,
    check_page,
    days,
    email_text,
    expect_rows,
    label,
    portal_log_in,
    portal_url,
)

pytestmark = pytest.mark.django_db(transaction=True)

S = TimesheetApproval.Status


def approval_of(entries: list[tuple], *, start: int, end: int, user) -> TimesheetApproval:
    """Time logged (task, day offset, hours, notes), gathered for the days ``start`` to ``end`` and sent."""
    for task, offset, hours, notes in entries:
        time_entry_log(actor=SETUP, task=task, date=days(offset), hours=hours, user=user, notes=notes)
    approval = timesheet_approval_create(
        actor=SETUP, project=entries[0][0].project, period_start=days(start), period_end=days(end)
    )
    return timesheet_approval_send(actor=SETUP, approval=approval)


def test_home_to_a_pending_timesheet_reject_needs_a_reason_then_approve(
    page, portico_server: PorticoServer, mailbox: Mailbox, org, customer_a, contact_a
):
    server = portico_server
    org.portal_show_projects = True
    org.save()
    designer = MembershipFactory(
        organization=org, user__email="dana@acme.test", user__full_name="Dana Designer"
    ).user
    project = project_create(actor=SETUP, customer=customer_a, name="Website relaunch", rate="90.00")
    design = task_create(actor=SETUP, project=project, name="Design", rate="100.00")
    workshops = task_create(actor=SETUP, project=project, name="Workshops", rate="120.00")
    earlier = approval_of([(design, -20, "6", "Moodboards")], start=-21, end=-15, user=designer)
    timesheet_approval_decide(
        actor=Actor.for_contact(contact_a),
        approval=earlier,
        approve=True,
    )
    pending = approval_of(
        [
            (design, -6, "2.5", "Wireframes for the home page"),
            (workshops, -4, "1.75", "Kick-off workshop with the marketing team"),
        ],
        start=-7,
        end=-1,
        user=designer,
    )

    make_portal_access(contact_a)
    portal_log_in(page, server, org, contact_a.email, TEST_PASSWORD)
    expect(page).to_have_url(server.url(portal_url("home", org)))

    card = page.get_by_role("listitem").filter(has_text="Timesheets to approve")
    expect(card.locator(".card-figure")).to_have_text("1")
    check_page(page, "timesheets-01-home")
    card.get_by_role("link", name="Timesheets to approve").click()

    expect(page).to_have_url(server.url(portal_url("timesheets", org) + "?status=pending"))
    expect(page.get_by_role("heading", name="Timesheet", level=1)).to_be_visible()
    expect(page.get_by_label(label("Show"))).to_have_value("pending")
    expect_rows(page, [pending.number])
    row = page.get_by_role("row").filter(has_text=pending.number)
    expect(row).to_contain_text("Website relaunch")
    expect(row).to_contain_text("Pending approval")
    expect(row).to_contain_text("4.25")
    check_page(page, "timesheets-02-list-pending")

    page.get_by_role("link", name=pending.number, exact=True).click()
    expect(page.get_by_role("heading", name=pending.number, level=1)).to_be_visible()
    expect(page.locator(".doc-head .doc-status")).to_have_text("Pending approval")
    entries = page.get_by_role("region", name="Time entries")
    expect(entries.get_by_role("row")).to_have_count(3)  # the header and two entries
    expect(entries).to_contain_text("Wireframes for the home page")
    expect(entries).to_contain_text("Workshops")
    expect(entries).to_contain_text("Dana Designer")
    expect(entries.locator(".doc-totals")).to_contain_text("4.25")
    check_page(page, "timesheets-03-pending")

    # Reject without a reason: refused at the field, nothing changes.
    page.locator("summary").filter(has_text="Reject").click()
    reason = page.get_by_label("Reason for rejecting (required)")
    expect(reason).to_be_visible()
    check_page(page, "timesheets-04-reject-form")
    page.get_by_role("button", name="Reject timesheet").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Timesheet {pending.number} was not rejected")
    reason = page.get_by_label("Reason for rejecting (required)")
    expect(reason).to_be_visible()  # the form is open again
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".errorlist")).to_have_text("Say why the timesheet is rejected.")
    check_page(page, "timesheets-05-reject-without-reason")
    assert TimesheetApproval.objects.get(pk=pending.pk).status == S.PENDING
    page.get_by_role("link", name="Say why the timesheet is rejected.").click()
    expect(reason).to_be_focused()

    # Approve after all.
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"You approved timesheet {pending.number}.")
    expect(page).to_have_url(server.url(portal_url("timesheet-detail", org, number=pending.number)))
    expect(page.locator(".doc-head .doc-status")).to_have_text("Approved")
    expect(page.get_by_text("You approved this timesheet on")).to_be_visible()
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    check_page(page, "timesheets-06-approved")

    decided = TimesheetApproval.objects.get(pk=pending.pk)
    assert (decided.status, decided.decided_by_id) == (S.APPROVED, contact_a.pk)
    message = mailbox.next_message(to=org.email)
    assert message["Subject"] == f"Timesheet {pending.number} was approved by {customer_a.display_name}"
    assert "Website relaunch" in email_text(message)

    page.get_by_role("link", name="All timesheets").click()
    expect(page.get_by_label(label("Show"))).to_have_value("all")
    expect_rows(page, [pending.number, earlier.number])
    expect(page.locator("tbody .doc-status")).to_have_text(["Approved", "Approved"])
    check_page(page, "timesheets-07-list-all")
