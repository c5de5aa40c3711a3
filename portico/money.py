"""Money: the one place that knows how amounts are made, rounded, totalled and shown.

Amounts are :class:`~decimal.Decimal`, never ``float``. Each currency rounds to its ISO 4217 minor unit
(USD 2, JPY 0, BHD 3, LBP 2, IQD 3) with ROUND_HALF_UP, per line, and document totals are sums of rounded line
amounts, so a document's total always equals the sum of its lines.

The minor unit comes from ISO's own table (the ``iso4217`` package, updated with each amendment), not from
CLDR: CLDR's "digits", which Babel gives, are what people usually write and differ from ISO's for a dozen
currencies (LBP, IQD, RSD, …), and an invoice must keep the minor units the currency has. Babel only writes
amounts the way a locale writes them (symbol, separators, where the sign goes), with ISO's number of places.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.numbers import NumberPattern
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from iso4217 import Currency

ZERO = Decimal("0")
HUNDRED = Decimal("100")
#: Decimal places the database keeps for every amount; enough for any ISO 4217 minor unit.
STORED_PLACES = 4
#: The largest amount Portico keeps, the same everywhere: a rate, a line, a document's total, a payment, a
#: refund, an amount typed in a form. Stored as a 64-bit integer of 1/10,000 units it fits with room to spare,
#: and sums of any number of such amounts stay exact on SQLite and PostgreSQL (``portico.fields.money_sum``).
MAX_AMOUNT = Decimal("900000000000000")
#: Digits and decimal places of a line's quantity: at most 9,999,999,999.9999.
QUANTITY_DIGITS = 14
QUANTITY_PLACES = 4
MAX_QUANTITY = Decimal(10) ** (QUANTITY_DIGITS - QUANTITY_PLACES) - Decimal(1).scaleb(-QUANTITY_PLACES)


@cache
def _iso_minor_units() -> dict[str, int]:
    """ISO 4217's currencies with their minor unit; funds and metals without one (XAU, XDR, …) are left out."""
    return {currency.code: currency.exponent for currency in Currency if currency.exponent is not None}


def known_currencies() -> frozenset[str]:
    """The codes Portico accepts: ISO 4217's current currencies that have a minor unit."""
    return frozenset(_iso_minor_units())


def check_currency(code: str) -> str:
    """Return the upper-cased code, or raise ValidationError if it is not an ISO 4217 currency."""
    normalized = (code or "").strip().upper()
    if normalized not in known_currencies():
        raise ValidationError(_("“%(code)s” is not a known currency code.") % {"code": code})
    return normalized


@cache
def minor_unit(currency: str) -> int:
    """Number of decimal places of the currency's minor unit: ISO 4217's exponent (LBP 2, where CLDR says 0)."""
    return _iso_minor_units()[check_currency(currency)]


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Turn user or stored input into a Decimal; floats are refused because they are already inexact."""
    if isinstance(value, float):
        raise TypeError("Money is never a float; pass a Decimal, an int or a string.")
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip())
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from exc
    if not result.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value})
    return result


def round_money(amount: Decimal | int | str, currency: str) -> Decimal:
    """Round to the currency's minor unit, half up (0.005 USD → 0.01)."""
    exponent = Decimal(1).scaleb(-minor_unit(currency))
    return to_decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def is_rounded(amount: Decimal, currency: str) -> bool:
    """True if the amount has no more places than the currency's minor unit allows."""
    return round_money(amount, currency) == amount


@dataclass(frozen=True)
class LineAmounts:
    """The rounded amounts of one document line."""

    gross: Decimal  # quantity × rate
    discount: Decimal  # gross × discount %
    net: Decimal  # gross − discount, the taxable amount
    tax: Decimal  # net × tax %
    total: Decimal  # net + tax


@dataclass(frozen=True)
class DocumentTotals:
    """The totals of a whole document: sums of its rounded line amounts."""

    subtotal: Decimal  # Σ net
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal  # subtotal + tax_total == Σ line totals
    taxes: tuple[tuple[str, Decimal, Decimal], ...] = ()  # (tax name, rate %, amount) for the tax summary


def line_amounts(
    *,
    quantity: Decimal,
    rate: Decimal,
    currency: str,
    discount_percent: Decimal = ZERO,
    tax_percent: Decimal = ZERO,
) -> LineAmounts:
    """Compute one line. Refuses negative quantities, rates, discounts and taxes, discounts over 100 %, and a
    quantity, rate or line amount beyond what Portico keeps (:data:`MAX_QUANTITY`, :data:`MAX_AMOUNT`)."""
    quantity, rate = to_decimal(quantity), to_decimal(rate)
    discount_percent, tax_percent = to_decimal(discount_percent), to_decimal(tax_percent)
    errors = {}
    if quantity < 0:
        errors["quantity"] = _("Quantity cannot be negative.")
    if rate < 0:
        errors["rate"] = _("Rate cannot be negative.")
    if not ZERO <= discount_percent <= HUNDRED:
        errors["discount_percent"] = _("Discount must be between 0 and 100 %.")
    if tax_percent < 0:
        errors["tax_percent"] = _("Tax rate cannot be negative.")
    if quantity > MAX_QUANTITY:
        errors["quantity"] = _("Quantity can be at most %(max)s.") % {"max": f"{MAX_QUANTITY:,}"}
    if rate > MAX_AMOUNT:
        errors["rate"] = too_large_message()
    if errors:
        raise ValidationError(errors)
    # Each product is compared with the maximum before it is rounded: far beyond it, rounding to the minor unit
    # would need more digits than Decimal arithmetic keeps.
    if quantity * rate > MAX_AMOUNT:
        raise ValidationError(
            {"amount": _("Quantity × rate comes to more than %(max)s, the most a line can hold.") % _max()}
        )
    gross = round_money(quantity * rate, currency)
    discount = round_money(gross * discount_percent / HUNDRED, currency)
    net = gross - discount
    exact_tax = net * tax_percent / HUNDRED
    if net + exact_tax > MAX_AMOUNT:  # then rounded too, as the maximum is a whole number
        raise ValidationError(
            {
                "amount": _("With its tax the line comes to more than %(max)s, the most a line can hold.")
                % _max()
            }
        )
    tax = round_money(exact_tax, currency)
    return LineAmounts(gross=gross, discount=discount, net=net, tax=tax, total=net + tax)


def document_totals(lines: Iterable[tuple[LineAmounts, str, Decimal]], currency: str) -> DocumentTotals:
    """Total a document from its computed lines, given as (amounts, tax name, tax rate %)."""
    subtotal = discount_total = tax_total = ZERO
    by_tax: dict[tuple[str, Decimal], Decimal] = {}
    for amounts, tax_name, tax_rate in lines:
        subtotal += amounts.net
        discount_total += amounts.discount
        tax_total += amounts.tax
        if tax_name and amounts.tax:
            key = (tax_name, to_decimal(tax_rate))
            by_tax[key] = by_tax.get(key, ZERO) + amounts.tax
    return DocumentTotals(
        subtotal=round_money(subtotal, currency),
        discount_total=round_money(discount_total, currency),
        tax_total=round_money(tax_total, currency),
        total=round_money(subtotal + tax_total, currency),
        taxes=tuple((name, rate, amount) for (name, rate), amount in sorted(by_tax.items())),
    )


def parse_amount(value: Decimal | int | str, currency: str, *, field: str = "amount") -> Decimal:
    """Validate a user-entered amount: a number, not negative, with no more places than the currency has."""
    amount = to_decimal(value)
    if amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: too_large_message()})
    if not is_rounded(amount, currency):
        raise ValidationError(
            {
                field: _("%(currency)s amounts have at most %(places)d decimal places.")
                % {"currency": currency, "places": minor_unit(currency)}
            }
        )
    return round_money(amount, currency)


def _max() -> dict[str, str]:
    return {"max": f"{MAX_AMOUNT:,}"}


def too_large_message() -> str:
    """What every amount beyond :data:`MAX_AMOUNT` is refused with."""
    return _("Enter an amount of at most %(max)s.") % _max()


@cache
def _currency_pattern(locale: str, min_places: int, max_places: int) -> NumberPattern:
    """The locale's currency format with the given number of decimal places instead of CLDR's digits."""
    pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
    pattern.frac_prec = (min_places, max_places)
    return pattern


def format_money(amount: Decimal, currency: str, *, locale: str) -> str:
    """Show an amount rounded to the currency's minor unit, the way the locale writes that currency:
    ``$1,234.50``, ``¥1,235``, ``1.234,50 €``, ``LBP1,234.50``. Callers pass the organization's locale."""
    places = minor_unit(currency)
    return _currency_pattern(locale, places, places).apply(
        round_money(amount, currency), locale, currency=currency, currency_digits=False
    )


def format_unit_price(rate: Decimal, currency: str, *, locale: str) -> str:
    """Show a price per unit with its own precision: the currency's places at least, and the rate's further
    significant places up to the four stored (``$0.005`` a bolt, ``$12.50`` an hour, ``¥0.5`` a gram), so that
    1,000 × $0.005 = $5.00 reads as it was computed."""
    places = minor_unit(currency)
    stored = to_decimal(rate).quantize(Decimal(1).scaleb(-STORED_PLACES), rounding=ROUND_HALF_UP)
    return _currency_pattern(locale, places, max(places, STORED_PLACES)).apply(
        stored, locale, currency=currency, currency_digits=False
    )
