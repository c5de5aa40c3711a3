"""Logging in to the back office: throttled, audited, and the same answer whether an account exists or not."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from portico.activity.models import AuditEvent
from portico.testing import TEST_PASSWORD, MembershipFactory, UserFactory

LOCKED = "Too many failed attempts. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PORTICO_LOGIN_ACCOUNT_FAILURES = 5
    settings.PORTICO_LOGIN_ADDRESS_FAILURES = 20
    settings.PORTICO_LOGIN_FAILURE_WINDOW = 15 * 60
    settings.PORTICO_LOGIN_LOCKOUT = 15 * 60
    settings.PORTICO_TRUSTED_PROXIES = 0


def login(client, email, password=TEST_PASSWORD, *, address="203.0.113.7", **headers):
    return client.post(
        reverse("office:login"),
        {"username": email, "password": password, "next": "/office/"},
        REMOTE_ADDR=address,
        **headers,
    )


def answer(response) -> tuple[int, list[str]]:
    """What a visitor sees: the status and the error notes on the page."""
    html = response.content.decode()
    notes = re.findall(r'<p class="errornote">\s*(.*?)\s*</p>', html, re.S)
    return response.status_code, notes


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_unknown_email_wrong_password_inactive_user_and_outsider_all_get_the_same_answer(db, staff):
    inactive = MembershipFactory(organization=staff.memberships.get().organization).user
    inactive.is_active = False
    inactive.save()
    UserFactory(email="outsider@example.test")  # an account, but no staff member anywhere
    attempts = [
        ("nobody@example.test", TEST_PASSWORD),
        ("staff@acme.test", "wrong password"),
        (inactive.email, TEST_PASSWORD),
        ("outsider@example.test", TEST_PASSWORD),
    ]

    answers = []
    for email, password in attempts:
        client = Client()
        answers.append(answer(login(client, email, password, address="198.51.100.1")))
        assert not logged_in(client)

    status, notes = answers[0]
    assert status == 200
    assert notes == [
        "Please enter the correct email address and password for a staff account. "
        "Note that both fields may be case-sensitive."
    ]
    assert all(other == answers[0] for other in answers)


def test_the_sixth_attempt_at_an_account_is_refused_even_with_the_right_password(client, staff):
    for _ in range(5):
        login(client, "staff@acme.test", "wrong password")

    response = login(client, "staff@acme.test")

    assert answer(response) == (200, [LOCKED])
    assert not logged_in(client)


def test_the_lockout_looks_the_same_for_a_known_and_an_unknown_email(client, staff):
    for _ in range(5):
        login(client, "staff@acme.test", "wrong password")
        login(client, "nobody@acme.test", "wrong password")

    known = answer(login(client, "staff@acme.test", "wrong password"))
    unknown = answer(login(client, "nobody@acme.test", "wrong password"))

    assert known == unknown == (200, [LOCKED])


def test_twenty_failures_from_one_address_lock_it_for_every_account_but_not_other_addresses(client, staff):
    for n in range(20):
        login(client, f"guess{n}@acme.test", "wrong password")

    assert answer(login(client, "staff@acme.test")) == (200, [LOCKED])
    assert not logged_in(client)
    assert login(client, "staff@acme.test", address="198.51.100.1").status_code == 302
    assert logged_in(client)


def test_a_made_up_x_forwarded_for_does_not_get_past_the_address_lock(client, staff):
    for n in range(20):
        login(client, f"guess{n}@acme.test", "wrong password", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    response = login(client, "staff@acme.test", HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert answer(response) == (200, [LOCKED])


def test_a_successful_login_clears_the_accounts_failures(db, staff):
    for _ in range(4):
        login(Client(), "staff@acme.test", "wrong password")
    assert login(Client(), "staff@acme.test").status_code == 302

    for _ in range(4):
        login(Client(), "staff@acme.test", "wrong password", address="198.51.100.1")
    client = Client()
    response = login(client, "staff@acme.test", address="198.51.100.1")

    assert response.status_code == 302
    assert logged_in(client)


def test_a_failed_login_is_audited_in_the_staff_members_organization_only(client, org, staff, other_staff):
    login(client, "STAFF@acme.test", "wrong password")

    event = AuditEvent.objects.get()
    assert event.organization == org
    assert event.action == "office.login_failed"
    assert event.data == {"email": "staff@acme.test", "reason": "bad_credentials"}
    assert event.ip_address == "203.0.113.7"


def test_a_password_typed_into_the_email_field_is_not_kept_in_the_audit_trail(client, org, staff):
    secret = "Tr0ub4dor&3-typed-in-the-wrong-field"
    staff.email = "Staff@Acme.test"  # as the account stores it
    staff.save()

    login(client, secret, secret)
    login(client, " staff@ACME.test", secret)

    [event] = AuditEvent.objects.all()
    assert event.data == {"email": "Staff@Acme.test", "reason": "bad_credentials"}
    assert secret not in str(event.data) + event.object_repr + event.actor_name


def test_a_person_on_the_staff_of_two_organizations_is_audited_in_both(client, org, other_org, staff):
    MembershipFactory(organization=other_org, user=staff)

    login(client, "staff@acme.test", "wrong password")

    assert sorted(e.organization.name for e in AuditEvent.objects.all()) == [
        "Acme Consulting",
        "Other Business",
    ]


def test_an_unknown_email_leaves_no_audit_event_and_gets_the_same_answer_as_a_wrong_password(db, staff):
    unknown = answer(login(Client(), "nobody@acme.test", "wrong password"))
    assert not AuditEvent.objects.exists()

    known = answer(login(Client(), "staff@acme.test", "wrong password"))

    assert unknown == known
    assert AuditEvent.objects.count() == 1


def test_a_member_without_back_office_access_is_audited_exactly_like_a_wrong_password(client, org):
    member = MembershipFactory(organization=org, user__email="former@acme.test", user__is_staff=False).user

    response = login(client, member.email)  # the right password
    login(client, member.email, "wrong password")

    assert response.status_code == 200
    assert not logged_in(client)
    right, wrong = AuditEvent.objects.order_by("id")
    assert right.data == wrong.data == {"email": "former@acme.test", "reason": "bad_credentials"}


def test_a_right_password_without_back_office_access_counts_towards_the_lockout(client, org):
    member = MembershipFactory(organization=org, user__email="former@acme.test", user__is_staff=False).user
    for _ in range(5):
        login(client, member.email)

    assert answer(login(client, member.email)) == (200, [LOCKED])
    assert [e.data["reason"] for e in AuditEvent.objects.order_by("id")] == ["bad_credentials"] * 5 + [
        "locked"
    ]


def test_attempts_during_a_lockout_are_audited_as_locked(client, staff):
    for _ in range(5):
        login(client, "staff@acme.test", "wrong password")

    login(client, "staff@acme.test")

    reasons = [e.data["reason"] for e in AuditEvent.objects.order_by("id")]
    assert reasons == ["bad_credentials"] * 5 + ["locked"]


def test_the_session_key_changes_when_a_visitor_logs_in(client, staff):
    before = client.session.session_key
    assert before

    assert login(client, "staff@acme.test").status_code == 302

    after = client.cookies["sessionid"].value
    assert after != before
    assert not SessionStore().exists(before)


def test_the_back_offices_change_password_locks_after_repeated_wrong_old_passwords(
    staff, staff_client, settings
):
    settings.PORTICO_LOGIN_ACCOUNT_FAILURES = 3
    change = reverse("office:password_change")
    new = {"new_password1": "silver kettle lamp 9", "new_password2": "silver kettle lamp 9"}
    for _ in range(3):
        response = staff_client.post(change, {"old_password": "wrong", **new})
        assert "Your old password was entered incorrectly" in response.content.decode()
    response = staff_client.post(change, {"old_password": TEST_PASSWORD, **new})
    assert "Too many failed attempts" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(TEST_PASSWORD)  # the right one, while locked, changed nothing
