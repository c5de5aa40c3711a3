from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import DocumentLine, SalesDocument, _document_meta_constraints, line_constraints


class SalesOrderQuerySet(models.QuerySet):
    def visible_to_customer(self) -> SalesOrderQuerySet:
        """Confirmed orders and what became of them; a draft is still the business's own work."""
        return self.filter(status__in=SalesOrder.CUSTOMER_STATUSES)


class SalesOrder(SalesDocument):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        INVOICED = "invoiced", _("Fulfilled and invoiced")
        VOID = "void", _("Void")

    #: What a customer may see of a sales order's life.
    CUSTOMER_STATUSES = (Status.OPEN, Status.INVOICED, Status.VOID)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    expected_shipment_date = models.DateField(_("expected shipment date"), null=True, blank=True)
    sent_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)

    objects = SalesOrderQuerySet.as_manager()

    class Meta(SalesDocument.Meta):
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        constraints = _document_meta_constraints("salesorder")
        indexes = [
            models.Index(fields=["customer", "status", "-date"], name="salesorder_customer_status"),
            models.Index(fields=["customer", "-date", "-id"], name="salesorder_customer_date"),
            models.Index(fields=["organization", "-date", "-id"], name="salesorder_org_date"),
        ]

    def can_confirm(self) -> bool:
        return self.status == self.Status.DRAFT

    def can_invoice(self) -> bool:
        return self.status == self.Status.OPEN

    def can_void(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.OPEN)


class SalesOrderLine(DocumentLine):
    document = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = line_constraints("salesorderline")
