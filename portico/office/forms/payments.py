"""Recording a payment over a customer's open invoices, and applying its unused amount to them."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.customers.models import Customer
from portico.fields import MoneyFormField
from portico.money import ZERO, format_money, round_money
from portico.payments.models import PaymentMode
from portico.sales.models import Invoice, RetainerInvoice

from .actions import ActionForm


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
            Invoice.objects.filter(customer=customer, currency=customer.currency)
            .payable()
            .order_by("due_date", "id")
        )
        retainers = list(
            RetainerInvoice.objects.filter(customer=customer, currency=customer.currency)
            .payable()
            .order_by("date", "id")
        )
        self.open_documents = []
        for prefix, documents in (("invoice", invoices), ("retainer", retainers)):
            for document in documents:
                name = f"{prefix}_{document.pk}"
                self.fields[name] = MoneyFormField(label=document.number, required=False, min_value=ZERO)
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
                self.fields[key] = MoneyFormField(required=False, min_value=ZERO)
                self.extra_documents.append((document, key))

    def allocation_rows(self) -> list[dict]:
        locale = self.customer.organization.locale
        return [
            {
                "document": document,
                "field": self[name],
                "kind": _("Invoice") if isinstance(document, Invoice) else _("Retainer invoice"),
                "due_date": getattr(document, "due_date", None),
                "total": format_money(document.total, document.currency, locale=locale),
                "balance": format_money(document.balance_due, document.currency, locale=locale),
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

    def clean(self):
        """The amounts per document, as ``cleaned_data["allocations"]``, once every field is valid."""
        data = super().clean()
        if not self.errors:
            try:
                data["allocations"] = self.clean_allocations()
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


class RecordPaymentForm(AllocationFieldsMixin, forms.Form):
    date = forms.DateField(label=gettext_lazy("Payment date"))
    amount = MoneyFormField(label=gettext_lazy("Amount received"))
    bank_charges = MoneyFormField(
        label=gettext_lazy("Bank charges"),
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

    def header_rows(self):
        return [self[name] for name in self.header_fields]


class AllocateCreditForm(AllocationFieldsMixin, ActionForm):
    """Apply a payment's unused amount to the customer's open invoices."""

    def __init__(self, data=None, *, obj, request):
        super().__init__(data, obj=obj, request=request)
        self.add_allocation_fields(obj.customer, data)


class ChooseCustomerForm(forms.Form):
    customer = forms.ModelChoiceField(label=gettext_lazy("Customer"), queryset=Customer.objects.none())

    def __init__(self, data=None, *, organization):
        super().__init__(data)
        self.fields["customer"].queryset = Customer.objects.filter(organization=organization, is_active=True)
