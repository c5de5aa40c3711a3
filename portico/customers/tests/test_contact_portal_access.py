"""A contact's portal access follows their email address: a link works only for the address it was sent to."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portico.accounts.models import User
from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.customers.models import ContactPerson, PortalAccess, PortalInvitation
from portico.customers.portal_access import (
    InvitationInvalid,
    portal_access_disable,
    portal_access_invite,
    portal_invitation_accept,
    portal_invitation_find,
)
from portico.customers.selectors import portal_accesses_for_user
from portico.customers.services import contact_person_create, contact_person_delete, contact_person_save
from portico.testing import SETUP, TEST_PASSWORD, audit_actions, db_state, make_portal_access


def state() -> dict:
    return {
        **db_state(),
        "users": User.objects.count(),
        "invitations": list(PortalInvitation.objects.order_by("pk").values()),
        "accesses": list(PortalAccess.objects.order_by("pk").values()),
        "contacts": list(ContactPerson.objects.order_by("pk").values()),
    }


def change_email(contact: ContactPerson, email: str, actor) -> ContactPerson:
    contact = ContactPerson.objects.get(pk=contact.pk)
    contact.email = email
    return contact_person_save(contact=contact, actor=Actor.staff(actor))


def test_an_invitation_remembers_the_address_it_was_sent_to(
    contact_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        access, _token = portal_access_invite(actor=SETUP, contact=contact_a)
    assert access.invitations.get().email == "alice@customer-a.test"
    assert mailoutbox[-1].to == ["alice@customer-a.test"]


def test_changing_an_invited_contacts_email_voids_the_link_and_disables_the_access(contact_a, staff):
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)

    change_email(contact_a, "alice.new@customer-a.test", actor=staff)

    access.refresh_from_db()
    assert (access.status, access.user) == (PortalAccess.Status.DISABLED, None)
    assert access.disabled_at is not None
    assert access.invitations.get().voided_at is not None
    before = state()
    with pytest.raises(InvitationInvalid) as refused:
        portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)
    assert refused.value.reason == "void"
    assert state() == before
    assert audit_actions(access) == ["portal_access.invited", "portal_access.disabled"]
    disabled = AuditEvent.objects.get(action="portal_access.disabled")
    assert (disabled.actor_user, disabled.customer, disabled.data) == (
        staff,
        contact_a.customer,
        {"contact": contact_a.pk, "voided_invitations": 1, "reason": "email_changed"},
    )
    updated = AuditEvent.objects.get(action="contact.updated")
    assert (updated.actor_user, updated.data) == (
        staff,
        {"old_email": "alice@customer-a.test", "email": "alice.new@customer-a.test"},
    )


def test_changing_an_active_contacts_email_ends_their_portal_access(contact_a, staff):
    access, _token = make_portal_access(contact_a)
    user = access.user

    change_email(contact_a, "alice.new@customer-a.test", actor=staff)

    access.refresh_from_db()
    assert (access.status, access.user) == (PortalAccess.Status.DISABLED, user)
    assert list(portal_accesses_for_user(user=user)) == []
    assert audit_actions(access) == [
        "portal_access.invited",
        "portal_access.accepted",
        "portal_access.disabled",
    ]
    assert AuditEvent.objects.get(action="portal_access.disabled").data["reason"] == "email_changed"


def test_after_an_email_change_staff_invite_the_new_address(
    contact_a, staff, mailoutbox, django_capture_on_commit_callbacks
):
    make_portal_access(contact_a)
    contact = change_email(contact_a, "alice.new@customer-a.test", actor=staff)

    with django_capture_on_commit_callbacks(execute=True):
        access, raw_token = portal_access_invite(
            actor=Actor.staff(staff),
            contact=contact,
        )

    assert mailoutbox[-1].to == ["alice.new@customer-a.test"]
    assert access.invitations.get(voided_at__isnull=True, used_at__isnull=True).email == contact.email
    access = portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)
    access.refresh_from_db()
    assert (access.status, access.user.email) == (PortalAccess.Status.ACTIVE, "alice.new@customer-a.test")


def test_saving_a_contact_without_changing_the_email_keeps_their_access(contact_a, staff):
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    contact = ContactPerson.objects.get(pk=contact_a.pk)
    contact.first_name = "Alicia"
    contact.email = "  ALICE@Customer-A.test "  # the same address, as typed
    contact_person_save(
        actor=Actor.staff(staff),
        contact=contact,
    )

    access.refresh_from_db()
    assert access.status == PortalAccess.Status.INVITED
    assert portal_invitation_find(raw_token=raw_token).access == access
    assert audit_actions(access) == ["portal_access.invited"]
    assert AuditEvent.objects.get(action="contact.updated").data == {}


def test_changing_the_email_of_a_contact_whose_access_is_disabled_records_only_the_change(contact_a, staff):
    access, _token = make_portal_access(contact_a)
    portal_access_disable(
        actor=Actor.staff(staff),
        access=access,
    )

    change_email(contact_a, "alice.new@customer-a.test", actor=staff)

    assert audit_actions(access) == [
        "portal_access.invited",
        "portal_access.accepted",
        "portal_access.disabled",
    ]
    assert AuditEvent.objects.get(action="contact.updated").data["email"] == "alice.new@customer-a.test"


def test_a_refused_email_change_writes_nothing_and_keeps_the_access(contact_a, customer_a, staff):
    contact_person_create(actor=SETUP, customer=customer_a, first_name="Ben", email="ben@customer-a.test")
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    before = state()

    with pytest.raises(ValidationError) as refused:
        change_email(contact_a, "BEN@customer-a.test", actor=staff)

    assert refused.value.message_dict == {
        "email": ["This customer already has a contact person with this email."]
    }
    assert state() == before
    assert portal_invitation_find(raw_token=raw_token).access == access


def test_a_link_is_invalid_once_the_contacts_email_differs_from_the_address_it_was_sent_to(contact_a):
    """Even when the email changed without the service (a data import, a fix in the shell)."""
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    ContactPerson.objects.filter(pk=contact_a.pk).update(email="ALICE@CUSTOMER-A.TEST")
    assert portal_invitation_find(raw_token=raw_token).access == access  # the case does not matter

    ContactPerson.objects.filter(pk=contact_a.pk).update(email="mallory@elsewhere.test")
    with pytest.raises(InvitationInvalid) as refused:
        portal_invitation_find(raw_token=raw_token)
    assert refused.value.reason == "email_changed"
    before = state()
    with pytest.raises(InvitationInvalid) as refused:
        portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)
    assert refused.value.reason == "email_changed"
    assert state() == before
    assert not User.objects.filter(email__iexact="mallory@elsewhere.test").exists()


def test_an_invitation_from_before_addresses_were_stored_no_longer_works(contact_a):
    """The migration leaves older invitations without an address: nobody can tell where they were sent."""
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    PortalInvitation.objects.filter(access=access).update(email="")
    before = state()
    with pytest.raises(InvitationInvalid) as refused:
        portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)
    assert refused.value.reason == "email_changed"
    assert state() == before


def test_deleting_a_contact_with_portal_access_records_that_the_access_ended(contact_a, customer_a, staff):
    access, _token = make_portal_access(contact_a)
    access_pk = access.pk

    contact_person_delete(
        actor=Actor.staff(staff),
        contact=contact_a,
    )

    assert not PortalAccess.objects.filter(pk=access_pk).exists()
    assert not PortalInvitation.objects.filter(access_id=access_pk).exists()
    assert audit_actions(access) == [
        "portal_access.invited",
        "portal_access.accepted",
        "portal_access.disabled",
    ]
    disabled = AuditEvent.objects.get(action="portal_access.disabled")
    assert (disabled.actor_user, disabled.customer, disabled.data["reason"]) == (
        staff,
        customer_a,
        "contact_deleted",
    )
    deleted = AuditEvent.objects.get(action="contact.deleted")
    assert deleted.pk > disabled.pk
    assert deleted.data == {"email": "alice@customer-a.test"}


def test_deleting_a_contact_whose_access_was_disabled_does_not_disable_it_twice(contact_a, staff):
    access, _token = make_portal_access(contact_a)
    portal_access_disable(
        actor=Actor.staff(staff),
        access=access,
    )

    contact_person_delete(
        actor=Actor.staff(staff),
        contact=contact_a,
    )

    assert AuditEvent.objects.filter(action="portal_access.disabled").count() == 1
    assert AuditEvent.objects.filter(action="contact.deleted").count() == 1
    assert PortalAccess.objects.count() == 0
