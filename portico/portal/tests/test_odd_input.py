"""No input gives the portal a server error: every address, query parameter and form field, with odd values."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portico.payments.models import CustomerPayment
from portico.projects.models import TimesheetApproval
from portico.sales.models import Invoice, Quote, RetainerInvoice, SalesOrder
from portico.testing import db_state
from portico.tests.odd_input import Route, Walk, World, build_world, routes, visits_for

#: The document each kind of portal address takes, by the start of its name.
DOCUMENTS = {
    "quote-": Quote,
    "invoice-": Invoice,
    "retainer-invoice-": RetainerInvoice,
    "payment-": CustomerPayment,
    "sales-order-": SalesOrder,
    "timesheet-": TimesheetApproval,
}

#: Portal addresses that only take a form's POST (their forms are posted by the walk, from the pages showing them).
POST_ONLY = {
    "quote-accept",
    "quote-decline",
    "quote-comment",
    "invoice-comment",
    "retainer-invoice-comment",
    "timesheet-approve",
    "timesheet-reject",
    "timesheet-comment",
    "switch",
}


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


def portal_values(world: World, *, reset_token: str | None = None):
    """Real values for each parameter of a portal address: the organization's slug, the customer's documents,
    an open invitation's token and a password reset link of the contact (``reset_token="set-password"``: the
    address the link leads to once its token is in the session)."""
    user = world.portal_user
    values = {
        "slug": world.organization.portal_slug,
        "token": world.invitation_token,
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
    }

    def fill(route: Route) -> list[dict[str, str]]:
        filled = dict(values)
        if route.name == "password-reset-confirm":
            filled["token"] = reset_token or default_token_generator.make_token(user)
        if "number" in route.params:
            model = next(model for start, model in DOCUMENTS.items() if route.name.startswith(start))
            filled["number"] = world.records[model].number
        return [filled]

    return fill


def test_no_odd_input_gives_the_portal_a_server_error(world):
    client = Client()
    client.force_login(world.portal_user)
    walk = Walk(client, "portal")

    walk.run(visits_for("portal", portal_values(world)))

    opened = {route.name for route in walk.pages}
    for route in routes("portal"):
        if getattr(resolve(route.url(portal_values(world)(route)[0])).func, "portal_scope", "") == "contact":
            assert route.name in opened or route.name in POST_ONLY, route.name
    assert len(walk.forms) >= 10 and walk.requests > 500
    assert not walk.failures, walk.report()


def test_no_odd_input_gives_the_portals_public_pages_a_server_error(world):
    """A visitor who opened an invitation link and a password reset link: sign-up, login and reset forms."""
    client = Client()
    slug = world.organization.portal_slug
    assert client.get(reverse("portal:accept", args=[slug, world.invitation_token])).status_code == 302
    reset = reverse(
        "portal:password-reset-confirm",
        args=[
            slug,
            urlsafe_base64_encode(force_bytes(world.portal_user.pk)),
            default_token_generator.make_token(world.portal_user),
        ],
    )
    assert client.get(reset).status_code == 302  # on to …/set-password/, the token kept in the session
    walk = Walk(client, "portal")

    walk.run(visits_for("portal", portal_values(world, reset_token="set-password")))

    assert {"login", "signup", "password-reset", "password-reset-confirm"} <= {
        route.name for route in walk.pages
    }
    assert not walk.failures, walk.report()


# What the walk found, one by one (PostgreSQL refuses a NUL byte in any text: each was a server error there).


def test_an_address_with_a_nul_byte_for_the_portal_is_404(client, world):
    for address in ("/portal/%00/", "/portal/%00/invoices/", "/portal/ac%00me/login/"):
        assert client.get(address).status_code == 404, address


def test_pay_for_a_document_number_that_cannot_be_one_is_404(world):
    client = Client()
    client.force_login(world.portal_user)
    pay = reverse("portal:pay", args=[world.organization.portal_slug])
    invoice = world.records[Invoice]
    assert invoice.number in client.get(pay, {"invoice": invoice.number}).content.decode()
    for key in ("invoice", "retainer"):
        for value in ("\x00", "INV\x0000001", "x" * 400):
            assert client.get(pay, {key: value}).status_code == 404, (key, value)


def test_a_comment_with_a_nul_byte_is_refused_and_changes_nothing(world):
    client = Client()
    client.force_login(world.portal_user)
    invoice = world.records[Invoice]
    before = db_state(invoice)
    address = reverse("portal:invoice-comment", args=[world.organization.portal_slug, invoice.number])

    response = client.post(address, {"body": "Paid\x00 already"}, follow=True)

    assert (
        "The comment contains a NUL character, which cannot be saved; remove it." in response.content.decode()
    )
    assert db_state(invoice) == before


def test_a_timesheet_rejection_with_a_nul_byte_is_refused_at_its_field(world):
    client = Client()
    client.force_login(world.portal_user)
    approval = world.records[TimesheetApproval]
    before = db_state(approval)
    address = reverse("portal:timesheet-reject", args=[world.organization.portal_slug, approval.number])

    response = client.post(address, {"reason": "Too\x00 many hours"})

    assert response.status_code == 200
    assert (
        "The reason contains a NUL character, which cannot be saved; remove it." in response.content.decode()
    )
    assert db_state(approval) == before
