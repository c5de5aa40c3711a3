"""Document numbers: sequential, per organization and kind, and given back when the transaction rolls back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from portico.organizations.models import NumberSeries
from portico.organizations.services import number_next, organization_create


def test_numbers_are_sequential_and_padded(org):
    numbers = [number_next(organization=org, kind=NumberSeries.Kind.INVOICE) for _ in range(3)]
    assert numbers == ["INV-00001", "INV-00002", "INV-00003"]
    assert NumberSeries.objects.get(organization=org, kind="invoice").next_number == 4


def test_each_organization_and_kind_has_its_own_series(org, other_org):
    assert number_next(organization=org, kind="invoice") == "INV-00001"
    assert number_next(organization=org, kind="quote") == "QT-00001"
    assert number_next(organization=other_org, kind="invoice") == "INV-00001"
    assert number_next(organization=org, kind="invoice") == "INV-00002"


def test_a_rolled_back_transaction_gives_its_number_back(org):
    number_next(organization=org, kind="invoice")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert number_next(organization=org, kind="invoice") == "INV-00002"
        raise RuntimeError("the document could not be saved")
    assert number_next(organization=org, kind="invoice") == "INV-00002"


def test_a_custom_prefix_and_padding_are_used(org):
    NumberSeries.objects.filter(organization=org, kind="invoice").update(
        prefix="2026/", padding=3, next_number=41
    )
    assert number_next(organization=org, kind="invoice") == "2026/041"


def test_a_missing_series_is_created_on_first_use(org):
    NumberSeries.objects.filter(organization=org, kind="refund").delete()
    assert number_next(organization=org, kind="refund") == "RF-00001"
    assert number_next(organization=org, kind="refund") == "RF-00002"


def test_an_unknown_series_is_refused(org):
    before = list(NumberSeries.objects.values_list("kind", "next_number"))
    with pytest.raises(ValidationError) as exc:
        number_next(organization=org, kind="receipt")
    assert exc.value.messages == ["Unknown number series “receipt”."]
    assert list(NumberSeries.objects.values_list("kind", "next_number")) == before


def test_a_new_organization_gets_every_series(db):
    organization = organization_create(name="New Co", portal_slug="new-co", email="owner@new.test")
    assert set(NumberSeries.objects.filter(organization=organization).values_list("kind", flat=True)) == set(
        NumberSeries.Kind.values
    )
    assert number_next(organization=organization, kind="payment") == "PAY-00001"
