"""With the database task backend (production), an email waits in the database until a worker sends it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from portico.customers.portal_access import portal_access_invite
from portico.testing import SETUP

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_an_invitation_that_waited_in_the_database(alice, mailoutbox, settings):
    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        portal_access_invite(actor=SETUP, contact=alice)
    assert mailoutbox == []  # the request is done; nothing has left yet
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [message.to for message in mailoutbox] == [[alice.email]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_task_behind(alice, mailoutbox, settings):
    settings.TASKS = DATABASE_TASKS
    with pytest.raises(RuntimeError), transaction.atomic():
        portal_access_invite(actor=SETUP, contact=alice)
        raise RuntimeError("the request failed after the invitation")
    assert not DBTaskResult.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert mailoutbox == []
