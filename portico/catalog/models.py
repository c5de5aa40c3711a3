"""Taxes and items an organization sells."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portico.fields import MoneyField


class Tax(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="taxes"
    )
    name = models.CharField(_("name"), max_length=60)
    rate = models.DecimalField(
        _("rate (%)"), max_digits=7, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tax")
        verbose_name_plural = _("taxes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="tax_name_unique"),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="tax_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.rate.normalize():f}%)"


class Item(models.Model):
    class Kind(models.TextChoices):
        GOODS = "goods", _("Goods")
        SERVICE = "service", _("Service")

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="items"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.SERVICE)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    rate = MoneyField(_("rate"), help_text=_("Price per unit in the organization's base currency."))
    tax = models.ForeignKey(Tax, verbose_name=_("tax"), null=True, blank=True, on_delete=models.SET_NULL)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="item_name_unique"),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="item_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name
