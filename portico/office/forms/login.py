"""Signing in to the back office."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from portico.organizations.selectors import organization_for_staff


class OfficeAuthenticationForm(AdminAuthenticationForm):
    """Email and password; only active staff with a membership of an organization get in.

    Everyone refused sees the same message, so the form never tells whether an account exists.
    """

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if organization_for_staff(user=user) is None:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )
