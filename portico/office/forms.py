"""Forms of the back office: login, document headers and lines, contacts, settings, and the action pages."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.customers.models import Customer
from portico.fields import MoneyField
from portico.money import ZERO, check_currency, format_money, line_amounts, round_money
from portico.organizations.models import NumberSeries
from portico.organizations.selectors import organization_for_staff
from portico.payments.models import PaymentMode
from portico.sales.models import CreditNote, Invoice, RetainerInvoice
from portico.sales.selectors import open_invoices

# Login --------------------------------------------------------------------------------------------------------


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


# Model forms --------------------------------------------------------------------------------------------------


class DecimalInput(forms.NumberInput):
    """Shows stored decimals the way people write them: 90.0000 → 90.00 for money, 1.0000 → 1 for quantities."""

    def __init__(self, attrs=None, *, min_places: int = 0):
        super().__init__(attrs)
        self.min_places = min_places

    def format_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            normalized = value.normalize()
            places = max(-normalized.as_tuple().exponent, self.min_places, 0)
            return f"{value:.{places}f}"
        return super().format_value(value)


class OfficeModelForm(forms.ModelForm):
    """A model form that knows the staff user's organization (set by the admin), so new rows carry it and
    constraints that involve the organization (unique names) are checked before saving."""

    organization = None
    request = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DecimalField) and isinstance(field.widget, forms.NumberInput):
                try:
                    money = isinstance(self._meta.model._meta.get_field(name), MoneyField)
                except FieldDoesNotExist:
                    money = False
                field.widget = DecimalInput(field.widget.attrs, min_places=2 if money else 0)
        if (
            self.organization is not None
            and self.instance.pk is None
            and hasattr(self.instance, "organization_id")
        ):
            self.instance.organization = self.organization

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if getattr(self.instance, "organization_id", None):
            exclude.discard("organization")
        return exclude


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


class DocumentHeaderForm(OfficeModelForm):
    """The header of a quote, invoice, retainer invoice, credit note or sales order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "due_date" in self.fields:
            self.fields["due_date"].required = False
            self.fields["due_date"].help_text = _("Leave empty to use the customer's payment terms.")
        if "invoice" in self.fields and self.instance.pk and self.instance.customer_id:
            self.fields["invoice"].queryset = self.fields["invoice"].queryset.filter(
                customer_id=self.instance.customer_id
            )

    def clean(self):
        data = super().clean()
        date, customer = data.get("date"), data.get("customer")
        if date and "due_date" in self.fields:
            if not data.get("due_date") and customer is not None:
                data["due_date"] = date + datetime.timedelta(days=customer.payment_terms_days)
                self.instance.due_date = data["due_date"]
            elif data.get("due_date") and data["due_date"] < date:
                self.add_error("due_date", _("The due date cannot be before the invoice date."))
        if date and data.get("expiry_date") and data["expiry_date"] < date:
            self.add_error("expiry_date", _("The expiry date cannot be before the quote date."))
        invoice = data.get("invoice")
        if invoice is not None and customer is not None and invoice.customer_id != customer.pk:
            self.add_error("invoice", _("The invoice belongs to another customer."))
        project = data.get("project")
        if project is not None and customer is not None and project.customer_id != customer.pk:
            self.add_error("project", _("The project belongs to another customer."))
        return data


class LineForm(OfficeModelForm):
    """One document line. Quantity, rate, discount and tax are checked by the money module's own rules."""

    currency = "USD"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            self.fields["description"].required = False

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        item = data.get("item")
        if not (data.get("description") or "").strip():
            if item is None:
                self.add_error("description", _("Enter a description or choose an item."))
            else:
                data["description"] = item.name
                self.instance.description = item.name
        if item is not None and not data.get("rate") and "rate" not in self.errors:
            # An item brings its price unless the line names another.
            data["rate"] = item.rate
            self.instance.rate = item.rate
        values = {name: data.get(name) for name in ("quantity", "rate", "discount_percent")}
        if all(value is not None for value in values.values()):
            tax = data.get("tax")
            try:
                line_amounts(
                    quantity=values["quantity"],
                    rate=values["rate"],
                    discount_percent=values["discount_percent"],
                    tax_percent=tax.rate if tax is not None else ZERO,
                    currency=self.currency,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data


class LineFormSet(forms.BaseInlineFormSet):
    """A document's lines: at least one."""

    kind_label = gettext_lazy("document")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]
        if not kept:
            raise ValidationError(_("Add at least one line to the %(kind)s.") % {"kind": self.kind_label})


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


# Comments -----------------------------------------------------------------------------------------------------


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    display_in_portal = forms.BooleanField(
        label=gettext_lazy("Display in portal"),
        required=False,
        help_text=gettext_lazy("Show this comment to the customer's contacts."),
    )


# Action forms: each takes the record and the request ---------------------------------------------------------


class ActionForm(forms.Form):
    def __init__(self, data=None, *, obj, request):
        self.obj = obj
        self.request = request
        super().__init__(data)


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


def _today(request) -> datetime.date:
    from portico.office.admin.base import organization_today

    return organization_today(request)


class RefundForm(ActionForm):
    amount = forms.DecimalField(label=gettext_lazy("Amount"), max_digits=15, decimal_places=4)
    date = forms.DateField(label=gettext_lazy("Date"))
    mode = forms.ChoiceField(label=gettext_lazy("Payment mode"), choices=PaymentMode.choices)
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=100, required=False)

    def __init__(self, data=None, *, obj, request):
        super().__init__(data, obj=obj, request=request)
        self.fields["date"].initial = _today(request)
        available = getattr(obj, "balance", None)
        if isinstance(obj, RetainerInvoice):
            available = obj.retainer_available
        elif hasattr(obj, "unused_amount"):
            available = obj.unused_amount
        self.fields["amount"].initial = (
            round_money(available, obj.currency) if available is not None else None
        )


class ApplyToInvoiceForm(ActionForm):
    """Apply a credit note's credit or a retainer's available amount to one of the customer's open invoices."""

    invoice = forms.ModelChoiceField(label=gettext_lazy("Invoice"), queryset=Invoice.objects.none())
    amount = forms.DecimalField(label=gettext_lazy("Amount"), max_digits=15, decimal_places=4)

    def __init__(self, data=None, *, obj, request):
        super().__init__(data, obj=obj, request=request)
        # Every invoice of the organization is accepted, so that the service itself refuses another customer's.
        self.fields["invoice"].queryset = Invoice.objects.filter(
            organization_id=obj.organization_id
        ).order_by("due_date", "id")
        self.fields["invoice"].widget.choices = [("", "---------")] + [
            (invoice.pk, f"{invoice.number} — {format_money(invoice.balance_due, invoice.currency)}")
            for invoice in open_invoices(customer=obj.customer)
            .filter(currency=obj.currency)
            .order_by("due_date", "id")
        ]


class ApplyCreditsForm(ActionForm):
    """On an invoice's page: apply one of the customer's credit notes or retainers to it."""

    source = forms.ChoiceField(label=gettext_lazy("Credit to apply"))
    amount = forms.DecimalField(label=gettext_lazy("Amount"), max_digits=15, decimal_places=4)

    def __init__(self, data=None, *, obj, request):
        super().__init__(data, obj=obj, request=request)
        credit_notes = CreditNote.objects.filter(
            customer_id=obj.customer_id, status=CreditNote.Status.OPEN, balance__gt=0, currency=obj.currency
        ).order_by("date", "id")
        retainers = RetainerInvoice.objects.filter(
            customer_id=obj.customer_id, retainer_available__gt=0, currency=obj.currency
        ).order_by("date", "id")
        choices = [
            (
                f"creditnote-{cn.pk}",
                _("Credit note %(number)s — %(amount)s available")
                % {"number": cn.number, "amount": format_money(cn.balance, cn.currency)},
            )
            for cn in credit_notes
        ]
        choices += [
            (
                f"retainer-{r.pk}",
                _("Retainer %(number)s — %(amount)s available")
                % {"number": r.number, "amount": format_money(r.retainer_available, r.currency)},
            )
            for r in retainers
        ]
        self.fields["source"].choices = choices
        first = credit_notes.first() or retainers.first()
        if first is not None:
            available = first.balance if isinstance(first, CreditNote) else first.retainer_available
            self.fields["amount"].initial = round_money(min(obj.balance_due, available), obj.currency)

    def clean_source(self):
        kind, _sep, pk = self.cleaned_data["source"].partition("-")
        model = CreditNote if kind == "creditnote" else RetainerInvoice
        source = model.objects.filter(organization_id=self.obj.organization_id, pk=pk).first()
        if source is None:
            raise ValidationError(_("Choose a credit note or a retainer."))
        return source


class AllocationFieldsMixin:
    """One amount field per open invoice and retainer invoice of a customer.

    Amounts posted for other documents of the organization are passed on as well, so that the payment service
    itself refuses another customer's invoice, in its own words.
    """

    field_pattern = re.compile(r"^(invoice|retainer)_(\d+)$")

    def add_allocation_fields(
        self, customer: Customer, data, prefill: Invoice | RetainerInvoice | None = None
    ):
        self.customer = customer
        invoices = list(
            open_invoices(customer=customer).filter(currency=customer.currency).order_by("due_date", "id")
        )
        retainers = list(
            RetainerInvoice.objects.filter(
                customer=customer, status__in=RetainerInvoice.OPEN_STATUSES, currency=customer.currency
            ).order_by("date", "id")
        )
        self.open_documents = []
        for prefix, documents in (("invoice", invoices), ("retainer", retainers)):
            for document in documents:
                name = f"{prefix}_{document.pk}"
                self.fields[name] = forms.DecimalField(
                    label=document.number, required=False, max_digits=15, decimal_places=4, min_value=ZERO
                )
                if prefill is not None and prefill.pk == document.pk and type(prefill) is type(document):
                    self.fields[name].initial = round_money(document.balance_due, document.currency)
                self.open_documents.append((document, name))
        self.extra_documents = []
        for key in data or {}:
            match = self.field_pattern.match(key)
            if match and key not in self.fields:
                model = Invoice if match.group(1) == "invoice" else RetainerInvoice
                document = model.objects.filter(
                    organization_id=customer.organization_id, pk=match.group(2)
                ).first()
                self.fields[key] = forms.DecimalField(
                    required=False, max_digits=15, decimal_places=4, min_value=ZERO
                )
                self.extra_documents.append((document, key))

    def allocation_rows(self) -> list[dict]:
        locale = self.customer.organization.locale
        return [
            {
                "document": document,
                "field": self[name],
                "kind": _("Invoice") if isinstance(document, Invoice) else _("Retainer invoice"),
                "due_date": getattr(document, "due_date", None),
                "total": format_money(document.total, document.currency, locale),
                "balance": format_money(document.balance_due, document.currency, locale),
            }
            for document, name in self.open_documents
        ]

    def clean_allocations(self):
        allocations = []
        for document, name in [*self.open_documents, *self.extra_documents]:
            amount = self.cleaned_data.get(name)
            if not amount:
                continue
            if document is None:
                raise ValidationError(_("One of the chosen invoices does not exist."))
            allocations.append((document, amount))
        return allocations


class RecordPaymentForm(AllocationFieldsMixin, forms.Form):
    date = forms.DateField(label=gettext_lazy("Payment date"))
    amount = forms.DecimalField(label=gettext_lazy("Amount received"), max_digits=15, decimal_places=4)
    bank_charges = forms.DecimalField(
        label=gettext_lazy("Bank charges"),
        max_digits=15,
        decimal_places=4,
        required=False,
        initial=Decimal("0"),
    )
    mode = forms.ChoiceField(label=gettext_lazy("Payment mode"), choices=PaymentMode.choices)
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=100, required=False)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    header_fields = ("date", "amount", "bank_charges", "mode", "reference", "notes")

    def __init__(self, data=None, *, customer: Customer, today: datetime.date, prefill=None):
        super().__init__(data)
        self.fields["date"].initial = today
        self.fields["mode"].initial = PaymentMode.BANK_TRANSFER
        if prefill is not None:
            self.fields["amount"].initial = round_money(prefill.balance_due, prefill.currency)
        self.add_allocation_fields(customer, data, prefill)

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["allocations"] = self.clean_allocations()
            except ValidationError as exc:
                self.add_error(None, exc)
        return data

    def header_rows(self):
        return [self[name] for name in self.header_fields]


class AllocateCreditForm(AllocationFieldsMixin, ActionForm):
    """Apply a payment's unused amount to the customer's open invoices."""

    def __init__(self, data=None, *, obj, request):
        super().__init__(data, obj=obj, request=request)
        self.add_allocation_fields(obj.customer, data)

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["allocations"] = self.clean_allocations()
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


class ChooseCustomerForm(forms.Form):
    customer = forms.ModelChoiceField(label=gettext_lazy("Customer"), queryset=Customer.objects.none())

    def __init__(self, data=None, *, organization):
        super().__init__(data)
        self.fields["customer"].queryset = Customer.objects.filter(organization=organization, is_active=True)
