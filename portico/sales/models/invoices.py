from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from portico.fields import MoneyField

from .base import DocumentLine, SalesDocument, _document_meta_constraints, line_constraints


class Invoice(SalesDocument):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")
        OVERDUE = "overdue", _("Overdue")
        VOID = "void", _("Void")

    #: Statuses with money still owed. "Overdue" is never stored: it is an open invoice past its due date.
    OPEN_STATUSES = (Status.SENT, Status.PARTIALLY_PAID)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    due_date = models.DateField(_("due date"))
    allow_partial_payments = models.BooleanField(_("allow partial payments"), default=False)
    payment_gateways = models.JSONField(
        _("online payment gateways"),
        default=list,
        blank=True,
        help_text=_("Gateways the customer may pay this invoice with online."),
    )
    balance_due = MoneyField(_("balance due"), editable=False)
    sales_order = models.ForeignKey(
        "sales.SalesOrder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invoices",
        editable=False,
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)

    class Meta(SalesDocument.Meta):
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            *_document_meta_constraints("invoice"),
            models.CheckConstraint(
                condition=models.Q(balance_due__gte=0), name="invoice_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(balance_due__lte=models.F("total")), name="invoice_balance_within_total"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status", "due_date"], name="invoice_customer_status"),
            models.Index(fields=["customer", "-date", "-id"], name="invoice_customer_date"),
            models.Index(fields=["organization", "-date", "-id"], name="invoice_org_date"),
            models.Index(fields=["organization", "status", "due_date"], name="invoice_org_status"),
        ]

    def display_status(self, today: datetime.date) -> str:
        """The status a person should see: an open invoice past its due date shows as overdue."""
        if self.status in self.OPEN_STATUSES and self.due_date < today and self.balance_due > 0:
            return self.Status.OVERDUE
        return self.status

    @property
    def amount_settled(self):
        return self.total - self.balance_due


class InvoiceLine(DocumentLine):
    document = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = line_constraints("invoiceline")


class RetainerInvoice(SalesDocument):
    """An advance payment request. What is paid on it becomes retainer credit for invoices or a refund."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    OPEN_STATUSES = (Status.SENT, Status.PARTIALLY_PAID)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    balance_due = MoneyField(_("balance due"), editable=False)
    retainer_available = MoneyField(
        _("available retainer"),
        editable=False,
        help_text=_("Paid on this retainer and not yet applied to invoices or refunded."),
    )
    quote = models.ForeignKey(
        "sales.Quote", null=True, blank=True, on_delete=models.SET_NULL, related_name="retainer_invoices"
    )
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="retainer_invoices"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)

    class Meta(SalesDocument.Meta):
        verbose_name = _("retainer invoice")
        verbose_name_plural = _("retainer invoices")
        constraints = [
            *_document_meta_constraints("retainer"),
            models.CheckConstraint(
                condition=models.Q(balance_due__gte=0), name="retainer_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(retainer_available__gte=0), name="retainer_available_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status", "-date"], name="retainer_customer_status"),
            models.Index(fields=["customer", "-date", "-id"], name="retainer_customer_date"),
            models.Index(fields=["organization", "-date", "-id"], name="retainer_org_date"),
        ]


class RetainerInvoiceLine(DocumentLine):
    document = models.ForeignKey(RetainerInvoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = line_constraints("retainerline")
