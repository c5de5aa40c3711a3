"""No input gives the back office a server error: odd values in addresses, query parameters and form fields."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portico.office.tests.conftest import admin_url, formset_data, line
from portico.organizations.models import NumberSeries
from portico.sales.models import Invoice
from portico.testing import db_state
from portico.tests.odd_input import World, build_world


@pytest.fixture
def world(org, staff, customer_a, customer_b, contact_a, tax) -> World:
    return build_world(
        organization=org,
        staff=staff,
        customer=customer_a,
        other_customer=customer_b,
        contact=contact_a,
        tax=tax,
    )


# What the walk found, one by one (the SQLite and PostgreSQL errors each named in the test).


def test_a_list_filter_on_an_id_past_64_bits_shows_the_lists_error(staff_client, world):
    """SQLite could not even send the id (OverflowError), PostgreSQL refused it: both were server errors."""
    for model in ("sales/invoice", "activity/comment", "projects/timeentry"):
        for key in ("customer", "customer__id__exact", "invoice"):
            response = staff_client.get(f"/office/{model}/", {key: "99999999999999999999"})
            assert response.status_code in (302, 400), (model, key)
            if response.status_code == 302:
                assert response["Location"].endswith("?e=1")


def test_a_nul_byte_in_a_list_filter_is_refused_and_in_a_search_ignored(staff_client, world):
    """PostgreSQL refuses a NUL byte in any text it compares: the lists answered with a server error."""
    response = staff_client.get("/office/sales/creditnote/", {"status__exact": "\x00"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
    response = staff_client.get("/office/sales/invoice/", {"q": "\x00Customer A\x00"})
    assert response.status_code == 200
    assert world.records[Invoice].number in response.content.decode()


def test_a_customer_in_the_address_that_is_not_an_id_is_left_out_of_a_new_documents_form(staff_client, world):
    for value in ("²", "1e30", "99999999999999999999", "\x00"):
        response = staff_client.get("/office/sales/quote/add/", {"customer": value})
        assert response.status_code == 200, value
        assert response.context["adminform"].form.initial.get("customer") is None
    response = staff_client.get("/office/sales/quote/add/", {"customer": str(world.customer.pk)})
    assert response.context["adminform"].form.initial["customer"] == str(world.customer.pk)


def test_a_posted_customer_that_is_not_an_id_is_a_form_error(staff_client, world):
    before = db_state()
    for value in ("²", "99999999999999999999"):
        response = staff_client.post(
            "/office/sales/quote/add/",
            {"customer": value, "date": "2026-01-05", **formset_data("lines", [line()])},
        )
        assert response.status_code == 200, value
        assert "customer" in response.context["adminform"].form.errors
    assert db_state() == before


def test_record_payment_ignores_an_invoice_in_the_address_that_is_not_an_id(staff_client, world):
    address = reverse("office:payments_customerpayment_record", args=[world.customer.pk])
    for value in ("²", "99999999999999999999", "x" * 400):
        assert staff_client.get(address, {"invoice": value}).status_code == 200, value


def test_a_number_series_form_with_a_padding_past_any_number_is_refused_on_its_fields(staff_client, world):
    series = world.records[NumberSeries]
    huge = "99999999999999999999"

    response = staff_client.post(admin_url(series), {"prefix": huge, "padding": huge, "_save": huge})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"prefix", "padding"}
    assert "less than or equal to 32" in errors["padding"][0]
    series.refresh_from_db()
    assert (series.prefix, series.padding) == ("INV-", 5)
