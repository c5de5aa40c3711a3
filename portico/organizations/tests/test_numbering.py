"""Document numbers: sequential, per organization and kind, and given back when the transaction rolls back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from portico.actors import Actor
from portico.organizations.models import DOCUMENT_NUMBER_MAX_LENGTH, NumberSeries
from portico.organizations.services import number_next, number_series_update, organization_create
from portico.testing import SETUP, audit_actions, db_state, make_invoice


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


def test_staff_change_a_series_prefix_with_slashes_and_its_padding(org, staff):
    series = NumberSeries.objects.get(organization=org, kind="invoice")

    number_series_update(series=series, prefix=" INV/2026/ ", padding=3, actor=Actor.staff(staff))

    series.refresh_from_db()
    assert (series.prefix, series.padding) == ("INV/2026/", 3)
    assert number_next(organization=org, kind="invoice") == "INV/2026/001"
    assert audit_actions(series) == ["number_series.updated"]


@pytest.mark.parametrize(
    ("prefix", "padding", "field", "fragment"),
    [
        ("INV-", 40, "padding", "the padding can be at most 28 digits"),
        ("INV/2026/", 24, "padding", "the padding can be at most 23 digits"),
        ("INV-", 32767, "padding", "A number can be at most 32 characters long"),
        ("/INV", 5, "prefix", "cannot start with one"),
        ("INV//", 5, "prefix", "two in a row"),
        ("INV/../", 5, "prefix", "“.” or “..”"),
        ("IN\x00V", 5, "prefix", "control characters"),
        ("QT-", 5, "prefix", "Another series already uses this prefix"),
    ],
)
def test_a_prefix_or_padding_that_would_break_numbers_is_refused(org, prefix, padding, field, fragment):
    series = NumberSeries.objects.get(organization=org, kind="invoice")
    before = db_state()

    with pytest.raises(ValidationError) as exc:
        number_series_update(series=series, prefix=prefix, padding=padding, actor=SETUP)

    assert any(fragment in message for message in exc.value.message_dict[field])
    assert db_state() == before
    assert number_next(organization=org, kind="invoice") == "INV-00001"


def test_the_longest_padding_allowed_gives_numbers_that_fit(org, customer_a):
    series = NumberSeries.objects.get(organization=org, kind="invoice")
    number_series_update(series=series, prefix="INVOICE/26", padding=22, actor=SETUP)

    invoice = make_invoice(customer_a, "10")

    assert len(invoice.number) == DOCUMENT_NUMBER_MAX_LENGTH
    invoice.refresh_from_db()
    assert invoice.number == "INVOICE/26" + "1".rjust(22, "0")


def test_every_numbered_record_holds_the_longest_number():
    from portico.payments.models import CustomerPayment, Refund
    from portico.projects.models import Project, TimesheetApproval
    from portico.sales.models import CreditNote, Invoice, Quote, RetainerInvoice, SalesOrder

    numbered = (
        CustomerPayment,
        Refund,
        Project,
        TimesheetApproval,
        CreditNote,
        Invoice,
        Quote,
        RetainerInvoice,
    )
    for model in (*numbered, SalesOrder):
        assert model._meta.get_field("number").max_length == DOCUMENT_NUMBER_MAX_LENGTH, model
