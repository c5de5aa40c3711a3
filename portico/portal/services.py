"""Forgot password in a portal: the request, the same for every address, and the background task that decides who
gets a link and sends it.

The request only counts itself (``password_reset_request_allowed``) and enqueues one task on commit, whether the
address has an account or not, so neither the answer nor the time it takes tells which accounts exist. Looking up
the accounts, making the token and rendering the email happen in the worker.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task

from portico.accounts.throttle import normalise_email, password_reset_request_allowed
from portico.customers.models import PortalAccess
from portico.emails.services import absolute_url, email_enqueue
from portico.organizations.models import Membership, Organization

logger = logging.getLogger(__name__)


def portal_access_for_password_reset(*, user, organization: Organization) -> PortalAccess | None:
    """The access a password reset in this organization's portal is for, or None when the user may not reset here.

    The user's active access here (for a customer still active); else an access here they were invited to by
    their email with an invitation still open — someone who already has a Portico account signs up by entering
    its password, and may have forgotten it.
    """
    if user is None or not user.is_active:
        return None
    accesses = PortalAccess.objects.select_related("contact").filter(
        organization=organization, customer__is_active=True
    )
    active = (
        accesses.filter(user=user, status=PortalAccess.Status.ACTIVE)
        .order_by("customer__display_name", "pk")
        .first()
    )
    if active is not None:
        return active
    return (
        accesses.filter(
            status=PortalAccess.Status.INVITED,
            contact__email__iexact=user.email,
            invitations__used_at__isnull=True,
            invitations__voided_at__isnull=True,
            invitations__expires_at__gt=timezone.now(),
        )
        .order_by("pk")
        .first()
    )


def portal_password_reset_request(*, email: str, organization: Organization, ip: str | None) -> bool:
    """Ask for a password reset link for ``email`` in this organization's portal.

    Counted per email and per client address; within the limits one background task is enqueued once the
    transaction commits, for every address alike. Returns False when over a limit (nothing is enqueued); the
    caller answers the same either way.
    """
    email = normalise_email(email)
    if not password_reset_request_allowed(email=email, ip=ip):
        return False
    arguments = {"email": email, "organization_id": organization.pk}
    transaction.on_commit(lambda: _enqueue(arguments), robust=True)
    return True


def _enqueue(arguments: dict) -> None:
    result = portal_password_reset_task.enqueue(**arguments)
    if result.status == TaskResultStatus.FAILED:
        # The immediate backend keeps a failure in the result; say so instead of losing it silently.
        logger.error(
            "The password reset request for organization %s failed:\n%s",
            arguments["organization_id"],
            result.errors[-1].traceback if result.errors else "",
        )


@task()
def portal_password_reset_task(*, email: str, organization_id: int) -> int:
    """Worker side of a reset request: email a link to each account of ``email`` that may reset its password
    in this organization's portal. Returns how many links were sent (0 for an unknown address)."""
    organization = Organization.objects.filter(pk=organization_id, portal_enabled=True).first()
    if organization is None:
        return 0
    return portal_password_reset_send(email=email, organization=organization)


def _known_beyond(user, organization: Organization) -> bool:
    """Whether the account reaches past this organization: staff anywhere, or a contact of another business."""
    return (
        Membership.objects.filter(user=user).exists()
        or PortalAccess.objects.filter(user=user).exclude(organization=organization).exists()
        or PortalAccess.objects.filter(contact__email__iexact=user.email)
        .exclude(organization=organization)
        .exists()
    )


def portal_password_reset_send(*, email: str, organization: Organization) -> int:
    """Email the reset link to the accounts of ``email`` allowed to reset here; returns how many there were."""
    users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
    sent = 0
    for user in users:
        if not user.has_usable_password():
            continue  # a password switched off on purpose is not one to reset
        if portal_access_for_password_reset(user=user, organization=organization) is None:
            continue
        path = reverse(
            "portal:password-reset-confirm",
            kwargs={
                "slug": organization.portal_slug,
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        email_enqueue(
            to=user.email,
            subject=_("Reset your password for the portal of %(organization)s")
            % {"organization": organization.name},
            template="password_reset",
            context={
                "organization": organization,
                "user": user,
                "reset_url": absolute_url(path),
                "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
            organization=organization,
            reply_to=[organization.email],
            beyond_organization=_known_beyond(user, organization),
        )
        sent += 1
    return sent
