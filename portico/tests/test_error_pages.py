"""Error pages lead back: inside a portal to that portal, elsewhere to the back office."""

from __future__ import annotations

from django.test import Client, RequestFactory
from django.urls import reverse

from portico.errors import server_error


def test_a_missing_page_in_a_portal_carries_its_name_and_leads_home(org, client):
    response = client.get(f"/portal/{org.portal_slug}/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "This page does not exist" in body
    assert org.name in body
    assert reverse("portal:home", kwargs={"slug": org.portal_slug}) in body


def test_a_missing_page_outside_a_portal_leads_to_the_back_office(db, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert reverse("office:index") in response.content.decode()
    assert client.get("/portal/unknown-business/").status_code == 404


def test_a_form_sent_without_its_security_token_gets_a_page_that_explains(org, access_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("portal:login", kwargs={"slug": org.portal_slug}), {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "Please try again" in body
    assert "Nothing was changed" in body
    assert org.name in body


def test_the_server_error_page_needs_no_database_or_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
