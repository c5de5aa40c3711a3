"""Fields shared by the domain apps and their forms: money in the database, in queries and in forms."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core import validators
from django.db import models
from django.db.models import BigIntegerField, ExpressionWrapper, F, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from portico.money import MAX_AMOUNT, STORED_PLACES, ZERO, to_decimal, too_large_message

_SCALE = Decimal(10) ** STORED_PLACES


class MoneyField(models.BigIntegerField):
    """An amount of money, a Decimal in Python, stored as an integer count of 1/10,000 units.

    Integers add exactly in every database: SQLite has no decimal type and would sum amounts as floats,
    so storing scaled integers keeps balances and receivables exact on SQLite and PostgreSQL alike.
    Every ISO 4217 minor unit (at most four places) fits. Only comparisons, sums and differences of
    MoneyFields are meaningful in queries.
    """

    description = "Amount of money (Decimal, stored as integer 1/10,000 units)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", Decimal("0"))
        super().__init__(*args, **kwargs)

    @property
    def validators(self):
        # Integer range validators of BigIntegerField don't apply to the Decimal value.
        return [*self.default_validators, *self._validators]

    def get_prep_value(self, value):
        if value is None or hasattr(value, "resolve_expression"):
            return value
        scaled = to_decimal(value) * _SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {STORED_PLACES} decimal places")
        return int(scaled)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return (Decimal(value) / _SCALE).quantize(Decimal(1).scaleb(-STORED_PLACES))

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return to_decimal(value)
        except Exception as exc:
            raise validators.ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value is not None and (to_decimal(value) * _SCALE) % 1 != 0:
            raise validators.ValidationError(
                _("Enter an amount with at most %(places)d decimal places."),
                code="max_decimal_places",
                params={"places": STORED_PLACES},
            )
        if value is not None and abs(to_decimal(value)) > MAX_AMOUNT:
            # Beyond this the scaled integer no longer fits the database's 64-bit column.
            raise validators.ValidationError(too_large_message(), code="max_value")

    def formfield(self, **kwargs):
        defaults = {"form_class": MoneyFormField}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else str(value)


class MoneyFormField(forms.DecimalField):
    """An amount as typed in a form: a number with at most the four stored places, up to ``MAX_AMOUNT``.

    Every amount input of the office and the portal uses it, so what a form accepts is what the services and
    the database keep: an amount the office can make (a line's total, an invoice's balance) can be typed back.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", None)
        kwargs.setdefault("decimal_places", STORED_PLACES)
        kwargs.setdefault("max_value", MAX_AMOUNT)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None and value.is_finite() and abs(value) > MAX_AMOUNT:
            raise forms.ValidationError(too_large_message(), code="max_value")


#: Money columns are summed in two parts, high and low digits of the stored integer, each far below the
#: 64-bit limit whatever the number of rows.
_SPLIT = 10**9


def money_sum_parts(field: str) -> tuple[Sum, Sum]:
    """The two sums ``money_from_parts`` adds up exactly: of the stored integer's high and of its low digits."""
    return (
        Sum(ExpressionWrapper(F(field) / _SPLIT, output_field=BigIntegerField())),
        Sum(ExpressionWrapper(F(field) % _SPLIT, output_field=BigIntegerField())),
    )


def money_from_parts(high, low) -> Decimal:
    """The exact amount of the two part sums of ``money_sum_parts``; zero when there were no rows."""
    if high is None:
        return ZERO
    scaled = int(high) * _SPLIT + int(low)
    return Decimal(f"{scaled}E-{STORED_PLACES}")  # exact however many digits, in the stored places


def money_sum(queryset: QuerySet, field: str) -> Decimal:
    """The exact sum of a MoneyField over a queryset, at any size, on SQLite and PostgreSQL alike.

    A plain ``Sum`` adds the stored 64-bit integers: PostgreSQL widens the result, but SQLite stops with
    "integer overflow" once the total passes about 9 × 10^14 units, which two amounts near the maximum do.
    """
    high, low = money_sum_parts(field)
    sums = queryset.aggregate(high=high, low=low)
    return money_from_parts(sums["high"], sums["low"])
