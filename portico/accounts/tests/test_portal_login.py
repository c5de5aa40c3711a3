"""Logging in to a portal: throttled like the back office, audited in the portal's organization."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from portico.activity.models import AuditEvent
from portico.testing import TEST_PASSWORD

LOCKED = "Too many failed attempts. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PORTICO_LOGIN_ACCOUNT_FAILURES = 5
    settings.PORTICO_LOGIN_ADDRESS_FAILURES = 20
    settings.PORTICO_LOGIN_FAILURE_WINDOW = 15 * 60
    settings.PORTICO_LOGIN_LOCKOUT = 15 * 60


def login(client, org, email, password=TEST_PASSWORD, *, address="203.0.113.7"):
    return client.post(
        reverse("portal:login", kwargs={"slug": org.portal_slug}),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )


def answer(response) -> tuple[int, list[str]]:
    html = response.content.decode()
    block = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, re.S)
    return response.status_code, re.findall(r"<p>(.*?)</p>", block.group(1), re.S) if block else []


def test_unknown_email_wrong_password_and_a_contact_of_another_business_get_the_same_answer(
    org, access_a, other_org_access
):
    attempts = [
        ("nobody@customer-a.test", TEST_PASSWORD),
        (access_a.user.email, "wrong password"),
        (other_org_access.user.email, TEST_PASSWORD),
    ]

    answers = [answer(login(Client(), org, email, password)) for email, password in attempts]

    assert answers[0][0] == 200
    assert len(answers[0][1]) == 1
    assert all(other == answers[0] for other in answers)


def test_the_sixth_attempt_at_a_portal_account_is_refused_even_with_the_right_password(client, org, access_a):
    for _ in range(5):
        login(client, org, access_a.user.email, "wrong password")

    response = login(client, org, access_a.user.email)

    assert answer(response) == (200, [LOCKED])
    assert "_auth_user_id" not in client.session


def test_the_portal_lockout_looks_the_same_for_a_known_and_an_unknown_email(client, org, access_a):
    for _ in range(5):
        login(client, org, access_a.user.email, "wrong password")
        login(client, org, "nobody@customer-a.test", "wrong password")

    known = answer(login(client, org, access_a.user.email, "wrong password"))
    unknown = answer(login(client, org, "nobody@customer-a.test", "wrong password"))

    assert known == unknown == (200, [LOCKED])


def test_every_failed_portal_login_is_audited_in_the_portals_organization(client, org, other_org, access_a):
    login(client, org, access_a.user.email, "wrong password")
    login(client, org, "nobody@customer-a.test", "wrong password")

    events = list(AuditEvent.objects.filter(action="portal.login_failed").order_by("id"))
    assert [e.organization for e in events] == [org, org]
    assert [e.data for e in events] == [
        {"email": access_a.user.email, "reason": "bad_credentials"},
        {"reason": "bad_credentials"},  # not one of the organization's contacts: what was typed is not kept
    ]
    assert {e.ip_address for e in events} == {"203.0.113.7"}


def test_a_password_typed_into_the_email_field_is_not_kept_in_the_audit_trail(
    client, org, contact_a, access_b
):
    secret = "Tr0ub4dor&3-typed-in-the-wrong-field"

    login(client, org, secret, secret)
    login(client, org, "ALICE@customer-a.test ", secret)  # a contact of the organization, written otherwise

    events = list(AuditEvent.objects.filter(action="portal.login_failed").order_by("id"))
    assert [e.data for e in events] == [
        {"reason": "bad_credentials"},
        {"email": contact_a.email, "reason": "bad_credentials"},
    ]
    assert all(secret not in str(e.data) + e.object_repr + e.actor_name for e in AuditEvent.objects.all())


def test_a_right_password_without_access_here_is_audited_exactly_like_a_wrong_one(
    client, org, other_org_access
):
    """The audit trail must not tell staff (or anyone reading it) that a guess was the right password."""
    email = other_org_access.user.email
    login(client, org, email)  # right password, but no access to this portal
    login(client, org, email, "wrong password")

    right, wrong = AuditEvent.objects.filter(action="portal.login_failed").order_by("id")
    assert right.organization == wrong.organization == org
    # Nor whether the email has an account with another business: it is not one of this one's contacts.
    assert right.data == wrong.data == {"reason": "bad_credentials"}


def test_a_right_password_without_access_here_counts_towards_the_lockout_like_a_wrong_one(
    client, org, other_org, other_org_access
):
    email = other_org_access.user.email
    for _ in range(5):
        assert answer(login(client, org, email))[0] == 200  # refused: no access to this portal

    assert answer(login(client, org, email)) == (200, [LOCKED])
    assert answer(login(Client(), other_org, email, address="198.51.100.1")) == (200, [LOCKED])
    assert "_auth_user_id" not in client.session


def test_an_email_spelled_with_a_dotless_i_does_not_reach_the_account(org, access_a):
    """PostgreSQL's case folding turns "ı" into "I"; the throttle would count such a spelling apart."""
    assert "i" in access_a.user.email
    respelled = access_a.user.email.replace("i", "ı", 1)
    response = Client().post(
        reverse("portal:login", kwargs={"slug": org.portal_slug}),
        {"username": respelled, "password": TEST_PASSWORD},
    )
    assert response.status_code == 200  # refused, not logged in
    assert "_auth_user_id" not in response.wsgi_request.session
