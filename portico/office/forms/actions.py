"""Forms of the action pages: each takes the record it acts on and the request."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.fields import MoneyFormField
from portico.money import format_money, round_money
from portico.payments.models import CustomerPayment, PaymentMode
from portico.sales.models import CreditNote, Invoice, RetainerInvoice


class ActionForm(forms.Form):
    def __init__(self, data=None, *, obj, request):
        self.obj = obj
        self.request = request
        super().__init__(data)


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RefundForm(ActionForm):
    amount = MoneyFormField(label=gettext_lazy("Amount"))
    date = forms.DateField(label=gettext_lazy("Date"))
    mode = forms.ChoiceField(label=gettext_lazy("Payment mode"), choices=PaymentMode.choices)
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=100, required=False)

    def __init__(self, data=None, *, obj, request):
        super().__init__(data, obj=obj, request=request)
        self.fields["date"].initial = obj.organization.today()
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
    amount = MoneyFormField(label=gettext_lazy("Amount"))

    def __init__(self, data=None, *, obj, request):
        super().__init__(data, obj=obj, request=request)
        # Every invoice of the organization is accepted, so that the service itself refuses another customer's.
        self.fields["invoice"].queryset = Invoice.objects.filter(
            organization_id=obj.organization_id
        ).order_by("due_date", "id")
        locale = obj.organization.locale
        self.fields["invoice"].widget.choices = [("", "---------")] + [
            (
                invoice.pk,
                f"{invoice.number} — {format_money(invoice.balance_due, invoice.currency, locale=locale)}",
            )
            for invoice in Invoice.objects.filter(customer_id=obj.customer_id, currency=obj.currency)
            .payable()
            .order_by("due_date", "id")
        ]


def _available(source) -> Decimal:
    """What a credit note, retainer or payment still has to apply."""
    if isinstance(source, CreditNote):
        return source.balance
    if isinstance(source, RetainerInvoice):
        return source.retainer_available
    return source.unused_amount


class ApplyCreditsForm(ActionForm):
    """On an invoice's page: apply one of the customer's credit notes, retainers or unused payments to it."""

    source = forms.ChoiceField(label=gettext_lazy("Credit to apply"))
    amount = MoneyFormField(label=gettext_lazy("Amount"))

    def __init__(self, data=None, *, obj, request):
        super().__init__(data, obj=obj, request=request)
        locale = obj.organization.locale
        credit_notes = (
            CreditNote.objects.filter(customer_id=obj.customer_id, currency=obj.currency)
            .open()
            .order_by("date", "id")
        )
        retainers = (
            RetainerInvoice.objects.filter(customer_id=obj.customer_id, currency=obj.currency)
            .with_retainer_available()
            .order_by("date", "id")
        )
        choices = [
            (
                f"creditnote-{cn.pk}",
                _("Credit note %(number)s — %(amount)s available")
                % {"number": cn.number, "amount": format_money(cn.balance, cn.currency, locale=locale)},
            )
            for cn in credit_notes
        ]
        choices += [
            (
                f"retainer-{r.pk}",
                _("Retainer %(number)s — %(amount)s available")
                % {
                    "number": r.number,
                    "amount": format_money(r.retainer_available, r.currency, locale=locale),
                },
            )
            for r in retainers
        ]
        payments = CustomerPayment.objects.filter(
            customer_id=obj.customer_id, unused_amount__gt=0, currency=obj.currency
        ).order_by("date", "id")
        choices += [
            (
                f"payment-{p.pk}",
                _("Payment %(number)s — %(amount)s unused")
                % {"number": p.number, "amount": format_money(p.unused_amount, p.currency, locale=locale)},
            )
            for p in payments
        ]
        self.fields["source"].choices = choices
        first = credit_notes.first() or retainers.first() or payments.first()
        if first is not None:
            self.fields["amount"].initial = round_money(min(obj.balance_due, _available(first)), obj.currency)

    def clean_source(self):
        kind, _sep, pk = self.cleaned_data["source"].partition("-")
        model = {"creditnote": CreditNote, "retainer": RetainerInvoice, "payment": CustomerPayment}.get(kind)
        source = (
            model.objects.filter(organization_id=self.obj.organization_id, pk=pk).first() if model else None
        )
        if source is None:
            raise ValidationError(_("Choose a credit note, a retainer or a payment with unused credit."))
        return source
