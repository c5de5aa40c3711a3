"""Document numbers in portal addresses: a series prefix with slashes (``INV/2026/``) works on every page."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from portico.organizations.models import NumberSeries
from portico.payments.services import payment_record
from portico.portal import urls as portal_urls
from portico.portal.tests.timesheets import make_approval
from portico.sales.services.salesorders import sales_order_confirm, sales_order_create
from portico.testing import SETUP, lines, make_invoice, make_quote, make_retainer, today

SLASHED = "INV/2026/00001"


@pytest.fixture
def slashed_org(org):
    """Every series of the organization numbers its documents like ``QT/2026/00001``."""
    for series in NumberSeries.objects.filter(organization=org):
        series.prefix = f"{NumberSeries.DEFAULT_PREFIXES[series.kind].rstrip('-')}/2026/"
        series.save()
    org.portal_show_sales_orders = True
    org.portal_show_projects = True
    org.save()
    return org


@pytest.fixture
def documents(slashed_org, customer_a, design):
    invoice = make_invoice(customer_a, "100")
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="40", date=today(), allocations=[(invoice, "40")]
    )
    order = sales_order_create(actor=SETUP, customer=customer_a, date=today(), lines=lines("70"))
    return {
        "quote": make_quote(customer_a, "300"),
        "invoice": invoice,
        "retainer-invoice": make_retainer(customer_a, "50"),
        "payment": payment,
        "sales-order": sales_order_confirm(actor=SETUP, order=order),
        "timesheet": make_approval(design, "2", "3"),
    }


def number_patterns() -> list[str]:
    """The names of the portal's addresses that take a document number."""
    return sorted(entry.name for entry in portal_urls.urlpatterns if "number" in entry.pattern.converters)


def test_numbers_with_slashes_are_listed_and_open_in_the_portal(documents, portal_client, slashed_org):
    slug = slashed_org.portal_slug
    lists = {
        "quote": "quotes",
        "invoice": "invoices",
        "retainer-invoice": "invoices",
        "payment": "payments",
        "sales-order": "sales-orders",
        "timesheet": "timesheets",
    }
    for kind, document in documents.items():
        assert "/2026/" in document.number
        detail = reverse(f"portal:{kind}-detail", kwargs={"slug": slug, "number": document.number})
        assert detail.endswith(f"/{document.number}/")
        listing = portal_client.get(reverse(f"portal:{lists[kind]}", kwargs={"slug": slug}))
        assert listing.status_code == 200, kind
        assert f'href="{detail}"' in listing.content.decode()
        page = portal_client.get(detail)
        assert page.status_code == 200, kind
        assert document.number in page.content.decode()
    home = portal_client.get(reverse("portal:home", kwargs={"slug": slug}))
    assert home.status_code == 200


def test_a_document_action_with_a_slashed_number_reaches_its_own_view(documents, portal_client, slashed_org):
    names = number_patterns()
    assert {"quote-detail", "quote-accept", "invoice-comment", "timesheet-reject"} <= set(names)
    for name in names:
        address = reverse(f"portal:{name}", kwargs={"slug": slashed_org.portal_slug, "number": SLASHED})
        match = resolve(address)
        assert (match.url_name, match.kwargs["number"]) == (name, SLASHED)

    quote = documents["quote"]
    slug = slashed_org.portal_slug
    response = portal_client.post(
        reverse("portal:quote-accept", kwargs={"slug": slug, "number": quote.number}),
        {"version": quote.version},
    )
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == quote.Status.ACCEPTED


def test_an_unknown_or_malformed_number_is_404(documents, portal_client, slashed_org):
    base = f"/portal/{slashed_org.portal_slug}/invoices/"
    for number in ("INV/2026/99999", "INV//2026", "%00", "INV/2026/%00", "x" * 400):
        assert portal_client.get(f"{base}{number}/").status_code == 404, number
