"""What every back-office model form shares: the organization it works in, and decimals as people write them."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import FieldDoesNotExist

from portico.fields import MoneyField


class DecimalInput(forms.NumberInput):
    """Shows stored decimals the way people write them: 90.0000 → 90.00 for money, 1.0000 → 1 for quantities."""

    def __init__(self, attrs=None, *, min_places: int = 0):
        super().__init__(attrs)
        self.min_places = min_places

    def format_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            normalized = value.normalize()
            places = max(-normalized.as_tuple().exponent, self.min_places, 0)
            return f"{value:.{places}f}"
        return super().format_value(value)


class OfficeModelForm(forms.ModelForm):
    """A model form that knows the staff user's organization (set by the admin), so new rows carry it and
    constraints that involve the organization (unique names) are checked before saving."""

    organization = None
    request = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DecimalField) and isinstance(field.widget, forms.NumberInput):
                try:
                    money = isinstance(self._meta.model._meta.get_field(name), MoneyField)
                except FieldDoesNotExist:
                    money = False
                field.widget = DecimalInput(field.widget.attrs, min_places=2 if money else 0)
        if (
            self.organization is not None
            and self.instance.pk is None
            and hasattr(self.instance, "organization_id")
        ):
            self.instance.organization = self.organization

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if getattr(self.instance, "organization_id", None):
            exclude.discard("organization")
        return exclude
