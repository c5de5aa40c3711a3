from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import DocumentLine, SalesDocument, _document_meta_constraints, line_constraints


class QuoteQuerySet(models.QuerySet):
    """The rules of which quotes are what, written once for the portal, the office and the services."""

    def visible_to_customer(self) -> QuoteQuerySet:
        """Quotes the business has sent: every status but draft (a filter on the status index)."""
        return self.filter(status__in=Quote.CUSTOMER_STATUSES)

    def open(self, today: datetime.date) -> QuoteQuerySet:
        """Sent and not past their expiry date on ``today``: awaiting the customer's decision."""
        return self.filter(Quote.open_condition(today))

    def past_expiry(self, today: datetime.date) -> QuoteQuerySet:
        """Sent quotes whose expiry date has passed on ``today``, not yet marked expired."""
        return self.filter(status=Quote.Status.SENT, expiry_date__lt=today)

    def expired(self, today: datetime.date) -> QuoteQuerySet:
        """Marked expired, or sent and past their expiry date."""
        return self.filter(Quote.expired_condition(today))


class Quote(SalesDocument):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        INVOICED = "invoiced", _("Invoiced")

    #: What a customer may see: every status but draft.
    CUSTOMER_STATUSES = (Status.SENT, Status.ACCEPTED, Status.DECLINED, Status.EXPIRED, Status.INVOICED)

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

    objects = QuoteQuerySet.as_manager()

    class Meta(SalesDocument.Meta):
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = _document_meta_constraints("quote")
        indexes = [
            models.Index(fields=["customer", "status", "-date"], name="quote_customer_status"),
            models.Index(fields=["customer", "-date", "-id"], name="quote_customer_date"),
            models.Index(fields=["organization", "-date", "-id"], name="quote_org_date"),
        ]

    @classmethod
    def open_condition(cls, today: datetime.date) -> models.Q:
        """The condition of :meth:`QuoteQuerySet.open`, for a listing's filter."""
        return models.Q(status=cls.Status.SENT) & (
            models.Q(expiry_date__isnull=True) | models.Q(expiry_date__gte=today)
        )

    @classmethod
    def expired_condition(cls, today: datetime.date) -> models.Q:
        """The condition of :meth:`QuoteQuerySet.expired`, for a listing's filter."""
        return models.Q(status=cls.Status.EXPIRED) | models.Q(status=cls.Status.SENT, expiry_date__lt=today)

    # Each predicate below is what the office's buttons ask and what the services refuse by; ``today`` is
    # the organization's date (``organization.today()``).

    def is_past_expiry(self, today: datetime.date) -> bool:
        """Sent, with an expiry date that has passed: no longer an offer, though not yet marked expired."""
        return self.status == self.Status.SENT and self.expiry_date is not None and self.expiry_date < today

    def is_expired(self, today: datetime.date) -> bool:
        """Marked expired, or sent and past its expiry date."""
        return self.status == self.Status.EXPIRED or self.is_past_expiry(today)

    def is_open(self, today: datetime.date) -> bool:
        """Sent and not expired: the customer can still accept or decline it."""
        return self.status == self.Status.SENT and not self.is_past_expiry(today)

    def display_status(self, today: datetime.date) -> str:
        """The status a person should see: a sent quote past its expiry date shows as expired."""
        return self.Status.EXPIRED if self.is_expired(today) else self.status

    def can_send(self, today: datetime.date) -> bool:
        """A draft whose expiry date, if any, has not passed."""
        return self.status == self.Status.DRAFT and (self.expiry_date is None or self.expiry_date >= today)

    def can_decide(self, today: datetime.date) -> bool:
        """Accepted or declined (by the customer, or by staff on their word): an open quote."""
        return self.is_open(today)

    def can_mark_expired(self) -> bool:
        return self.status == self.Status.SENT

    def can_revise(self, today: datetime.date) -> bool:
        """Declined or expired (marked, or sent and past its expiry date): reopened as a new draft version."""
        return self.status in (self.Status.DECLINED, self.Status.EXPIRED) or self.is_past_expiry(today)

    def can_convert(self, today: datetime.date) -> bool:
        """Made into an invoice or a sales order: sent and not expired, or accepted, and not ordered already
        (a quote that became a sales order is invoiced through its order)."""
        return (
            self.status in (self.Status.SENT, self.Status.ACCEPTED)
            and not self.is_past_expiry(today)
            and not self.sales_order_id
        )


class QuoteLine(DocumentLine):
    document = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = line_constraints("quoteline")
