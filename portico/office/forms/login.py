"""Signing in to the back office."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction

from portico.accounts.forms import ThrottledAuthenticationForm, ThrottledPasswordChangeForm
from portico.activity.services import audit_record
from portico.actors import Actor
from portico.organizations.models import Membership
from portico.organizations.selectors import organization_for_staff


class OfficeAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """Email and password; only active staff with a membership of an organization get in.

    Everyone refused sees the same message, so the form never tells whether an account exists; attempts
    are throttled per account and per address (``portico.accounts.throttle``).
    """

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if organization_for_staff(user=user) is None:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )

    def login_failed(self, email: str, reason: str) -> None:
        """Tell each organization the email is staff of, naming the account as it is stored; anything else
        typed (an unknown email, a password typed into the email field) leaves no trace (and no hint)."""
        memberships = Membership.objects.filter(user__email__iexact=email).select_related(
            "organization", "user"
        )
        with transaction.atomic():
            for membership in memberships:
                audit_record(
                    organization=membership.organization,
                    action="office.login_failed",
                    actor=Actor.system("office sign-in", ip_address=self.client_address),
                    data={"email": membership.user.email, "reason": reason},
                )


class OfficePasswordChangeForm(ThrottledPasswordChangeForm):
    """The back office's Change password: a wrong old password counts as a failed login, as in the portal."""

    required_css_class = "required"
