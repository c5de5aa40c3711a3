"""Contacts deciding on one timesheet at the same moment: exactly one decision counts, the others change nothing.

Each thread has its own database connection, as parallel requests do, and decides as the portal's Approve and
Reject do: the service and the business's notification in one transaction. On PostgreSQL the service's row lock
serialises them; on SQLite, immediate transactions take the write lock at BEGIN.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from portico.activity.models import AuditEvent, Notification
from portico.customers.models import ContactPerson
from portico.portal.context import PortalContext
from portico.projects.models import TimesheetApproval
from portico.projects.services import (
    project_create,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_send,
)
from portico.testing import SETUP, ContactPersonFactory, make_portal_access, today

CONTACTS = 4
ROUNDS = 5


def _pending_approval(customer) -> TimesheetApproval:
    task = task_create(
        actor=SETUP,
        project=project_create(actor=SETUP, customer=customer, name="Website"),
        name="Design",
        rate="100",
    )
    start = today() - datetime.timedelta(days=7)
    time_entry_log(actor=SETUP, task=task, date=start, hours="2.5")
    approval = timesheet_approval_create(
        actor=SETUP, project=task.project, period_start=start, period_end=today()
    )
    return timesheet_approval_send(actor=SETUP, approval=approval)


def _decide_at_once(org, accesses, approval) -> list[tuple[str, object]]:
    """Each contact approves (even) or rejects (odd) ``approval`` at the same moment, as the portal does."""
    barrier = threading.Barrier(len(accesses))
    outcomes: list[tuple[str, object] | None] = [None] * len(accesses)

    def decide(index: int) -> None:
        try:
            portal = PortalContext(organization=org, access=accesses[index])
            barrier.wait(timeout=30)
            decided = timesheet_approval_decide(
                actor=portal.actor,
                approval=approval,
                approve=index % 2 == 0,
                reason="" if index % 2 == 0 else "Hours look high",
            )
            outcomes[index] = ("ok", decided.status)
        except ValidationError as error:
            outcomes[index] = ("refused", " ".join(error.messages))
        except Exception as error:  # collected and asserted on below
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(len(accesses))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(outcome is not None for outcome in outcomes), "a decision did not finish"
    return outcomes  # type: ignore[return-value]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_approve_and_reject_leave_one_decision(org, customer_a, contact_a):
    contacts = [contact_a] + [
        ContactPersonFactory(customer=customer_a, email=f"colleague{i}@customer-a.test")
        for i in range(CONTACTS - 1)
    ]
    accesses = [make_portal_access(contact)[0] for contact in contacts]
    for _round in range(ROUNDS):
        approval = _pending_approval(customer_a)

        outcomes = _decide_at_once(org, accesses, approval)

        assert [kind for kind, _ in outcomes].count("ok") == 1, outcomes
        assert all(kind == "refused" for kind, _ in outcomes if kind != "ok"), outcomes
        [(_, status)] = [outcome for outcome in outcomes if outcome[0] == "ok"]
        approval.refresh_from_db()
        assert approval.status == status
        assert ContactPerson.objects.get(pk=approval.decided_by_id) in contacts
        if status == TimesheetApproval.Status.REJECTED:
            assert approval.rejection_reason == "Hours look high"
        else:
            assert approval.rejection_reason == ""
        decisions = AuditEvent.objects.filter(
            object_id=approval.pk, action__in=["timesheet.approved", "timesheet.rejected"]
        )
        assert decisions.count() == 1
        notices = Notification.objects.filter(kind=Notification.Kind.TIMESHEET_DECIDED, object_id=approval.pk)
        assert notices.count() == 1
