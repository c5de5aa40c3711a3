"""Portal access: invitations by single-use hashed tokens, acceptance, reinvitation and disabling."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portico.accounts.models import User
from portico.activity.models import AuditEvent, Notification
from portico.actors import Actor
from portico.customers.models import Customer, PortalAccess, PortalInvitation
from portico.customers.portal_access import (
    InvitationInvalid,
    portal_access_disable,
    portal_access_invite,
    portal_access_reinvite,
    portal_invitation_accept,
    portal_invitation_find,
)
from portico.customers.selectors import customer_portal_status, portal_accesses_for_user
from portico.testing import (
    SETUP,
    TEST_PASSWORD,
    ContactPersonFactory,
    UserFactory,
    audit_actions,
    db_state,
    make_portal_access,
)

INVALID_LINK = (
    "This invitation link is no longer valid. The business that invited you can send you a new one."
)


def state() -> dict:
    return {**db_state(), "users": User.objects.count()}


def test_invite_stores_only_the_hash_of_the_token(contact_a, staff):
    access, raw_token = portal_access_invite(
        actor=Actor.staff(staff),
        contact=contact_a,
    )
    access.refresh_from_db()
    assert (access.status, access.contact, access.customer, access.user) == (
        PortalAccess.Status.INVITED,
        contact_a,
        contact_a.customer,
        None,
    )
    invitation = access.invitations.get()
    assert invitation.token_hash == hashlib.sha256(raw_token.encode()).hexdigest()
    for row in (
        PortalInvitation.objects.values(),
        PortalAccess.objects.values(),
        AuditEvent.objects.values(),
    ):
        for values in row:
            assert raw_token not in repr(values)
    assert len(raw_token) >= 40


def test_an_invitation_expires_after_the_configured_days(contact_a, settings):
    settings.PORTAL_INVITATION_DAYS = 3
    access, _token = portal_access_invite(actor=SETUP, contact=contact_a)
    invitation = access.invitations.get()
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        datetime.timedelta(days=3), abs=datetime.timedelta(seconds=5)
    )


def test_invite_is_audited_with_the_actor(contact_a, staff):
    access, _token = portal_access_invite(
        actor=Actor.staff(staff),
        contact=contact_a,
    )
    assert audit_actions(access) == ["portal_access.invited"]
    event = AuditEvent.objects.get(action="portal_access.invited")
    assert (event.actor_user, event.customer, event.organization) == (
        staff,
        contact_a.customer,
        contact_a.organization,
    )


def test_a_contact_without_an_email_cannot_be_invited_and_nothing_is_written(customer_a):
    contact = ContactPersonFactory(customer=customer_a, first_name="Nora", last_name="Nomail", email="")
    before = state()
    with pytest.raises(ValidationError) as exc:
        portal_access_invite(actor=SETUP, contact=contact)
    assert exc.value.messages == ["Nora Nomail cannot be invited: add an email address first."]
    assert state() == before


def test_no_invitation_when_the_portal_is_turned_off(contact_a, org):
    org.portal_enabled = False
    org.save()
    before = state()
    with pytest.raises(ValidationError) as exc:
        portal_access_invite(actor=SETUP, contact=contact_a)
    assert exc.value.messages == [
        "The customer portal is turned off for this organization; turn it on in the portal preferences."
    ]
    assert state() == before


def test_a_contact_with_active_access_cannot_be_invited_again(contact_a):
    make_portal_access(contact_a)
    before = state()
    with pytest.raises(ValidationError) as exc:
        portal_access_invite(actor=SETUP, contact=contact_a)
    assert exc.value.messages == [f"{contact_a.full_name} already has portal access."]
    assert state() == before


def test_an_invitation_is_single_use(contact_a):
    _access, raw_token = make_portal_access(contact_a)
    with pytest.raises(InvitationInvalid) as exc:
        portal_invitation_find(raw_token=raw_token)
    assert exc.value.reason == "used"
    before = state()
    with pytest.raises(InvitationInvalid) as exc:
        portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)
    assert (exc.value.reason, exc.value.messages) == ("used", [INVALID_LINK])
    assert state() == before


def test_an_expired_invitation_cannot_be_accepted(contact_a):
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    access.invitations.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    before = state()
    with pytest.raises(InvitationInvalid) as exc:
        portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)
    assert (exc.value.reason, exc.value.messages) == ("expired", [INVALID_LINK])
    assert state() == before
    access.refresh_from_db()
    assert access.status == PortalAccess.Status.INVITED


def test_reinvite_voids_the_old_link_and_the_new_one_works(contact_a, staff):
    access, old_token = portal_access_invite(actor=SETUP, contact=contact_a)
    access, new_token = portal_access_reinvite(
        actor=Actor.staff(staff),
        access=access,
    )
    assert new_token != old_token
    with pytest.raises(InvitationInvalid) as exc:
        portal_invitation_find(raw_token=old_token)
    assert exc.value.reason == "void"
    assert portal_invitation_find(raw_token=new_token).access == access
    assert access.invitations.filter(voided_at__isnull=True).count() == 1
    assert audit_actions(access) == ["portal_access.invited", "portal_access.reinvited"]


def test_disable_voids_open_links_and_sets_the_status(contact_a, staff):
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    portal_access_disable(
        actor=Actor.staff(staff),
        access=access,
    )
    access.refresh_from_db()
    assert access.status == PortalAccess.Status.DISABLED
    assert access.disabled_at is not None
    assert access.invitations.get().voided_at is not None
    with pytest.raises(InvitationInvalid) as exc:
        portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)
    assert exc.value.reason == "void"
    event = AuditEvent.objects.get(action="portal_access.disabled")
    assert (event.actor_user, event.customer) == (staff, contact_a.customer)


def test_disabling_an_active_access_keeps_the_account(contact_a):
    access, _token = make_portal_access(contact_a)
    portal_access_disable(actor=SETUP, access=access)
    access.refresh_from_db()
    assert access.status == PortalAccess.Status.DISABLED
    assert access.user.email == contact_a.email
    assert list(portal_accesses_for_user(user=access.user)) == []


def test_reinviting_a_disabled_contact_invites_them_again(contact_a):
    access, _token = make_portal_access(contact_a)
    portal_access_disable(actor=SETUP, access=access)
    access, raw_token = portal_access_reinvite(actor=SETUP, access=access)
    access.refresh_from_db()
    assert (access.status, access.disabled_at) == (PortalAccess.Status.INVITED, None)
    user = access.user
    accepted = portal_invitation_accept(raw_token=raw_token, user=user)
    assert (accepted.status, accepted.user) == (PortalAccess.Status.ACTIVE, user)


@pytest.mark.parametrize("reason", ["unknown", "used", "void", "expired"])
def test_every_invalid_link_gives_the_same_message(contact_a, reason):
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    if reason == "unknown":
        raw_token = "not-a-token"
    elif reason == "used":
        access.invitations.update(used_at=timezone.now())
    elif reason == "void":
        access.invitations.update(voided_at=timezone.now())
    else:
        access.invitations.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(InvitationInvalid) as exc:
        portal_invitation_find(raw_token=raw_token)
    assert (exc.value.reason, exc.value.messages) == (reason, [INVALID_LINK])
    assert isinstance(exc.value, ValidationError)


def test_accepting_creates_the_account_and_activates_the_access(contact_a, org):
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    assert portal_invitation_find(raw_token=raw_token).access == access
    access = portal_invitation_accept(raw_token=raw_token, password="a long and unusual passphrase")
    access.refresh_from_db()
    user = User.objects.get(email__iexact=contact_a.email)
    assert (access.status, access.user, user.full_name) == (
        PortalAccess.Status.ACTIVE,
        user,
        contact_a.full_name,
    )
    assert access.activated_at is not None
    assert user.check_password("a long and unusual passphrase")
    assert not user.is_staff
    assert access.invitations.get().used_at is not None


def test_accepting_notifies_the_organization_and_is_audited(contact_a, org):
    access, _token = make_portal_access(contact_a)
    notification = Notification.objects.get(organization=org)
    assert notification.kind == Notification.Kind.PORTAL_ACCEPTED
    assert notification.customer == contact_a.customer
    assert contact_a.full_name in notification.message
    assert "Customer A" in notification.message
    assert audit_actions(access) == ["portal_access.invited", "portal_access.accepted"]
    event = AuditEvent.objects.get(action="portal_access.accepted")
    assert (event.actor_user, event.actor_contact) == (access.user, contact_a)


def test_a_weak_password_is_refused_and_nothing_is_written(contact_a):
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    before = state()
    with pytest.raises(ValidationError) as exc:
        portal_invitation_accept(raw_token=raw_token, password="123")
    assert list(exc.value.message_dict) == ["password"]
    assert (
        "This password is too short. It must contain at least 8 characters."
        in exc.value.message_dict["password"]
    )
    assert state() == before
    access.refresh_from_db()
    assert access.status == PortalAccess.Status.INVITED
    assert access.invitations.get().used_at is None


def test_an_existing_account_must_be_logged_in_to_accept(contact_a):
    UserFactory(email=contact_a.email.upper())
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    before = state()
    for user in (None, UserFactory(email="someone-else@example.test")):
        before = state()
        with pytest.raises(ValidationError) as exc:
            portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD, user=user)
        assert exc.value.messages == [
            "You already have a Portico account with this email address. "
            "Log in first, then open the invitation link again."
        ]
        assert state() == before
    access.refresh_from_db()
    assert (access.status, access.user) == (PortalAccess.Status.INVITED, None)


def test_a_contact_of_two_customers_has_one_account_and_two_accesses(contact_a, customer_b):
    first, _token = make_portal_access(contact_a)
    user = first.user
    second_contact = ContactPersonFactory(customer=customer_b, email=contact_a.email)
    second, raw_token = portal_access_invite(actor=SETUP, contact=second_contact)
    second = portal_invitation_accept(raw_token=raw_token, user=user)
    assert User.objects.filter(email__iexact=contact_a.email).count() == 1
    assert (second.user, second.status) == (user, PortalAccess.Status.ACTIVE)
    assert set(portal_accesses_for_user(user=user)) == {first, second}


def test_portal_accesses_for_user_lists_only_active_ones(contact_a, customer_b, other_customer):
    active, _token = make_portal_access(contact_a)
    user = active.user
    disabled_contact = ContactPersonFactory(customer=customer_b, email=contact_a.email)
    disabled, _token = make_portal_access(disabled_contact, user=user)
    portal_access_disable(actor=SETUP, access=disabled)
    invited_contact = ContactPersonFactory(customer=other_customer, email=contact_a.email)
    portal_access_invite(actor=SETUP, contact=invited_contact)
    someone_else, _token = make_portal_access(ContactPersonFactory(customer=customer_b))
    assert list(portal_accesses_for_user(user=user)) == [active]
    assert list(portal_accesses_for_user(user=someone_else.user)) == [someone_else]


def test_customer_portal_status_follows_its_contacts_accesses(customer_a, contact_a):
    assert customer_portal_status(customer=customer_a) == Customer.PortalStatus.DISABLED
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    assert customer_portal_status(customer=customer_a) == Customer.PortalStatus.INVITED
    portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)
    assert customer_portal_status(customer=customer_a) == Customer.PortalStatus.ENABLED
    second = ContactPersonFactory(customer=customer_a)
    portal_access_invite(actor=SETUP, contact=second)
    assert customer_portal_status(customer=customer_a) == Customer.PortalStatus.ENABLED
    portal_access_disable(actor=SETUP, access=access)
    assert customer_portal_status(customer=customer_a) == Customer.PortalStatus.INVITED
    portal_access_disable(actor=SETUP, access=second.portal_access)
    assert customer_portal_status(customer=customer_a) == Customer.PortalStatus.DISABLED


def test_inviting_a_disabled_contact_again_reuses_their_access(contact_a, staff):
    access, _token = make_portal_access(contact_a)
    portal_access_disable(actor=SETUP, access=access)
    again, raw_token = portal_access_invite(
        actor=Actor.staff(staff),
        contact=contact_a,
    )
    assert again.pk == access.pk
    assert PortalAccess.objects.count() == 1
    again.refresh_from_db()
    assert (again.status, again.disabled_at) == (PortalAccess.Status.INVITED, None)
    assert portal_invitation_find(raw_token=raw_token).access == again


def test_accepting_an_unknown_token_writes_nothing(contact_a):
    portal_access_invite(actor=SETUP, contact=contact_a)
    before = state()
    with pytest.raises(InvitationInvalid) as exc:
        portal_invitation_accept(raw_token="made-up", password=TEST_PASSWORD)
    assert (exc.value.reason, exc.value.messages) == ("unknown", [INVALID_LINK])
    assert state() == before


LOGIN_REQUIRED = "You already have a Portico account with this email address. Log in first, then open the invitation link again."


def test_a_second_invitation_for_the_same_new_address_asks_to_log_in_once_the_first_made_the_account(
    contact_a, customer_b
):
    """Both links were opened (and showed the sign-up form) before either was accepted."""
    first, first_token = portal_access_invite(actor=SETUP, contact=contact_a)
    second, second_token = portal_access_invite(
        actor=SETUP, contact=ContactPersonFactory(customer=customer_b, email=contact_a.email)
    )
    assert portal_invitation_find(raw_token=first_token).access == first
    assert portal_invitation_find(raw_token=second_token).access == second
    portal_invitation_accept(raw_token=first_token, password=TEST_PASSWORD)
    before = state()

    with pytest.raises(ValidationError) as refused:
        portal_invitation_accept(raw_token=second_token, password=TEST_PASSWORD)

    assert (refused.value.code, refused.value.messages) == ("login_required", [LOGIN_REQUIRED])
    assert state() == before
    second.refresh_from_db()
    assert (second.status, second.user) == (PortalAccess.Status.INVITED, None)
    assert second.invitations.get().used_at is None


def test_an_account_created_for_the_address_during_the_accept_asks_to_log_in_instead_of_failing(contact_a):
    """Another accept for the same address inserts its account between this one's check and its insert.

    The unique email refuses this insert; the contact gets the same answer as when the account existed before.
    """
    from django.db.models.signals import pre_save

    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)

    def other_accept_wins(sender, instance, **kwargs):
        if instance.pk is None and instance.email == contact_a.email:
            User.objects.bulk_create([User(email=contact_a.email, full_name="The other invitation")])

    before = state()
    pre_save.connect(other_accept_wins, sender=User)
    try:
        with pytest.raises(ValidationError) as refused:
            portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)
    finally:
        pre_save.disconnect(other_accept_wins, sender=User)

    assert (refused.value.code, refused.value.messages) == ("login_required", [LOGIN_REQUIRED])
    assert state() == before
    access.refresh_from_db()
    assert (access.status, access.user) == (PortalAccess.Status.INVITED, None)
    assert access.invitations.get().used_at is None
    assert audit_actions(access) == ["portal_access.invited"]


def test_the_portal_switcher_leaves_out_inactive_customers_and_turned_off_portals(
    contact_a, customer_b, other_customer, other_org
):
    """The switcher offers only accesses the portal lets in, so none of its entries answers 404."""
    first, _token = make_portal_access(contact_a)
    user = first.user
    second, _token = make_portal_access(
        ContactPersonFactory(customer=customer_b, email=contact_a.email), user=user
    )
    third, _token = make_portal_access(
        ContactPersonFactory(customer=other_customer, email=contact_a.email), user=user
    )
    assert set(portal_accesses_for_user(user=user)) == {first, second, third}

    Customer.objects.filter(pk=customer_b.pk).update(is_active=False)
    assert set(portal_accesses_for_user(user=user)) == {first, third}

    other_org.portal_enabled = False
    other_org.save(update_fields=["portal_enabled"])
    assert list(portal_accesses_for_user(user=user)) == [first]


@pytest.mark.parametrize("closed", ["customer", "portal"])
def test_an_invitation_cannot_be_accepted_once_the_customer_or_the_portal_is_closed(contact_a, closed):
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact_a)
    if closed == "customer":
        contact_a.customer.is_active = False
        contact_a.customer.save()
    else:
        contact_a.organization.portal_enabled = False
        contact_a.organization.save()

    with pytest.raises(InvitationInvalid):
        portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)

    access.refresh_from_db()
    assert access.status == PortalAccess.Status.INVITED
    assert access.user is None
