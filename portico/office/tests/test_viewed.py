"""The portal's "Viewed" marker in the back office: on the page of each document a contact can open, and as a
column and a filter of the quote and invoice lists."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portico.activity.models import Notification, ViewEvent
from portico.sales.models import Invoice, Quote
from portico.sales.services.salesorders import sales_order_confirm, sales_order_create
from portico.testing import SETUP, lines, make_credit_note, make_invoice, make_quote, make_retainer, today

from .conftest import action_url, admin_url, formset_data, line

UTC = datetime.UTC


def make_sales_order(customer):
    return sales_order_confirm(
        actor=SETUP,
        order=sales_order_create(actor=SETUP, customer=customer, date=today(), lines=lines("10.00")),
    )


MAKERS = {
    "quote": (lambda c: make_quote(c, "10.00"), "quote-detail"),
    "invoice": (lambda c: make_invoice(c, "10.00", due_date=today()), "invoice-detail"),
    "retainer invoice": (lambda c: make_retainer(c, "10.00"), "retainer-invoice-detail"),
    "sales order": (make_sales_order, "sales-order-detail"),
}


def open_in_portal(client, org, document, name: str) -> None:
    url = reverse(f"portal:{name}", kwargs={"slug": org.portal_slug, "number": document.number})
    assert client.get(url).status_code == 200


def viewed_line(response) -> str:
    return response.context["office_viewed"]


@pytest.fixture
def sales_orders_shown(org):
    org.portal_show_sales_orders = True
    org.save()
    return org


@pytest.mark.parametrize("kind", MAKERS)
def test_a_document_never_opened_says_so(staff_client, customer_a, kind):
    document = MAKERS[kind][0](customer_a)
    response = staff_client.get(admin_url(document))
    assert response.status_code == 200
    assert viewed_line(response) == "Not viewed in the portal yet."
    assert "Not viewed in the portal yet." in response.content.decode()


@pytest.mark.parametrize("kind", MAKERS)
def test_a_document_opened_in_the_portal_shows_who_viewed_it(
    staff_client, portal_client, org, sales_orders_shown, customer_a, access_a, kind
):
    make, portal_name = MAKERS[kind]
    document = make(customer_a)
    open_in_portal(portal_client, org, document, portal_name)

    response = staff_client.get(admin_url(document))

    line = viewed_line(response)
    assert line.startswith(f"Viewed by {access_a.contact.full_name} on ")
    assert "last viewed" not in line
    assert line in response.content.decode()


def test_the_view_times_are_shown_in_the_organizations_time_zone(
    staff_client, org, customer_a, contact_a, contact_b
):
    org.timezone = "Pacific/Auckland"
    org.save(update_fields=["timezone"])
    quote = make_quote(customer_a, "10.00")
    ViewEvent.objects.create(
        organization=org,
        customer=customer_a,
        target=quote,
        first_contact=contact_a,
        first_viewed_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=UTC),  # 12:30 on March 2 in Auckland
        last_contact=contact_b,
        last_viewed_at=datetime.datetime(2026, 7, 1, 23, 30, tzinfo=UTC),  # 11:30 on July 2 (winter time)
        view_count=3,
    )

    response = staff_client.get(admin_url(quote))

    assert viewed_line(response) == (
        f"Viewed by {contact_a.full_name} on March 2, 2026, 12:30 p.m.; "
        f"last viewed by {contact_b.full_name} on July 2, 2026, 11:30 a.m., 3 views."
    )


def test_later_views_move_the_last_view_and_the_count(staff_client, portal_client, org, customer_a, access_a):
    quote = make_quote(customer_a, "10.00")
    for _ in range(3):
        open_in_portal(portal_client, org, quote, "quote-detail")

    line = viewed_line(staff_client.get(admin_url(quote)))
    assert line.startswith(f"Viewed by {access_a.contact.full_name} on ")
    assert f"; last viewed by {access_a.contact.full_name} on " in line
    assert line.endswith(", 3 views.")


def test_a_removed_contacts_view_still_shows(staff_client, portal_client, org, customer_a, access_a):
    quote = make_quote(customer_a, "10.00")
    open_in_portal(portal_client, org, quote, "quote-detail")
    ViewEvent.objects.update(first_contact=None, last_contact=None)

    assert viewed_line(staff_client.get(admin_url(quote))).startswith(
        "Viewed by a contact who was since removed on "
    )


def test_a_credit_note_has_no_viewed_marker(staff_client, customer_a):
    credit_note = make_credit_note(customer_a, "10.00")
    response = staff_client.get(admin_url(credit_note))
    assert response.status_code == 200
    assert "office_viewed" not in response.context


def _page_queries(client, document) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(admin_url(document)).status_code == 200
    return len(queries)


def test_the_marker_costs_one_query_at_most(staff_client, portal_client, org, customer_a, access_a):
    viewed, unseen = make_quote(customer_a, "10.00"), make_quote(customer_a, "10.00")
    open_in_portal(portal_client, org, viewed, "quote-detail")
    staff_client.get(admin_url(unseen))  # warm up caches (content types, session)

    assert _page_queries(staff_client, viewed) == _page_queries(staff_client, unseen) + 1


@pytest.mark.parametrize(
    ("model", "make", "portal_name"),
    [
        (Quote, lambda c: make_quote(c, "10.00"), "quote-detail"),
        (Invoice, lambda c: make_invoice(c, "10.00", due_date=today()), "invoice-detail"),
    ],
)
def test_the_list_shows_and_filters_what_was_viewed(
    staff_client, portal_client, org, customer_a, access_a, model, make, portal_name
):
    seen, unseen = make(customer_a), make(customer_a)
    open_in_portal(portal_client, org, seen, portal_name)
    url = admin_url(model, "changelist")

    rows = {row.number: row.viewed for row in staff_client.get(url).context["cl"].result_list}
    assert rows == {seen.number: True, unseen.number: False}
    assert [r.number for r in staff_client.get(url, {"viewed": "yes"}).context["cl"].result_list] == [
        seen.number
    ]
    assert [r.number for r in staff_client.get(url, {"viewed": "no"}).context["cl"].result_list] == [
        unseen.number
    ]


def test_the_lists_query_count_does_not_grow_with_viewed_documents(
    staff_client, portal_client, org, customer_a, access_a
):
    url = admin_url(Quote, "changelist")

    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(url).status_code == 200
        return len(queries)

    staff_client.get(url)  # warm up caches
    quotes = [make_quote(customer_a, "10.00") for _ in range(6)]
    open_in_portal(portal_client, org, quotes[0], "quote-detail")
    with_few = list_queries()
    for quote in quotes[1:]:
        open_in_portal(portal_client, org, quote, "quote-detail")
    quotes += [make_quote(customer_a, "10.00") for _ in range(10)]
    assert list_queries() == with_few


def test_a_declined_quote_revised_and_sent_again_is_a_new_offer_to_view(
    staff_client, portal_client, org, customer_a, access_a
):
    """The whole path through the office: the contact declines, staff revise, edit and send the quote again;
    the contact sees the new version, its first view notifies the business again, and the office says which
    version the marker is about."""
    quote = make_quote(customer_a, "100.00", expiry_date=today() + datetime.timedelta(days=30))
    portal_quote = reverse("portal:quote-detail", kwargs={"slug": org.portal_slug, "number": quote.number})
    assert portal_client.get(portal_quote).status_code == 200
    portal_client.post(
        reverse("portal:quote-decline", kwargs={"slug": org.portal_slug, "number": quote.number}),
        {"version": "1", "reason": "Too much"},
    )

    staff_client.post(action_url(quote, "revise"))
    quote.refresh_from_db()
    assert viewed_line(staff_client.get(admin_url(quote))) == "Version 2 not viewed in the portal yet."
    existing = quote.lines.get()
    data = {
        "customer": customer_a.pk,
        "date": quote.date.isoformat(),
        "expiry_date": quote.expiry_date.isoformat(),
    }
    data.update(formset_data("lines", [line(rate="80.00", id=existing.pk, document=quote.pk)], initial=1))
    assert staff_client.post(admin_url(quote), data).status_code == 302
    staff_client.post(action_url(quote, "send"))
    quote.refresh_from_db()
    assert (quote.status, quote.version, quote.total) == (Quote.Status.SENT, 2, Decimal("80.00"))

    page = portal_client.get(portal_quote)
    html = page.content.decode()
    assert "$80.00" in html and "$100.00" not in html
    assert "Revised: version 2, sent " in html
    assert page.context["can_decide"] is True
    first_views = Notification.objects.filter(kind=Notification.Kind.DOCUMENT_VIEWED, object_id=quote.pk)
    assert first_views.count() == 2  # version 1's first view, then version 2's
    assert viewed_line(staff_client.get(admin_url(quote))).startswith(
        f"Version 2 viewed by {access_a.contact.full_name} on "
    )

    portal_client.post(
        reverse("portal:quote-accept", kwargs={"slug": org.portal_slug, "number": quote.number}),
        {"version": "2"},
    )
    quote.refresh_from_db()
    assert (quote.status, quote.version) == (Quote.Status.ACCEPTED, 2)
