"""Changing projects, tasks and time entries: what may change, by whom, and the audit trail it leaves."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.organizations.models import Membership
from portico.projects.models import Project, Task, TimeEntry, TimesheetApproval
from portico.projects.services import (
    project_create,
    project_invoice_time,
    project_update,
    task_create,
    task_update,
    time_entry_delete,
    time_entry_log,
    time_entry_update,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_delete,
    timesheet_approval_send,
)
from portico.testing import SETUP, UserFactory, audit_actions, db_state, today

DAY = datetime.timedelta(days=1)


@pytest.fixture
def project(customer_a, staff):
    return project_create(
        actor=Actor.staff(staff),
        customer=customer_a,
        name="Website",
        rate="90.00",
    )


@pytest.fixture
def design(project):
    return task_create(actor=SETUP, project=project, name="Design", rate="100.00")


@pytest.fixture
def writing(project):
    return task_create(actor=SETUP, project=project, name="Writing", rate="80.00")


@pytest.fixture
def entry(design, staff):
    return time_entry_log(
        actor=SETUP, task=design, date=today() - DAY, hours="2.00", user=staff, notes="Wireframes"
    )


def _approval(project, status):
    approval = timesheet_approval_create(
        actor=SETUP, project=project, period_start=today() - 7 * DAY, period_end=today()
    )
    if status in ("pending", "approved", "rejected"):
        timesheet_approval_send(actor=SETUP, approval=approval)
    if status in ("approved", "rejected"):
        timesheet_approval_decide(
            actor=SETUP, approval=approval, approve=status == "approved", reason="Too much"
        )
    approval.refresh_from_db()
    return approval


# --- projects and tasks --------------------------------------------------------------------------------------


def test_staff_updates_a_projects_name_rate_and_status(project, staff):
    project_update(
        actor=Actor.staff(staff), project=project, name="  Web shop ", rate="95.50", status="inactive"
    )

    project.refresh_from_db()
    assert (project.name, project.rate, project.status) == (
        "Web shop",
        Decimal("95.50"),
        Project.Status.INACTIVE,
    )
    event = AuditEvent.objects.get(action="project.updated")
    assert (event.object_id, event.actor_user, event.data) == (
        project.pk,
        staff,
        {"fields": ["name", "rate", "status"]},
    )


def test_a_projects_customer_cannot_be_changed(project, customer_b):
    before = db_state(project)
    # The service has no such argument: the call itself is refused, before anything is read or written.
    with pytest.raises(TypeError, match="customer"):
        project_update(actor=SETUP, project=project, customer=customer_b)
    assert db_state(project) == before


def test_task_creation_is_audited(project, staff):
    task = task_create(
        actor=Actor.staff(staff),
        project=project,
        name=" Testing ",
        rate="70.00",
    )
    task.refresh_from_db()
    assert (task.name, task.rate, task.organization) == ("Testing", Decimal("70.00"), project.organization)
    event = AuditEvent.objects.get(action="task.created")
    assert (event.object_id, event.actor_user, event.customer, event.data) == (
        task.pk,
        staff,
        project.customer,
        {"project": project.number},
    )


def test_staff_updates_a_tasks_rate_and_billable_flag(design, staff):
    task_update(actor=Actor.staff(staff), task=design, rate="120.00", is_billable=False, name=" Design work ")

    design.refresh_from_db()
    assert (design.name, design.rate, design.is_billable) == ("Design work", Decimal("120.00"), False)
    assert audit_actions(design) == ["task.created", "task.updated"]
    event = AuditEvent.objects.get(action="task.updated")
    assert (event.actor_user, event.data) == (staff, {"fields": ["is_billable", "name", "rate"]})


def test_a_task_cannot_move_to_another_project(design, customer_a):
    other = project_create(actor=SETUP, customer=customer_a, name="Other")
    before = db_state(design)
    with pytest.raises(TypeError, match="project"):
        task_update(actor=SETUP, task=design, project=other)
    assert db_state(design) == before
    design.refresh_from_db()
    assert design.project_id != other.pk


def test_a_task_name_used_in_the_project_is_refused(design, writing):
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        task_update(actor=SETUP, task=writing, name="Design")
    assert exc.value.messages == ["Task with this Project and Name already exists."]
    assert db_state() == before
    assert Task.objects.get(pk=writing.pk).name == "Writing"


# --- logging time --------------------------------------------------------------------------------------------


def test_staff_logs_time_and_it_is_audited(design, staff):
    entry = time_entry_log(
        actor=Actor.staff(staff),
        task=design,
        date=today(),
        hours="1.25",
        user=staff,
    )
    entry.refresh_from_db()
    assert (entry.hours, entry.user, entry.project, entry.is_billable) == (
        Decimal("1.25"),
        staff,
        design.project,
        True,
    )
    event = AuditEvent.objects.get(action="timeentry.logged")
    assert (event.object_id, event.actor_user, event.customer, event.data) == (
        entry.pk,
        staff,
        design.project.customer,
        {"project": design.project.number, "task": "Design", "hours": "1.25"},
    )


def test_time_cannot_be_logged_for_someone_outside_the_organization(design, other_staff):
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        time_entry_log(actor=SETUP, task=design, date=today(), hours="1.00", user=other_staff)
    assert exc.value.message_dict == {"user": [f"{other_staff} is not staff of this organization."]}
    assert db_state() == before


# --- time_entry_update ---------------------------------------------------------------------------------------


def test_staff_moves_an_entry_to_another_task_of_its_project(entry, writing, staff):
    colleague = UserFactory()
    Membership.objects.create(organization=writing.organization, user=colleague)

    time_entry_update(
        actor=Actor.staff(staff),
        entry=entry,
        task=writing,
        date=today(),
        hours="3.50",
        user=colleague,
        notes="Copy",
        is_billable=False,
    )

    entry.refresh_from_db()
    assert (
        entry.task,
        entry.project,
        entry.date,
        entry.hours,
        entry.user,
        entry.notes,
        entry.is_billable,
    ) == (
        writing,
        writing.project,
        today(),
        Decimal("3.50"),
        colleague,
        "Copy",
        False,
    )
    assert audit_actions(entry)[-1] == "timeentry.updated"
    event = AuditEvent.objects.get(action="timeentry.updated")
    assert (event.actor_user, event.data) == (
        staff,
        {"project": writing.project.number, "task": "Writing", "hours": "3.50"},
    )


def test_an_entry_cannot_move_to_another_projects_task(entry, customer_a, staff):
    other_task = task_create(
        actor=SETUP, project=project_create(actor=SETUP, customer=customer_a, name="Other"), name="Design"
    )
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        time_entry_update(actor=SETUP, entry=entry, task=other_task, date=today(), hours="2.00", user=staff)
    assert exc.value.message_dict == {"task": ["Choose a task of this entry's project."]}
    assert db_state() == before
    entry.refresh_from_db()
    assert entry.task_id != other_task.pk


def test_an_entry_cannot_be_given_to_someone_outside_the_organization(entry, design, other_staff):
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        time_entry_update(actor=SETUP, entry=entry, task=design, date=today(), hours="2.00", user=other_staff)
    assert exc.value.message_dict == {"user": [f"{other_staff} is not staff of this organization."]}
    assert db_state() == before


def test_an_entry_in_a_draft_timesheet_cannot_change(project, entry, design, staff):
    approval = _approval(project, "draft")
    before = db_state(approval)
    with pytest.raises(ValidationError) as exc:
        time_entry_update(actor=SETUP, entry=entry, task=design, date=entry.date, hours="9.00", user=staff)
    assert exc.value.messages == [
        f"This time entry is in draft timesheet {approval.number}; delete that timesheet first to change it."
    ]
    assert db_state(approval) == before
    approval.refresh_from_db()
    assert approval.total_hours == Decimal("2.00")


@pytest.mark.parametrize(("status", "label"), [("pending", "pending approval"), ("approved", "approved")])
def test_an_entry_in_a_sent_or_approved_timesheet_cannot_change(project, entry, design, staff, status, label):
    approval = _approval(project, status)
    before = db_state(approval)
    with pytest.raises(ValidationError) as exc:
        time_entry_update(actor=SETUP, entry=entry, task=design, date=entry.date, hours="9.00", user=staff)
    assert exc.value.messages == [
        f"This time entry is in timesheet {approval.number} ({label}); it can no longer change."
    ]
    assert db_state(approval) == before


def test_an_entry_in_a_rejected_timesheet_is_corrected(project, entry, design, staff):
    _approval(project, "rejected")
    time_entry_update(actor=SETUP, entry=entry, task=design, date=entry.date, hours="1.50", user=staff)
    entry.refresh_from_db()
    assert entry.hours == Decimal("1.50")


def test_a_billed_entry_cannot_change(project, entry, design, staff):
    project_invoice_time(actor=SETUP, project=project)
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        time_entry_update(actor=SETUP, entry=entry, task=design, date=entry.date, hours="1.00", user=staff)
    assert exc.value.messages == ["This time entry was billed; it can no longer change."]
    assert db_state() == before


# --- time_entry_delete ---------------------------------------------------------------------------------------


def test_staff_deletes_an_unbilled_entry(entry, staff):
    time_entry_delete(
        actor=Actor.staff(staff),
        entry=entry,
    )

    assert not TimeEntry.objects.filter(pk=entry.pk).exists()
    event = AuditEvent.objects.get(action="timeentry.deleted")
    assert (event.object_id, event.actor_user, event.data["hours"], event.data["date"]) == (
        entry.pk,
        staff,
        "2.00",
        entry.date.isoformat(),
    )


def test_an_entry_in_a_draft_timesheet_cannot_be_deleted(project, entry):
    approval = _approval(project, "draft")
    before = db_state(approval)
    with pytest.raises(ValidationError) as exc:
        time_entry_delete(actor=SETUP, entry=entry)
    assert exc.value.messages == [
        f"This time entry is in draft timesheet {approval.number}; delete that timesheet first to change it."
    ]
    assert db_state(approval) == before


def test_an_entry_in_a_pending_timesheet_cannot_be_deleted(project, entry):
    approval = _approval(project, "pending")
    before = db_state(approval)
    with pytest.raises(ValidationError) as exc:
        time_entry_delete(actor=SETUP, entry=entry)
    assert exc.value.messages == [
        f"This time entry is in timesheet {approval.number} (pending approval); it can no longer change."
    ]
    assert db_state(approval) == before


# --- timesheet_approval_delete -------------------------------------------------------------------------------


def test_deleting_a_draft_timesheet_releases_its_entries(project, entry, design, staff):
    approval = _approval(project, "draft")

    timesheet_approval_delete(
        actor=Actor.staff(staff),
        approval=approval,
    )

    entry.refresh_from_db()
    assert not TimesheetApproval.objects.filter(pk=approval.pk).exists()
    assert entry.approval is None
    event = AuditEvent.objects.get(action="timesheet.deleted")
    assert (event.object_id, event.actor_user, event.data) == (
        approval.pk,
        staff,
        {"number": approval.number},
    )
    time_entry_update(actor=SETUP, entry=entry, task=design, date=entry.date, hours="2.50", user=staff)
    again = timesheet_approval_create(
        actor=SETUP, project=project, period_start=today() - 7 * DAY, period_end=today()
    )
    assert again.total_hours == Decimal("2.50")


@pytest.mark.parametrize(
    ("status", "label"), [("pending", "pending approval"), ("approved", "approved"), ("rejected", "rejected")]
)
def test_a_sent_timesheet_cannot_be_deleted(project, entry, status, label):
    approval = _approval(project, status)
    before = db_state(approval)
    with pytest.raises(ValidationError) as exc:
        timesheet_approval_delete(actor=SETUP, approval=approval)
    assert exc.value.messages == [f"This timesheet is {label}; only a draft can be deleted."]
    assert db_state(approval) == before
    entry.refresh_from_db()
    assert entry.approval == approval
