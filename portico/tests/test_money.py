"""The money module: rounding per currency, line and document totals, parsing and formatting."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from babel.numbers import get_currency_precision, list_currencies
from django.core.exceptions import ValidationError
from iso4217 import Currency

from portico.money import (
    check_currency,
    document_totals,
    format_money,
    format_unit_price,
    is_rounded,
    known_currencies,
    line_amounts,
    minor_unit,
    parse_amount,
    round_money,
    to_decimal,
)


@pytest.mark.parametrize(("currency", "places"), [("USD", 2), ("EUR", 2), ("JPY", 0), ("BHD", 3), ("usd", 2)])
def test_minor_unit_follows_iso_4217(currency, places):
    assert minor_unit(currency) == places


def _currencies_where_cldr_and_iso_differ() -> list[str]:
    """Every currency whose minor unit in ISO 4217 is not the number of digits CLDR (Babel) gives it."""
    cldr = set(list_currencies())
    return sorted(
        currency.code
        for currency in Currency
        if currency.exponent is not None
        and currency.code in cldr
        and get_currency_precision(currency.code) != currency.exponent
    )


CLDR_DIFFERS = _currencies_where_cldr_and_iso_differ()


def test_cldr_and_iso_differ_for_a_dozen_currencies():
    # Guards the test below against passing over an empty list if either table changes shape.
    assert len(CLDR_DIFFERS) >= 10
    assert {"LBP", "IQD", "RSD", "IRR"} <= set(CLDR_DIFFERS)


@pytest.mark.parametrize("currency", CLDR_DIFFERS)
def test_currency_where_cldr_differs_keeps_its_iso_minor_unit(currency):
    places = Currency(currency).exponent
    assert minor_unit(currency) == places
    amount = Decimal("1234.5678")
    expected = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert round_money(amount, currency) == expected
    assert parse_amount(str(expected), currency) == expected  # its minor units can be entered
    # Written with exactly that many decimals, whatever the locale.
    decimals = f"{expected:f}".partition(".")[2]
    assert len(decimals) == places
    assert re.search(rf"1,234\.{decimals}(?!\d)", format_money(amount, currency, locale="en_US"))
    assert re.search(rf"1\.234,{decimals}(?!\d)", format_money(amount, currency, locale="de_DE"))


def test_every_iso_currency_rounds_to_its_iso_minor_unit():
    iso = {currency.code: currency.exponent for currency in Currency if currency.exponent is not None}
    assert known_currencies() == frozenset(iso)
    assert {code: minor_unit(code) for code in iso} == iso


@pytest.mark.parametrize("code", ["DEM", "XAU", "XXX"])
def test_a_currency_iso_4217_gives_no_minor_unit_is_refused(code):
    # A withdrawn currency (Deutsche Mark), a metal and "no currency" have no minor unit to round to.
    with pytest.raises(ValidationError) as exc:
        check_currency(code)
    assert exc.value.messages == [f"“{code}” is not a known currency code."]


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("0.005", "USD", "0.01"),
        ("0.004999", "USD", "0.00"),
        ("2.675", "USD", "2.68"),  # a float would make this 2.67
        ("-0.005", "USD", "-0.01"),  # half away from zero
        ("0.5", "JPY", "1"),
        ("1.49", "JPY", "1"),
        ("1234.5", "JPY", "1235"),
        ("0.0005", "BHD", "0.001"),
        ("1.2344", "BHD", "1.234"),
        ("7", "BHD", "7.000"),
    ],
)
def test_amounts_round_half_up_to_the_currencys_minor_unit(amount, currency, expected):
    rounded = round_money(amount, currency)
    assert rounded == Decimal(expected)
    assert str(rounded) == expected  # the exponent is the currency's, too


def test_floats_are_refused_everywhere_money_enters():
    with pytest.raises(TypeError, match="never a float"):
        to_decimal(0.1)
    with pytest.raises(TypeError):
        round_money(0.1, "USD")
    with pytest.raises(TypeError):
        parse_amount(10.5, "USD")
    with pytest.raises(TypeError):
        line_amounts(quantity=1.5, rate=Decimal("1"), currency="USD")


def test_text_that_is_not_a_number_is_refused():
    with pytest.raises(ValidationError) as exc:
        to_decimal("ten dollars")
    assert exc.value.messages == ["“ten dollars” is not a number."]
    with pytest.raises(ValidationError):
        to_decimal("NaN")
    with pytest.raises(ValidationError):
        to_decimal("Infinity")


def test_unknown_currency_is_refused():
    with pytest.raises(ValidationError) as exc:
        round_money("1.00", "XYZ")
    assert exc.value.messages == ["“XYZ” is not a known currency code."]
    with pytest.raises(ValidationError):
        check_currency("")
    assert check_currency(" eur ") == "EUR"


def test_line_amount_applies_discount_then_tax_each_rounded():
    # 3 × 19.99 = 59.97; 15 % off = 8.9955 → 9.00; net 50.97; 7.25 % tax = 3.695325 → 3.70
    line = line_amounts(
        quantity=Decimal("3"),
        rate=Decimal("19.99"),
        currency="USD",
        discount_percent=Decimal("15"),
        tax_percent=Decimal("7.25"),
    )
    assert line.gross == Decimal("59.97")
    assert line.discount == Decimal("9.00")
    assert line.net == Decimal("50.97")
    assert line.tax == Decimal("3.70")
    assert line.total == Decimal("54.67")


def test_line_amount_in_yen_and_dinar_rounds_to_their_units():
    yen = line_amounts(
        quantity=Decimal("1.5"), rate=Decimal("333"), currency="JPY", tax_percent=Decimal("10")
    )
    assert (yen.gross, yen.tax, yen.total) == (Decimal("500"), Decimal("50"), Decimal("550"))
    dinar = line_amounts(
        quantity=Decimal("1"), rate=Decimal("10.0005"), currency="BHD", tax_percent=Decimal("10")
    )
    assert (dinar.gross, dinar.tax, dinar.total) == (Decimal("10.001"), Decimal("1.000"), Decimal("11.001"))


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("quantity", {"quantity": Decimal("-1")}, "Quantity cannot be negative."),
        ("rate", {"rate": Decimal("-0.01")}, "Rate cannot be negative."),
        (
            "discount_percent",
            {"discount_percent": Decimal("100.01")},
            "Discount must be between 0 and 100 %.",
        ),
        ("discount_percent", {"discount_percent": Decimal("-1")}, "Discount must be between 0 and 100 %."),
        ("tax_percent", {"tax_percent": Decimal("-5")}, "Tax rate cannot be negative."),
    ],
)
def test_line_with_negative_or_out_of_range_inputs_is_refused(field, kwargs, message):
    arguments = {"quantity": Decimal("1"), "rate": Decimal("10"), "currency": "USD", **kwargs}
    with pytest.raises(ValidationError) as exc:
        line_amounts(**arguments)
    assert exc.value.message_dict == {field: [message]}


def test_document_total_is_the_sum_of_rounded_line_totals():
    # Each line's tax is 0.333… → 0.33; taxing the subtotal instead would give 1.00, not 0.99.
    computed = [
        (line_amounts(quantity=1, rate=Decimal("1.11"), currency="USD", tax_percent=Decimal("30")), "T", 30)
        for _ in range(3)
    ]
    totals = document_totals(computed, "USD")
    assert totals.subtotal == Decimal("3.33")
    assert totals.tax_total == Decimal("0.99")
    assert totals.total == sum(line.total for line, _name, _rate in computed) == Decimal("4.32")
    assert totals.taxes == (("T", Decimal("30"), Decimal("0.99")),)


def test_document_totals_group_taxes_by_name_and_rate_and_report_discounts():
    vat = line_amounts(
        quantity=2, rate=Decimal("50"), currency="EUR", discount_percent=10, tax_percent=Decimal("20")
    )
    reduced = line_amounts(quantity=1, rate=Decimal("10"), currency="EUR", tax_percent=Decimal("5.5"))
    untaxed = line_amounts(quantity=1, rate=Decimal("3"), currency="EUR")
    totals = document_totals(
        [(vat, "VAT", Decimal("20")), (reduced, "VAT", Decimal("5.5")), (untaxed, "", Decimal("0"))], "EUR"
    )
    assert totals.discount_total == Decimal("10.00")
    assert totals.subtotal == Decimal("103.00")
    assert totals.tax_total == Decimal("18.55")
    assert totals.total == Decimal("121.55")
    assert totals.taxes == (
        ("VAT", Decimal("5.5"), Decimal("0.55")),
        ("VAT", Decimal("20"), Decimal("18.00")),
    )


def test_parse_amount_accepts_a_rounded_positive_amount():
    assert parse_amount("1,234.5".replace(",", ""), "USD") == Decimal("1234.50")
    assert parse_amount(" 12 ", "JPY") == Decimal("12")
    assert parse_amount("0.125", "BHD") == Decimal("0.125")
    assert is_rounded(Decimal("1.10"), "USD")
    assert not is_rounded(Decimal("1.105"), "USD")


@pytest.mark.parametrize(
    ("value", "currency", "message"),
    [
        ("1.005", "USD", "USD amounts have at most 2 decimal places."),
        ("100.5", "JPY", "JPY amounts have at most 0 decimal places."),
        ("1.0001", "BHD", "BHD amounts have at most 3 decimal places."),
        ("-1", "USD", "The amount cannot be negative."),
        ("900000000000000.01", "USD", "Enter an amount of at most 900,000,000,000,000."),
    ],
)
def test_parse_amount_refuses_too_many_places_and_negatives(value, currency, message):
    with pytest.raises(ValidationError) as exc:
        parse_amount(value, currency, field="amount")
    assert exc.value.message_dict == {"amount": [message]}


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("1234.5", "USD", "en_US", "$1,234.50"),
        ("1234.5", "EUR", "de_DE", "1.234,50\xa0€"),
        ("1234.5", "EUR", "fr_FR", "1\u202f234,50\xa0€"),
        ("1234.5", "JPY", "ja_JP", "￥1,235"),
        ("1234.5678", "BHD", "en_US", "BHD1,234.568"),
        ("0.005", "USD", "en_US", "$0.01"),
        ("1234.5", "LBP", "en_US", "LBP1,234.50"),
        ("1234.5678", "IQD", "de_DE", "1.234,568\xa0IQD"),
        ("1234.5678", "CLF", "en_US", "CLF1,234.5678"),
    ],
)
def test_format_money_writes_amounts_the_locales_way(amount, currency, locale, expected):
    assert format_money(Decimal(amount), currency, locale=locale) == expected


def test_format_money_needs_the_locale_by_name():
    # Every caller says whose way of writing amounts it wants: the organization's.
    with pytest.raises(TypeError):
        format_money(Decimal("1"), "USD")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        format_money(Decimal("1"), "USD", "de_DE")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("rate", "currency", "locale", "expected"),
    [
        ("0.005", "USD", "en_US", "$0.005"),  # 1,000 × $0.005 = $5.00
        ("0.0050", "USD", "en_US", "$0.005"),  # as stored, four places
        ("12.5", "USD", "en_US", "$12.50"),  # never fewer places than the currency has
        ("95", "USD", "en_US", "$95.00"),
        ("0.1234", "EUR", "de_DE", "0,1234\xa0€"),
        ("0.5", "JPY", "en_US", "¥0.5"),
        ("333", "JPY", "en_US", "¥333"),
        ("1.2345", "BHD", "en_US", "BHD1.2345"),
        ("1.5", "BHD", "en_US", "BHD1.500"),
        ("0.00005", "USD", "en_US", "$0.0001"),  # beyond what is stored: half up to four places
    ],
)
def test_a_unit_price_keeps_its_own_precision(rate, currency, locale, expected):
    assert format_unit_price(Decimal(rate), currency, locale=locale) == expected
