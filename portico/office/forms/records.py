"""Forms of records other than documents and payments: customers, settings, projects, comments."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.money import check_currency
from portico.organizations.models import DOCUMENT_NUMBER_MAX_LENGTH
from portico.organizations.services import (
    LOGO_MAX_SIDE,
    invitation_template_check,
    logo_check,
    number_padding_check,
    number_prefix_check,
    portal_slug_check,
)

from .base import OfficeModelForm


class CustomerForm(OfficeModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "currency" in self.fields:
            self.fields["currency"].help_text = _(
                "Documents, payments and project and task rates are in this currency. Once the customer has any "
                "of them it cannot change, so an amount entered in it always keeps its meaning."
            )

    def clean_currency(self):
        return check_currency(self.cleaned_data["currency"])


class LogoInput(AdminFileWidget):
    """The current logo as a small picture (served by the portal, as contacts see it), with remove and replace."""

    template_name = "office/widgets/logo_input.html"
    preview_url = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["preview_url"] = self.preview_url
        return context


class OrganizationSettingsForm(OfficeModelForm):
    """The organization's settings; the portal address, logo and invitation email are checked as the service
    checks them, so a refusal shows on its field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "portal_slug" in self.fields:
            self.fields["portal_slug"].help_text = _(
                "The last part of the portal’s web address, as in /portal/northwind/. When it changes, links "
                "with the old address keep working: they lead to the new one."
            )
        if "logo" in self.fields:
            widget = LogoInput(attrs={"accept": "image/png,image/jpeg"})
            widget.preview_url = self.instance.logo_url if self.instance.pk else ""
            self.fields["logo"].widget = widget
            self.fields["logo"].error_messages["invalid_image"] = _(
                "The logo must be a PNG or JPEG image, and this file is not one."
            )
            self.fields["logo"].help_text = _(
                "Shown in the portal and in emails. PNG or JPEG, at most 1 MB and %(max)s × %(max)s pixels."
            ) % {"max": f"{LOGO_MAX_SIDE:,}"}

    def clean_base_currency(self):
        return check_currency(self.cleaned_data["base_currency"])

    def clean_portal_slug(self):
        return portal_slug_check(organization=self.instance, slug=self.cleaned_data["portal_slug"])

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and not isinstance(logo, FieldFile):
            # Name the file after its content: a PNG called "logo.gif" is stored as "logo.png".
            logo.name = f"logo.{logo_check(logo=logo)}"
        return logo

    def clean_portal_invitation_subject(self):
        return self._clean_template("portal_invitation_subject")

    def clean_portal_invitation_message(self):
        return self._clean_template("portal_invitation_message")

    def _clean_template(self, name: str) -> str:
        text = self.cleaned_data[name]
        invitation_template_check(field=name, text=text)
        return text


class NumberSeriesForm(OfficeModelForm):
    """A series' prefix and padding, checked as ``number_series_update`` checks them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "padding" in self.fields:
            self.fields["padding"].max_value = DOCUMENT_NUMBER_MAX_LENGTH
            self.fields["padding"].validators.append(MaxValueValidator(DOCUMENT_NUMBER_MAX_LENGTH))
            self.fields["padding"].widget.attrs["max"] = DOCUMENT_NUMBER_MAX_LENGTH

    def clean_prefix(self):
        return number_prefix_check(series=self.instance, prefix=self.cleaned_data["prefix"])

    def clean(self):
        data = super().clean()
        if data.get("prefix") is not None and data.get("padding") is not None:
            try:
                number_padding_check(prefix=data["prefix"], padding=data["padding"])
            except ValidationError as exc:
                self.add_error("padding", exc)
        return data


class ContactPersonForm(OfficeModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("Needed: it is how the contact reaches the portal.")


class ContactPersonFormSet(forms.BaseInlineFormSet):
    """At most one primary contact, and no email twice for one customer."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        emails, primaries = set(), 0
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            email = (form.cleaned_data.get("email") or "").strip().lower()
            if email in emails:
                form.add_error("email", _("This customer already has a contact person with this email."))
            emails.add(email)
            primaries += bool(form.cleaned_data.get("is_primary"))
        if primaries > 1:
            raise ValidationError(_("Only one contact person can be the primary contact."))


class TimeEntryForm(OfficeModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "task" in self.fields:
            self.fields["task"].queryset = self.fields["task"].queryset.select_related("project")
            self.fields["task"].label_from_instance = lambda task: f"{task.project.name} — {task.name}"
        if "user" in self.fields and self.instance.pk is None and self.request is not None:
            self.fields["user"].initial = self.request.user.pk


class TimesheetApprovalForm(OfficeModelForm):
    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    display_in_portal = forms.BooleanField(
        label=gettext_lazy("Display in portal"),
        required=False,
        help_text=gettext_lazy("Show this comment to the customer's contacts."),
    )
