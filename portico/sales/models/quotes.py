from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import DocumentLine, SalesDocument, _document_meta_constraints, line_constraints


class Quote(SalesDocument):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        INVOICED = "invoiced", _("Invoiced")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("accepted or declined at"), null=True, blank=True, editable=False)
    decline_reason = models.TextField(_("reason for declining"), blank=True, editable=False)
    sales_order = models.ForeignKey(
        "sales.SalesOrder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
        editable=False,
    )
    invoice = models.ForeignKey(
        "sales.Invoice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
        editable=False,
    )

    class Meta(SalesDocument.Meta):
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = _document_meta_constraints("quote")
        indexes = [
            models.Index(fields=["customer", "status", "-date"], name="quote_customer_status"),
            models.Index(fields=["customer", "-date", "-id"], name="quote_customer_date"),
            models.Index(fields=["organization", "-date", "-id"], name="quote_org_date"),
        ]


class QuoteLine(DocumentLine):
    document = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = line_constraints("quoteline")
