"""What the demo commands print: where Portico answers and the demo's logins."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.core.management.color import Style
from django.urls import reverse

from portico.accounts.models import User
from portico.demo.builder import (
    CONTACT_EMAIL,
    CONTACT_PASSWORD,
    DEMO_SLUG,
    INVITED_EMAIL,
    STAFF_EMAIL,
    STAFF_PASSWORD,
)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _password(email: str, password: str) -> str:
    """The demo password, or a note if the account no longer has it."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return "(account missing)"
    if not user.check_password(password):
        return "(password changed since the demo was loaded)"
    return password


def write_logins(stdout: OutputWrapper, style: Style, *, base_url: str = DEFAULT_BASE_URL) -> None:
    base_url = base_url.rstrip("/")
    stdout.write("")
    stdout.write(style.SUCCESS("Portico demo"))
    stdout.write(f"  Back office:      {base_url}/office/")
    stdout.write(f"  Staff login:      {STAFF_EMAIL}  password: {_password(STAFF_EMAIL, STAFF_PASSWORD)}")
    stdout.write("")
    portal = reverse("portal:home", kwargs={"slug": DEMO_SLUG})
    stdout.write(f"  Customer portal:  {base_url}{portal}")
    stdout.write(
        f"  Demo contact's login (Maya Chen, Blue Harbor Coffee):  {CONTACT_EMAIL}  "
        f"password: {_password(CONTACT_EMAIL, CONTACT_PASSWORD)}"
    )
    stdout.write("  The contact logs in to the customer portal; the back office at /office/ is for staff.")
    if settings.EMAIL_BACKEND == "portico.emails.backends.MailboxBackend":
        stdout.write("")
        stdout.write(
            f"  Mailbox:          {base_url}{reverse('mailbox:list')}  (staff login; the emails Portico sent)"
        )
        stdout.write(
            f"  It holds the invitation of {INVITED_EMAIL}: open it and click Accept Invitation to sign up."
        )
    stdout.write("")
    stdout.write("  These are demo passwords, for a local demo database only.")
    stdout.write("")


def write_url_only(stdout: OutputWrapper, *, base_url: str = DEFAULT_BASE_URL) -> None:
    stdout.write(f"  Back office:      {base_url.rstrip('/')}/office/")
