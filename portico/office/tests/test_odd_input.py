"""No input gives the back office a server error: every address, query parameter and form field, with odd values."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portico.office.site import office_site
from portico.office.tests.conftest import admin_url, formset_data, line
from portico.organizations.models import NumberSeries
from portico.sales.models import Invoice
from portico.testing import db_state
from portico.tests.odd_input import ODD_VALUES, Route, Walk, World, build_world, visits_for


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


def _admin_for(route: Route):
    parts = route.route.split("/")
    for model, model_admin in office_site._registry.items():
        if parts[1:3] == [model._meta.app_label, model._meta.model_name]:
            return model, model_admin
    return None, None


def office_values(world: World):
    """Real values for each parameter of an office address: the organization's records, their actions and rows."""

    def fill(route: Route) -> list[dict[str, str]]:
        model, model_admin = _admin_for(route)
        base = {"app_label": "sales", "url": "nowhere/", "customer_id": world.customer.pk}
        base["contact_id"] = world.contact.pk
        if "object_id" not in route.params:
            return [base]
        objects = [world.records[model]]
        if model is Invoice:
            objects.append(world.records["draft invoice"])
        sets = []
        for obj in objects:
            values = {**base, "object_id": obj.pk}
            if "row_id" in route.params:
                for spec in getattr(model_admin, "row_actions", ()):
                    row = spec.rows(obj).first()
                    if row is not None:
                        sets.append({**values, "action": spec.name, "row_id": row.pk})
            elif "action" in route.params:
                sets.extend({**values, "action": spec.name} for spec in model_admin.status_actions)
            else:
                sets.append(values)
        return sets

    return fill


def test_no_odd_input_gives_the_office_a_server_error(world):
    client = Client()
    client.force_login(world.staff)
    walk = Walk(client, "office")

    walk.run(visits_for("office", office_values(world)))
    # The customer dropdown's search reads its own query parameters, which no page links to.
    search = {"app_label": "sales", "model_name": "invoice", "field_name": "customer", "term": "Cust"}
    assert walk.request("get", reverse("office:autocomplete"), search).status_code == 200
    for key in search:
        for odd in ODD_VALUES:
            walk.request("get", reverse("office:autocomplete"), {**search, key: odd})

    opened = {route.name for route in walk.pages}
    for model in office_site._registry:
        assert f"{model._meta.app_label}_{model._meta.model_name}_change" in opened, model
    assert len(walk.forms) > 80 and walk.requests > 2000
    assert not walk.failures, walk.report()


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
