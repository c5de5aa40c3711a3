"""One continuous journey through the HTTP stack, as a business and its customer live it.

Staff invite from the back office → the email → Accept Invitation → sign up → Home → Logout → log in → Change
Password → Forgot password → the reset email → a new password → Home; then staff reinvite (the old link dies) and
untick the contact (their open session ends on the next page).
"""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from portico.activity.models import AuditEvent
from portico.customers.models import PortalAccess

LINK = re.compile(r"https?://[^\s\"<>]+")


def link_in_last_email(to: str, fragment: str) -> str:
    message = [m for m in mail.outbox if m.to == [to]][-1]
    (link,) = {link for link in LINK.findall(message.body) if fragment in link}
    html = message.alternatives[0][0]
    assert link in html  # the HTML part carries the same link
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_the_whole_portal_access_journey(
    org, staff_client, customer_a, contact_a, django_capture_on_commit_callbacks
):
    slug = org.portal_slug
    configure = reverse("office:customers_customer_portal", args=[customer_a.pk])
    home = reverse("portal:home", kwargs={"slug": slug})
    login = reverse("portal:login", kwargs={"slug": slug})

    # Staff tick the contact and save: an invitation email leaves once the save commits.
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(configure, {f"contact_{contact_a.pk}": "on"}).status_code == 302
    first_link = link_in_last_email(contact_a.email, "/accept/")

    # The contact follows it, signs up and lands on Home.
    browser = Client()
    signup = browser.get(first_link)["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            signup, {"password1": "first pass phrase 1", "password2": "first pass phrase 1"}
        )
    assert response["Location"] == home
    assert customer_a.display_name in browser.get(home).content.decode()
    assert any(m.to == [org.email] for m in mail.outbox)  # the business hears of it

    # Logout, then log in again.
    assert browser.post(reverse("portal:logout", kwargs={"slug": slug}))["Location"] == login
    assert browser.get(home)["Location"].startswith(login)
    response = browser.post(login, {"username": contact_a.email, "password": "first pass phrase 1"})
    assert response["Location"] == home

    # Change Password.
    response = browser.post(
        reverse("portal:password-change", kwargs={"slug": slug}),
        {
            "old_password": "first pass phrase 1",
            "new_password1": "second pass phrase 2",
            "new_password2": "second pass phrase 2",
        },
    )
    assert response["Location"] == home

    # Forgot password, from a fresh browser: the email's link sets a third password and logs them in.
    stranger = Client()
    with django_capture_on_commit_callbacks(execute=True):
        stranger.post(reverse("portal:password-reset", kwargs={"slug": slug}), {"email": contact_a.email})
    reset_link = link_in_last_email(contact_a.email, "/password/reset/")
    form = stranger.get(reset_link)["Location"]
    response = stranger.post(
        form, {"new_password1": "third pass phrase 3", "new_password2": "third pass phrase 3"}
    )
    assert response["Location"] == home
    assert stranger.get(home).status_code == 200

    access = PortalAccess.objects.get(contact=contact_a)
    access.user.refresh_from_db()
    assert access.user.check_password("third pass phrase 3")
    assert [e.action for e in AuditEvent.objects.filter(object_id=access.pk).order_by("id")][:2] == [
        "portal_access.invited",
        "portal_access.accepted",
    ]

    # The reset ended the first browser's session (a new password logs out the others); it logs in again.
    assert browser.get(home)["Location"].startswith(login)
    browser.post(login, {"username": contact_a.email, "password": "third pass phrase 3"})
    assert browser.get(home).status_code == 200

    # Staff untick the contact (after confirming): both open sessions end on their next page.
    staff_client.post(configure, {})
    staff_client.post(configure, {"confirm_disable": str(contact_a.pk)})
    access.refresh_from_db()
    assert access.status == PortalAccess.Status.DISABLED
    for client in (browser, stranger):
        assert client.get(home)["Location"].startswith(login)

    # Reinvite: a new link works, and the first one stays dead.
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("office:customers_customer_portal_reinvite", args=[customer_a.pk, contact_a.pk])
        )
    second_link = link_in_last_email(contact_a.email, "/accept/")
    assert second_link != first_link
    late = Client()
    assert late.get(late.get(first_link)["Location"]).status_code == 410
    assert late.get(late.get(second_link)["Location"]).status_code == 200
