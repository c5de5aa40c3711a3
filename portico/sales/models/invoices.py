from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from portico.fields import MoneyField

from .base import DocumentLine, SalesDocument, _document_meta_constraints, line_constraints


class InvoiceQuerySet(models.QuerySet):
    """The rules of which invoices are what, written once for the portal, the office and the services."""

    def visible_to_customer(self) -> InvoiceQuerySet:
        """Issued invoices: every status but draft (a voided one stays, marked Void)."""
        return self.exclude(status=Invoice.Status.DRAFT)

    def open(self) -> InvoiceQuerySet:
        """Sent or partly paid: money is still owed on them."""
        return self.filter(status__in=Invoice.OPEN_STATUSES)

    def payable(self) -> InvoiceQuerySet:
        """Open with a balance due: what a payment or a credit may be applied to."""
        return self.filter(Invoice.payable_condition())

    def overdue(self, today: datetime.date) -> InvoiceQuerySet:
        """Payable and past their due date on ``today`` (the organization's date)."""
        return self.filter(Invoice.overdue_condition(today))


class RetainerInvoiceQuerySet(models.QuerySet):
    def visible_to_customer(self) -> RetainerInvoiceQuerySet:
        return self.exclude(status=RetainerInvoice.Status.DRAFT)

    def open(self) -> RetainerInvoiceQuerySet:
        return self.filter(status__in=RetainerInvoice.OPEN_STATUSES)

    def payable(self) -> RetainerInvoiceQuerySet:
        return self.filter(RetainerInvoice.payable_condition())

    def with_retainer_available(self) -> RetainerInvoiceQuerySet:
        """Paid retainers with money not yet applied to invoices or refunded."""
        return self.filter(retainer_available__gt=0)


class _Payable:
    """Predicates an invoice and a retainer invoice share; the services refuse exactly what these deny."""

    @classmethod
    def payable_condition(cls) -> models.Q:
        """The condition of ``payable()``, for a listing that filters or sorts by it."""
        return models.Q(status__in=cls.OPEN_STATUSES, balance_due__gt=0)

    @property
    def is_open(self) -> bool:
        """Sent or partly paid: money is still owed on it."""
        return self.status in self.OPEN_STATUSES

    @property
    def is_payable(self) -> bool:
        """Open with a balance due: a payment or a credit may be applied to it."""
        return self.is_open and self.balance_due > 0

    def can_send(self) -> bool:
        """A draft with something to pay can be issued."""
        return self.status == self.Status.DRAFT and self.total > 0

    def can_void(self) -> bool:
        """A draft, or an issued document nothing has been paid or credited on."""
        if self.status == self.Status.DRAFT:
            return True
        # Payments and credits applied are positive, so nothing was applied exactly when nothing is settled.
        return self.status in (*self.OPEN_STATUSES, self.Status.PAID) and self.balance_due == self.total


class Invoice(_Payable, SalesDocument):
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

    objects = InvoiceQuerySet.as_manager()

    @classmethod
    def overdue_condition(cls, today: datetime.date) -> models.Q:
        """The condition of :meth:`InvoiceQuerySet.overdue`, for a listing that filters by it."""
        return cls.payable_condition() & models.Q(due_date__lt=today)

    def is_overdue(self, today: datetime.date) -> bool:
        """Payable and past its due date on ``today`` (the organization's date)."""
        return self.is_payable and self.due_date < today

    def display_status(self, today: datetime.date) -> str:
        """The status a person should see: an open invoice past its due date shows as overdue."""
        if self.is_overdue(today):
            return self.Status.OVERDUE
        return self.status

    @property
    def amount_settled(self):
        return self.total - self.balance_due


class InvoiceLine(DocumentLine):
    document = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = line_constraints("invoiceline")


class RetainerInvoice(_Payable, SalesDocument):
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

    objects = RetainerInvoiceQuerySet.as_manager()

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

    def can_use_retainer(self) -> bool:
        """Money paid on it is left to apply to invoices or to refund."""
        return self.retainer_available > 0


class RetainerInvoiceLine(DocumentLine):
    document = models.ForeignKey(RetainerInvoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = line_constraints("retainerline")
