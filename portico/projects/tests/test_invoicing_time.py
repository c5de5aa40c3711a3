"""Billing a project's time on an invoice, and giving it back when the invoice goes."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.actors import Actor
from portico.projects.models import Project, TimeEntry
from portico.projects.services import (
    project_create,
    project_invoice_time,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_send,
)
from portico.sales.models import Invoice
from portico.sales.services.documents import LineInput, document_delete, document_replace_lines, lines_of
from portico.sales.services.invoices import invoice_send, invoice_void
from portico.testing import SETUP, audit_actions, db_state, today


@pytest.fixture
def project(customer_a):
    return project_create(actor=SETUP, customer=customer_a, name="Website", rate="90.00")


@pytest.fixture
def design(project):
    return task_create(actor=SETUP, project=project, name="Design", rate="120.00")


@pytest.fixture
def build(project):
    return task_create(actor=SETUP, project=project, name="Build", rate="80.00")


def test_unbilled_time_goes_on_a_draft_invoice_one_line_per_task_at_the_project_rate(
    project, design, build, staff
):
    time_entry_log(actor=SETUP, task=design, date=today(), hours="2.5")
    time_entry_log(actor=SETUP, task=design, date=today(), hours="1")
    time_entry_log(actor=SETUP, task=build, date=today(), hours="4")
    time_entry_log(actor=SETUP, task=build, date=today(), hours="3", is_billable=False)

    invoice = project_invoice_time(
        actor=Actor.staff(staff),
        project=project,
    )

    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.reference == project.number
    assert sorted((line.description, line.quantity, line.rate) for line in invoice.lines.all()) == [
        ("Website: Build", Decimal("4"), Decimal("90")),
        ("Website: Design", Decimal("3.5"), Decimal("90")),
    ]
    assert invoice.total == Decimal("675.00")  # 7.5 h × 90
    billed = TimeEntry.objects.filter(project=project, billing_status=TimeEntry.BillingStatus.BILLED)
    assert billed.count() == 3
    assert set(billed.values_list("invoice", flat=True)) == {invoice.pk}
    assert TimeEntry.objects.get(is_billable=False).billing_status == TimeEntry.BillingStatus.UNBILLED
    assert "project.invoiced" in audit_actions(project)


def test_projects_billed_by_task_hours_use_each_tasks_rate(project, design, build):
    Project.objects.filter(pk=project.pk).update(billing_method=Project.BillingMethod.TASK_HOURS)
    project.refresh_from_db()
    time_entry_log(actor=SETUP, task=design, date=today(), hours="2")
    time_entry_log(actor=SETUP, task=build, date=today(), hours="1.5")

    invoice = project_invoice_time(actor=SETUP, project=project)

    assert invoice.total == Decimal("360.00")  # 2 × 120 + 1.5 × 80


def test_time_awaiting_the_customers_approval_is_not_billed(project, design):
    time_entry_log(actor=SETUP, task=design, date=today(), hours="2")
    approval = timesheet_approval_send(
        actor=SETUP,
        approval=timesheet_approval_create(
            actor=SETUP, project=project, period_start=today(), period_end=today()
        ),
    )
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        project_invoice_time(actor=SETUP, project=project)
    assert exc.value.messages == ["This project has no unbilled time to invoice."]
    assert db_state() == before

    timesheet_approval_decide(actor=SETUP, approval=approval, approve=True)
    invoice = project_invoice_time(actor=SETUP, project=project)
    assert invoice.total == Decimal("180.00")


def test_billed_time_is_not_billed_twice(project, design):
    time_entry_log(actor=SETUP, task=design, date=today(), hours="2")
    project_invoice_time(actor=SETUP, project=project)
    with pytest.raises(ValidationError):
        project_invoice_time(actor=SETUP, project=project)
    assert Invoice.objects.filter(customer=project.customer).count() == 1


def test_a_fixed_cost_project_is_not_billed_by_the_hour(customer_a):
    fixed = project_create(
        actor=SETUP, customer=customer_a, name="Logo", rate="1500", billing_method=Project.BillingMethod.FIXED
    )
    time_entry_log(
        actor=SETUP, task=task_create(actor=SETUP, project=fixed, name="Sketches"), date=today(), hours="3"
    )
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        project_invoice_time(actor=SETUP, project=fixed)
    assert "fixed-cost" in exc.value.messages[0]
    assert db_state() == before


def test_voiding_the_invoice_makes_its_time_unbilled_again(project, design):
    time_entry_log(actor=SETUP, task=design, date=today(), hours="2")
    invoice = invoice_send(actor=SETUP, invoice=project_invoice_time(actor=SETUP, project=project))

    invoice_void(actor=SETUP, invoice=invoice)

    entry = TimeEntry.objects.get(project=project)
    assert (entry.billing_status, entry.invoice) == (TimeEntry.BillingStatus.UNBILLED, None)
    assert project_invoice_time(actor=SETUP, project=project).total == Decimal("180.00")


def test_deleting_the_draft_invoice_makes_its_time_unbilled_again(project, design):
    time_entry_log(actor=SETUP, task=design, date=today(), hours="2")
    document_delete(actor=SETUP, document=project_invoice_time(actor=SETUP, project=project))

    assert TimeEntry.objects.get(project=project).billing_status == TimeEntry.BillingStatus.UNBILLED


def test_time_up_to_a_day_is_billed_and_later_time_waits(project, design):

    time_entry_log(actor=SETUP, task=design, date=today() - datetime.timedelta(days=3), hours="2")
    later = time_entry_log(actor=SETUP, task=design, date=today(), hours="1")

    invoice = project_invoice_time(actor=SETUP, project=project, up_to=today() - datetime.timedelta(days=1))

    assert invoice.total == Decimal("180.00")
    later.refresh_from_db()
    assert later.billing_status == TimeEntry.BillingStatus.UNBILLED


def _billed_on(invoice) -> dict[str, str]:
    """Each entry's task and where it stands: billed on which line, or unbilled."""
    return {
        entry.task.name: (entry.invoice_line.description if entry.invoice_line else entry.billing_status)
        for entry in TimeEntry.objects.select_related("task", "invoice_line")
    }


def test_each_entry_is_billed_on_its_tasks_line(project, design, build):
    time_entry_log(actor=SETUP, task=design, date=today(), hours="2")
    time_entry_log(actor=SETUP, task=build, date=today(), hours="3")

    invoice = project_invoice_time(actor=SETUP, project=project)

    assert _billed_on(invoice) == {"Design": "Website: Design", "Build": "Website: Build"}


def test_removing_a_time_line_from_the_draft_unbills_its_hours_and_keeps_the_others_billed(
    project, design, build
):
    time_entry_log(actor=SETUP, task=design, date=today(), hours="2")
    time_entry_log(actor=SETUP, task=build, date=today(), hours="3")
    invoice = project_invoice_time(actor=SETUP, project=project)
    kept = [line for line in lines_of(invoice) if line.description == "Website: Design"]

    document_replace_lines(actor=SETUP, document=invoice, lines=[*kept, LineInput("Hosting", rate="50")])

    assert _billed_on(invoice) == {"Design": "Website: Design", "Build": TimeEntry.BillingStatus.UNBILLED}
    build_entry = TimeEntry.objects.get(task=build)
    assert build_entry.invoice is None
    # The hours removed are billed again on the next invoice, and only they.
    again = project_invoice_time(actor=SETUP, project=project)
    assert [(line.description, line.quantity) for line in again.lines.all()] == [
        ("Website: Build", Decimal("3"))
    ]


def test_editing_a_time_line_keeps_its_hours_billed_on_it(project, design):
    time_entry_log(actor=SETUP, task=design, date=today(), hours="2")
    invoice = project_invoice_time(actor=SETUP, project=project)
    [line] = lines_of(invoice)

    document_replace_lines(
        actor=SETUP, document=invoice, lines=[dataclasses.replace(line, description="Design work, March")]
    )

    assert _billed_on(invoice) == {"Design": "Design work, March"}
    assert TimeEntry.objects.get().billing_status == TimeEntry.BillingStatus.BILLED
