"""Credits applied to invoices: from a credit note, or from what was paid on a retainer invoice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portico.fields import MoneyField
from portico.money import format_money


class CreditApplication(models.Model):
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    credit_note = models.ForeignKey("sales.CreditNote", on_delete=models.PROTECT, related_name="applications")
    invoice = models.ForeignKey("sales.Invoice", on_delete=models.PROTECT, related_name="credit_applications")
    amount = MoneyField(_("amount"))
    date = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credit applied")
        verbose_name_plural = _("credits applied")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="credit_application_positive")
        ]

    def __str__(self) -> str:
        amount = format_money(self.amount, self.invoice.currency, locale=self.organization.locale)
        return f"{self.credit_note} → {self.invoice}: {amount}"


class RetainerApplication(models.Model):
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    retainer_invoice = models.ForeignKey(
        "sales.RetainerInvoice", on_delete=models.PROTECT, related_name="applications"
    )
    invoice = models.ForeignKey(
        "sales.Invoice", on_delete=models.PROTECT, related_name="retainer_applications"
    )
    amount = MoneyField(_("amount"))
    date = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("retainer applied")
        verbose_name_plural = _("retainers applied")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="retainer_application_positive")
        ]

    def __str__(self) -> str:
        amount = format_money(self.amount, self.invoice.currency, locale=self.organization.locale)
        return f"{self.retainer_invoice} → {self.invoice}: {amount}"
