"""Timesheet approvals in the portal: the list with its filters, sorts and pages; an approval's page with its
time entries; Approve, Reject with a reason, comments, the Viewed marker, and the module switch."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from babel.dates import format_date
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portico.activity.models import AuditEvent, Comment, Notification, ViewEvent
from portico.activity.services import comment_add
from portico.projects.models import TimesheetApproval
from portico.projects.services import (
    project_create,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_send,
)
from portico.testing import (
    ContactPersonFactory,
    MembershipFactory,
    audit_actions,
    db_state,
    make_portal_access,
    today,
)

DAY = datetime.timedelta(days=1)
S = TimesheetApproval.Status
REASON = "The workshop on Tuesday took two hours, not four."


def url(name: str, org, **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs={"slug": org.portal_slug, **kwargs})


def numbers(response) -> list[str]:
    return [approval.number for approval in response.context["approvals"]]


@pytest.fixture(autouse=True)
def projects_shown(org):
    """The organization shows projects and timesheets in its portal (tests of the switch turn it off)."""
    org.portal_show_projects = True
    org.save()
    return org


@pytest.fixture
def designer(org):
    return MembershipFactory(
        organization=org, user__email="dana@acme.test", user__full_name="Dana Designer"
    ).user


@pytest.fixture
def design(customer_a):
    project = project_create(customer=customer_a, name="Website relaunch", rate="90.00")
    return task_create(project=project, name="Design", rate="100.00")


@pytest.fixture
def design_b(customer_b):
    return task_create(project=project_create(customer=customer_b, name="B's project"), name="Work")


def make_approval(
    task, *hours: str, start: datetime.date | None = None, send: bool = True, user=None, notes: str = ""
) -> TimesheetApproval:
    """Time logged on ``task``, one entry per day from ``start`` (a week ago by default), gathered for approval
    over that week and sent unless ``send=False``. Give approvals of one project periods that don't overlap."""
    start = start or today() - 7 * DAY
    for index, value in enumerate(hours):
        time_entry_log(task=task, date=start + index * DAY, hours=value, user=user, notes=notes)
    approval = timesheet_approval_create(
        project=task.project, period_start=start, period_end=start + max(len(hours) - 1, 6) * DAY
    )
    return timesheet_approval_send(approval=approval) if send else approval


def weeks_ago(weeks: int) -> datetime.date:
    return today() - weeks * 7 * DAY


@pytest.fixture
def approvals_by_status(design):
    """One approval of customer A in each state, a week apart: pending is the latest."""
    rejected = make_approval(design, "3", start=weeks_ago(3))
    timesheet_approval_decide(approval=rejected, approve=False, reason="Too much")
    approved = make_approval(design, "2", start=weeks_ago(2))
    timesheet_approval_decide(approval=approved, approve=True)
    return {
        "rejected": rejected,
        "approved": approved,
        "pending": make_approval(design, "1", start=weeks_ago(1)),
    }


def _opened(client, org, approval: TimesheetApproval) -> TimesheetApproval:
    """The contact has the approval's page open (its first view is recorded before what the test measures)."""
    assert client.get(url("timesheet-detail", org, number=approval.number)).status_code == 200
    return approval


# The list


def test_list_shows_only_the_customers_sent_approvals(
    org, customer_a, design, design_b, other_customer, portal_client
):
    sent = make_approval(design, "2.5", start=weeks_ago(2))
    draft = make_approval(design, "4", start=weeks_ago(1), send=False)
    theirs = make_approval(design_b, "6")
    other_task = task_create(project=project_create(customer=other_customer, name="Elsewhere"), name="X")
    other_orgs = make_approval(other_task, "8")
    response = portal_client.get(url("timesheets", org))
    assert response.status_code == 200
    assert numbers(response) == [sent.number]
    body = response.content.decode()
    assert "Website relaunch" in body
    assert ">2.50<" in body
    assert "Pending approval" in body
    assert url("timesheet-detail", org, number=sent.number) in body
    assert url("timesheet-detail", org, number=draft.number) not in body
    shown = {approval.pk for approval in response.context["approvals"]}
    assert not shown & {draft.pk, theirs.pk, other_orgs.pk}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("all", ["pending", "approved", "rejected"]),
        ("", ["pending", "approved", "rejected"]),  # the default
        ("pending", ["pending"]),
        ("approved", ["approved"]),
        ("rejected", ["rejected"]),
        ("draft", ["pending", "approved", "rejected"]),  # not a filter: all, never the drafts
    ],
)
def test_each_filter_shows_its_approvals(org, portal_client, approvals_by_status, status, expected):
    response = portal_client.get(url("timesheets", org), {"status": status})
    assert response.status_code == 200
    assert numbers(response) == [approvals_by_status[name].number for name in expected]


def test_each_row_shows_its_status(org, portal_client, approvals_by_status):
    body = portal_client.get(url("timesheets", org)).content.decode()
    assert '<span class="doc-status doc-status-pending">Pending approval</span>' in body
    assert '<span class="doc-status doc-status-approved">Approved</span>' in body
    assert '<span class="doc-status doc-status-rejected">Rejected</span>' in body


@pytest.mark.parametrize(
    ("filter_value", "message"),
    [
        ("all", "Acme Consulting hasn’t sent you any timesheets to approve yet."),
        ("pending", "No timesheets are waiting for your approval."),
        ("approved", "You haven’t approved any timesheets."),
        ("rejected", "You haven’t rejected any timesheets."),
    ],
)
def test_an_empty_list_says_so_for_each_filter(org, portal_client, design, filter_value, message):
    make_approval(design, "1", send=False)  # a draft is not shown, so every list is empty
    body = portal_client.get(url("timesheets", org), {"status": filter_value}).content.decode()
    assert message in body
    assert ("Show all timesheets" in body) == (filter_value != "all")
    assert "<table" not in body


@pytest.fixture
def three_approvals(design):
    """Approvals whose period, number and total hours each sort differently."""
    first = make_approval(design, "5", start=weeks_ago(2))  # middle period, most hours, lowest number
    second = make_approval(design, "1", start=weeks_ago(1))  # latest period, fewest hours
    third = make_approval(design, "3", start=weeks_ago(5))  # earliest period, highest number
    return first, second, third


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("period", [1, 0, 2]),  # newest period first
        ("", [1, 0, 2]),  # the default
        ("number", [2, 1, 0]),  # highest number first
        ("hours", [0, 2, 1]),  # most hours first
        ("nonsense", [1, 0, 2]),
    ],
)
def test_each_sort_orders_the_list(org, portal_client, three_approvals, sort, order):
    response = portal_client.get(url("timesheets", org), {"sort": sort})
    assert numbers(response) == [three_approvals[i].number for i in order]


def test_the_list_is_paged_by_25(org, portal_client, design):
    for week in range(27):
        make_approval(design, "1", start=weeks_ago(week + 1))
    first = portal_client.get(url("timesheets", org))
    assert len(numbers(first)) == 25
    body = first.content.decode()
    assert "Page 1 of 2" in body
    assert 'rel="next"' in body
    second = portal_client.get(url("timesheets", org), {"page": 2})
    assert len(numbers(second)) == 2
    assert not set(numbers(first)) & set(numbers(second))
    assert portal_client.get(url("timesheets", org), {"page": 99}).status_code == 200  # the last page


def test_homes_card_counts_the_pending_approvals_and_links_to_them(
    org, portal_client, approvals_by_status, design
):
    also_pending = make_approval(design, "2", start=weeks_ago(6))
    home = portal_client.get(url("home", org)).content.decode()
    link = url("timesheets", org) + "?status=pending"
    assert f'href="{link}"' in home
    assert '<span class="card-figure">2</span>' in home
    response = portal_client.get(link)
    assert numbers(response) == [approvals_by_status["pending"].number, also_pending.number]
    assert response.context["listing"].filter_value == "pending"


# The module switch, drafts and other customers


TIMESHEET_PAGES = [
    "timesheets",
    "timesheet-detail",
    "timesheet-approve",
    "timesheet-reject",
    "timesheet-comment",
]


def _visit(client, org, name: str, approval: TimesheetApproval):
    if name == "timesheets":
        return client.get(url(name, org))
    if name == "timesheet-detail":
        return client.get(url(name, org, number=approval.number))
    return client.post(url(name, org, number=approval.number), {"body": "hello", "reason": "no"})


@pytest.mark.parametrize("name", TIMESHEET_PAGES)
def test_every_timesheet_page_is_404_while_the_portal_hides_projects(org, design, portal_client, name):
    approval = make_approval(design, "1")
    org.portal_show_projects = False
    org.save()
    before = db_state(approval)
    assert _visit(portal_client, org, name, approval).status_code == 404
    assert db_state(approval) == before
    assert url("timesheets", org) not in portal_client.get(url("home", org)).content.decode()


@pytest.mark.parametrize("name", TIMESHEET_PAGES[1:])
def test_another_customers_approval_is_404(org, design_b, portal_client, name):
    theirs = make_approval(design_b, "1")
    before = db_state(theirs)
    assert _visit(portal_client, org, name, theirs).status_code == 404
    assert db_state(theirs) == before


@pytest.mark.parametrize("name", TIMESHEET_PAGES[1:])
def test_a_draft_approval_is_404(org, design, portal_client, name):
    draft = make_approval(design, "1", send=False)
    before = db_state(draft)
    assert _visit(portal_client, org, name, draft).status_code == 404
    assert db_state(draft) == before


def test_an_unknown_approval_number_is_404(org, portal_client):
    assert portal_client.get(url("timesheet-detail", org, number="TS-99999")).status_code == 404


def test_actions_answer_only_post(org, design, portal_client):
    approval = make_approval(design, "1")
    for name in ("timesheet-approve", "timesheet-reject", "timesheet-comment"):
        assert portal_client.get(url(name, org, number=approval.number)).status_code == 405
    approval.refresh_from_db()
    assert approval.status == S.PENDING


# The approval's page


def test_approval_page_shows_its_time_entries_and_total(org, design, designer, portal_client):
    start = today() - 10 * DAY
    approval = make_approval(design, "2.5", "0.25", start=start, user=designer, notes="Wireframes")
    time_entry_log(task=design, date=start + 9 * DAY, hours="1", notes="")  # after the period: not in it
    response = portal_client.get(url("timesheet-detail", org, number=approval.number))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        f'<span class="doc-kind">Timesheet</span> <span class="doc-number">{approval.number}</span></h1>',
        "Pending approval",
        "Website relaunch",
        format_date(start, format="medium", locale="en_US"),
        format_date(start + 6 * DAY, format="medium", locale="en_US"),  # the period's end
        format_date(start + DAY, format="medium", locale="en_US"),  # the second entry
        "Design",
        "Dana Designer",
        "Wireframes",
        ">2.50<",
        ">0.25<",
        ">2.75<",  # the total, in the header and under the entries
        "Approve",
        "Reject timesheet",
    ):
        assert text in body, text
    assert body.count(">2.75<") == 2
    assert "dana@acme.test" not in body  # staff are shown by name, never by email
    assert [entry.hours for entry in response.context["entries"]] == [Decimal("2.5"), Decimal("0.25")]
    assert response.context["can_decide"] is True


def test_hours_and_dates_are_written_as_the_organizations_locale_writes_them(org, design, portal_client):
    org.locale = "de_DE"
    org.save()
    approval = make_approval(design, "1.5", "7.25", start=datetime.date(2026, 3, 2))
    body = portal_client.get(url("timesheet-detail", org, number=approval.number)).content.decode()
    assert ">1,50<" in body and ">7,25<" in body and ">8,75<" in body
    assert "02.03.2026" in body
    listing = portal_client.get(url("timesheets", org)).content.decode()
    assert ">8,75<" in listing
    assert '<span class="ts-date">02.03.2026</span> – <span class="ts-date">08.03.2026</span>' in listing


@pytest.mark.parametrize("status", [S.APPROVED, S.REJECTED])
def test_a_decided_approval_offers_no_approve_or_reject(org, design, access_a, portal_client, status):
    approval = make_approval(design, "1")
    timesheet_approval_decide(
        approval=approval, approve=status == S.APPROVED, reason=REASON, contact=access_a.contact
    )
    response = portal_client.get(url("timesheet-detail", org, number=approval.number))
    body = response.content.decode()
    assert response.context["can_decide"] is False
    assert url("timesheet-approve", org, number=approval.number) not in body
    assert url("timesheet-reject", org, number=approval.number) not in body
    verb = "approved" if status == S.APPROVED else "rejected"
    assert f"You {verb} this timesheet on {format_date(today(), format='medium', locale='en_US')}." in body
    assert (REASON in body) == (status == S.REJECTED)


def test_a_decision_by_a_colleague_or_by_staff_says_who(org, customer_a, design, portal_client):
    colleague = ContactPersonFactory(customer=customer_a, first_name="Carl", last_name="Colleague")
    by_colleague = make_approval(design, "1", start=weeks_ago(2))
    timesheet_approval_decide(approval=by_colleague, approve=True, contact=colleague)
    by_staff = make_approval(design, "1", start=weeks_ago(1))
    timesheet_approval_decide(approval=by_staff, approve=False, reason="On the phone")
    body = portal_client.get(url("timesheet-detail", org, number=by_colleague.number)).content.decode()
    assert "Carl Colleague approved this timesheet on" in body
    body = portal_client.get(url("timesheet-detail", org, number=by_staff.number)).content.decode()
    assert "This timesheet was rejected on" in body
    assert "On the phone" in body


def test_a_rejected_approval_whose_time_was_sent_again_says_so(org, design, portal_client):
    rejected = make_approval(design, "4", start=weeks_ago(1))
    timesheet_approval_decide(approval=rejected, approve=False, reason=REASON)
    again = timesheet_approval_create(
        project=design.project, period_start=rejected.period_start, period_end=rejected.period_end
    )
    timesheet_approval_send(approval=again)
    body = portal_client.get(url("timesheet-detail", org, number=rejected.number)).content.decode()
    assert "has corrected time entries of this timesheet since it was rejected" in body
    assert ">4.00<" in body  # the hours it was sent with still head the page


# Approve and Reject


def test_contact_approves_a_pending_timesheet(
    org, design, access_a, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    approval = make_approval(design, "2", "3")
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(url("timesheet-approve", org, number=approval.number), follow=True)
    assert response.redirect_chain[-1][0] == url("timesheet-detail", org, number=approval.number)
    body = response.content.decode()
    assert f"You approved timesheet {approval.number}. Thank you!" in body
    assert "You approved this timesheet on" in body
    approval.refresh_from_db()
    assert (approval.status, approval.decided_by, approval.rejection_reason) == (
        S.APPROVED,
        access_a.contact,
        "",
    )
    assert approval.decided_at is not None
    event = AuditEvent.objects.get(action="timesheet.approved")
    assert (event.actor_contact, event.object_id) == (access_a.contact, approval.pk)
    notification = Notification.objects.get(kind=Notification.Kind.TIMESHEET_DECIDED)
    assert (notification.organization, notification.customer, notification.target) == (
        org,
        access_a.customer,
        approval,
    )
    assert notification.message == (
        f"{access_a.contact.full_name} of Customer A approved timesheet {approval.number}."
    )
    [mail] = [m for m in mailoutbox if "approved" in m.subject]
    assert mail.subject == f"Timesheet {approval.number} was approved by Customer A"
    assert (mail.to, mail.reply_to) == ([org.email], [access_a.contact.email])
    assert "Website relaunch" in mail.body and "5.00" in mail.body
    assert f"/office/projects/timesheetapproval/{approval.pk}/change/" in mail.body
    html = mail.alternatives[0][0]
    assert f"<strong>{approval.number}</strong>" in html


def test_contact_rejects_a_pending_timesheet_with_a_reason(
    org, design, access_a, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    approval = make_approval(design, "4")
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            url("timesheet-reject", org, number=approval.number), {"reason": f"  {REASON}  "}, follow=True
        )
    body = response.content.decode()
    assert f"You rejected timesheet {approval.number}. Acme Consulting has been notified." in body
    assert REASON in body
    approval.refresh_from_db()
    assert (approval.status, approval.rejection_reason, approval.decided_by) == (
        S.REJECTED,
        REASON,
        access_a.contact,
    )
    event = AuditEvent.objects.get(action="timesheet.rejected")
    assert (event.actor_contact, event.data["reason"]) == (access_a.contact, REASON)
    notification = Notification.objects.get(kind=Notification.Kind.TIMESHEET_DECIDED)
    assert notification.message.endswith(f"rejected timesheet {approval.number}: {REASON}")
    [mail] = [m for m in mailoutbox if "rejected" in m.subject]
    assert mail.subject == f"Timesheet {approval.number} was rejected by Customer A"
    assert REASON in mail.body
    assert REASON in mail.alternatives[0][0]


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_without_a_reason_shows_the_error_at_the_field_and_changes_nothing(
    org, design, portal_client, mailoutbox, django_capture_on_commit_callbacks, reason
):
    approval = _opened(portal_client, org, make_approval(design, "4"))
    before = db_state(approval)
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            url("timesheet-reject", org, number=approval.number), {"reason": reason}
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Timesheet {approval.number} was not rejected:" in body
    assert '<a href="#reject-reason">Say why the timesheet is rejected.</a>' in body
    assert (
        '<ul class="errorlist" id="reject-reason-error"><li>Say why the timesheet is rejected.</li></ul>'
        in body
    )
    assert 'aria-invalid="true"' in body
    assert '<details class="doc-confirm" open>' in body
    assert db_state(approval) == before
    assert audit_actions(approval) == ["timesheet.created", "timesheet.sent"]
    assert not Notification.objects.filter(kind=Notification.Kind.TIMESHEET_DECIDED).exists()
    assert not mailoutbox
    # A reason typed after the error goes through.
    portal_client.post(url("timesheet-reject", org, number=approval.number), {"reason": REASON})
    approval.refresh_from_db()
    assert approval.status == S.REJECTED


def test_the_reject_form_offers_no_error_until_one_happens(org, design, portal_client):
    approval = make_approval(design, "1")
    body = portal_client.get(url("timesheet-detail", org, number=approval.number)).content.decode()
    assert '<details class="doc-confirm">' in body
    assert "aria-invalid" not in body
    assert "was not rejected" not in body


def test_approving_twice_changes_nothing_and_says_so(org, design, portal_client):
    approval = _opened(portal_client, org, make_approval(design, "1"))
    portal_client.post(url("timesheet-approve", org, number=approval.number))
    before = db_state(approval)
    response = portal_client.post(url("timesheet-approve", org, number=approval.number), follow=True)
    assert response.redirect_chain[-1][0] == url("timesheet-detail", org, number=approval.number)
    assert "This timesheet is approved; only a pending one can be approved or rejected." in (
        response.content.decode()
    )
    assert db_state(approval) == before
    assert Notification.objects.filter(kind=Notification.Kind.TIMESHEET_DECIDED).count() == 1


@pytest.mark.parametrize("reason", [REASON, ""])
def test_rejecting_a_timesheet_decided_meanwhile_changes_nothing_and_says_so(
    org, design, portal_client, reason
):
    approval = _opened(portal_client, org, make_approval(design, "1"))
    timesheet_approval_decide(approval=approval, approve=True)  # staff marked it approved meanwhile
    before = db_state(approval)
    response = portal_client.post(
        url("timesheet-reject", org, number=approval.number), {"reason": reason}, follow=True
    )
    body = response.content.decode()
    assert "This timesheet is approved; only a pending one can be approved or rejected." in body
    assert "Say why the timesheet is rejected." not in body
    assert db_state(approval) == before


def test_no_decision_email_when_the_preference_is_off(
    org, design, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    org.notify_timesheet_decision = False
    org.save()
    approval = _opened(portal_client, org, make_approval(design, "1"))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(url("timesheet-approve", org, number=approval.number))
    approval.refresh_from_db()
    assert approval.status == S.APPROVED
    assert Notification.objects.filter(kind=Notification.Kind.TIMESHEET_DECIDED).count() == 1
    assert not mailoutbox


# Comments


def test_contact_comments_on_a_timesheet(
    org, design, access_a, portal_client, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    approval = make_approval(design, "1")
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            url("timesheet-comment", org, number=approval.number),
            {"body": "Which task was Tuesday?"},
            follow=True,
        )
    comment = Comment.objects.get()
    assert (comment.author_contact, comment.target, comment.display_in_portal) == (
        access_a.contact,
        approval,
        True,
    )
    assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    body = response.content.decode()
    assert "Your comment was added." in body
    assert "Which task was Tuesday?" in body
    notification = Notification.objects.get(kind=Notification.Kind.COMMENT_ADDED)
    assert notification.target == approval
    assert notification.message.endswith(f"commented on timesheet approval {approval.number}.")
    [mail] = [m for m in mailoutbox if "comment" in m.subject.lower()]
    assert mail.to == [org.email]
    assert "Which task was Tuesday?" in mail.body
    # The business reads it on the approval's page in the back office.
    office = staff_client.get(reverse("office:projects_timesheetapproval_change", args=[approval.pk]))
    assert "Which task was Tuesday?" in office.content.decode()


def test_an_empty_comment_is_refused_with_a_message(org, design, portal_client):
    approval = _opened(portal_client, org, make_approval(design, "1"))
    before = db_state(approval)
    response = portal_client.post(
        url("timesheet-comment", org, number=approval.number), {"body": "  "}, follow=True
    )
    assert "Write a comment first." in response.content.decode()
    assert db_state(approval) == before


def test_the_contact_sees_staff_comments_shown_in_portal_only(org, design, access_a, portal_client, staff):
    approval = make_approval(design, "1")
    comment_add(target=approval, body="Mine: is Tuesday right?", author_contact=access_a.contact)
    comment_add(
        target=approval, body="Staff shown: yes, two hours.", author_user=staff, display_in_portal=True
    )
    comment_add(target=approval, body="Staff internal: check with Dana.", author_user=staff)
    body = portal_client.get(url("timesheet-detail", org, number=approval.number)).content.decode()
    assert "Mine: is Tuesday right?" in body
    assert "Staff shown: yes, two hours." in body
    assert "Staff internal: check with Dana." not in body


# The Viewed marker


def test_opening_an_approval_marks_it_viewed_once_and_tells_the_business(
    org, design, access_a, portal_client, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    org.notify_first_view = True  # off unless the business asks for it
    org.save()
    approval = make_approval(design, "1")
    with django_capture_on_commit_callbacks(execute=True):
        _opened(portal_client, org, approval)
    with django_capture_on_commit_callbacks(execute=True):
        _opened(portal_client, org, approval)  # a later view tells nobody
    marker = ViewEvent.objects.get()
    assert (marker.target, marker.first_contact, marker.view_count) == (approval, access_a.contact, 2)
    notification = Notification.objects.get(kind=Notification.Kind.DOCUMENT_VIEWED)
    assert notification.message == (
        f"{access_a.contact.full_name} of Customer A viewed timesheet approval {approval.number} "
        "for the first time."
    )
    [mail] = [m for m in mailoutbox if "viewed" in m.subject]
    assert mail.to == [org.email]
    office = staff_client.get(reverse("office:projects_timesheetapproval_change", args=[approval.pk]))
    assert office.context["office_viewed"].startswith(f"Viewed by {access_a.contact.full_name} on ")
    assert office.context["office_viewed"].endswith(", 2 views.")


def test_the_list_and_refused_actions_do_not_mark_approvals_viewed(org, design, portal_client):
    approval = make_approval(design, "1")
    portal_client.get(url("timesheets", org))
    portal_client.post(url("timesheet-reject", org, number=approval.number), {"reason": ""})
    assert not ViewEvent.objects.exists()


def test_a_second_contact_of_the_customer_updates_the_last_view(
    org, customer_a, design, access_a, portal_client
):
    approval = _opened(portal_client, org, make_approval(design, "1"))
    colleague = ContactPersonFactory(customer=customer_a, email="carl@customer-a.test")
    client = Client()
    client.force_login(make_portal_access(colleague)[0].user)
    _opened(client, org, approval)
    marker = ViewEvent.objects.get()
    assert (marker.first_contact, marker.last_contact, marker.view_count) == (access_a.contact, colleague, 2)


def _detail_queries(client, org, approval) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("timesheet-detail", org, number=approval.number)).status_code == 200
    return len(queries)


def test_the_approval_pages_query_count_does_not_grow_with_entries_or_comments(
    org, design, designer, staff, access_a, portal_client
):
    small = make_approval(design, "1", start=weeks_ago(4))
    large = make_approval(design, *["1"] * 14, start=weeks_ago(2), user=designer)
    for approval, count in ((small, 1), (large, 8)):
        for i in range(count):
            comment_add(target=approval, body=f"Question {i}", author_contact=access_a.contact)
            comment_add(target=approval, body=f"Answer {i}", author_user=staff, display_in_portal=True)
        _opened(portal_client, org, approval)  # the first view writes the marker; measure later views
    assert len(large.entries.all()) == 14
    assert _detail_queries(portal_client, org, large) == _detail_queries(portal_client, org, small)


def test_the_back_offices_approval_list_shows_and_filters_what_was_viewed(
    org, design, portal_client, staff_client
):
    seen = _opened(portal_client, org, make_approval(design, "1", start=weeks_ago(2)))
    unseen = make_approval(design, "2", start=weeks_ago(1))
    changelist = reverse("office:projects_timesheetapproval_changelist")

    def shown(**params) -> dict[str, bool]:
        response = staff_client.get(changelist, params)
        assert response.status_code == 200
        return {row.number: row.viewed for row in response.context["cl"].result_list}

    assert shown() == {seen.number: True, unseen.number: False}
    assert shown(viewed="yes") == {seen.number: True}
    assert shown(viewed="no") == {unseen.number: False}
    page = staff_client.get(reverse("office:projects_timesheetapproval_change", args=[unseen.pk]))
    assert page.context["office_viewed"] == "Not viewed in the portal yet."
    assert "Not viewed in the portal yet." in page.content.decode()


def test_the_decision_email_writes_hours_and_dates_as_the_organizations_locale_does(
    org, design, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    org.locale = "de_DE"
    org.save()
    approval = make_approval(design, "2.5", "3", start=datetime.date(2026, 11, 2))
    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(url("timesheet-approve", org, number=approval.number))
    [mail] = [m for m in mailoutbox if "approved" in m.subject]
    assert "5,50" in mail.body and "5.50" not in mail.body
    assert "02.11.2026 – 08.11.2026" in mail.body
