"""The login form every audience's login builds on: throttled, and silent about which accounts exist."""

from __future__ import annotations

import math

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from portico.accounts.throttle import (
    client_ip,
    login_failure_record,
    login_locked_for,
    login_success_record,
    normalise_email,
)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing attempts while the account or the address is locked out.

    Every refusal that isn't a lock-out shows the form's one ``invalid_login`` message, whether the email
    is unknown, the password wrong, the user inactive or without access here. Subclasses record failures
    by overriding :meth:`login_failed`.
    """

    @property
    def client_address(self) -> str | None:
        return client_ip(self.request)

    @sensitive_variables("password")
    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data  # the field errors say what is missing
        email = normalise_email(username)
        address = self.client_address
        seconds = login_locked_for(email=email, ip=address)
        if seconds:
            self.login_failed(email, "locked")
            raise self.get_locked_error(seconds)
        try:
            super().clean()
        except ValidationError:
            login_failure_record(email=email, ip=address)
            self.login_failed(email, "no_access" if self.user_cache is not None else "bad_credentials")
            self.user_cache = None
            raise
        login_success_record(email=email, ip=address)
        return self.cleaned_data

    def confirm_login_allowed(self, user) -> None:
        # Django's own check says "This account is inactive." — which would tell that the account exists.
        if not user.is_active:
            raise self.get_invalid_login_error()
        super().confirm_login_allowed(user)

    def get_locked_error(self, seconds: int) -> ValidationError:
        minutes = max(1, math.ceil(seconds / 60))
        message = ngettext(
            "Too many failed attempts. Try again in %(minutes)d minute.",
            "Too many failed attempts. Try again in %(minutes)d minutes.",
            minutes,
        )
        return ValidationError(message, code="locked", params={"minutes": minutes})

    def login_failed(self, email: str, reason: str) -> None:
        """Called for each refused attempt, with the normalised email and why: ``"bad_credentials"``,
        ``"locked"`` or ``"no_access"``. Override to record an audit event; the default does nothing."""
