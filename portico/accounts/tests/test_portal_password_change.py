"""Change Password in the portal: the old password is guarded like a login, so a session cannot be used to guess it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portico.accounts.throttle import login_failure_record, login_locked_for
from portico.activity.models import AuditEvent
from portico.testing import TEST_PASSWORD

NEW_PASSWORD = "quiet lantern meadow 42"
LOCKED = "Too many failed attempts. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PORTICO_LOGIN_ACCOUNT_FAILURES = 5
    settings.PORTICO_LOGIN_ADDRESS_FAILURES = 20
    settings.PORTICO_LOGIN_FAILURE_WINDOW = 15 * 60
    settings.PORTICO_LOGIN_LOCKOUT = 15 * 60
    settings.PORTICO_TRUSTED_PROXIES = 0


def change(client, org, old_password, *, address="203.0.113.7"):
    return client.post(
        reverse("portal:password-change", kwargs={"slug": org.portal_slug}),
        {"old_password": old_password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        REMOTE_ADDR=address,
    )


def test_five_wrong_old_passwords_lock_the_account_and_then_the_right_one_is_refused(
    org, access_a, portal_client
):
    for _ in range(5):
        assert change(portal_client, org, "wrong password").status_code == 200

    response = change(portal_client, org, TEST_PASSWORD)

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    access_a.user.refresh_from_db()
    assert access_a.user.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action="portal.password_changed").exists()
    # The same lock as failed logins: the portal's login refuses the account too.
    assert login_locked_for(email=access_a.user.email, ip="198.51.100.1") > 0


def test_an_account_locked_by_failed_logins_cannot_change_its_password(org, access_a, portal_client):
    for _ in range(5):
        login_failure_record(email=access_a.user.email.upper(), ip="198.51.100.1")

    response = change(portal_client, org, TEST_PASSWORD)

    assert LOCKED in response.content.decode()
    access_a.user.refresh_from_db()
    assert access_a.user.check_password(TEST_PASSWORD)


def test_wrong_old_passwords_count_against_the_address(settings, org, access_a, portal_client):
    settings.PORTICO_LOGIN_ACCOUNT_FAILURES = 100
    settings.PORTICO_LOGIN_ADDRESS_FAILURES = 3
    for _ in range(3):
        change(portal_client, org, "wrong password", address="203.0.113.9")

    assert login_locked_for(email="someone-else@example.test", ip="203.0.113.9") > 0
    assert login_locked_for(email="someone-else@example.test", ip="203.0.113.10") == 0


def test_four_wrong_old_passwords_still_let_the_right_one_change_it(org, access_a, portal_client):
    for _ in range(4):
        change(portal_client, org, "wrong password")

    response = change(portal_client, org, TEST_PASSWORD)

    assert response["Location"] == reverse("portal:home", kwargs={"slug": org.portal_slug})
    access_a.user.refresh_from_db()
    assert access_a.user.check_password(NEW_PASSWORD)
    assert login_locked_for(email=access_a.user.email, ip="203.0.113.7") == 0
