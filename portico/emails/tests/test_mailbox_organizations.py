"""The local mailbox per organization: staff read only their own organization's emails, whose invitation and
password-reset links would otherwise let them into another organization's portal."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from portico.customers.portal_access import portal_access_invite
from portico.emails.models import MailboxMessage
from portico.emails.tasks import send_email_task
from portico.testing import SETUP, MembershipFactory, UserFactory

from .conftest import MAILBOX_BACKEND

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def other_staff_client(client, other_staff):
    client.force_login(other_staff)
    return client


@pytest.fixture
def superuser_client(client, org):
    """A superuser who is also staff of ``org``."""
    user = MembershipFactory(organization=org, user__is_superuser=True, user__email="root@acme.test").user
    client.force_login(user)
    return client


def _old_payload(**changes) -> dict:
    """send_email_task's arguments as they were queued before they carried ``organization_id``."""
    return {
        "to": ["alice@customer-a.test"],
        "subject": "Queued before the upgrade",
        "text": "Hi",
        "html": "",
        "from_email": "Portico <portico@localhost>",
        "reply_to": [],
        **changes,
    }


def test_an_invitation_is_kept_for_the_organization_that_sent_it(
    alice, org, mailbox_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        portal_access_invite(actor=SETUP, contact=alice)

    assert MailboxMessage.objects.get().organization == org


def test_the_mailbox_backend_keeps_the_organization_set_on_the_message_and_none_without_it(
    org, other_org, settings
):
    settings.EMAIL_BACKEND = MAILBOX_BACKEND
    with_organization = EmailMultiAlternatives(subject="Ours", body="x", to=["a@example.test"])
    with_organization.organization_id = other_org.pk
    plain = EmailMultiAlternatives(subject="Plain", body="x", to=["a@example.test"])

    with_organization.send()
    plain.send()

    kept = dict(MailboxMessage.objects.values_list("subject", "organization"))
    assert kept == {"Ours": other_org.pk, "Plain": None}


def test_a_message_for_an_organization_deleted_meanwhile_is_kept_for_superusers_only(org, settings):
    settings.EMAIL_BACKEND = MAILBOX_BACKEND
    message = EmailMultiAlternatives(subject="Late", body="x", to=["a@example.test"])
    message.organization_id = org.pk
    org.delete()

    assert message.send() == 1

    assert MailboxMessage.objects.get().organization is None


def test_a_task_queued_without_organization_id_still_sends_and_is_kept_without_organization(db, mailbox_on):
    result = send_email_task.enqueue(**_old_payload())

    assert result.return_value == 1
    assert MailboxMessage.objects.get().organization is None


@pytest.mark.django_db(transaction=True)
def test_the_worker_keeps_the_organization_a_queued_email_carries(alice, org, mailbox_on, settings):
    settings.TASKS = DATABASE_TASKS
    portal_access_invite(actor=SETUP, contact=alice)
    send_email_task.enqueue(**_old_payload())
    queued = [task.args_kwargs["kwargs"].get("organization_id") for task in DBTaskResult.objects.all()]
    assert sorted(queued, key=lambda organization_id: organization_id or 0) == [None, org.pk]

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    kept = dict(MailboxMessage.objects.values_list("subject", "organization"))
    assert kept == {
        "Your invitation to Acme Consulting's customer portal": org.pk,
        "Queued before the upgrade": None,
    }


def test_staff_see_only_their_own_organizations_messages_in_the_list(
    keep, other_org, staff_client, mailbox_on
):
    keep("Acme invitation")
    keep("Other invitation", organization=other_org)
    keep("Portico notice", organization=None)

    response = staff_client.get(reverse("mailbox:list"))

    page = response.content.decode()
    assert "Acme invitation" in page
    assert "Other invitation" not in page
    assert "Portico notice" not in page
    assert "1 message, newest first" in page


def test_the_other_organizations_staff_see_theirs_and_not_ours(
    keep, other_org, other_staff_client, mailbox_on
):
    keep("Acme invitation")
    keep("Other invitation", organization=other_org)

    page = other_staff_client.get(reverse("mailbox:list")).content.decode()

    assert "Other invitation" in page
    assert "Acme invitation" not in page


@pytest.mark.parametrize("name", ["mailbox:detail", "mailbox:html"])
def test_another_organizations_message_is_404(keep, other_org, staff_client, mailbox_on, name):
    theirs = keep("Other invitation", organization=other_org, html="<p>secret link</p>")

    assert staff_client.get(reverse(name, args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize("name", ["mailbox:detail", "mailbox:html"])
def test_a_message_without_organization_is_404_for_staff_and_readable_by_a_superuser(
    keep, client, staff, mailbox_on, name
):
    unowned = keep("Portico notice", organization=None, html="<p>notice</p>")
    client.force_login(staff)
    assert client.get(reverse(name, args=[unowned.pk])).status_code == 404

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(name, args=[unowned.pk])).status_code == 200


def test_a_superuser_reads_their_organizations_and_unowned_messages_but_not_another_organizations(
    keep, other_org, superuser_client, mailbox_on
):
    keep("Acme invitation")
    keep("Portico notice", organization=None)
    theirs = keep("Other invitation", organization=other_org)

    page = superuser_client.get(reverse("mailbox:list")).content.decode()

    assert "Acme invitation" in page
    assert "Portico notice" in page
    assert "Other invitation" not in page
    assert superuser_client.get(reverse("mailbox:detail", args=[theirs.pk])).status_code == 404


def test_staff_without_an_organization_see_an_empty_mailbox(keep, client, mailbox_on):
    keep("Acme invitation")
    keep("Portico notice", organization=None)
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("mailbox:list"))

    assert response.status_code == 200
    assert "The mailbox is empty." in response.content.decode()


def test_clearing_deletes_only_the_messages_the_staff_member_sees(keep, other_org, staff_client, mailbox_on):
    keep("Acme invitation")
    keep("Other invitation", organization=other_org)
    keep("Portico notice", organization=None)

    confirmation = staff_client.get(reverse("mailbox:clear"))
    response = staff_client.post(reverse("mailbox:clear"), follow=True)

    assert "Delete the 1 message in the mailbox?" in confirmation.content.decode()
    assert "Deleted 1 message." in response.content.decode()
    remaining = set(MailboxMessage.objects.values_list("subject", flat=True))
    assert remaining == {"Other invitation", "Portico notice"}


def test_a_superuser_clears_their_organizations_and_unowned_messages_only(
    keep, other_org, superuser_client, mailbox_on
):
    keep("Acme invitation")
    keep("Other invitation", organization=other_org)
    keep("Portico notice", organization=None)

    response = superuser_client.post(reverse("mailbox:clear"), follow=True)

    assert "Deleted 2 messages." in response.content.decode()
    assert list(MailboxMessage.objects.values_list("subject", flat=True)) == ["Other invitation"]


def test_deleting_an_organization_deletes_its_mailbox_messages(keep, org, other_org):
    keep("Acme invitation")
    keep("Other invitation", organization=other_org)

    other_org.delete()

    assert list(MailboxMessage.objects.values_list("subject", flat=True)) == ["Acme invitation"]
