from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portico.fields import MoneyField

from .base import DocumentLine, SalesDocument, _document_meta_constraints, line_constraints


class CreditNoteQuerySet(models.QuerySet):
    def open(self) -> CreditNoteQuerySet:
        """Issued credit notes with credit left to apply or refund."""
        return self.filter(status=CreditNote.Status.OPEN, balance__gt=0)


class CreditNote(SalesDocument):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        VOID = "void", _("Void")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    balance = MoneyField(
        _("credits remaining"), editable=False, help_text=_("Not yet applied to invoices or refunded.")
    )
    invoice = models.ForeignKey(
        "sales.Invoice",
        verbose_name=_("for invoice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credit_notes",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = CreditNoteQuerySet.as_manager()

    class Meta(SalesDocument.Meta):
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        constraints = [
            *_document_meta_constraints("creditnote"),
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="creditnote_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(balance__lte=models.F("total")), name="creditnote_balance_within_total"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status", "-date"], name="creditnote_customer_status"),
            models.Index(fields=["organization", "-date", "-id"], name="creditnote_org_date"),
        ]

    def can_open(self) -> bool:
        """A draft with credit in it can be issued."""
        return self.status == self.Status.DRAFT and self.total > 0

    @property
    def is_open(self) -> bool:
        """Issued with credit left: it may be applied to invoices or refunded."""
        return self.status == self.Status.OPEN

    def can_void(self) -> bool:
        """A draft, or an open credit note none of whose credit was applied or refunded."""
        return self.status == self.Status.DRAFT or (
            self.status == self.Status.OPEN and self.balance == self.total
        )


class CreditNoteLine(DocumentLine):
    document = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = line_constraints("creditnoteline")
