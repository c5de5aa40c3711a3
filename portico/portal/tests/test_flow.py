"""The whole portal access journey through the HTTP stack: invite, email, sign up, log out and in, passwords."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portico.activity.models import AuditEvent, Notification
from portico.customers.models import PortalAccess
from portico.customers.portal_access import (
    portal_access_disable,
    portal_access_invite,
    portal_access_reinvite,
)
from portico.testing import SETUP

NEW_PASSWORD = "quiet lantern meadow 42"
LINK = re.compile(r"https?://[^\s\"<>]+")


def links_in(message, fragment: str) -> list[str]:
    return [link for link in LINK.findall(message.body) if fragment in link]


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def invite(contact_a, django_capture_on_commit_callbacks):
    """Invite customer A's contact and return the path of the link in the email they received."""

    def send():
        with django_capture_on_commit_callbacks(execute=True):
            portal_access_invite(actor=SETUP, contact=contact_a)
        message = mail.outbox[-1]
        assert message.to == [contact_a.email]
        (link,) = links_in(message, "/accept/")
        return path_of(link)

    return send


def sign_up(client: Client, link: str, password: str, django_capture_on_commit_callbacks):
    response = client.get(link)
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(response["Location"], {"password1": password, "password2": password})


def test_contact_signs_up_from_the_invitation_and_lands_on_home(
    org, contact_a, invite, django_capture_on_commit_callbacks
):
    link = invite()
    client = Client()
    response = client.get(link)
    signup = reverse("portal:signup", kwargs={"slug": org.portal_slug})
    assert response["Location"] == signup  # the token leaves the address bar at once
    page = client.get(signup)
    assert page.status_code == 200
    assert contact_a.email in page.content.decode()
    assert "Update" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(signup, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home", kwargs={"slug": org.portal_slug})
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert contact_a.customer.display_name in home.content.decode()

    access = PortalAccess.objects.get(contact=contact_a)
    assert access.status == PortalAccess.Status.ACTIVE
    assert access.user.check_password(NEW_PASSWORD)
    # The business hears about it, in the feed and by email.
    assert Notification.objects.filter(organization=org, kind=Notification.Kind.PORTAL_ACCEPTED).count() == 1
    assert any(org.email in m.to and contact_a.full_name in m.subject for m in mail.outbox)


def test_weak_password_is_refused_inline_and_nothing_changes(org, contact_a, invite):
    link = invite()
    client = Client()
    signup = client.get(link)["Location"]
    response = client.post(signup, {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "too common" in body or "entirely numeric" in body
    assert PortalAccess.objects.get(contact=contact_a).status == PortalAccess.Status.INVITED
    mismatch = client.post(signup, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert "don’t match" in mismatch.content.decode()
    assert PortalAccess.objects.get(contact=contact_a).user is None


def test_a_used_link_shows_the_invalid_page(org, invite, django_capture_on_commit_callbacks):
    link = invite()
    sign_up(Client(), link, NEW_PASSWORD, django_capture_on_commit_callbacks)
    stranger = Client()
    response = stranger.get(stranger.get(link)["Location"])
    assert response.status_code == 410
    assert "no longer valid" in response.content.decode()


def test_reinvite_voids_the_old_link(org, contact_a, invite, django_capture_on_commit_callbacks):
    old = invite()
    access = PortalAccess.objects.get(contact=contact_a)
    with django_capture_on_commit_callbacks(execute=True):
        portal_access_reinvite(actor=SETUP, access=access)
    (new_link,) = links_in(mail.outbox[-1], "/accept/")
    client = Client()
    assert client.get(client.get(old)["Location"]).status_code == 410
    response = sign_up(Client(), path_of(new_link), NEW_PASSWORD, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.status == PortalAccess.Status.ACTIVE


def test_an_expired_link_offers_to_ask_for_a_new_one(
    org, contact_a, invite, settings, django_capture_on_commit_callbacks
):
    from portico.customers.models import PortalInvitation

    link = invite()
    PortalInvitation.objects.update(expires_at="2000-01-01T00:00:00Z")
    client = Client()
    page = client.get(client.get(link)["Location"])
    assert page.status_code == 410
    assert "Ask Acme Consulting for a new invitation" in page.content.decode()
    ask = reverse("portal:invitation-request", kwargs={"slug": org.portal_slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ask)
    assert response.status_code == 200
    assert Notification.objects.filter(kind=Notification.Kind.INVITATION_REQUESTED).count() == 1
    assert mail.outbox[-1].to == [org.email]
    client.post(ask)  # asking twice within the hour does not notify twice
    assert Notification.objects.filter(kind=Notification.Kind.INVITATION_REQUESTED).count() == 1


def test_an_unknown_token_shows_the_same_page_without_the_request_button(org, client):
    response = client.get(client.get(f"/portal/{org.portal_slug}/accept/not-a-token/")["Location"])
    assert response.status_code == 410
    assert "no longer valid" in response.content.decode()
    assert "for a new invitation" not in response.content.decode()


def test_logout_login_change_password_and_reset(org, access_a, django_capture_on_commit_callbacks):
    from portico.testing import TEST_PASSWORD

    slug = org.portal_slug
    client = Client()
    login = reverse("portal:login", kwargs={"slug": slug})
    home = reverse("portal:home", kwargs={"slug": slug})
    response = client.post(login, {"username": access_a.user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == home
    assert client.get(home).status_code == 200

    response = client.post(reverse("portal:logout", kwargs={"slug": slug}))
    assert response["Location"] == login
    assert client.get(home)["Location"].startswith(login)
    assert client.get(reverse("portal:logout", kwargs={"slug": slug})).status_code == 405  # POST only

    client.post(login, {"username": access_a.user.email, "password": TEST_PASSWORD})
    change = reverse("portal:password-change", kwargs={"slug": slug})
    wrong = client.post(
        change, {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 200
    access_a.user.refresh_from_db()
    assert access_a.user.check_password(TEST_PASSWORD)
    response = client.post(
        change, {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == home
    assert client.get(home).status_code == 200  # still logged in after changing it
    access_a.user.refresh_from_db()
    assert access_a.user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="portal.password_changed", actor_user=access_a.user).exists()

    # Forgot password: the email's link lets them choose another and logs them in.
    anonymous = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(
            reverse("portal:password-reset", kwargs={"slug": slug}), {"email": access_a.user.email}
        )
    assert response["Location"] == reverse("portal:password-reset-sent", kwargs={"slug": slug})
    (link,) = links_in(mail.outbox[-1], "/password/reset/")
    form_page = anonymous.get(path_of(link))
    assert form_page.status_code == 302  # the token leaves the address bar
    third = "amber quartz violin 7"
    response = anonymous.post(form_page["Location"], {"new_password1": third, "new_password2": third})
    assert response["Location"] == home
    assert anonymous.get(home).status_code == 200
    access_a.user.refresh_from_db()
    assert access_a.user.check_password(third)
    # The link works once.
    assert "no longer works" in anonymous.get(path_of(link), follow=True).content.decode()


def test_disabling_access_ends_open_sessions_at_once(org, access_a, portal_client):
    home = reverse("portal:home", kwargs={"slug": org.portal_slug})
    assert portal_client.get(home).status_code == 200
    portal_access_disable(actor=SETUP, access=access_a)
    response = portal_client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login", kwargs={"slug": org.portal_slug}))
    assert "Your access to this portal has ended." in portal_client.get(response["Location"]).content.decode()


def test_login_rotates_the_session_key(org, access_a):
    from portico.testing import TEST_PASSWORD

    client = Client()
    login = reverse("portal:login", kwargs={"slug": org.portal_slug})
    session = client.session  # an anonymous session, as a visitor has before logging in
    session["probe"] = 1
    session.save()
    before = client.cookies["sessionid"].value
    client.post(login, {"username": access_a.user.email, "password": TEST_PASSWORD})
    after = client.cookies["sessionid"].value
    assert after != before
    assert client.session["probe"] == 1  # same data, new key: a planted session id is worthless


def test_login_answers_the_same_for_unknown_emails_wrong_passwords_and_staff(org, access_a, staff):
    from portico.testing import TEST_PASSWORD

    login = reverse("portal:login", kwargs={"slug": org.portal_slug})
    attempts = [
        {"username": "nobody@nowhere.test", "password": TEST_PASSWORD},
        {"username": access_a.user.email, "password": "wrong password"},
        {"username": staff.email, "password": TEST_PASSWORD},  # staff are not portal users
    ]
    pages = []
    for data in attempts:
        response = Client().post(login, data)
        assert response.status_code == 200
        body = response.content.decode()
        pages.append(body.replace(data["username"], "EMAIL").split('name="csrfmiddlewaretoken"')[0])
        assert "That email address and password don’t match a portal account." in body
    assert pages[0] == pages[1] == pages[2]


def test_password_reset_answers_the_same_for_known_and_unknown_emails(
    org, access_a, staff, django_capture_on_commit_callbacks
):
    reset = reverse("portal:password-reset", kwargs={"slug": org.portal_slug})
    responses = []
    for email in (access_a.user.email, "nobody@nowhere.test", staff.email):
        with django_capture_on_commit_callbacks(execute=True):
            responses.append(Client().post(reset, {"email": email}))
    assert {r.status_code for r in responses} == {302}
    assert len({r["Location"] for r in responses}) == 1
    assert [m.to for m in mail.outbox] == [[access_a.user.email]]  # only the portal user gets a link


def test_login_next_stays_inside_this_portal(org, access_a):
    from portico.testing import TEST_PASSWORD

    login = reverse("portal:login", kwargs={"slug": org.portal_slug})
    home = reverse("portal:home", kwargs={"slug": org.portal_slug})
    for target in ("https://evil.test/", "/office/", "//evil.test/portal/acme/"):
        response = Client().post(
            login + f"?next={target}", {"username": access_a.user.email, "password": TEST_PASSWORD}
        )
        assert response["Location"] == home
    quotes = reverse("portal:quotes", kwargs={"slug": org.portal_slug})
    response = Client().post(
        login + f"?next={quotes}", {"username": access_a.user.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == quotes


def test_password_rules_are_shown_under_the_new_password_not_its_confirmation(org, portal_client):
    response = portal_client.post(
        reverse("portal:password-change", kwargs={"slug": org.portal_slug}),
        {"old_password": "whatever", "new_password1": "12345678", "new_password2": "12345678"},
    )
    form = response.context["form"]
    assert "new_password1" in form.errors
    assert "new_password2" not in form.errors


def test_a_password_changed_elsewhere_ends_this_session(org, access_a, portal_client):
    home = reverse("portal:home", kwargs={"slug": org.portal_slug})
    assert portal_client.get(home).status_code == 200
    user = access_a.user
    user.set_password(NEW_PASSWORD)
    user.save()

    response = portal_client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login", kwargs={"slug": org.portal_slug}))
    assert "_auth_user_id" not in portal_client.session


def test_a_deactivated_account_is_sent_to_the_login_page(org, access_a, portal_client):
    home = reverse("portal:home", kwargs={"slug": org.portal_slug})
    access_a.user.is_active = False
    access_a.user.save()

    response = portal_client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login", kwargs={"slug": org.portal_slug}))


def test_a_session_signed_with_a_previous_secret_key_keeps_working(org, access_a, settings):
    settings.SECRET_KEY = "the key this session was signed with, long enough to be a real one"
    client = Client()
    client.force_login(access_a.user)
    before = client.cookies["sessionid"].value
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the key rotated in since, also long enough to be a real secret key"

    response = client.get(reverse("portal:home", kwargs={"slug": org.portal_slug}))
    assert response.status_code == 200
    assert response.context["portal"].access == access_a
    assert client.cookies["sessionid"].value != before  # Django moved the session to the new key
