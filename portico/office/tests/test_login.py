"""Logging in to the back office with email and password: members only."""

from __future__ import annotations

from django.urls import reverse

from portico.testing import TEST_PASSWORD, UserFactory


def login(client, email, password=TEST_PASSWORD):
    return client.post(reverse("office:login"), {"username": email, "password": password, "next": "/office/"})


def test_a_member_logs_in_with_email_and_password(client, staff):
    response = login(client, "STAFF@acme.test")

    assert response.status_code == 302
    assert response["Location"] == "/office/"
    index = client.get("/office/")
    assert index.status_code == 200
    assert "Acme Consulting" in index.content.decode()


def test_the_login_page_asks_for_an_email_address(client, db):
    html = client.get(reverse("office:login")).content.decode()

    assert "Email address" in html


def test_a_wrong_password_is_refused(client, staff):
    response = login(client, "staff@acme.test", "wrong password")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_staff_user_without_a_membership_cannot_get_in(client, db):
    UserFactory(email="loner@example.test", is_staff=True)

    response = login(client, "loner@example.test")

    assert response.status_code == 200
    assert "Please enter the correct email address and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_inactive_member_cannot_get_in(client, staff):
    staff.is_active = False
    staff.save()

    response = login(client, "staff@acme.test")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get("/office/sales/invoice/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("office:login"))


def test_a_contact_user_logged_in_elsewhere_is_not_let_in(client, db):
    user = UserFactory(email="contact@customer.test")
    client.force_login(user)

    response = client.get("/office/sales/invoice/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("office:login"))
