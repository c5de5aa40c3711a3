"""The emails of portal access: invitation, reinvitation, acceptance, password reset, invitation request."""

from __future__ import annotations

import zoneinfo

import pytest
from django.urls import reverse

from portico.customers.portal_access import (
    InvitationInvalid,
    portal_access_invite,
    portal_access_reinvite,
    portal_invitation_accept,
    portal_invitation_find,
)
from portico.emails.services import email_enqueue
from portico.testing import SETUP, TEST_PASSWORD, UserFactory

from .conftest import accept_token, html_part


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Invite a contact as a committed change would, so the email goes out."""

    def invite_contact(contact, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return portal_access_invite(contact=contact, **{"actor": SETUP, **kwargs})

    return invite_contact


def test_the_standard_invitation_greets_the_contact_and_links_to_the_accept_page(
    alice, org, invite, mailoutbox, settings
):
    settings.PORTICO_BASE_URL = "https://portico.example"

    _access, raw_token = invite(alice)

    [message] = mailoutbox
    assert message.to == ["alice@customer-a.test"]
    assert message.reply_to == [org.email]
    assert message.subject == "Your invitation to Acme Consulting's customer portal"
    link = "https://portico.example" + reverse("portal:accept", kwargs={"slug": "acme", "token": raw_token})
    assert message.body.startswith(
        "Hello Alice O'Neil,\n\nAcme Consulting invites you to its customer portal."
    )
    assert "Customer A" in message.body
    assert link in message.body
    html = html_part(message)
    assert "Hello Alice O&#x27;Neil," in html
    assert f'<a href="{link}"' in html
    assert ">Accept Invitation</a>" in html
    assert "ignore this email" in message.body
    assert "ignore this email" in html


def test_the_invitation_says_until_when_the_link_works_in_the_organizations_time_zone(
    alice, org, invite, mailoutbox
):
    org.timezone = "Asia/Tokyo"
    org.save()

    access, _raw_token = invite(alice)

    expires_at = access.invitations.get().expires_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    # As the organization's locale (en_US) writes it, with the narrow no-break space before AM/PM.
    when = f"{expires_at:%b} {expires_at.day}, {expires_at.year}, {expires_at:%-I:%M}\u202f{expires_at:%p}"
    expected = f"This link works until {when} (JST)"
    assert expected in mailoutbox[0].body
    assert expected in html_part(mailoutbox[0])


def test_custom_subject_and_message_get_their_placeholders_filled_and_stray_braces_kept(
    alice, org, invite, mailoutbox
):
    org.portal_invitation_subject = "{contact}, join {organization} ({customer}) {unknown} {"
    org.portal_invitation_message = "Dear {contact} of {customer},\nyour {organization} portal awaits. {0} {x"
    org.save()

    invite(alice)

    [message] = mailoutbox
    assert message.subject == "Alice O'Neil, join Acme Consulting (Customer A) {unknown} {"
    assert message.body.startswith(
        "Dear Alice O'Neil of Customer A,\nyour Acme Consulting portal awaits. {0} {x\n"
    )
    assert "Acme Consulting invites you" not in message.body


def test_a_custom_message_is_plain_text_escaped_in_html_with_its_line_breaks_kept(
    alice, org, invite, mailoutbox
):
    org.portal_invitation_message = (
        'Hi {contact}!\n<a href="https://evil.test">Click</a> & <script>x()</script>'
    )
    org.save()

    invite(alice)

    html = html_part(mailoutbox[0])
    assert (
        "Hi Alice O&#x27;Neil!<br>&lt;a href=&quot;https://evil.test&quot;&gt;Click&lt;/a&gt; &amp; "
        "&lt;script&gt;x()&lt;/script&gt;" in html
    )
    assert "<script" not in html
    assert 'href="https://evil.test"' not in html
    assert '<a href="https://evil.test">Click</a> & <script>x()</script>' in mailoutbox[0].body


def test_a_name_holding_a_placeholder_is_not_filled_in_twice(customer_a, org, invite, mailoutbox):
    from portico.testing import ContactPersonFactory

    contact = ContactPersonFactory(
        customer=customer_a, first_name="{customer}", last_name="Smith", email="odd@customer-a.test"
    )
    org.portal_invitation_subject = "Hello {contact}"
    org.save()

    invite(contact)

    assert mailoutbox[0].subject == "Hello {customer} Smith"


def test_reinvite_sends_a_new_link_and_the_old_one_stops_working(
    alice, invite, mailoutbox, django_capture_on_commit_callbacks
):
    access, _first_token = invite(alice)
    with django_capture_on_commit_callbacks(execute=True):
        portal_access_reinvite(actor=SETUP, access=access)

    first, second = mailoutbox
    old_token, new_token = accept_token(first.body), accept_token(second.body)
    assert old_token != new_token
    assert second.to == ["alice@customer-a.test"]
    assert new_token in html_part(second)
    with pytest.raises(InvitationInvalid) as refused:
        portal_invitation_find(raw_token=old_token)
    assert refused.value.reason == "void"
    assert portal_invitation_find(raw_token=new_token).access == access


def test_accepting_emails_the_organization_with_a_link_to_the_customer(
    alice, org, invite, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.PORTICO_BASE_URL = "https://portico.example"
    _access, raw_token = invite(alice)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD)

    [message] = mailoutbox
    assert message.to == [org.email]
    assert message.reply_to == ["alice@customer-a.test"]
    assert message.subject == "Alice O'Neil of Customer A accepted your portal invitation"
    customer_url = "https://portico.example" + reverse(
        "office:customers_customer_change", args=[alice.customer.pk]
    )
    assert customer_url in message.body
    assert f'href="{customer_url}"' in html_part(message)


def test_a_refused_acceptance_emails_nobody(alice, invite, mailoutbox, django_capture_on_commit_callbacks):
    _access, raw_token = invite(alice)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvitationInvalid):
        portal_invitation_accept(raw_token=raw_token + "x", password=TEST_PASSWORD)

    assert mailoutbox == []


def test_the_password_reset_email_carries_the_reset_link_and_how_long_it_works(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="alice@customer-a.test", full_name="Alice O'Neil")
    reset_url = "https://portico.example/portal/acme/password/reset/MQ/abc-123/"

    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            to=user.email,
            subject="Reset your password",
            template="password_reset",
            context={"organization": org, "user": user, "reset_url": reset_url, "valid_hours": 3},
        )

    [message] = mailoutbox
    assert message.from_email == "Acme Consulting <portico@localhost>"
    assert "Hello Alice O'Neil," in message.body
    assert reset_url in message.body
    assert "This link works for 3 hours and only once." in message.body
    html = html_part(message)
    assert f'href="{reset_url}"' in html
    assert ">Reset Password</a>" in html


def test_the_password_reset_email_says_the_password_is_the_portico_accounts_for_every_portal(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="alice@customer-a.test", full_name="Alice O'Neil")

    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            to=user.email,
            subject="Reset your password",
            template="password_reset",
            context={"organization": org, "user": user, "reset_url": "https://x.test/r/", "valid_hours": 3},
        )

    [message] = mailoutbox
    wording = (
        "reset the password of your Portico account alice@customer-a.test, which you use to log in to "
        "Acme Consulting's customer portal and any other portal you have been invited to (and to the back "
        "office, if you have access to it)."
    )
    assert wording in " ".join(message.body.split())
    assert "The new password will apply to all of them. Choose it with the link below." in message.body
    html = " ".join(html_part(message).split())
    assert wording in html
    assert "The new password will apply to all of them. Choose it with the button below." in html
    assert "the password you use for" not in message.body + html


def test_the_invitation_request_tells_the_organization_who_asks_and_where_to_reinvite(
    alice, org, mailoutbox, django_capture_on_commit_callbacks
):
    office_url = "https://portico.example/office/customers/customer/1/change/"

    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            to=org.email,
            subject="Alice O'Neil asks for a new portal invitation",
            template="invitation_requested",
            context={
                "organization": org,
                "contact": alice,
                "customer": alice.customer,
                "office_url": office_url,
            },
        )

    [message] = mailoutbox
    assert message.to == [org.email]
    assert "Alice O'Neil of Customer A asked for a new invitation" in message.body
    assert office_url in message.body
    assert f'href="{office_url}"' in html_part(message)
