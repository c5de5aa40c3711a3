"""Comments on records' pages, the notification feed, and the read-only audit log."""

from __future__ import annotations

from django.urls import reverse

from portico.activity.models import AuditEvent, Comment, Notification
from portico.activity.services import comment_add, notification_create
from portico.projects.services import project_create
from portico.testing import make_invoice, make_quote

from .conftest import action_url, admin_url, messages_of


def test_staff_reads_and_adds_a_comment_displayed_in_the_portal(staff_client, customer_a, contact_a, staff):
    quote = make_quote(customer_a, "100.00")
    comment_add(target=quote, body="Can you do 90?", author_contact=contact_a)

    page = staff_client.get(admin_url(quote)).content.decode()
    response = staff_client.post(
        reverse("office:sales_quote_comment", args=[quote.pk]),
        {"body": "Yes, revised.", "display_in_portal": "on"},
        follow=True,
    )

    assert "Can you do 90?" in page and 'name="display_in_portal"' in page
    comment = Comment.objects.get(author_user=staff)
    assert (comment.body, comment.display_in_portal, comment.object_id) == ("Yes, revised.", True, quote.pk)
    assert "Comment added." in messages_of(response)
    assert "Yes, revised." in response.content.decode()


def test_an_internal_comment_is_not_displayed_in_the_portal(staff_client, customer_a):
    invoice = make_invoice(customer_a, "10.00")

    staff_client.post(reverse("office:sales_invoice_comment", args=[invoice.pk]), {"body": "Chase them"})

    assert Comment.objects.get().display_in_portal is False


def test_an_empty_comment_is_refused(staff_client, customer_a):
    project = project_create(customer=customer_a, name="Website")

    response = staff_client.post(
        reverse("office:projects_project_comment", args=[project.pk]), {"body": ""}, follow=True
    )

    assert not Comment.objects.exists()
    assert any("required" in m for m in messages_of(response))


def test_comment_list_is_read_only(staff_client, customer_a, staff):
    invoice = make_invoice(customer_a, "10.00")
    comment = comment_add(target=invoice, body="Internal note", author_user=staff)

    listing = staff_client.get(admin_url(Comment, "changelist")).content.decode()

    assert "Internal note" in listing and "INV-00001" in listing
    assert staff_client.get(admin_url(Comment, "add")).status_code == 403
    assert staff_client.post(admin_url(comment, "delete"), {"post": "yes"}).status_code == 403


def test_staff_marks_notifications_read_from_the_feed(staff_client, org, customer_a):
    invoice = make_invoice(customer_a, "10.00")
    first = notification_create(
        organization=org, kind="payment_made", message="Customer A paid", target=invoice
    )
    second = notification_create(organization=org, kind="comment_added", message="New comment")

    feed = staff_client.get(admin_url(Notification, "changelist")).content.decode()
    staff_client.post(
        admin_url(Notification, "changelist"),
        {"action": "mark_read", "_selected_action": [first.pk]},
    )

    assert "Customer A paid" in feed and "New comment" in feed
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None

    staff_client.post(action_url(second, "mark-read"))
    second.refresh_from_db()
    assert second.read_at is not None


def test_the_audit_log_lists_what_services_recorded_and_cannot_be_changed(staff_client, customer_a):
    invoice = make_invoice(customer_a, "10.00")
    event = AuditEvent.objects.filter(action="invoice.sent").get()

    listing = staff_client.get(admin_url(AuditEvent, "changelist")).content.decode()
    detail = staff_client.get(admin_url(event))

    assert "invoice.sent" in listing and invoice.number in listing
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert staff_client.post(admin_url(event), {"action": "forged"}).status_code == 403
    event.refresh_from_db()
    assert event.action == "invoice.sent"


def test_every_commentable_page_offers_the_comment_form(staff_client, customer_a, staff):
    from portico.projects.services import task_create, time_entry_log, timesheet_approval_create
    from portico.sales.services.salesorders import sales_order_create
    from portico.testing import lines, make_retainer, today

    project = project_create(customer=customer_a, name="Website")
    time_entry_log(task=task_create(project=project, name="Design"), date=today(), hours="1", user=staff)
    records = [
        make_quote(customer_a, "1.00"),
        make_invoice(customer_a, "1.00"),
        make_retainer(customer_a, "1.00"),
        sales_order_create(customer=customer_a, date=today(), lines=lines("1.00")),
        project,
        timesheet_approval_create(project=project, period_start=today(), period_end=today()),
    ]

    for record in records:
        comment_add(target=record, body=f"Note on {record}", author_user=staff)
        html = staff_client.get(admin_url(record)).content.decode()
        assert 'name="display_in_portal"' in html, record
        assert f"Note on {record}" in html, record
