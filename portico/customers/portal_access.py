"""Portal access for contact persons: invitations by single-use hashed tokens, acceptance, disabling."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.activity.models import AuditEvent, Notification
from portico.activity.notifications import notification_create
from portico.activity.services import audit_record
from portico.actors import Actor
from portico.emails.services import absolute_url, email_enqueue

from .models import ContactPerson, PortalAccess, PortalInvitation


class InvitationInvalid(ValidationError):
    """An invitation link that cannot be used. ``reason`` is for logs and tests; the message is the same for all."""

    MESSAGE = gettext_lazy(
        "This invitation link is no longer valid. The business that invited you can send you a new one."
    )

    def __init__(self, reason: str):
        super().__init__(self.MESSAGE, code="invitation_invalid")
        self.reason = reason


def token_hash(raw_token: str) -> str:
    """The stored form of an invitation token."""
    return hashlib.sha256(raw_token.encode()).hexdigest()


def _void_open_invitations(access: PortalAccess, now: datetime.datetime) -> int:
    return PortalInvitation.objects.filter(
        access=access, used_at__isnull=True, voided_at__isnull=True
    ).update(voided_at=now)


def _new_invitation(
    access: PortalAccess, contact: ContactPerson, now: datetime.datetime
) -> tuple[str, PortalInvitation]:
    raw_token = secrets.token_urlsafe(32)
    invitation = PortalInvitation.objects.create(
        access=access,
        token_hash=token_hash(raw_token),
        email=contact.email,
        expires_at=now + datetime.timedelta(days=settings.PORTAL_INVITATION_DAYS),
    )
    return raw_token, invitation


DEFAULT_INVITATION_MESSAGE = gettext_lazy(
    "Hello {contact},\n\n"
    "{organization} invites you to its customer portal. There you can see the quotes, invoices and payments "
    "of {customer}, pay online and keep in touch with {organization}.\n\n"
    "Accept the invitation to choose your password."
)
_PLACEHOLDER = re.compile(r"\{(organization|contact|customer)\}")


def fill_invitation_placeholders(text: str, *, contact: ContactPerson) -> str:
    """``{organization}``, ``{contact}`` and ``{customer}`` filled in; any other brace is left as written.

    One pass, so a name that itself contains ``{contact}`` is not filled in again.
    """
    values = {
        "organization": contact.organization.name,
        "contact": contact.full_name,
        "customer": contact.customer.display_name,
    }
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def _invitation_email_enqueue(contact: ContactPerson, invitation: PortalInvitation, raw_token: str) -> None:
    """The invitation email, sent on commit; the organization's own subject and message if it set them."""
    organization = contact.organization
    if organization.portal_invitation_subject.strip():
        subject = fill_invitation_placeholders(organization.portal_invitation_subject, contact=contact)
    else:
        subject = _("Your invitation to %(organization)s's customer portal") % {
            "organization": organization.name
        }
    message = organization.portal_invitation_message.strip() or str(DEFAULT_INVITATION_MESSAGE)
    accept_path = reverse("portal:accept", kwargs={"slug": organization.portal_slug, "token": raw_token})
    email_enqueue(
        to=contact.email,
        subject=subject,
        template="portal_invitation",
        context={
            "contact": contact,
            "customer": contact.customer,
            "message": fill_invitation_placeholders(message, contact=contact),
            "accept_url": absolute_url(accept_path),
            "expires_at": invitation.expires_at,
        },
        organization=organization,
        reply_to=[organization.email],
    )


def _check_invitable(contact: ContactPerson, access: PortalAccess | None) -> None:
    """Refuse before anything is written: a refused invitation leaves no trace."""
    if not contact.email:
        raise ValidationError(
            _("%(name)s cannot be invited: add an email address first.") % {"name": contact.full_name}
        )
    if not contact.organization.portal_enabled:
        raise ValidationError(
            _(
                "The customer portal is turned off for this organization; turn it on in the portal preferences."
            )
        )
    if access is not None and access.status == PortalAccess.Status.ACTIVE:
        raise ValidationError(_("%(name)s already has portal access.") % {"name": contact.full_name})


def _invite_locked(
    access: PortalAccess, contact: ContactPerson, actor, action: str
) -> tuple[PortalAccess, str]:
    """Put a locked access back to invited with one fresh, emailed invitation; the caller holds the lock."""
    now = timezone.now()
    access.status = PortalAccess.Status.INVITED
    access.invited_at = now
    access.disabled_at = None
    access.save()
    voided = _void_open_invitations(access, now)
    raw_token, invitation = _new_invitation(access, contact, now)
    audit_record(
        organization=access.organization,
        action=action,
        target=access,
        actor=actor,
        customer=access.customer,
        data={"contact": contact.pk, "voided_invitations": voided},
    )
    _invitation_email_enqueue(contact, invitation, raw_token)
    return access, raw_token


def portal_access_invite(*, contact: ContactPerson, actor: Actor) -> tuple[PortalAccess, str]:
    """Invite a contact person to their customer's portal.

    Returns the access and the raw token for the email link; only its hash is stored. Older links stop working.
    """
    with transaction.atomic():
        # No select_related here: on PostgreSQL it would lock the joined organization row as well.
        contact = ContactPerson.objects.select_for_update().get(pk=contact.pk)
        access = PortalAccess.objects.select_for_update().filter(contact=contact).first()
        _check_invitable(contact, access)
        if access is None:
            access = PortalAccess(
                organization=contact.organization, customer=contact.customer, contact=contact
            )
        return _invite_locked(access, contact, actor, "portal_access.invited")


def portal_access_reinvite(*, access: PortalAccess, actor: Actor) -> tuple[PortalAccess, str]:
    """Send a fresh invitation; the previous link stops working. A disabled access is invited again."""
    with transaction.atomic():
        access = PortalAccess.objects.select_for_update().get(pk=access.pk)
        contact = ContactPerson.objects.select_related("organization").get(pk=access.contact_id)
        _check_invitable(contact, access)
        return _invite_locked(access, contact, actor, "portal_access.reinvited")


def portal_access_disable(*, access: PortalAccess, actor: Actor, reason: str = "") -> PortalAccess:
    """Take the contact's portal access away at once and void their open invitation links.

    The portal checks the access status on every request, so open sessions stop working too. ``reason`` is
    recorded in the audit event when the business did not decide it directly ("email_changed",
    "contact_deleted").
    """
    with transaction.atomic():
        access = PortalAccess.objects.select_for_update().get(pk=access.pk)
        now = timezone.now()
        access.status = PortalAccess.Status.DISABLED
        access.disabled_at = now
        access.save(update_fields=["status", "disabled_at"])
        voided = _void_open_invitations(access, now)
        audit_record(
            organization=access.organization,
            action="portal_access.disabled",
            target=access,
            actor=actor,
            customer=access.customer,
            data={
                "contact": access.contact_id,
                "voided_invitations": voided,
                **({"reason": reason} if reason else {}),
            },
        )
    return access


def _check_invitation(invitation: PortalInvitation | None) -> PortalInvitation:
    if invitation is None:
        raise InvitationInvalid("unknown")
    if invitation.used_at is not None:
        raise InvitationInvalid("used")
    if invitation.voided_at is not None or invitation.access.status == PortalAccess.Status.DISABLED:
        raise InvitationInvalid("void")
    # The link belongs to the address it was emailed to; whoever reads that mailbox is not the contact any more.
    if not invitation.email or invitation.email.lower() != invitation.access.contact.email.lower():
        raise InvitationInvalid("email_changed")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("expired")
    if not invitation.access.customer.is_active or not invitation.access.organization.portal_enabled:
        raise InvitationInvalid("closed")  # the portal would refuse them the moment they signed up
    return invitation


def portal_invitation_find(*, raw_token: str) -> PortalInvitation:
    """The usable invitation for a link's token, or ``InvitationInvalid`` with the same message for every reason."""
    invitation = (
        PortalInvitation.objects.select_related("access__contact", "access__customer", "access__organization")
        .filter(token_hash=token_hash(raw_token or ""))
        .first()
    )
    return _check_invitation(invitation)


def _login_required() -> ValidationError:
    return ValidationError(
        _(
            "You already have a Portico account with this email address. "
            "Log in first, then open the invitation link again."
        ),
        code="login_required",
    )


def _account_for(contact: ContactPerson, password: str | None, user):
    """The account that accepts: the existing one for the contact's email (logged in), or a new one."""
    User = get_user_model()
    existing = User.objects.filter(email__iexact=contact.email).first()
    if existing is not None:
        if user is None or user.pk != existing.pk:
            raise _login_required()
        return existing
    try:
        validate_password(password or "", user=User(email=contact.email, full_name=contact.full_name))
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    try:
        # A savepoint: another invitation for the same address (of another customer or business) may have
        # created the account since the check above; its unique email then refuses this one.
        with transaction.atomic():
            return User.objects.create_user(
                email=contact.email, password=password, full_name=contact.full_name
            )
    except IntegrityError:
        raise _login_required() from None


def portal_invitation_accept(*, raw_token: str, password: str | None = None, user=None) -> PortalAccess:
    """Accept an invitation: create the account (or link the logged-in one) and make the access active.

    Locks the access before its invitation, in the order reinvite and disable take them, so that an accept
    racing a reinvite or a disable waits for it instead of deadlocking.
    """
    hashed = token_hash(raw_token or "")
    with transaction.atomic():
        access_id = (
            PortalInvitation.objects.filter(token_hash=hashed).values_list("access_id", flat=True).first()
        )
        access = PortalAccess.objects.select_for_update().filter(pk=access_id).first()
        if access is None:
            raise InvitationInvalid("unknown")
        # Read again under the lock: a reinvite or disable that held it may have voided this invitation.
        invitation = (
            PortalInvitation.objects.select_for_update().filter(token_hash=hashed, access=access).first()
        )
        if invitation is None:
            raise InvitationInvalid("unknown")
        contact = ContactPerson.objects.select_related("customer").get(pk=access.contact_id)
        access.contact = contact
        invitation.access = access
        _check_invitation(invitation)
        account = _account_for(contact, password, user)
        now = timezone.now()
        invitation.used_at = now
        invitation.save(update_fields=["used_at"])
        access.status = PortalAccess.Status.ACTIVE
        access.user = account
        access.activated_at = now
        access.save(update_fields=["status", "user", "activated_at"])
        notification_create(
            organization=access.organization,
            kind=Notification.Kind.PORTAL_ACCEPTED,
            message=_("%(contact)s of %(customer)s accepted the portal invitation.")
            % {"contact": contact.full_name, "customer": contact.customer.display_name},
            target=access,
            customer=contact.customer,
        )
        audit_record(
            organization=access.organization,
            action="portal_access.accepted",
            target=access,
            actor=Actor.for_contact(contact, user=account),
            customer=contact.customer,
            data={"contact": contact.pk, "invitation": invitation.pk},
        )
        email_enqueue(
            to=access.organization.email,
            subject=_("%(contact)s of %(customer)s accepted your portal invitation")
            % {"contact": contact.full_name, "customer": contact.customer.display_name},
            template="portal_accepted",
            context={
                "contact": contact,
                "customer": contact.customer,
                "office_url": absolute_url(
                    reverse("office:customers_customer_change", args=[contact.customer_id])
                ),
            },
            organization=access.organization,
            reply_to=[contact.email],
        )
    return access


#: A contact can ask for a new invitation at most this often; later requests within it are not passed on.
INVITATION_REQUEST_INTERVAL = datetime.timedelta(hours=1)


def _requestable_invitation(raw_token: str, organization) -> PortalInvitation | None:
    """The invitation a link's holder may ask to renew: of this organization, for a contact the business still
    wants in its portal, sent to the contact's current address (an old mailbox must not speak for them)."""
    if not raw_token:
        return None
    invitation = (
        PortalInvitation.objects.select_related("access__contact", "access__customer")
        .filter(token_hash=token_hash(raw_token), access__organization=organization)
        .exclude(access__status=PortalAccess.Status.DISABLED)
        .first()
    )
    if invitation is None or not invitation.access.customer.is_active:
        return None
    if not invitation.email or invitation.email.lower() != invitation.access.contact.email.lower():
        return None
    return invitation


def portal_invitation_can_be_requested(*, raw_token: str, organization) -> bool:
    """Whether the invalid-link page may offer to ask the business for a new invitation."""
    return _requestable_invitation(raw_token, organization) is not None


def portal_invitation_request(*, raw_token: str, organization) -> bool:
    """From an expired or used link, tell the business that the contact would like a new invitation.

    Returns False, writing nothing, for a token unknown in this organization and for an access the business
    disabled: a removed contact must not keep emailing it. The business hears of one request per access and
    hour; a later one returns True without notifying it again.
    """
    invitation = _requestable_invitation(raw_token, organization)
    with transaction.atomic():
        # The lock makes two simultaneous requests queue, so the second one sees the first one's audit event.
        access = (
            PortalAccess.objects.select_for_update().filter(pk=invitation.access_id).first()
            if invitation
            else None
        )
        if access is None or access.status == PortalAccess.Status.DISABLED:
            return False
        now = timezone.now()
        asked_recently = AuditEvent.objects.filter(
            organization=organization,
            action="portal_access.invitation_requested",
            content_type=ContentType.objects.get_for_model(PortalAccess),
            object_id=access.pk,
            created_at__gt=now - INVITATION_REQUEST_INTERVAL,
        ).exists()
        if asked_recently:
            return True
        contact = ContactPerson.objects.select_related("customer").get(pk=access.contact_id)
        customer = contact.customer
        notification_create(
            organization=organization,
            kind=Notification.Kind.INVITATION_REQUESTED,
            message=_("%(contact)s of %(customer)s asked for a new portal invitation.")
            % {"contact": contact.full_name, "customer": customer.display_name},
            target=access,
            customer=customer,
        )
        audit_record(
            organization=organization,
            action="portal_access.invitation_requested",
            target=access,
            actor=Actor.for_contact(contact),
            customer=customer,
            data={"contact": contact.pk},
        )
        email_enqueue(
            to=organization.email,
            subject=_("%(contact)s asked for a new portal invitation") % {"contact": contact.full_name},
            template="invitation_requested",
            context={
                "contact": contact,
                "customer": customer,
                "office_url": absolute_url(reverse("office:customers_customer_change", args=[customer.pk])),
            },
            organization=organization,
        )
    return True
