"""Forgot password in a portal: the request does the same for every address; a background task finds the account
and sends the link; an invited person who already has an account can reset and then finish signing up."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from portico.activity.models import AuditEvent
from portico.customers.models import PortalAccess
from portico.portal.services import portal_password_reset_task
from portico.testing import TEST_PASSWORD, ContactPersonFactory, make_portal_access

NEW_PASSWORD = "amber quartz violin 7"
LINK = re.compile(r"https?://[^\s\"<>]+")


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PORTICO_PASSWORD_RESET_EMAIL_REQUESTS = 5
    settings.PORTICO_PASSWORD_RESET_ADDRESS_REQUESTS = 20
    settings.PORTICO_PASSWORD_RESET_WINDOW = 60 * 60
    settings.PORTICO_TRUSTED_PROXIES = 0


@pytest.fixture
def queued(settings):
    """Tasks are kept, not run: what the request itself enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend.results
    default_task_backend.clear()


def reset_url(org) -> str:
    return reverse("portal:password-reset", kwargs={"slug": org.portal_slug})


def ask(client, org, email, *, address="203.0.113.7", capture=None):
    """Post the Forgot password form; with ``capture``, run what was queued for the commit."""
    if capture is None:
        return client.post(reset_url(org), {"email": email}, REMOTE_ADDR=address)
    with capture(execute=True):
        return client.post(reset_url(org), {"email": email}, REMOTE_ADDR=address)


def link_in(message) -> str:
    (link,) = [link for link in LINK.findall(message.body) if "/password/reset/" in link]
    return link


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def set_new_password(client, link: str, password: str = NEW_PASSWORD):
    form_page = client.get(path_of(link))
    assert form_page.status_code == 302  # the token leaves the address bar
    return client.post(form_page["Location"], {"new_password1": password, "new_password2": password})


def test_every_address_gets_the_same_answer_and_queues_one_task_and_nothing_else(
    org, access_a, staff, queued, django_capture_on_commit_callbacks
):
    emails = [access_a.user.email, "nobody@nowhere.test", staff.email]

    responses = [ask(Client(), org, email, capture=django_capture_on_commit_callbacks) for email in emails]

    assert {(r.status_code, r["Location"]) for r in responses} == {
        (302, reverse("portal:password-reset-sent", kwargs={"slug": org.portal_slug}))
    }
    assert [(r.task.name, r.args, r.kwargs) for r in queued] == [
        (portal_password_reset_task.name, [], {"email": email, "organization_id": org.pk}) for email in emails
    ]
    assert mail.outbox == []
    # No audit row per request: anyone may ask any number of times.
    assert not AuditEvent.objects.filter(action__startswith="portal.password").exists()


def test_the_request_runs_the_same_queries_for_a_portal_user_and_an_unknown_address(
    org, access_a, queued, django_capture_on_commit_callbacks
):
    runs = []
    for email, address in ((access_a.user.email, "203.0.113.7"), ("nobody@nowhere.test", "198.51.100.1")):
        with CaptureQueriesContext(connection) as queries:
            ask(Client(), org, email, address=address, capture=django_capture_on_commit_callbacks)
        runs.append([query["sql"] for query in queries.captured_queries])

    assert len(runs[0]) == len(runs[1])
    tables = [re.findall(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql) for sql in runs[0]]
    assert tables == [re.findall(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql) for sql in runs[1]]
    assert not any("accounts_user" in sql for sql in runs[0])  # the account is looked up by the worker


def test_the_worker_sends_a_portal_user_the_link_and_it_lets_them_choose_a_new_password(
    org, access_a, django_capture_on_commit_callbacks, settings
):
    ask(Client(), org, access_a.user.email.upper(), capture=django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.to == [access_a.user.email]
    assert org.name in message.subject
    link = link_in(message)
    assert link.startswith(settings.PORTICO_BASE_URL + "/portal/acme/password/reset/")
    assert f"This link works for {settings.PASSWORD_RESET_TIMEOUT // 3600} hours" in message.body
    client = Client()
    response = set_new_password(client, link)
    assert response["Location"] == reverse("portal:home", kwargs={"slug": org.portal_slug})
    access_a.user.refresh_from_db()
    assert access_a.user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="portal.password_reset")
    assert (event.organization, event.actor_user, event.object_id) == (org, access_a.user, access_a.pk)


def test_unknown_addresses_staff_other_businesses_and_disabled_contacts_get_no_link(
    org, staff, other_org_access, disabled_access, django_capture_on_commit_callbacks
):
    for email in (
        "nobody@nowhere.test",
        staff.email,
        other_org_access.user.email,
        disabled_access.user.email,
    ):
        response = ask(Client(), org, email, capture=django_capture_on_commit_callbacks)
        assert response.status_code == 302

    assert mail.outbox == []


def test_over_the_limit_for_an_email_the_answer_is_the_same_and_nothing_is_sent(
    org, access_a, django_capture_on_commit_callbacks
):
    responses = [
        ask(
            Client(),
            org,
            access_a.user.email,
            address=f"203.0.113.{n}",
            capture=django_capture_on_commit_callbacks,
        )
        for n in range(6)
    ]

    assert len({(r.status_code, r["Location"]) for r in responses}) == 1
    assert len(mail.outbox) == 5


def test_over_the_limit_for_an_address_nothing_is_queued(org, queued, django_capture_on_commit_callbacks):
    for n in range(21):
        response = ask(Client(), org, f"guess{n}@nowhere.test", capture=django_capture_on_commit_callbacks)
        assert response.status_code == 302

    assert len(queued) == 20
    ask(
        Client(),
        org,
        "guess99@nowhere.test",
        address="198.51.100.1",
        capture=django_capture_on_commit_callbacks,
    )
    assert len(queued) == 21


def test_an_invalid_address_shows_the_form_again_and_queues_nothing(org, queued):
    response = ask(Client(), org, "not an address")

    assert response.status_code == 200
    assert queued == []


@pytest.fixture
def invited_with_an_account(customer_a, other_org_access):
    """Olga, who has a Portico account from another business, invited by this one as a contact of customer A."""
    contact = ContactPersonFactory(customer=customer_a, email=other_org_access.user.email)
    access, raw_token = make_portal_access(contact, accept=False)
    return access, raw_token


def test_an_invited_person_with_an_account_resets_the_password_and_finishes_signing_up(
    org, other_org_access, invited_with_an_account, django_capture_on_commit_callbacks
):
    access, raw_token = invited_with_an_account
    user = other_org_access.user
    client = Client()
    signup = client.get(
        reverse("portal:accept", kwargs={"slug": org.portal_slug, "token": raw_token}), follow=True
    )
    assert "Forgot password?" in signup.content.decode()
    mail.outbox.clear()  # the invitation

    ask(client, org, user.email, capture=django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    response = set_new_password(client, link_in(message))

    signup_url = reverse("portal:signup", kwargs={"slug": org.portal_slug})
    assert response["Location"] == signup_url
    page = client.get(signup_url)
    assert "Enter it below to accept the invitation" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(signup_url, {"username": user.email, "password": NEW_PASSWORD})
    assert response["Location"] == reverse("portal:home", kwargs={"slug": org.portal_slug})
    access.refresh_from_db()
    assert (access.status, access.user) == (PortalAccess.Status.ACTIVE, user)
    event = AuditEvent.objects.get(action="portal.password_reset")
    assert (event.organization, event.actor_user, event.object_id) == (org, user, access.pk)


def test_an_invited_person_whose_invitation_expired_gets_no_link(
    org, invited_with_an_account, django_capture_on_commit_callbacks
):
    access, _raw_token = invited_with_an_account
    access.invitations.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    mail.outbox.clear()

    ask(Client(), org, access.contact.email, capture=django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_a_reset_link_for_an_account_without_access_here_does_not_work(org, other_org_access):
    user = other_org_access.user
    link = reverse(
        "portal:password-reset-confirm",
        kwargs={
            "slug": org.portal_slug,
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )

    response = Client().get(link, follow=True)

    assert "This link no longer works" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


@pytest.fixture
def empty_cache(transactional_db):
    """The cache table is no model, so a transactional test's flush leaves it alone: empty it around the test."""
    cache.clear()
    yield
    cache.clear()


def test_with_the_database_backend_the_request_only_queues_and_the_worker_sends_the_link(
    empty_cache, org, access_a, mailoutbox, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    mailoutbox.clear()  # the invitation and its acceptance, sent while the fixtures ran

    response = ask(Client(), org, access_a.user.email)

    assert response.status_code == 302
    assert mailoutbox == []
    (queued,) = DBTaskResult.objects.all()
    assert queued.args_kwargs == {
        "args": [],
        "kwargs": {"email": access_a.user.email, "organization_id": org.pk},
    }

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [message.to for message in mailoutbox] == [[access_a.user.email]]
    assert "/password/reset/" in mailoutbox[0].body


def test_an_invited_person_who_resets_on_another_device_is_told_how_to_finish(
    org, other_org_access, invited_with_an_account, django_capture_on_commit_callbacks
):
    access, _raw_token = invited_with_an_account
    user = other_org_access.user
    mail.outbox.clear()
    phone = Client()  # never opened the invitation
    ask(phone, org, user.email, capture=django_capture_on_commit_callbacks)
    (message,) = mail.outbox

    response = set_new_password(phone, link_in(message))

    login = reverse("portal:login", kwargs={"slug": org.portal_slug})
    assert response["Location"] == login
    page = phone.get(login).content.decode()
    assert "open the invitation email from" in page
    assert "no access" not in page  # the reset did not leave them logged in to a portal they can't enter
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    access.refresh_from_db()
    assert access.status == PortalAccess.Status.INVITED  # accepting is still their own click


def test_a_reset_email_for_an_account_other_businesses_know_is_kept_from_this_businesss_mailbox(
    org, other_org, other_org_access, invited_with_an_account, settings, django_capture_on_commit_callbacks
):
    from portico.emails.models import MailboxMessage

    settings.EMAIL_BACKEND = "portico.emails.backends.MailboxBackend"
    ask(Client(), org, other_org_access.user.email, capture=django_capture_on_commit_callbacks)
    message = MailboxMessage.objects.get(subject__startswith="Reset your password")
    assert message.organization is None  # superusers only: this link also opens the other business's portal


def test_a_reset_email_for_an_account_only_this_business_knows_is_filed_under_it(
    org, access_a, settings, django_capture_on_commit_callbacks
):
    from portico.emails.models import MailboxMessage

    settings.EMAIL_BACKEND = "portico.emails.backends.MailboxBackend"
    ask(Client(), org, access_a.user.email, capture=django_capture_on_commit_callbacks)
    assert MailboxMessage.objects.get(subject__startswith="Reset your password").organization == org
