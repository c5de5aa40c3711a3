"""The invitation travels through a real SMTP server on loopback once its transaction has committed."""

from __future__ import annotations

import pytest

from portico.customers.portal_access import portal_access_invite, portal_invitation_find
from portico.testing import SETUP

from .conftest import accept_token


@pytest.mark.django_db(transaction=True)
def test_invitation_reaches_the_smtp_server_with_a_text_and_an_html_part_that_both_carry_the_link(
    alice, org, smtp_server, settings
):
    settings.PORTICO_BASE_URL = "https://portico.example"

    access, raw_token = portal_access_invite(actor=SETUP, contact=alice)

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["alice@customer-a.test"]
    [message] = smtp_server.messages
    assert message["To"] == "alice@customer-a.test"
    assert message["Subject"] == "Your invitation to Acme Consulting's customer portal"
    assert message["From"] == "Acme Consulting <portico@localhost>"
    assert message["Reply-To"] == org.email
    parts = {
        part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()
    }
    assert set(parts) == {"text/plain", "text/html"}
    link = f"https://portico.example/portal/acme/accept/{raw_token}/"
    assert link in parts["text/plain"]
    assert f'href="{link}"' in parts["text/html"]
    assert "Accept Invitation" in parts["text/html"]

    invitation = portal_invitation_find(raw_token=accept_token(parts["text/plain"]))
    assert invitation.access == access
    assert invitation.access.contact == alice
