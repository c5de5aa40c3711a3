"""Fixtures of the email tests: a contact with a name worth escaping, the local mailbox switched on, and a real
SMTP server on loopback."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from portico.emails.models import MailboxMessage
from portico.testing import ContactPersonFactory

MAILBOX_BACKEND = "portico.emails.backends.MailboxBackend"
ACCEPT_LINK = re.compile(r"https?://[^\s\"<>]+/portal/[a-z0-9-]+/accept/(?P<token>[A-Za-z0-9_-]+)/")


def accept_token(body: str) -> str:
    """The invitation token of the first Accept Invitation link in ``body``."""
    match = ACCEPT_LINK.search(body)
    assert match, f"no accept link in {body!r}"
    return match.group("token")


def html_part(message) -> str:
    """The HTML alternative of a Django email message."""
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


@pytest.fixture
def alice(customer_a):
    """Customer A's contact, with an apostrophe in her name that HTML must escape."""
    return ContactPersonFactory(
        customer=customer_a, first_name="Alice", last_name="O'Neil", email="alice@customer-a.test"
    )


@pytest.fixture
def mailbox_on(settings):
    """The mailbox as a demo server runs it: DEBUG off, PORTICO_MAILBOX on, messages kept in the database."""
    settings.DEBUG = False
    settings.PORTICO_MAILBOX = True
    settings.EMAIL_BACKEND = MAILBOX_BACKEND


@pytest.fixture
def keep(org):
    """Keep a message in the mailbox as sent for ``org`` (the organization of ``staff``) unless told otherwise."""

    def keep_message(subject: str = "Hello", **fields) -> MailboxMessage:
        values = {
            "organization": org,
            "from_email": "Portico <portico@localhost>",
            "to": "alice@customer-a.test",
            "text": "Hi",
        }
        return MailboxMessage.objects.create(subject=subject, **{**values, **fields})

    return keep_message


class CollectingHandler:
    """An aiosmtpd handler that keeps every message it receives, parsed."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            for envelope in self.envelopes
        ]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(request, settings) -> CollectingHandler:
    """A real SMTP server on 127.0.0.1 that Portico's settings point at; stopped when the test ends."""
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    request.addfinalizer(controller.stop)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    return handler
