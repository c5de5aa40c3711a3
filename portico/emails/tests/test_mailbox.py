"""The local mailbox: a backend that keeps messages, and pages where staff read them in development."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.urls import reverse

from portico.customers.portal_access import portal_access_invite
from portico.emails.models import MailboxMessage
from portico.emails.views import HTML_PART_CSP
from portico.testing import SETUP, UserFactory

from .conftest import MAILBOX_BACKEND, accept_token


def test_the_mailbox_backend_keeps_both_parts_of_a_message(db, settings):
    settings.EMAIL_BACKEND = MAILBOX_BACKEND
    message = EmailMultiAlternatives(
        subject="Welcome",
        body="Plain words",
        from_email="Acme <portico@localhost>",
        to=["alice@customer-a.test", "bob@customer-b.test"],
        reply_to=["hello@acme.test"],
    )
    message.attach_alternative("<p>Rich words</p>", "text/html")

    assert message.send() == 1

    stored = MailboxMessage.objects.get()
    assert (stored.subject, stored.from_email, stored.to, stored.reply_to, stored.text, stored.html) == (
        "Welcome",
        "Acme <portico@localhost>",
        "alice@customer-a.test, bob@customer-b.test",
        "hello@acme.test",
        "Plain words",
        "<p>Rich words</p>",
    )
    assert stored.created_at is not None


def test_an_html_only_message_is_kept_as_html(db, settings):
    settings.EMAIL_BACKEND = MAILBOX_BACKEND
    message = EmailMessage(subject="Only HTML", body="<p>Rich</p>", to=["alice@customer-a.test"])
    message.content_subtype = "html"

    message.send()

    stored = MailboxMessage.objects.get()
    assert (stored.text, stored.html) == ("", "<p>Rich</p>")


@pytest.mark.parametrize("name", ["mailbox:list", "mailbox:clear"])
def test_the_mailbox_is_404_when_debug_and_portico_mailbox_are_off(staff_client, settings, name):
    settings.DEBUG = False
    settings.PORTICO_MAILBOX = False

    assert staff_client.get(reverse(name)).status_code == 404
    assert staff_client.post(reverse(name)).status_code == 404


def test_a_message_page_is_404_when_the_mailbox_is_off_even_for_staff(keep, staff_client, settings):
    settings.DEBUG = False
    settings.PORTICO_MAILBOX = False
    message = keep(html="<p>x</p>")

    assert staff_client.get(reverse("mailbox:detail", args=[message.pk])).status_code == 404
    assert staff_client.get(reverse("mailbox:html", args=[message.pk])).status_code == 404


def test_debug_turns_the_mailbox_on(staff_client, settings):
    settings.DEBUG = True
    settings.PORTICO_MAILBOX = False

    assert staff_client.get(reverse("mailbox:list")).status_code == 200


def test_an_anonymous_visitor_is_sent_to_the_back_office_login(keep, client, db, mailbox_on):
    message = keep()

    for url in (reverse("mailbox:list"), reverse("mailbox:detail", args=[message.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('office:login')}?next={url}"


def test_a_logged_in_user_who_is_not_staff_is_sent_to_the_login_too(keep, client, db, mailbox_on):
    client.force_login(UserFactory(is_staff=False))
    keep()

    response = client.get(reverse("mailbox:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("office:login"))


def test_staff_read_the_list_newest_first(keep, staff_client, mailbox_on):
    keep("Older")
    keep("Newer")

    response = staff_client.get(reverse("mailbox:list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Newer") < page.index("Older")
    assert "2 messages, newest first" in page


def test_the_list_shows_fifty_messages_a_page(org, staff_client, mailbox_on):
    MailboxMessage.objects.bulk_create(
        MailboxMessage(
            organization=org, from_email="p@localhost", to="a@example.test", subject=f"Message {n:02d}"
        )
        for n in range(51)
    )

    first = staff_client.get(reverse("mailbox:list"))
    second = staff_client.get(reverse("mailbox:list"), {"page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 1
    assert "Page 1 of 2" in first.content.decode()


def test_an_empty_mailbox_says_so(staff_client, mailbox_on):
    response = staff_client.get(reverse("mailbox:list"))

    assert "The mailbox is empty." in response.content.decode()
    assert reverse("mailbox:clear") not in response.content.decode()


def test_a_newcomer_follows_the_invitation_link_from_the_message_page(
    staff_client, alice, mailbox_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _access, raw_token = portal_access_invite(actor=SETUP, contact=alice)
    message = MailboxMessage.objects.get()

    response = staff_client.get(reverse("mailbox:detail", args=[message.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Your invitation to Acme Consulting&#x27;s customer portal" in page
    assert "alice@customer-a.test" in page
    assert "Acme Consulting &lt;portico@localhost&gt;" in page
    assert accept_token(message.text) == raw_token
    link = f"http://127.0.0.1:8000/portal/acme/accept/{raw_token}/"
    assert f'<a href="{link}"' in page
    assert reverse("mailbox:html", args=[message.pk]) in page


def test_the_mailbox_pages_carry_no_inline_script_or_style(keep, staff_client, mailbox_on):
    message = keep(html="<p>x</p>")

    for url in (
        reverse("mailbox:list"),
        reverse("mailbox:detail", args=[message.pk]),
        reverse("mailbox:clear"),
    ):
        page = staff_client.get(url).content.decode()
        assert "<script" not in page
        assert "style=" not in page
        assert "/static/mailbox/mailbox.css" in page


def test_the_html_part_is_served_sandboxed_so_it_cannot_run_script(keep, staff_client, mailbox_on):
    message = keep(html="<p>Rich</p><script>alert(1)</script>")

    response = staff_client.get(reverse("mailbox:html", args=[message.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"] == HTML_PART_CSP
    assert response["Content-Security-Policy"].startswith(
        "sandbox allow-popups allow-top-navigation-by-user-activation; default-src 'none';"
    )
    assert response.content == b"<p>Rich</p><script>alert(1)</script>"


def test_a_message_without_html_has_no_html_page(keep, staff_client, mailbox_on):
    message = keep(html="")

    assert staff_client.get(reverse("mailbox:html", args=[message.pk])).status_code == 404
    assert (
        reverse("mailbox:html", args=[message.pk])
        not in staff_client.get(reverse("mailbox:detail", args=[message.pk])).content.decode()
    )


def test_clearing_asks_first_and_deletes_only_on_post(keep, staff_client, mailbox_on):
    keep("One")
    keep("Two")

    confirmation = staff_client.get(reverse("mailbox:clear"))
    assert "Delete all 2 messages in the mailbox?" in confirmation.content.decode()
    assert MailboxMessage.objects.count() == 2

    response = staff_client.post(reverse("mailbox:clear"), follow=True)

    assert response.redirect_chain == [(reverse("mailbox:list"), 302)]
    assert MailboxMessage.objects.count() == 0
    assert "Deleted 2 messages." in response.content.decode()
    assert "The mailbox is empty." in response.content.decode()


def test_anonymous_cannot_clear_the_mailbox(keep, client, db, mailbox_on):
    keep()

    response = client.post(reverse("mailbox:clear"))

    assert response.status_code == 302
    assert MailboxMessage.objects.count() == 1
