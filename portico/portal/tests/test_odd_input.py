"""No input gives the portal a server error: odd values in addresses, query parameters and form fields."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portico.projects.models import TimesheetApproval
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
