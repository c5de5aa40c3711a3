"""Organization settings, number series, taxes, items and members."""

from __future__ import annotations

from decimal import Decimal

from portico.catalog.models import Item, Tax
from portico.organizations.models import Membership, NumberSeries
from portico.sales.models import Invoice
from portico.testing import TaxFactory, make_invoice

from .conftest import admin_url


def settings_data(org, **changes):
    data = {
        "name": org.name,
        "portal_slug": org.portal_slug,
        "email": org.email,
        "phone": "",
        "website": "",
        "address": "",
        "tax_id": "",
        "base_currency": org.base_currency,
        "timezone": org.timezone,
        "locale": org.locale,
        "default_tax": "",
        "payment_terms_days": str(org.payment_terms_days),
        "portal_enabled": "on",
        "portal_banner": "",
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


def test_staff_edit_their_organizations_settings(staff_client, org, tax):
    response = staff_client.post(
        admin_url(org),
        settings_data(
            org,
            name="Acme Consulting GmbH",
            base_currency="eur",
            timezone="Europe/Berlin",
            locale="de_DE",
            default_tax=tax.pk,
            payment_terms_days="14",
            portal_show_projects="on",
            portal_banner="Closed on Friday",
        ),
    )

    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.base_currency, org.timezone, org.locale) == (
        "Acme Consulting GmbH",
        "EUR",
        "Europe/Berlin",
        "de_DE",
    )
    assert (org.default_tax, org.payment_terms_days, org.portal_show_projects) == (tax, 14, True)
    assert org.portal_banner == "Closed on Friday"


def test_an_unknown_time_zone_or_currency_is_refused(staff_client, org):
    response = staff_client.post(admin_url(org), settings_data(org, base_currency="ABC"))
    assert "is not a known currency code" in response.content.decode()

    response = staff_client.post(admin_url(org), settings_data(org, timezone="Mars/Olympus"), follow=True)
    org.refresh_from_db()
    assert org.timezone == "UTC"
    assert any("is not a known time zone" in str(m) for m in response.context["messages"])


def test_staff_cannot_add_or_delete_organizations(staff_client, org):
    assert staff_client.get("/office/organizations/organization/add/").status_code == 403
    assert staff_client.post(admin_url(org, "delete"), {"post": "yes"}).status_code == 403


def test_money_is_shown_in_the_organizations_locale(staff_client, org, customer_a):
    org.locale = "de_DE"
    org.save()
    make_invoice(customer_a, "1234.50")

    html = staff_client.get(admin_url(Invoice, "changelist")).content.decode()

    assert "1.234,50\xa0$" in html


def test_staff_change_a_series_prefix_but_not_its_next_number(staff_client, org, customer_a):
    series = NumberSeries.objects.get(organization=org, kind="invoice")

    response = staff_client.post(admin_url(series), {"prefix": "F-", "padding": "3", "next_number": "99"})

    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.prefix, series.padding, series.next_number) == ("F-", 3, 1)
    assert make_invoice(customer_a, "10.00").number == "F-001"


def test_a_prefix_used_by_another_series_is_refused(staff_client, org):
    series = NumberSeries.objects.get(organization=org, kind="invoice")

    response = staff_client.post(admin_url(series), {"prefix": "QT-", "padding": "5"})

    assert "Another series already uses this prefix" in response.content.decode()
    series.refresh_from_db()
    assert series.prefix == "INV-"


def test_staff_add_a_tax_and_an_item(staff_client, org, tax):
    assert (
        staff_client.post(
            admin_url(Tax, "add"), {"name": "Reduced", "rate": "7", "is_active": "on"}
        ).status_code
        == 302
    )
    response = staff_client.post(
        admin_url(Item, "add"),
        {
            "name": "Audit",
            "kind": "service",
            "description": "",
            "unit": "h",
            "rate": "150.00",
            "tax": tax.pk,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert Tax.objects.get(name="Reduced").organization == org
    item = Item.objects.get(name="Audit")
    assert (item.organization, item.rate, item.tax) == (org, Decimal("150.00"), tax)


def test_a_duplicate_tax_name_is_refused_in_the_form(staff_client, org, other_org, tax):
    TaxFactory(organization=other_org, name="Reduced")

    duplicate = staff_client.post(admin_url(Tax, "add"), {"name": "VAT", "rate": "5"})
    same_name_as_other_org = staff_client.post(admin_url(Tax, "add"), {"name": "Reduced", "rate": "5"})

    assert duplicate.status_code == 200
    assert Tax.objects.filter(organization=org, name="VAT").count() == 1
    assert same_name_as_other_org.status_code == 302


def test_a_negative_tax_rate_is_refused(staff_client):
    response = staff_client.post(admin_url(Tax, "add"), {"name": "Odd", "rate": "-1"})

    assert response.status_code == 200
    assert not Tax.objects.filter(name="Odd").exists()


def test_members_are_listed_read_only(staff_client, staff, other_staff):
    response = staff_client.get(admin_url(Membership, "changelist"))
    html = response.content.decode()

    assert "staff@acme.test" in html and "staff@other.test" not in html
    membership = Membership.objects.get(user=staff)
    assert staff_client.post(admin_url(membership), {"role": "staff"}).status_code == 403


def test_a_padding_longer_than_a_number_can_be_is_refused(staff_client, org, customer_a):
    series = NumberSeries.objects.get(organization=org, kind="invoice")

    response = staff_client.post(admin_url(series), {"prefix": "INV/2026/", "padding": "30"})

    assert response.status_code == 200
    assert "the padding can be at most 23 digits" in response.context["adminform"].form.errors["padding"][0]
    series.refresh_from_db()
    assert (series.prefix, series.padding) == ("INV-", 5)
    assert make_invoice(customer_a, "10.00").number == "INV-00001"


def test_a_prefix_with_slashes_is_saved_and_numbers_documents(staff_client, org, customer_a):
    series = NumberSeries.objects.get(organization=org, kind="invoice")

    response = staff_client.post(admin_url(series), {"prefix": "INV/2026/", "padding": "4"})

    assert response.status_code == 302
    assert make_invoice(customer_a, "10.00").number == "INV/2026/0001"


def test_a_prefix_a_browser_would_rewrite_is_refused(staff_client, org):
    series = NumberSeries.objects.get(organization=org, kind="invoice")

    response = staff_client.post(admin_url(series), {"prefix": "INV/../", "padding": "5"})

    assert response.status_code == 200
    assert "“.” or “..”" in response.context["adminform"].form.errors["prefix"][0]
    series.refresh_from_db()
    assert series.prefix == "INV-"
