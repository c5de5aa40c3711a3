"""Forms of records other than documents and payments: customers, settings, projects, comments."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.money import check_currency
from portico.organizations.models import NumberSeries

from .base import OfficeModelForm


class CustomerForm(OfficeModelForm):
    def clean_currency(self):
        return check_currency(self.cleaned_data["currency"])


class OrganizationSettingsForm(OfficeModelForm):
    def clean_base_currency(self):
        return check_currency(self.cleaned_data["base_currency"])


class NumberSeriesForm(OfficeModelForm):
    def clean_prefix(self):
        prefix = self.cleaned_data["prefix"].strip()
        clash = NumberSeries.objects.filter(
            organization_id=self.instance.organization_id, prefix=prefix
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another series already uses this prefix; numbers would collide."))
        return prefix


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
