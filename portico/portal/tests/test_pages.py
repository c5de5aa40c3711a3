"""The portal's layout, its modules, its address, and people with more than one access."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portico.customers.portal_access import portal_access_invite
from portico.organizations.models import PortalSlugRedirect
from portico.testing import SETUP, TEST_PASSWORD, ContactPersonFactory, CustomerFactory, make_portal_access


def url(name: str, org, **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs={"slug": org.portal_slug, **kwargs})


def test_home_shows_the_customers_account_and_the_business(org, portal_client, customer_a):
    org.phone = "+1 555 0100"
    org.save()
    body = portal_client.get(url("home", org)).content.decode()
    for text in (
        "Outstanding Invoices",
        "Available Credits",
        "Last Payment Made",
        customer_a.display_name,
        "+1 555 0100",
    ):
        assert text in body
    assert 'aria-current="page"' in body
    assert "Logout" in body and "Change Password" in body


def test_optional_modules_are_gone_until_the_organization_shows_them(org, portal_client):
    for name in ("sales-orders", "projects", "timesheets"):
        assert portal_client.get(url(name, org)).status_code == 404
    body = portal_client.get(url("home", org)).content.decode()
    assert url("sales-orders", org) not in body
    org.portal_show_sales_orders = True
    org.portal_show_projects = True
    org.save()
    for name in ("sales-orders", "projects", "timesheets"):
        assert portal_client.get(url(name, org)).status_code == 200
    body = portal_client.get(url("home", org)).content.decode()
    assert url("sales-orders", org) in body and url("timesheets", org) in body


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("home", "Welcome,"),
        ("quotes", "Quotes"),
        ("invoices", "Invoices"),
        ("payments", "Payments Made"),
        ("statements", "Statements"),
        ("profile", "Customer Details"),
        ("password-change", "Change Password"),
    ],
)
def test_every_module_page_answers_for_the_contact_in_the_portal_layout(org, portal_client, name, heading):
    response = portal_client.get(url(name, org))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"<h1>{heading}" in body
    assert 'aria-label="Modules"' in body  # the sidebar
    assert "Logout" in body


def test_an_old_portal_address_redirects_to_the_new_one(org, portal_client, client):
    PortalSlugRedirect.objects.create(slug="acme-old", organization=org)
    response = client.get("/portal/acme-old/login/?next=/x/")
    assert response.status_code == 302
    assert response["Location"] == f"/portal/{org.portal_slug}/login/?next=/x/"
    assert portal_client.get("/portal/acme-old/quotes/")["Location"] == url("quotes", org)


def test_a_turned_off_portal_answers_404(org, portal_client, client):
    org.portal_enabled = False
    org.save()
    assert portal_client.get(url("home", org)).status_code == 404
    assert client.get(url("login", org)).status_code == 404


def test_a_deactivated_customer_loses_the_portal(org, portal_client, customer_a):
    customer_a.is_active = False
    customer_a.save()
    assert portal_client.get(url("home", org))["Location"].startswith(url("login", org))


def test_a_contact_of_two_customers_switches_between_them(org, access_a, customer_a):
    second = CustomerFactory(organization=org, display_name="Second Venture")
    contact = ContactPersonFactory(customer=second, email=access_a.user.email)
    second_access = make_portal_access(contact, user=access_a.user)[0]
    client = Client()
    client.force_login(access_a.user)
    home = client.get(url("home", org)).content.decode()
    assert "Switch account" in home
    assert "Second Venture" in home
    response = client.post(url("switch", org), {"access": second_access.pk})
    assert response["Location"] == url("home", org)
    assert "Second Venture" in client.get(url("profile", org)).content.decode().split("<main")[1]
    # Someone else's access can't be chosen.
    other = make_portal_access(ContactPersonFactory(customer=customer_a, email="carol@customer-a.test"))[0]
    assert client.post(url("switch", org), {"access": other.pk}).status_code == 404
    assert client.post(url("switch", org), {"access": "x"}).status_code == 404


def test_an_existing_account_accepts_a_second_business_with_its_password(
    org, other_org, access_a, other_customer, django_capture_on_commit_callbacks
):
    contact = ContactPersonFactory(customer=other_customer, email=access_a.user.email)
    _access, token = portal_access_invite(actor=SETUP, contact=contact)
    client = Client()
    signup = client.get(url("accept", other_org, token=token))["Location"]
    page = client.get(signup).content.decode()
    assert "already have a Portico account" in page
    wrong = client.post(signup, {"username": "someone@else.test", "password": "wrong"})
    assert wrong.status_code == 200
    contact.refresh_from_db()
    assert contact.portal_access.status == "invited"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(signup, {"username": "someone@else.test", "password": TEST_PASSWORD})
    assert response["Location"] == url("home", other_org)
    contact.portal_access.refresh_from_db()
    assert contact.portal_access.user == access_a.user
    # One account, two portals: the switcher lists the other business.
    body = client.get(url("home", other_org)).content.decode()
    assert org.name in body
    assert client.get(url("home", org)).status_code == 200


def test_an_invitation_link_works_only_in_its_own_organizations_portal(org, other_org, contact_a, client):
    _access, token = portal_access_invite(actor=SETUP, contact=contact_a)
    signup = client.get(url("accept", other_org, token=token))["Location"]
    assert client.get(signup).status_code == 410


def test_the_logo_is_served_from_storage_and_shown_on_the_login_page(org, client, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    assert client.get(url("logo", org)).status_code == 404  # no logo yet
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, format="PNG")
    org.logo = SimpleUploadedFile("acme.png", buffer.getvalue(), content_type="image/png")
    org.save()
    page = client.get(url("login", org)).content.decode()
    assert org.logo_url in page
    response = client.get(org.logo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == buffer.getvalue()


def test_home_runs_the_same_number_of_queries_with_few_and_many_documents(org, portal_client, customer_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portico.testing import make_invoice, make_quote

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert portal_client.get(url("home", org)).status_code == 200
        return len(captured)

    for _ in range(3):
        make_invoice(customer_a, "10")
        make_quote(customer_a, "5")
    few = queries()
    for _ in range(30):
        make_invoice(customer_a, "10")
        make_quote(customer_a, "5")
    assert queries() == few
    assert few <= 20


def test_logged_in_pages_are_never_kept_by_a_browser_or_a_proxy(org, portal_client, customer_a, staff_client):
    from portico.testing import make_invoice, make_quote

    invoice, quote = make_invoice(customer_a, "100"), make_quote(customer_a, "50")
    pages = [
        url("home", org),
        url("invoices", org),
        url("invoice-detail", org, number=invoice.number),
        url("quote-detail", org, number=quote.number),
        url("payments", org),
        url("statements", org),
        url("profile", org),
        url("password-change", org),
        url("pay", org),
    ]
    office = staff_client.get(reverse("office:index"))["Cache-Control"]
    assert "no-store" in office and "private" in office
    for page in pages:
        response = portal_client.get(page)
        assert response.status_code == 200, page
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, page
