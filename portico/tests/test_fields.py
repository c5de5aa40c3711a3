"""MoneyField: a Decimal in Python, an integer of 1/10,000 units in the database, so sums are exact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum

from portico.catalog.models import Item
from portico.fields import MoneyFormField, money_sum
from portico.money import MAX_AMOUNT
from portico.testing import ItemFactory


def test_money_round_trips_through_the_database(org):
    values = ["0", "0.0001", "0.01", "1.5", "19.99", "1234567.891", "922337203685477.5807"]
    for index, value in enumerate(values):
        ItemFactory(organization=org, name=f"item {index}", rate=Decimal(value))
    stored = list(Item.objects.filter(organization=org).order_by("name").values_list("rate", flat=True))
    assert stored == [Decimal(v) for v in values]
    assert all(isinstance(value, Decimal) for value in stored)


def test_instance_reloaded_from_the_database_holds_the_same_decimal(org):
    item = ItemFactory(organization=org, rate=Decimal("0.3"))
    item.refresh_from_db()
    assert item.rate == Decimal("0.3")
    assert str(item.rate) == "0.3000"  # stored places, whatever the currency


def test_ten_thousand_cents_sum_to_exactly_one_hundred(org):
    Item.objects.bulk_create(
        Item(organization=org, name=f"penny {i}", rate=Decimal("0.01")) for i in range(10_000)
    )
    assert Item.objects.filter(organization=org).aggregate(s=Sum("rate"))["s"] == Decimal("100.00")


def test_a_tenth_and_a_fifth_sum_to_three_tenths(org):
    ItemFactory(organization=org, rate=Decimal("0.1"))
    ItemFactory(organization=org, rate=Decimal("0.2"))
    total = Item.objects.filter(organization=org).aggregate(s=Sum("rate"))["s"]
    assert total == Decimal("0.3")
    assert 0.1 + 0.2 != 0.3  # the float sum a REAL column would give


def test_money_filters_and_compares_in_queries(org):
    cheap = ItemFactory(organization=org, rate=Decimal("0.99"))
    dear = ItemFactory(organization=org, rate=Decimal("1.00"))
    assert list(Item.objects.filter(organization=org, rate__gt=Decimal("0.99"))) == [dear]
    assert list(Item.objects.filter(organization=org, rate__lt=1)) == [cheap]
    # Differences of two money columns compare exactly, as balance checks need.
    assert set(Item.objects.filter(organization=org, rate__lt=F("rate") + F("rate"))) == {cheap, dear}
    assert Item.objects.filter(organization=org).aggregate(d=Sum(F("rate") - F("rate")))["d"] == 0


def test_more_places_than_stored_are_refused_before_reaching_the_database(org):
    with pytest.raises(ValueError, match="more than 4 decimal places"), transaction.atomic():
        ItemFactory(organization=org, rate=Decimal("0.00001"))
    assert not Item.objects.filter(organization=org).exists()


def test_a_float_is_refused_by_the_field(org):
    with pytest.raises(TypeError), transaction.atomic():
        ItemFactory(organization=org, rate=0.1)
    assert not Item.objects.filter(organization=org).exists()


def test_an_amount_beyond_the_stored_range_fails_validation(org):
    item = Item(organization=org, name="Too dear", rate=Decimal("900000000000000.0001"))
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert exc.value.message_dict == {"rate": ["Enter an amount of at most 900,000,000,000,000."]}
    item.rate = Decimal("900000000000000")
    item.full_clean()
    item.save()
    item.refresh_from_db()
    assert item.rate == Decimal("900000000000000")


def test_money_sum_is_exact_and_zero_for_no_rows(org):
    assert money_sum(Item.objects.filter(organization=org), "rate") == Decimal("0")
    for index, value in enumerate(["0.0001", "19.99", "1234567.891", "0.1", "0.2"]):
        ItemFactory(organization=org, name=f"item {index}", rate=Decimal(value))
    total = money_sum(Item.objects.filter(organization=org), "rate")
    assert total == Decimal("1234588.1811")
    assert str(total) == "1234588.1811"


def test_amounts_at_the_maximum_sum_exactly_on_every_database(org):
    # A plain SUM of the stored integers overflows SQLite's 64 bits from the second amount at the maximum on.
    Item.objects.bulk_create(
        Item(organization=org, name=f"dear {i}", rate=MAX_AMOUNT - Decimal("0.0001") * i) for i in range(25)
    )
    total = money_sum(Item.objects.filter(organization=org), "rate")
    assert total == 25 * MAX_AMOUNT - Decimal("0.0001") * sum(range(25))
    assert total == Decimal("22499999999999999.9700")


def test_an_amount_form_field_takes_the_maximum_and_refuses_beyond_it():
    field = MoneyFormField()
    assert field.clean("900000000000000") == MAX_AMOUNT
    assert field.clean("899999999999999.9999") == Decimal("899999999999999.9999")
    with pytest.raises(ValidationError) as exc:
        field.clean("900000000000000.01")
    assert exc.value.messages == ["Enter an amount of at most 900,000,000,000,000."]
    with pytest.raises(ValidationError) as exc:
        field.clean("1e30")
    assert exc.value.messages == ["Enter an amount of at most 900,000,000,000,000."]
    with pytest.raises(ValidationError) as exc:
        field.clean("1.00001")
    assert exc.value.messages == ["Ensure that there are no more than 4 decimal places."]
