"""The isolation walk: every portal URL, visited by everyone who must not see customer A's portal.

It reads the URL configuration, so a page added later joins the walk on its own: it must declare its scope
(``portal_page`` or ``portal_public``), and a URL argument the walk doesn't know how to fill fails the test until
it is taught below (with a value that belongs to customer A).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from portico.testing import SETUP, make_invoice

PUBLIC_PAGES = {
    "logo",
    "login",
    "logout",
    "accept",
    "signup",
    "invitation-request",
    "password-reset",
    "password-reset-sent",
    "password-reset-confirm",
}


def portal_patterns() -> list[URLPattern]:
    resolver = get_resolver()
    portal = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "portal")
    return list(portal.url_patterns)


def test_every_portal_page_declares_its_scope():
    for pattern in portal_patterns():
        scope = getattr(pattern.callback, "portal_scope", None)
        expected = "public" if pattern.name in PUBLIC_PAGES else "contact"
        assert scope == expected, f"portal:{pattern.name} must be a {expected} page, is {scope!r}"


@pytest.fixture
def secrets_of_a(org, customer_a, access_a):
    """Values that appear only in customer A's portal, and the URL arguments that point at A's records.

    ``number`` is a document number of customer A of the kind the URL names (its first path segment).
    """
    from portico.payments.services import payment_record
    from portico.projects.services import (
        project_create,
        task_create,
        time_entry_log,
        timesheet_approval_create,
        timesheet_approval_send,
    )
    from portico.sales.services.salesorders import sales_order_confirm, sales_order_create
    from portico.testing import lines, make_quote, make_retainer, today

    # The optional modules are shown, so that their pages are reached rather than hidden by the switch.
    org.portal_show_sales_orders = True
    org.portal_show_projects = True
    org.save()
    invoice = make_invoice(customer_a, "1234.56")
    quote = make_quote(customer_a, "777.77")
    retainer = make_retainer(customer_a, "555.55")
    order = sales_order_confirm(
        actor=SETUP,
        order=sales_order_create(actor=SETUP, customer=customer_a, date=today(), lines=lines("333.33")),
    )
    payment = payment_record(
        actor=SETUP, customer=customer_a, date=today(), amount="100", allocations=[(invoice, "100")]
    )
    project = project_create(actor=SETUP, customer=customer_a, name="Zebra Secret Project")
    time_entry_log(
        actor=SETUP, task=task_create(actor=SETUP, project=project, name="Design"), date=today(), hours="2"
    )
    approval = timesheet_approval_send(
        actor=SETUP,
        approval=timesheet_approval_create(
            actor=SETUP, project=project, period_start=today(), period_end=today()
        ),
    )
    customer_a.company_name = "Zebra Secret Holdings"
    customer_a.billing_address = "1 Hidden Lane"
    customer_a.save()
    numbers = {
        "invoices": invoice.number,
        "quotes": quote.number,
        "retainer-invoices": retainer.number,
        "sales-orders": order.number,
        "payments": payment.number,
        "timesheets": approval.number,
    }
    markers = [
        "Zebra Secret Holdings",
        "1 Hidden Lane",
        "alice@customer-a.test",
        customer_a.display_name,
        "Zebra Secret Project",
        *numbers.values(),
    ]
    arguments = {"slug": org.portal_slug, "number": invoice.number, "numbers": numbers}
    return markers, arguments


def contact_pages():
    return [p for p in portal_patterns() if p.name not in PUBLIC_PAGES]


def url_for(pattern: URLPattern, arguments: dict) -> str:
    names = list(pattern.pattern.converters)
    unknown = [name for name in names if name not in arguments]
    assert not unknown, f"teach the isolation walk how to fill {unknown} for portal:{pattern.name}"
    values = {name: arguments[name] for name in names}
    if "number" in values:
        kind = str(pattern.pattern).split("/")[1]
        numbers = arguments.get("numbers", {})
        assert kind in numbers, (
            f"teach the isolation walk a {kind} number of customer A for portal:{pattern.name}"
        )
        values["number"] = numbers[kind]
    return reverse(f"portal:{pattern.name}", kwargs=values)


def assert_kept_out(response, markers, login_prefix):
    assert response.status_code in (302, 404, 405), response.status_code
    if response.status_code == 302:
        assert response["Location"].startswith(login_prefix)
    body = response.content.decode()
    for marker in markers:
        assert marker not in body


@pytest.mark.parametrize("persona", ["anonymous", "staff", "other_org_contact", "disabled_contact"])
def test_outsiders_are_kept_out_of_every_portal_page(
    persona, secrets_of_a, staff, other_org_access, disabled_access, org
):
    markers, arguments = secrets_of_a
    client = Client()
    user = {
        "anonymous": None,
        "staff": staff,
        "other_org_contact": other_org_access.user,
        "disabled_contact": disabled_access.user,
    }[persona]
    if user is not None:
        client.force_login(user)
    login_prefix = reverse("portal:login", kwargs={"slug": org.portal_slug})
    for pattern in contact_pages():
        url = url_for(pattern, arguments)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert_kept_out(response, markers, login_prefix)


def test_another_customers_contact_never_sees_customer_as_data(secrets_of_a, portal_client_b):
    markers, arguments = secrets_of_a
    for pattern in contact_pages():
        for method in ("get", "post"):
            response = getattr(portal_client_b, method)(url_for(pattern, arguments), follow=True)
            assert response.status_code in (200, 404, 405), f"portal:{pattern.name}: {response.status_code}"
            body = response.content.decode()
            for marker in markers:
                assert marker not in body, f"{method} portal:{pattern.name} shows {marker!r} to customer B"


def test_a_deactivated_customers_contact_and_a_turned_off_portal_are_kept_out(
    secrets_of_a, portal_client, customer_a, org
):
    markers, arguments = secrets_of_a
    login_prefix = reverse("portal:login", kwargs={"slug": org.portal_slug})
    customer_a.is_active = False
    customer_a.save()
    for pattern in contact_pages():
        assert_kept_out(portal_client.get(url_for(pattern, arguments)), markers, login_prefix)
    customer_a.is_active = True
    customer_a.save()
    org.portal_enabled = False
    org.save()
    for pattern in portal_patterns():
        if pattern.name in ("logo",):
            continue
        response = portal_client.get(url_for(pattern, {**arguments, "token": "t", "uidb64": "u"}))
        assert response.status_code == 404, f"portal:{pattern.name} answers {response.status_code}"


def test_customer_a_sees_their_own_details_so_the_markers_are_real(secrets_of_a, portal_client):
    markers, arguments = secrets_of_a
    body = portal_client.get(reverse("portal:home", kwargs={"slug": arguments["slug"]})).content.decode()
    shown_on_home = markers[:4]  # the invoice number appears once the invoice list exists
    for marker in shown_on_home:
        assert marker in body


def test_customer_a_reaches_every_page_of_the_walk_so_the_outsiders_404s_are_real(
    secrets_of_a, portal_client
):
    """The walk's URLs point at customer A's own records and no module is switched off: A gets the page (or,
    for an action, "POST only"), so a 404 for anyone else is the scope at work, not a missing record; and every
    marker the walk looks for is shown to A somewhere."""
    markers, arguments = secrets_of_a
    seen = ""
    for pattern in contact_pages():
        response = portal_client.get(url_for(pattern, arguments))
        assert response.status_code in (200, 405), f"portal:{pattern.name}: {response.status_code}"
        seen += response.content.decode()
    assert [marker for marker in markers if marker not in seen] == []


def test_a_contact_of_another_organization_is_sent_to_this_portals_login(
    org, other_org, other_org_access, customer_a
):
    client = Client()
    client.force_login(other_org_access.user)
    response = client.get(reverse("portal:home", kwargs={"slug": org.portal_slug}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login", kwargs={"slug": org.portal_slug}))
    # Their own portal still works.
    assert client.get(reverse("portal:home", kwargs={"slug": other_org.portal_slug})).status_code == 200


def test_unknown_portal_address_is_404(client, db):
    assert client.get("/portal/no-such-business/").status_code == 404
    assert client.get("/portal/no-such-business/login/").status_code == 404
