"""Timesheet approvals in the portal: the list with its filters, sorts and pages, an approval's page with its time
entries, and the module switch. Deciding on one is in ``test_timesheet_decisions``."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from babel.dates import format_date

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
from portico.testing import (
    SETUP,
    ContactPersonFactory,
    db_state,
    today,
)

from .timesheets import DAY, REASON, S, make_approval, url, weeks_ago


def numbers(response) -> list[str]:
    return [approval.number for approval in response.context["approvals"]]


@pytest.fixture(autouse=True)
def projects_shown(org):
    """The organization shows projects and timesheets in its portal (tests of the switch turn it off)."""
    org.portal_show_projects = True
    org.save()
    return org


@pytest.fixture
def approvals_by_status(design):
    """One approval of customer A in each state, a week apart: pending is the latest."""
    rejected = make_approval(design, "3", start=weeks_ago(3))
    timesheet_approval_decide(actor=SETUP, approval=rejected, approve=False, reason="Too much")
    approved = make_approval(design, "2", start=weeks_ago(2))
    timesheet_approval_decide(actor=SETUP, approval=approved, approve=True)
    return {
        "rejected": rejected,
        "approved": approved,
        "pending": make_approval(design, "1", start=weeks_ago(1)),
    }


# The list


def test_list_shows_only_the_customers_sent_approvals(
    org, customer_a, design, design_b, other_customer, portal_client
):
    sent = make_approval(design, "2.5", start=weeks_ago(2))
    draft = make_approval(design, "4", start=weeks_ago(1), send=False)
    theirs = make_approval(design_b, "6")
    other_task = task_create(
        actor=SETUP, project=project_create(actor=SETUP, customer=other_customer, name="Elsewhere"), name="X"
    )
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
    time_entry_log(
        actor=SETUP, task=design, date=start + 9 * DAY, hours="1", notes=""
    )  # after the period: not in it
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
        actor=Actor.for_contact(access_a.contact),
        approval=approval,
        approve=status == S.APPROVED,
        reason=REASON,
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
    timesheet_approval_decide(
        actor=Actor.for_contact(colleague),
        approval=by_colleague,
        approve=True,
    )
    by_staff = make_approval(design, "1", start=weeks_ago(1))
    timesheet_approval_decide(actor=SETUP, approval=by_staff, approve=False, reason="On the phone")
    body = portal_client.get(url("timesheet-detail", org, number=by_colleague.number)).content.decode()
    assert "Carl Colleague approved this timesheet on" in body
    body = portal_client.get(url("timesheet-detail", org, number=by_staff.number)).content.decode()
    assert "This timesheet was rejected on" in body
    assert "On the phone" in body


def test_a_rejected_approval_whose_time_was_sent_again_says_so(org, design, portal_client):
    rejected = make_approval(design, "4", start=weeks_ago(1))
    timesheet_approval_decide(actor=SETUP, approval=rejected, approve=False, reason=REASON)
    again = timesheet_approval_create(
        actor=SETUP,
        project=design.project,
        period_start=rejected.period_start,
        period_end=rejected.period_end,
    )
    timesheet_approval_send(actor=SETUP, approval=again)
    body = portal_client.get(url("timesheet-detail", org, number=rejected.number)).content.decode()
    assert "has corrected time entries of this timesheet since it was rejected" in body
    assert ">4.00<" in body  # the hours it was sent with still head the page
