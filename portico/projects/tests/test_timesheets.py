"""Projects, tasks, time entries, hours per task, and timesheet approvals decided by the customer."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.projects.models import Project, TimeEntry, TimesheetApproval
from portico.projects.selectors import customer_pending_approvals, tasks_with_hours
from portico.projects.services import (
    project_create,
    project_invoice_time,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_send,
)
from portico.testing import SETUP, audit_actions, db_state, today

DAY = datetime.timedelta(days=1)


@pytest.fixture
def project(customer_a, staff):
    return project_create(
        actor=Actor.staff(staff),
        customer=customer_a,
        name=" Website ",
        rate="90.00",
    )


@pytest.fixture
def design(project):
    return task_create(actor=SETUP, project=project, name="Design", rate="100.00")


@pytest.fixture
def meetings(project):
    return task_create(actor=SETUP, project=project, name="Meetings", is_billable=False)


def test_staff_creates_a_project_numbered_in_its_organization(project, customer_a, other_customer):
    project.refresh_from_db()
    assert (project.number, project.name, project.rate, project.status) == (
        "PRJ-00001",
        "Website",
        Decimal("90.00"),
        Project.Status.ACTIVE,
    )
    assert (project.organization, project.customer) == (customer_a.organization, customer_a)
    assert audit_actions(project) == ["project.created"]
    assert project_create(actor=SETUP, customer=other_customer, name="Elsewhere").number == "PRJ-00001"


def test_a_project_rate_with_too_many_places_is_refused(customer_a):
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        project_create(actor=SETUP, customer=customer_a, name="X", rate="10.005")
    assert exc.value.message_dict == {"rate": ["USD amounts have at most 2 decimal places."]}
    assert db_state() == before


def test_time_is_logged_billable_unless_the_task_is_not(design, meetings, staff):
    billable = time_entry_log(
        actor=SETUP, task=design, date=today(), hours="1.5", user=staff, notes="wireframes"
    )
    not_billable = time_entry_log(actor=SETUP, task=meetings, date=today(), hours="0.25")
    billable.refresh_from_db()
    assert (billable.hours, billable.is_billable, billable.billing_status) == (
        Decimal("1.5"),
        True,
        "unbilled",
    )
    assert (billable.project, billable.organization) == (design.project, design.organization)
    assert not_billable.is_billable is False


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "Hours must be more than 0 and at most 24."),
        ("24.01", "Hours must be more than 0 and at most 24."),
        ("-1", "Hours must be more than 0 and at most 24."),
        ("1.005", "Log hours to the hundredth at most (0.25 is a quarter hour)."),
    ],
)
def test_impossible_hours_are_refused(design, hours, message):
    with pytest.raises(ValidationError) as exc:
        time_entry_log(actor=SETUP, task=design, date=today(), hours=hours)
    assert exc.value.message_dict == {"hours": [message]}
    assert not TimeEntry.objects.exists()


def test_tasks_show_logged_billed_and_unbilled_hours(project, design, meetings):
    time_entry_log(actor=SETUP, task=design, date=today(), hours="3")
    project_invoice_time(actor=SETUP, project=project)  # bills those 3 hours
    time_entry_log(actor=SETUP, task=design, date=today(), hours="2")
    time_entry_log(actor=SETUP, task=design, date=today(), hours="1.25")
    time_entry_log(actor=SETUP, task=design, date=today(), hours="5", is_billable=False)
    time_entry_log(actor=SETUP, task=meetings, date=today(), hours="1")
    task_create(actor=SETUP, project=project, name="Idle")

    hours = {
        t.name: (t.logged_hours, t.billed_hours, t.unbilled_hours) for t in tasks_with_hours(project=project)
    }
    # Non-billable time is logged, but neither billed nor waiting to be billed.
    assert hours == {
        "Design": (Decimal("11.25"), Decimal("3"), Decimal("3.25")),
        "Idle": (Decimal("0"), Decimal("0"), Decimal("0")),
        "Meetings": (Decimal("1"), Decimal("0"), Decimal("0")),
    }


def test_an_approval_gathers_the_unbilled_billable_entries_of_its_period(project, design, meetings, staff):
    inside = time_entry_log(actor=SETUP, task=design, date=today() - DAY, hours="2")
    also_inside = time_entry_log(actor=SETUP, task=design, date=today(), hours="1.5")
    time_entry_log(actor=SETUP, task=design, date=today() - 10 * DAY, hours="4")  # before the period
    time_entry_log(actor=SETUP, task=meetings, date=today(), hours="1")  # not billable

    approval = timesheet_approval_create(
        actor=Actor.staff(staff),
        project=project,
        period_start=today() - 2 * DAY,
        period_end=today(),
    )

    approval.refresh_from_db()
    assert (approval.number, approval.status, approval.total_hours) == (
        "TS-00001",
        TimesheetApproval.Status.DRAFT,
        Decimal("3.50"),
    )
    assert set(approval.entries.all()) == {inside, also_inside}
    assert audit_actions(approval) == ["timesheet.created"]


def test_an_approval_without_entries_is_refused(project, design):
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        timesheet_approval_create(actor=SETUP, project=project, period_start=today(), period_end=today())
    assert exc.value.messages == ["There are no unbilled billable time entries in this period to approve."]
    assert db_state() == before


def test_a_period_ending_before_it_starts_is_refused(project, design):
    time_entry_log(actor=SETUP, task=design, date=today(), hours="1")
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        timesheet_approval_create(
            actor=SETUP, project=project, period_start=today(), period_end=today() - DAY
        )
    assert exc.value.message_dict == {"period_end": ["The period cannot end before it starts."]}
    assert db_state() == before


@pytest.fixture
def pending(project, design, staff):
    time_entry_log(actor=SETUP, task=design, date=today(), hours="2")
    approval = timesheet_approval_create(
        actor=SETUP, project=project, period_start=today(), period_end=today()
    )
    return timesheet_approval_send(
        actor=Actor.staff(staff),
        approval=approval,
    )


def test_staff_sends_an_approval_and_it_awaits_the_customer(pending, customer_a, customer_b):
    pending.refresh_from_db()
    assert pending.status == TimesheetApproval.Status.PENDING
    assert pending.sent_at is not None
    assert list(customer_pending_approvals(customer=customer_a)) == [pending]
    assert not customer_pending_approvals(customer=customer_b).exists()
    assert audit_actions(pending) == ["timesheet.created", "timesheet.sent"]


def test_a_sent_approval_cannot_be_sent_again(pending):
    before = db_state(pending)
    with pytest.raises(ValidationError) as exc:
        timesheet_approval_send(actor=SETUP, approval=pending)
    assert exc.value.messages == ["Only a draft approval can be sent."]
    assert db_state(pending) == before


def test_contact_approves_a_pending_timesheet(pending, contact_a, customer_a):
    timesheet_approval_decide(
        actor=Actor.for_contact(contact_a),
        approval=pending,
        approve=True,
    )
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.rejection_reason) == ("approved", contact_a, "")
    assert pending.decided_at is not None
    assert not customer_pending_approvals(customer=customer_a).exists()
    event = AuditEvent.objects.get(action="timesheet.approved")
    assert (event.actor_contact, event.object_id) == (contact_a, pending.pk)


def test_contact_rejects_a_pending_timesheet_with_a_reason(pending, contact_a, project, design):
    timesheet_approval_decide(
        actor=Actor.for_contact(contact_a),
        approval=pending,
        approve=False,
        reason=" 2 h is too much ",
    )
    pending.refresh_from_db()
    assert (pending.status, pending.rejection_reason) == ("rejected", "2 h is too much")
    assert AuditEvent.objects.get(action="timesheet.rejected").data == {"reason": "2 h is too much"}
    # Rejected entries are gathered again for a corrected approval.
    again = timesheet_approval_create(actor=SETUP, project=project, period_start=today(), period_end=today())
    assert again.total_hours == Decimal("2")


def test_rejecting_without_a_reason_is_refused(pending, contact_a):
    before = db_state(pending)
    with pytest.raises(ValidationError) as exc:
        timesheet_approval_decide(
            actor=Actor.for_contact(contact_a),
            approval=pending,
            approve=False,
            reason="  ",
        )
    assert exc.value.message_dict == {"reason": ["Say why the timesheet is rejected."]}
    assert db_state(pending) == before


def test_a_contact_of_another_customer_cannot_decide(pending, contact_b):
    before = db_state(pending)
    with pytest.raises(ValidationError) as exc:
        timesheet_approval_decide(
            actor=Actor.for_contact(contact_b),
            approval=pending,
            approve=True,
        )
    assert exc.value.messages == ["This contact cannot decide on another customer's timesheet."]
    assert db_state(pending) == before


def test_a_decided_timesheet_cannot_be_decided_again(pending, contact_a):
    timesheet_approval_decide(
        actor=Actor.for_contact(contact_a),
        approval=pending,
        approve=True,
    )
    before = db_state(pending)
    with pytest.raises(ValidationError) as exc:
        timesheet_approval_decide(
            actor=Actor.for_contact(contact_a),
            approval=pending,
            approve=False,
            reason="changed my mind",
        )
    assert exc.value.messages == [
        "This timesheet is approved; only a pending one can be approved or rejected."
    ]
    assert db_state(pending) == before
