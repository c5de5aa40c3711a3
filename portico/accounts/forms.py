"""The login form every audience's login builds on: throttled, and silent about which accounts exist."""

from __future__ import annotations

import math

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
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
    is unknown, the password wrong, the user inactive or without access here, and counts as one failure.
    Subclasses record failures by overriding :meth:`login_failed`.
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
            # One reason whether or not the password was right: the audit trail must not tell a right
            # password without access here from a wrong one, and both count towards the lock-out alike.
            login_failure_record(email=email, ip=address)
            self.login_failed(email, "bad_credentials")
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
        return locked_error(seconds)

    def login_failed(self, email: str, reason: str) -> None:
        """Called for each refused attempt, with the normalised email and why: ``"locked"``, or
        ``"bad_credentials"`` for every other refusal (unknown email, wrong password, inactive user, or the
        right password without access here: the reasons must not tell these apart). Override to record an
        audit event; the default does nothing."""


def locked_error(seconds: int) -> ValidationError:
    """The one message of a lock-out, whichever form checks a password."""
    minutes = max(1, math.ceil(seconds / 60))
    message = ngettext(
        "Too many failed attempts. Try again in %(minutes)d minute.",
        "Too many failed attempts. Try again in %(minutes)d minutes.",
        minutes,
    )
    return ValidationError(message, code="locked", params={"minutes": minutes})


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's change-password form, whose old password is guarded like a login: a wrong one counts as a
    failed login against the account (and the address), and while either is locked out the old password is
    not checked at all, so a stolen session cannot be used to guess it."""

    def __init__(self, user, *args, ip: str | None = None, **kwargs):
        self.client_address = ip
        super().__init__(user, *args, **kwargs)

    @sensitive_variables("old_password")
    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        email = normalise_email(self.user.email)
        seconds = login_locked_for(email=email, ip=self.client_address)
        if seconds:
            raise locked_error(seconds)
        if not self.user.check_password(old_password):
            login_failure_record(email=email, ip=self.client_address)
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        login_success_record(email=email, ip=self.client_address)
        return old_password
