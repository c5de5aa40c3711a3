"""Projects with tasks, time entries, and timesheet approvals."""

from __future__ import annotations

import datetime
from decimal import Decimal

from portico.projects.models import Project, Task, TimeEntry, TimesheetApproval
from portico.projects.services import (
    project_create,
    project_invoice_time,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_send,
)
from portico.sales.models import Invoice
from portico.testing import SETUP, db_state, today

from .conftest import action_url, admin_url, assert_refused, formset_data, line, messages_of


def task_row(name, rate="50.00", billable=True, **extra):
    row = {"name": name, "description": "", "rate": rate, **extra}
    if billable:
        row["is_billable"] = "on"
    return row


def project_data(customer, tasks=(), initial=0, **fields):
    data = {
        "customer": customer.pk,
        "name": "Website",
        "description": "",
        "billing_method": "task_hours",
        "rate": "0",
        "budget_hours": "",
        "status": "active",
        **fields,
    }
    data.update(formset_data("tasks", list(tasks), initial=initial))
    return data


def test_staff_creates_a_project_with_tasks(staff_client, customer_a):
    response = staff_client.post(
        admin_url(Project, "add"), project_data(customer_a, [task_row("Design"), task_row("Build", "80.00")])
    )

    assert response.status_code == 302
    project = Project.objects.get()
    assert (project.number, project.organization, project.customer) == (
        "PRJ-00001",
        customer_a.organization,
        customer_a,
    )
    assert sorted(project.tasks.values_list("name", "rate")) == [
        ("Build", Decimal("80.00")),
        ("Design", Decimal("50.00")),
    ]


def test_a_negative_project_rate_is_refused(staff_client, customer_a):
    response = staff_client.post(admin_url(Project, "add"), project_data(customer_a, rate="-1"))

    assert response.status_code == 200
    assert not Project.objects.exists()


def test_staff_edits_a_project_and_its_tasks(staff_client, customer_a):
    project = project_create(actor=SETUP, customer=customer_a, name="Website")
    task = task_create(actor=SETUP, project=project, name="Design", rate="50")
    data = project_data(
        customer_a,
        [task_row("Design work", "55.00", id=task.pk, project=project.pk), task_row("Hosting", "10.00")],
        initial=1,
        name="Website relaunch",
        status="inactive",
    )

    assert staff_client.post(admin_url(project), data).status_code == 302

    project.refresh_from_db()
    task.refresh_from_db()
    assert (project.name, project.status) == ("Website relaunch", Project.Status.INACTIVE)
    assert (task.name, task.rate) == ("Design work", Decimal("55.00"))
    assert project.tasks.count() == 2


def test_project_page_shows_logged_billed_and_unbilled_hours(staff_client, customer_a, staff):
    project = project_create(actor=SETUP, customer=customer_a, name="Website")
    task = task_create(actor=SETUP, project=project, name="Design", rate="50")
    time_entry_log(actor=SETUP, task=task, date=today(), hours="1.50", user=staff)
    project_invoice_time(actor=SETUP, project=project)
    time_entry_log(actor=SETUP, task=task, date=today(), hours="2.25", user=staff)

    html = staff_client.get(admin_url(project)).content.decode()

    assert "Logged hours" in html
    assert "3.75" in html and "1.50" in html and "2.25" in html


def test_staff_logs_time_on_a_task(staff_client, customer_a, staff):
    project = project_create(actor=SETUP, customer=customer_a, name="Website")
    task = task_create(actor=SETUP, project=project, name="Design", rate="50")

    page = staff_client.get(admin_url(TimeEntry, "add")).content.decode()
    response = staff_client.post(
        admin_url(TimeEntry, "add"),
        {
            "task": task.pk,
            "date": today().isoformat(),
            "hours": "1.75",
            "user": staff.pk,
            "is_billable": "on",
            "notes": "Mockups",
        },
    )

    assert "Website — Design" in page
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.project, entry.hours, entry.notes) == (project, Decimal("1.75"), "Mockups")


def test_more_than_24_hours_are_refused(staff_client, customer_a, staff):
    task = task_create(
        actor=SETUP, project=project_create(actor=SETUP, customer=customer_a, name="Website"), name="Design"
    )

    response = staff_client.post(
        admin_url(TimeEntry, "add"),
        {"task": task.pk, "date": today().isoformat(), "hours": "25", "user": staff.pk},
    )

    assert response.status_code == 200
    assert not TimeEntry.objects.exists()


def test_time_entries_awaiting_approval_are_read_only(staff_client, customer_a, staff):
    task = task_create(
        actor=SETUP, project=project_create(actor=SETUP, customer=customer_a, name="Website"), name="Design"
    )
    entry = time_entry_log(actor=SETUP, task=task, date=today(), hours="2", user=staff)
    approval = timesheet_approval_create(
        actor=SETUP, project=task.project, period_start=today(), period_end=today()
    )
    timesheet_approval_send(actor=SETUP, approval=approval)

    response = staff_client.post(
        admin_url(entry), {"task": task.pk, "date": today().isoformat(), "hours": "9", "user": staff.pk}
    )

    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.hours == Decimal("2")


def test_staff_creates_and_sends_a_timesheet_approval(staff_client, customer_a, staff):
    project = project_create(actor=SETUP, customer=customer_a, name="Website")
    task = task_create(actor=SETUP, project=project, name="Design")
    time_entry_log(actor=SETUP, task=task, date=today(), hours="2", user=staff)
    time_entry_log(actor=SETUP, task=task, date=today() - datetime.timedelta(days=40), hours="3", user=staff)
    start = today() - datetime.timedelta(days=7)

    add_page = staff_client.get(admin_url(TimesheetApproval, "add"), {"project": project.pk})
    response = staff_client.post(
        admin_url(TimesheetApproval, "add"),
        {"project": project.pk, "period_start": start.isoformat(), "period_end": today().isoformat()},
    )

    assert add_page.context["adminform"].form.initial["project"] == str(project.pk)
    assert response.status_code == 302
    approval = TimesheetApproval.objects.get()
    assert (approval.number, approval.total_hours, approval.customer) == (
        "TS-00001",
        Decimal("2.00"),
        customer_a,
    )

    sent = staff_client.post(action_url(approval, "send"), follow=True)
    approval.refresh_from_db()
    assert approval.status == TimesheetApproval.Status.PENDING
    assert "Timesheet TS-00001 was sent for approval." in messages_of(sent)


def test_an_approval_for_a_period_without_time_is_refused(staff_client, customer_a):
    project = project_create(actor=SETUP, customer=customer_a, name="Website")
    before = db_state()

    response = staff_client.post(
        admin_url(TimesheetApproval, "add"),
        {"project": project.pk, "period_start": today().isoformat(), "period_end": today().isoformat()},
        follow=True,
    )

    assert_refused(response, "no unbilled billable time entries")
    assert db_state() == before


def test_staff_marks_an_approval_approved_or_rejected_with_a_reason(staff_client, customer_a, staff):
    project = project_create(actor=SETUP, customer=customer_a, name="Website")
    task = task_create(actor=SETUP, project=project, name="Design")
    time_entry_log(actor=SETUP, task=task, date=today(), hours="2", user=staff)
    first = timesheet_approval_send(
        actor=SETUP,
        approval=timesheet_approval_create(
            actor=SETUP, project=project, period_start=today(), period_end=today()
        ),
    )

    refused = staff_client.post(action_url(first, "reject"), {"reason": ""})
    assert "Say why the timesheet is rejected." in refused.content.decode()
    first.refresh_from_db()
    assert first.status == TimesheetApproval.Status.PENDING

    staff_client.post(action_url(first, "reject"), {"reason": "Too many hours"})
    first.refresh_from_db()
    assert (first.status, first.rejection_reason) == (TimesheetApproval.Status.REJECTED, "Too many hours")

    second = timesheet_approval_send(
        actor=SETUP,
        approval=timesheet_approval_create(
            actor=SETUP, project=project, period_start=today(), period_end=today()
        ),
    )
    staff_client.post(action_url(second, "approve"))
    second.refresh_from_db()
    assert second.status == TimesheetApproval.Status.APPROVED


def test_approving_a_draft_approval_is_refused(staff_client, customer_a, staff):
    project = project_create(actor=SETUP, customer=customer_a, name="Website")
    time_entry_log(
        actor=SETUP,
        task=task_create(actor=SETUP, project=project, name="Design"),
        date=today(),
        hours="2",
        user=staff,
    )
    approval = timesheet_approval_create(
        actor=SETUP, project=project, period_start=today(), period_end=today()
    )

    response = staff_client.post(action_url(approval, "approve"), follow=True)

    assert_refused(response, "only a pending one")
    approval.refresh_from_db()
    assert approval.status == TimesheetApproval.Status.DRAFT


def test_task_choices_are_the_organizations_own(staff_client, customer_a, other_customer):
    task_create(
        actor=SETUP, project=project_create(actor=SETUP, customer=customer_a, name="Mine"), name="Own task"
    )
    task_create(
        actor=SETUP,
        project=project_create(actor=SETUP, customer=other_customer, name="Theirs"),
        name="Foreign task",
    )

    html = staff_client.get(admin_url(TimeEntry, "add")).content.decode()

    assert "Own task" in html and "Foreign task" not in html
    assert Task.objects.count() == 2


def test_staff_invoice_a_projects_unbilled_time_from_its_page(staff_client, customer_a, staff):
    project = project_create(actor=SETUP, customer=customer_a, name="Website", rate="80")
    task = task_create(actor=SETUP, project=project, name="Design")
    time_entry_log(actor=SETUP, task=task, date=today(), hours="2.5", user=staff)

    response = staff_client.post(action_url(project, "invoice-time"))

    invoice = Invoice.objects.get(customer=customer_a)
    assert response.status_code == 302
    assert response.url == admin_url(invoice)
    assert (invoice.status, invoice.total) == (Invoice.Status.DRAFT, Decimal("200.00"))
    assert TimeEntry.objects.get(project=project).billing_status == TimeEntry.BillingStatus.BILLED


def test_invoicing_a_project_without_unbilled_time_is_refused(staff_client, customer_a):
    project = project_create(actor=SETUP, customer=customer_a, name="Website", rate="80")
    before = db_state()

    response = staff_client.post(action_url(project, "invoice-time"), follow=True)

    assert "This project has no unbilled time to invoice." in messages_of(response)
    assert db_state() == before


def _draft_approval(customer, staff):
    project = project_create(actor=SETUP, customer=customer, name="Website")
    entry = time_entry_log(
        actor=SETUP,
        task=task_create(actor=SETUP, project=project, name="Design"),
        date=today(),
        hours="2",
        user=staff,
    )
    approval = timesheet_approval_create(
        actor=SETUP, project=project, period_start=today(), period_end=today()
    )
    return project, entry, approval


def test_staff_deletes_a_draft_approval_after_confirming_and_its_time_is_released(
    staff_client, customer_a, staff
):
    project, entry, approval = _draft_approval(customer_a, staff)
    entry.refresh_from_db()
    assert entry.approval == approval

    page = staff_client.get(admin_url(approval)).content.decode()
    confirm = staff_client.get(action_url(approval, "delete"))
    assert action_url(approval, "delete") in page
    assert "Are you sure?" in confirm.content.decode()
    assert TimesheetApproval.objects.filter(pk=approval.pk).exists()

    response = staff_client.post(action_url(approval, "delete"), follow=True)

    assert response.redirect_chain[-1][0] == admin_url(project)
    assert f"Timesheet {approval.number} was deleted." in messages_of(response)
    assert not TimesheetApproval.objects.filter(pk=approval.pk).exists()
    entry.refresh_from_db()
    assert entry.approval is None


def test_deleting_a_sent_approval_is_refused(staff_client, customer_a, staff):
    _project, _entry, approval = _draft_approval(customer_a, staff)
    approval = timesheet_approval_send(actor=SETUP, approval=approval)
    before = db_state(approval)

    page = staff_client.get(admin_url(approval)).content.decode()
    response = staff_client.post(action_url(approval, "delete"), follow=True)

    assert action_url(approval, "delete") not in page
    assert_refused(response, "only a draft can be deleted")
    assert db_state(approval) == before


def test_another_organizations_staff_gets_404_for_deleting_an_approval(other_client, customer_a, staff):
    _project, _entry, approval = _draft_approval(customer_a, staff)
    before = db_state(approval)

    assert other_client.get(action_url(approval, "delete")).status_code == 404
    assert other_client.post(action_url(approval, "delete")).status_code == 404
    assert db_state(approval) == before


def test_staff_remove_a_time_line_from_a_draft_invoice_and_its_hours_can_be_invoiced_again(
    staff_client, customer_a
):
    project = project_create(actor=SETUP, customer=customer_a, name="Website", rate="90.00")
    design = task_create(actor=SETUP, project=project, name="Design")
    build = task_create(actor=SETUP, project=project, name="Build")
    time_entry_log(actor=SETUP, task=design, date=today(), hours="2")
    time_entry_log(actor=SETUP, task=build, date=today(), hours="3")
    invoice = project_invoice_time(actor=SETUP, project=project)
    design_line = invoice.lines.get(description="Website: Design")
    build_line = invoice.lines.get(description="Website: Build")
    data = {
        "customer": customer_a.pk,
        "date": invoice.date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "reference": invoice.reference,
        "notes": "",
        "terms": "",
    }
    data.update(
        formset_data(
            "lines",
            [
                line("Website: Design", quantity="2", rate="90.00", id=design_line.pk, document=invoice.pk),
                line(
                    "Website: Build",
                    quantity="3",
                    rate="90.00",
                    id=build_line.pk,
                    document=invoice.pk,
                    DELETE="on",
                ),
            ],
            initial=2,
        )
    )

    response = staff_client.post(admin_url(invoice), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    invoice.refresh_from_db()
    assert invoice.total == Decimal("180.00")
    design_entry, build_entry = TimeEntry.objects.get(task=design), TimeEntry.objects.get(task=build)
    assert (design_entry.billing_status, design_entry.invoice_line.description) == (
        "billed",
        "Website: Design",
    )
    assert (build_entry.billing_status, build_entry.invoice_id) == ("unbilled", None)
    again = project_invoice_time(actor=SETUP, project=project)
    assert [(line.description, line.quantity) for line in again.lines.all()] == [
        ("Website: Build", Decimal("3"))
    ]
