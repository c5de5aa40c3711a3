"""The header and lines of quotes, invoices, retainer invoices, credit notes and sales orders."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.money import ZERO, line_amounts

from .base import OfficeModelForm


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
    """One document line. Quantity, rate, discount and tax are checked by the money module's own rules.

    Choosing an item fills what the line leaves empty: its name as the description, its tax when the line has
    none, and its price when the document is in the organization's base currency (items are priced in it; in
    another currency the rate is for staff to enter).
    """

    currency = "USD"  # the document's, when the formset is made; the customer chosen with the lines wins
    base_currency = "USD"
    document = None  # the document being edited or added, set by LineFormSet

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            self.fields["description"].required = False
        if "rate" in self.fields:
            self.fields["rate"].required = False  # an item can bring it

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
        if item is not None and data.get("tax") is None and item.tax_id is not None and "tax" in self.fields:
            data["tax"] = item.tax
            self.instance.tax = item.tax
        if "rate" not in self.errors and not data.get("rate"):
            self.fill_rate(data, item)
        values = {name: data.get(name) for name in ("quantity", "rate", "discount_percent")}
        currency = self.document_currency()
        if all(value is not None for value in values.values()):
            tax = data.get("tax")
            try:
                line_amounts(
                    quantity=values["quantity"],
                    rate=values["rate"],
                    discount_percent=values["discount_percent"],
                    tax_percent=tax.rate if tax is not None else ZERO,
                    currency=currency,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data

    def document_currency(self) -> str:
        """The currency the lines are priced in: the customer's, which the document takes when it is saved."""
        if self.document is not None and self.document.customer_id:
            return self.document.customer.currency
        return self.currency

    def fill_rate(self, data: dict, item) -> None:
        """A line without a rate takes its item's price, if that price is in the document's currency."""
        if item is None:
            if data.get("rate") is None:
                self.add_error("rate", _("Enter the rate."))
            return
        currency = self.document_currency()
        if currency != self.base_currency:
            self.add_error(
                "rate",
                _(
                    "%(item)s is priced in %(base)s and this document is in %(currency)s: "
                    "enter the rate in %(currency)s."
                )
                % {"item": item.name, "base": self.base_currency, "currency": currency},
            )
            return
        data["rate"] = item.rate
        self.instance.rate = item.rate


class LineFormSet(forms.BaseInlineFormSet):
    """A document's lines: at least one."""

    kind_label = gettext_lazy("document")

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.document = self.instance  # the header form fills in its customer before the lines are checked
        return form

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
