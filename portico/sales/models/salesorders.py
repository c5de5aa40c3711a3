from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import DocumentLine, SalesDocument, _document_meta_constraints, line_constraints


class SalesOrder(SalesDocument):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        INVOICED = "invoiced", _("Fulfilled and invoiced")
        VOID = "void", _("Void")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    expected_shipment_date = models.DateField(_("expected shipment date"), null=True, blank=True)
    sent_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)

    class Meta(SalesDocument.Meta):
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        constraints = _document_meta_constraints("salesorder")
        indexes = [
            models.Index(fields=["customer", "status", "-date"], name="salesorder_customer_status"),
            models.Index(fields=["customer", "-date", "-id"], name="salesorder_customer_date"),
            models.Index(fields=["organization", "-date", "-id"], name="salesorder_org_date"),
        ]


class SalesOrderLine(DocumentLine):
    document = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = line_constraints("salesorderline")
