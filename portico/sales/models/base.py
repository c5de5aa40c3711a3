"""What every sales document shares: header, customer snapshot, lines and stored totals."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portico.fields import MoneyField
from portico.money import QUANTITY_DIGITS, QUANTITY_PLACES, LineAmounts, line_amounts


class SalesDocument(models.Model):
    """Abstract header of a quote, invoice, retainer invoice, credit note or sales order.

    Totals are stored, computed by :func:`portico.sales.services.documents.document_recalculate` from the
    lines, so lists never add lines up row by row. The customer's name and addresses are copied when the
    document is issued, so a later change to the customer does not rewrite what was sent.
    """

    #: Amounts in the customer's currency (it cannot change under them), and a transaction of the organization.
    in_customer_currency = True
    is_transaction = True

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=32)
    date = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    billing_address = models.TextField(_("billing address"), blank=True)
    shipping_address = models.TextField(_("shipping address"), blank=True)
    customer_tax_id = models.CharField(_("customer tax number"), max_length=60, blank=True)
    notes = models.TextField(_("customer notes"), blank=True)
    terms = models.TextField(_("terms and conditions"), blank=True)
    subtotal = MoneyField(_("subtotal"), editable=False)
    discount_total = MoneyField(_("discount"), editable=False)
    tax_total = MoneyField(_("tax"), editable=False)
    total = MoneyField(_("total"), editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.number


def _document_meta_constraints(prefix: str) -> list:
    return [models.UniqueConstraint(fields=["organization", "number"], name=f"{prefix}_number_unique")]


class DocumentLine(models.Model):
    """Abstract line: quantity × rate, less a discount, plus tax. Tax name and rate are copied from the tax."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    item = models.ForeignKey(
        "catalog.Item",
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    rate = MoneyField(_("rate"), validators=[MinValueValidator(Decimal("0"))])
    discount_percent = models.DecimalField(
        _("discount %"),
        max_digits=7,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    tax = models.ForeignKey(
        "catalog.Tax",
        verbose_name=_("tax"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tax_name = models.CharField(_("tax name"), max_length=60, blank=True, editable=False)
    tax_rate = models.DecimalField(
        _("tax rate %"), max_digits=7, decimal_places=4, default=Decimal("0"), editable=False
    )
    amount = MoneyField(_("amount"), editable=False, help_text=_("After discount, before tax."))
    tax_amount = MoneyField(_("tax amount"), editable=False)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description

    def compute(self, currency: str) -> LineAmounts:
        return line_amounts(
            quantity=self.quantity,
            rate=self.rate,
            currency=currency,
            discount_percent=self.discount_percent,
            tax_percent=self.tax_rate,
        )

    @property
    def total(self) -> Decimal:
        return self.amount + self.tax_amount


def line_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(condition=models.Q(quantity__gte=0), name=f"{prefix}_quantity_not_negative"),
        models.CheckConstraint(condition=models.Q(rate__gte=0), name=f"{prefix}_rate_not_negative"),
        models.CheckConstraint(
            condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
            name=f"{prefix}_discount_in_range",
        ),
    ]
