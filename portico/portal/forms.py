"""Forms of the portal's own pages: logging in, signing up from an invitation, passwords."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portico.accounts.forms import ThrottledAuthenticationForm, ThrottledPasswordChangeForm
from portico.activity.services import audit_record
from portico.actors import Actor
from portico.customers.models import ContactPerson, PortalAccess


def has_portal_access(user, organization) -> bool:
    """Whether the user has active access to the organization's portal (for a customer still active)."""
    return PortalAccess.objects.filter(
        organization=organization, user=user, status=PortalAccess.Status.ACTIVE, customer__is_active=True
    ).exists()


class PortalLoginForm(ThrottledAuthenticationForm):
    """Email and password. Only people with active access to this organization's portal get in.

    Everyone refused sees the same message, so the form never tells whether an account exists.
    """

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email address and password don’t match a portal account. Check both and try again."
        ),
    }

    def __init__(self, request=None, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(request, *args, **kwargs)
        self.label_suffix = ""
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "inputmode": "email"})

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not has_portal_access(user, self.organization):
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")

    def login_failed(self, email: str, reason: str) -> None:
        """Every refused attempt at this portal goes in its organization's audit trail, with the same data
        whether the password was wrong or right for an account without access here.

        What was typed as the email is kept only when it is the address of one of the organization's contact
        persons (as the business stored it): anything else — a mistyped address, a password typed into the
        wrong field — stays out of a trail staff read, and so does whether it has an account elsewhere.
        """
        known = (
            ContactPerson.objects.filter(organization=self.organization, email__iexact=email)
            .order_by("pk")
            .values_list("email", flat=True)
            .first()
        )
        data = {"email": known, "reason": reason} if known else {"reason": reason}
        audit_record(
            organization=self.organization,
            action="portal.login_failed",
            actor=Actor.system("portal sign-in", ip_address=self.client_address),
            data=data,
        )


class InvitationLoginForm(PortalLoginForm):
    """Accepting an invitation with an account that already exists: its password proves who is accepting."""

    def __init__(self, request=None, *args, organization, email: str, **kwargs):
        self.invited_email = email
        super().__init__(request, *args, organization=organization, **kwargs)
        self.fields["username"].initial = email
        self.fields["username"].widget.attrs["readonly"] = True

    def clean_username(self):
        return self.invited_email  # the invitation names the account; the field cannot change it

    def confirm_login_allowed(self, user):
        auth_forms.AuthenticationForm.confirm_login_allowed(self, user)
        if user.email.lower() != self.invited_email.lower():
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class SignUpForm(forms.Form):
    """The password of a new portal account, checked by Django's validators before anything is saved."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Confirm password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, full_name: str = "", **kwargs):
        self.email = email
        self.full_name = full_name
        super().__init__(*args, **kwargs)
        self.label_suffix = ""

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords don’t match."))
        elif password1:
            user = get_user_model()(email=self.email, full_name=self.full_name)
            try:
                password_validation.validate_password(password1, user=user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class NewPasswordFirstMixin:
    """Show what the password validators say under the new password itself, not under its confirmation."""

    def validate_password_for_user(self, user, *_field_name, **_named_field):
        super().validate_password_for_user(user, "new_password1")


class PortalSetPasswordForm(NewPasswordFirstMixin, auth_forms.SetPasswordForm):
    """The new password of a reset: labelled as on sign-up and Change Password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("Confirm password")


class PortalPasswordChangeForm(NewPasswordFirstMixin, ThrottledPasswordChangeForm):
    """Old password, new password, confirm: the labels of the portal's Change Password page.

    A wrong old password counts as a failed login against the account; while it is locked out the form
    refuses with the lock-out message (give ``ip=`` the client's address to count against it too).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["old_password"].label = _("Old password")
        self.fields["old_password"].widget.attrs.pop("autofocus", None)  # it would open a phone's keyboard
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("Confirm password")


class PortalPasswordResetForm(forms.Form):
    """Asks for a reset link: only the address. Who gets a link is decided later, by a background task
    (``portico.portal.services.portal_password_reset_request``), so the answer is the same for every address."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)
        self.label_suffix = ""


class QuoteDecisionForm(forms.Form):
    """What Accept and Decline send: the version of the quote the contact's page showed, and a reason to
    decline. The version is required: a decision is about the offer the contact read, never whatever the quote
    says now."""

    version = forms.RegexField(regex=r"\A[1-9][0-9]{0,8}\Z")  # what the page wrote: 1, 2, … in ASCII digits
    reason = forms.CharField(required=False, max_length=2000)

    def clean_version(self) -> int:
        return int(self.cleaned_data["version"])

    def refusal(self) -> str:
        """What to tell the contact when the form is not valid."""
        if "version" in self.errors:
            return str(
                _(
                    "Your decision did not say which version of the quote you read, so nothing was changed. "
                    "Read the quote below and decide again."
                )
            )
        return " ".join(message for messages in self.errors.values() for message in messages)
