"""Background tasks of the email path. Their arguments are plain JSON, so any task backend can store them.

The arguments are the whole rendered message, links included (portal invitations, password resets). With the
database task backend (``TASKS_BACKEND=database``), django-tasks-db keeps a task's arguments in its table after
the task has finished, successful or not, until ``manage.py prune_db_task_results`` deletes the row (by default
those finished more than 14 days ago). A task cannot delete its own row: the worker records the result in it
after the task returns. Operators should therefore run ``manage.py prune_db_task_results --min-age-days 1``
daily (from cron or a systemd timer), so a message's links don't stay in the database for weeks.
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email_task(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str,
    from_email: str,
    reply_to: list[str],
    organization_id: int | None = None,
) -> int:
    """Send one rendered message: the text part, with the HTML as its alternative. Returns the number sent.

    ``organization_id`` is the organization the message is sent for (None when none, and in payloads queued
    before it existed). It is not part of the message: it travels as the message's ``organization_id``
    attribute, which ``MailboxBackend`` stores so only that organization's staff read the message, and which
    every other backend ignores. An attribute rather than a header, so nothing internal could ever reach a
    real recipient, whatever backend sends the message.
    """
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=from_email, to=to, reply_to=reply_to
    )
    message.organization_id = organization_id
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
