"""The header and lines of quotes, invoices, retainer invoices, credit notes and sales orders."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.sales.services.documents import LineInput

from .base import OfficeModelForm

#: Where a service's errors about the lines go: above the lines, not above the header.
LINES = "lines"


def service_errors(request, *, lines: bool) -> list[tuple[str | None, list[str]]]:
    """The errors of the service that refused this request's save, for the header or for the lines."""
    error = getattr(request, "office_service_error", None)
    if error is None:
        return []
    if not hasattr(error, "error_dict"):
        return [] if lines else [(None, error.messages)]
    return [(field, messages) for field, messages in error.message_dict.items() if (field == LINES) == lines]


class DocumentHeaderForm(OfficeModelForm):
    """The header of a quote, invoice, retainer invoice, credit note or sales order.

    It parses what was typed; the rules (the due date from the customer's terms, dates in order, records of the
    document's own customer) are the services', whose errors it shows at their fields.
    """

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
        for field, messages in service_errors(self.request, lines=False):
            self.add_error(field if field in self.fields else None, messages)
        return data

    def _post_clean(self):
        # The model's own validation runs in the service, on the row it locks; here the form only parses.
        pass


class LineForm(OfficeModelForm):
    """One document line: an item, a description, quantity, rate, discount and tax, as typed.

    What an item fills in (its name, tax and price) and what the amounts may be are the services' rules. An
    empty rate is left for the item's price; a rate of 0 is a free line.
    """

    document = None  # the document being edited or added, set by LineFormSet

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            self.fields["description"].required = False
        if "rate" in self.fields:
            self.fields["rate"].required = False  # an item can bring it

    def _post_clean(self):
        pass

    def line_input(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            description=data.get("description") or "",
            quantity=data["quantity"],
            rate=data.get("rate"),
            discount_percent=data["discount_percent"],
            tax=data.get("tax"),
            item=data.get("item"),
            line=self.instance.pk,  # None for a new line; a saved line keeps the work billed on it
        )


class LineFormSet(forms.BaseInlineFormSet):
    """A document's lines: at least one."""

    kind_label = gettext_lazy("document")

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.document = self.instance  # the header form fills in its customer before the lines are checked
        return form

    def kept_forms(self) -> list:
        return [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]

    def line_inputs(self) -> list[LineInput]:
        """The lines as typed, in order, for the service that saves the document."""
        return [form.line_input() for form in self.kept_forms()]

    def clean(self):
        super().clean()
        errors = [
            message
            for _field, messages in service_errors(self.form.request, lines=True)
            for message in messages
        ]
        if errors:
            raise ValidationError(errors)
