"""From an expired or used link, a contact asks the business for a new invitation: once an hour at most."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portico.activity.models import AuditEvent, Notification
from portico.actors import Actor
from portico.customers.models import PortalInvitation
from portico.customers.portal_access import (
    portal_access_disable,
    portal_access_invite,
    portal_invitation_request,
)
from portico.customers.services import contact_person_delete
from portico.testing import (
    SETUP,
    ContactPersonFactory,
    CustomerFactory,
    audit_actions,
    db_state,
    make_portal_access,
)


@pytest.fixture
def expired(contact_a):
    """Customer A's contact with an expired invitation: the access and the raw token of its link."""
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    PortalInvitation.objects.filter(access=access).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    return access, raw_token


def test_a_contact_with_an_expired_link_asks_for_a_new_invitation(
    org, contact_a, expired, mailoutbox, django_capture_on_commit_callbacks
):
    access, raw_token = expired

    with django_capture_on_commit_callbacks(execute=True):
        assert portal_invitation_request(raw_token=raw_token, organization=org) is True

    notification = Notification.objects.get(kind=Notification.Kind.INVITATION_REQUESTED)
    assert (notification.organization, notification.customer, notification.target) == (
        org,
        contact_a.customer,
        access,
    )
    assert notification.message == f"{contact_a.full_name} of Customer A asked for a new portal invitation."
    event = AuditEvent.objects.get(action="portal_access.invitation_requested")
    assert audit_actions(access) == ["portal_access.invited", "portal_access.invitation_requested"]
    assert (event.organization, event.data) == (org, {"contact": contact_a.pk})
    assert (event.actor_contact, event.actor_user, event.customer) == (contact_a, None, contact_a.customer)
    [message] = mailoutbox
    assert message.to == [org.email]
    assert message.subject == f"{contact_a.full_name} asked for a new portal invitation"
    office_url = "http://127.0.0.1:8000" + reverse(
        "office:customers_customer_change", args=[contact_a.customer.pk]
    )
    assert office_url in message.body


def test_asking_twice_within_the_hour_notifies_the_business_once(
    org, expired, mailoutbox, django_capture_on_commit_callbacks
):
    _access, raw_token = expired
    with django_capture_on_commit_callbacks(execute=True):
        assert portal_invitation_request(raw_token=raw_token, organization=org) is True
    before = db_state()

    with django_capture_on_commit_callbacks(execute=True):
        assert portal_invitation_request(raw_token=raw_token, organization=org) is True

    assert db_state() == before
    assert len(mailoutbox) == 1
    assert Notification.objects.filter(kind=Notification.Kind.INVITATION_REQUESTED).count() == 1


def test_an_hour_later_the_contact_may_ask_again(
    org, expired, mailoutbox, django_capture_on_commit_callbacks
):
    _access, raw_token = expired
    with django_capture_on_commit_callbacks(execute=True):
        portal_invitation_request(raw_token=raw_token, organization=org)
    AuditEvent.objects.filter(action="portal_access.invitation_requested").update(
        created_at=timezone.now() - datetime.timedelta(minutes=61)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert portal_invitation_request(raw_token=raw_token, organization=org) is True

    assert AuditEvent.objects.filter(action="portal_access.invitation_requested").count() == 2
    assert Notification.objects.filter(kind=Notification.Kind.INVITATION_REQUESTED).count() == 2
    assert len(mailoutbox) == 2


def test_a_disabled_contact_cannot_ask_and_nothing_is_written(
    org, contact_a, staff, mailoutbox, django_capture_on_commit_callbacks
):
    access, raw_token = make_portal_access(contact_a)
    portal_access_disable(
        actor=Actor.staff(staff),
        access=access,
    )
    before = db_state()

    with django_capture_on_commit_callbacks(execute=True):
        assert portal_invitation_request(raw_token=raw_token, organization=org) is False

    assert db_state() == before
    assert mailoutbox == []


def test_a_deleted_contacts_link_cannot_ask(
    org, contact_a, expired, mailoutbox, django_capture_on_commit_callbacks
):
    _access, raw_token = expired
    contact_person_delete(actor=SETUP, contact=contact_a)
    before = db_state()

    with django_capture_on_commit_callbacks(execute=True):
        assert portal_invitation_request(raw_token=raw_token, organization=org) is False

    assert db_state() == before
    assert mailoutbox == []


@pytest.mark.parametrize("raw_token", ["", "not-a-token"])
def test_an_unknown_token_cannot_ask(org, expired, raw_token, mailoutbox, django_capture_on_commit_callbacks):
    before = db_state()
    with django_capture_on_commit_callbacks(execute=True):
        assert portal_invitation_request(raw_token=raw_token, organization=org) is False
    assert db_state() == before
    assert mailoutbox == []


def test_a_link_of_another_organization_cannot_ask_this_one(
    org, other_org, mailoutbox, django_capture_on_commit_callbacks
):
    other_contact = ContactPersonFactory(customer=CustomerFactory(organization=other_org))
    _access, raw_token = portal_access_invite(actor=SETUP, contact=other_contact)
    before = db_state()

    with django_capture_on_commit_callbacks(execute=True):
        assert portal_invitation_request(raw_token=raw_token, organization=org) is False

    assert db_state() == before
    assert mailoutbox == []


def test_the_portal_shows_the_invalid_link_page_when_a_disabled_contact_asks(
    org, expired, staff, mailoutbox, django_capture_on_commit_callbacks
):
    access, raw_token = expired
    client = Client()
    client.get(reverse("portal:accept", kwargs={"slug": org.portal_slug, "token": raw_token}))
    portal_access_disable(
        actor=Actor.staff(staff),
        access=access,
    )
    before = db_state()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:invitation-request", kwargs={"slug": org.portal_slug}))

    assert response.status_code == 410
    assert "This invitation link is no longer valid." in response.content.decode()
    assert db_state() == before
    assert mailoutbox == []


def test_a_link_to_the_contacts_old_address_cannot_ask_in_their_name(org, customer_a, contact_a):
    from portico.customers.portal_access import portal_access_invite, portal_invitation_can_be_requested
    from portico.customers.services import contact_person_save

    _access, old_token = portal_access_invite(actor=SETUP, contact=contact_a)
    contact_a.email = "alice.new@customer-a.test"
    contact_person_save(actor=SETUP, contact=contact_a)
    portal_access_invite(actor=SETUP, contact=contact_a)  # staff invite the new address

    assert not portal_invitation_can_be_requested(raw_token=old_token, organization=org)
    assert portal_invitation_request(raw_token=old_token, organization=org) is False
    assert not Notification.objects.filter(kind=Notification.Kind.INVITATION_REQUESTED).exists()
