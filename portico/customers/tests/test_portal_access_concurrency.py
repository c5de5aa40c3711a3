"""Parallel portal access changes on PostgreSQL: accept against disable and reinvite, and simultaneous requests.

Each thread has its own database connection, as parallel requests do. The services lock the access before its
invitations, whichever of them runs, so a race ends with one of them waiting for the other, never in a deadlock.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from portico.accounts.models import User
from portico.activity.models import AuditEvent, Notification
from portico.customers.models import PortalAccess, PortalInvitation
from portico.customers.portal_access import (
    InvitationInvalid,
    portal_access_disable,
    portal_access_invite,
    portal_access_reinvite,
    portal_invitation_accept,
    portal_invitation_request,
)
from portico.testing import SETUP, TEST_PASSWORD, ContactPersonFactory, UserFactory, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks (SELECT … FOR UPDATE) exist on PostgreSQL only"
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 30


def invited(customer, n: int) -> tuple[PortalAccess, str]:
    contact = ContactPersonFactory(customer=customer, email=f"racer{n}@customer-a.test")
    return portal_access_invite(actor=SETUP, contact=contact)


def test_accept_racing_disable_never_deadlocks_and_disable_always_wins_in_the_end(customer_a):
    for n in range(ROUNDS):
        access, raw_token = invited(customer_a, n)

        accepted, disabled = run_together(
            lambda: portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD),  # noqa: B023
            lambda: portal_access_disable(actor=SETUP, access=access),  # noqa: B023
        )

        assert disabled[0] == "ok", repr(disabled[1])
        access.refresh_from_db()
        invitation = access.invitations.get()
        assert access.status == PortalAccess.Status.DISABLED
        if accepted[0] == "ok":  # accepted first, then disabled: the account stays, the link is spent
            assert (invitation.used_at is not None, invitation.voided_at) == (True, None)
            assert access.user == User.objects.get(email=access.contact.email)
        else:  # disabled first: the link was voided before anyone used it
            assert isinstance(accepted[1], InvitationInvalid), repr(accepted[1])
            assert accepted[1].reason == "void"
            assert (invitation.used_at, invitation.voided_at is not None, access.user) == (None, True, None)
            assert not User.objects.filter(email=access.contact.email).exists()
        accepted_events = AuditEvent.objects.filter(action="portal_access.accepted", object_id=access.pk)
        assert accepted_events.count() == (1 if accepted[0] == "ok" else 0)


def test_accept_racing_reinvite_never_deadlocks_and_leaves_one_usable_state(customer_a):
    for n in range(ROUNDS):
        access, raw_token = invited(customer_a, n)

        accepted, reinvited = run_together(
            lambda: portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD),  # noqa: B023
            lambda: portal_access_reinvite(actor=SETUP, access=access),  # noqa: B023
        )

        access.refresh_from_db()
        invitations = list(access.invitations.order_by("pk"))
        if accepted[0] == "ok":  # accepted first: an active access cannot be reinvited
            assert reinvited[0] == "error" and isinstance(reinvited[1], ValidationError), repr(reinvited[1])
            assert not isinstance(reinvited[1], InvitationInvalid)
            assert reinvited[1].messages == [f"{access.contact.full_name} already has portal access."]
            assert access.status == PortalAccess.Status.ACTIVE
            [only] = invitations
            assert (only.used_at is not None, only.voided_at) == (True, None)
        else:  # reinvited first: the old link is void, the new one open
            assert isinstance(accepted[1], InvitationInvalid), repr(accepted[1])
            assert accepted[1].reason == "void"
            assert reinvited[0] == "ok", repr(reinvited[1])
            assert (access.status, access.user) == (PortalAccess.Status.INVITED, None)
            old, new = invitations
            assert (old.used_at, old.voided_at is not None) == (None, True)
            assert (new.used_at, new.voided_at) == (None, None)


def test_an_accept_waits_for_a_disable_that_holds_the_access_and_then_finds_the_link_void(customer_a):
    """The order that deadlocked: accept locked the invitation and waited for the access, which disable held
    while it went on to void the invitation."""
    access, raw_token = invited(customer_a, 0)
    holding, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def disable_slowly() -> None:
        try:
            with transaction.atomic():
                PortalAccess.objects.select_for_update().get(pk=access.pk)
                holding.set()
                release.wait(timeout=30)
                portal_access_disable(actor=SETUP, access=access)
            outcome["disable"] = "ok"
        except Exception as exc:
            outcome["disable"] = exc
        finally:
            connection.close()

    def accept() -> None:
        try:
            portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)
            outcome["accept"] = "ok"
        except Exception as exc:
            outcome["accept"] = exc
        finally:
            connection.close()

    disabling = threading.Thread(target=disable_slowly)
    disabling.start()
    assert holding.wait(timeout=30)
    accepting = threading.Thread(target=accept)
    accepting.start()
    accepting.join(timeout=1)
    assert accepting.is_alive(), "the accept should wait for the access's lock"
    release.set()
    disabling.join(timeout=30)
    accepting.join(timeout=30)

    assert outcome["disable"] == "ok", repr(outcome["disable"])
    assert isinstance(outcome["accept"], InvitationInvalid), repr(outcome["accept"])
    assert outcome["accept"].reason == "void"
    access.refresh_from_db()
    assert (access.status, access.user) == (PortalAccess.Status.DISABLED, None)
    assert access.invitations.get().used_at is None


def test_an_account_committed_for_the_address_during_the_accept_asks_to_log_in(contact_a, customer_b):
    """A second invitation for the same new address is accepted at the same time: the later insert waits on the
    unique email, then fails; the contact is asked to log in instead of seeing a server error."""
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    holding, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def other_accept() -> None:
        try:
            with transaction.atomic():
                UserFactory(email=contact_a.email)
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def accept() -> None:
        try:
            portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)
            outcome["accept"] = "ok"
        except Exception as exc:
            outcome["accept"] = exc
        finally:
            connection.close()

    other = threading.Thread(target=other_accept)
    other.start()
    assert holding.wait(timeout=30)
    accepting = threading.Thread(target=accept)
    accepting.start()
    accepting.join(timeout=1)
    assert accepting.is_alive(), "the accept should wait on the uncommitted account's unique email"
    release.set()
    other.join(timeout=30)
    accepting.join(timeout=30)

    error = outcome["accept"]
    assert isinstance(error, ValidationError) and not isinstance(error, InvitationInvalid), repr(error)
    assert error.code == "login_required"
    access.refresh_from_db()
    assert (access.status, access.user) == (PortalAccess.Status.INVITED, None)
    assert access.invitations.get().used_at is None
    assert User.objects.filter(email=contact_a.email).count() == 1
    assert not AuditEvent.objects.filter(action="portal_access.accepted").exists()


def test_simultaneous_requests_for_a_new_invitation_notify_the_business_once(org, contact_a, mailoutbox):
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    PortalInvitation.objects.filter(access=access).update(used_at=access.invited_at)

    outcomes = run_together(
        *[lambda: portal_invitation_request(raw_token=raw_token, organization=org) for _ in range(6)]
    )

    assert outcomes == [("ok", True)] * 6
    assert Notification.objects.filter(kind=Notification.Kind.INVITATION_REQUESTED).count() == 1
    assert AuditEvent.objects.filter(action="portal_access.invitation_requested").count() == 1
