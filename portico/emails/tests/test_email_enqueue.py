"""email_enqueue renders now and sends after commit: nothing leaves for a change that rolls back."""

from __future__ import annotations

import pytest
from django.db import transaction

from portico.customers.models import PortalAccess
from portico.customers.portal_access import portal_access_invite
from portico.emails.services import email_enqueue
from portico.testing import SETUP

from .conftest import html_part


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_surrounding_transaction_rolls_back(alice, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        portal_access_invite(actor=SETUP, contact=alice)
        raise RuntimeError("the request failed after the invitation")

    assert mailoutbox == []
    assert not PortalAccess.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_email_leaves_only_when_the_transaction_commits(alice, mailoutbox):
    with transaction.atomic():
        portal_access_invite(actor=SETUP, contact=alice)
        assert mailoutbox == []

    assert [message.to for message in mailoutbox] == [["alice@customer-a.test"]]


def test_text_and_html_parts_are_rendered_with_the_organizations_name_escaped_only_in_html(
    org, alice, mailoutbox, django_capture_on_commit_callbacks
):
    org.name = "Smith & <Sons>"
    org.address = "1 Harbour Road\nBristol"
    org.phone = "+44 117 000 0000"

    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            to="someone@example.test",
            subject="Hello\nthere",
            template="invitation_requested",
            context={
                "contact": alice,
                "customer": alice.customer,
                "office_url": "https://portico.example/office/",
            },
            organization=org,
        )

    [message] = mailoutbox
    assert message.subject == "Hello there"
    assert message.from_email == '"Smith & <Sons>" <portico@localhost>'
    assert "Smith & <Sons>" in message.body
    assert "1 Harbour Road\nBristol" in message.body
    html = html_part(message)
    assert "Smith &amp; &lt;Sons&gt;" in html
    assert "<Sons>" not in html
    assert "1 Harbour Road<br>Bristol" in html
    assert "+44 117 000 0000" in html
    assert "max-width:600px" in html


def test_the_logo_is_an_absolute_link_under_the_base_url(
    org, alice, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.PORTICO_BASE_URL = "https://portico.example"
    org.logo.name = "logos/acme.png"

    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            to=["a@example.test", "b@example.test"],
            subject="Logo",
            template="portal_accepted",
            context={
                "contact": alice,
                "customer": alice.customer,
                "office_url": "https://portico.example/office/",
            },
            organization=org,
        )

    [message] = mailoutbox
    assert message.to == ["a@example.test", "b@example.test"]
    assert f'<img src="https://portico.example{org.logo_url}" alt="Acme Consulting"' in html_part(message)


def test_without_a_logo_the_email_shows_the_name_and_no_image(
    org, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            to="a@example.test",
            subject="No logo",
            template="portal_accepted",
            context={"contact": alice, "customer": alice.customer, "office_url": "https://x.test/"},
            organization=org,
        )

    html = html_part(mailoutbox[0])
    assert "<img" not in html
    assert "Acme Consulting" in html


def test_an_email_without_recipients_is_not_sent(org, alice, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email_enqueue(
            to=["", "  "],
            subject="Nobody",
            template="portal_accepted",
            context={"contact": alice, "customer": alice.customer, "office_url": "https://x.test/"},
            organization=org,
        )

    assert callbacks == []
    assert mailoutbox == []


def test_a_message_the_smtp_server_cannot_take_is_logged_instead_of_raising_after_commit(
    org, alice, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard port: nothing listens there
    settings.EMAIL_TIMEOUT = 2

    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            to="a@example.test",
            subject="Unlucky",
            template="portal_accepted",
            context={"contact": alice, "customer": alice.customer, "office_url": "https://x.test/"},
            organization=org,
        )

    assert "The email 'Unlucky' to a@example.test could not be sent" in caplog.text
