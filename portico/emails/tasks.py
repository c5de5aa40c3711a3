"""Background tasks of the email path. Their arguments are plain JSON, so any task backend can store them."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email_task(
    *, to: list[str], subject: str, text: str, html: str, from_email: str, reply_to: list[str]
) -> int:
    """Send one rendered message: the text part, with the HTML as its alternative. Returns the number sent."""
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=from_email, to=to, reply_to=reply_to
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
