"""Comments on records' pages, the notification feed, reviews, "Viewed" markers, and the read-only audit log."""

from __future__ import annotations

from django.urls import reverse

from portico.activity.models import AuditEvent, Comment, Notification
from portico.activity.notifications import notification_create
from portico.activity.services import comment_add
from portico.actors import Actor
from portico.projects.services import project_create
from portico.testing import SETUP, ContactPersonFactory, make_invoice, make_quote

from .conftest import action_url, admin_url, messages_of


def test_staff_reads_and_adds_a_comment_displayed_in_the_portal(staff_client, customer_a, contact_a, staff):
    quote = make_quote(customer_a, "100.00")
    comment_add(
        actor=Actor.for_contact(contact_a),
        target=quote,
        body="Can you do 90?",
    )

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
    project = project_create(actor=SETUP, customer=customer_a, name="Website")

    response = staff_client.post(
        reverse("office:projects_project_comment", args=[project.pk]), {"body": ""}, follow=True
    )

    assert not Comment.objects.exists()
    assert any("required" in m for m in messages_of(response))


def test_comments_are_neither_added_nor_deleted_through_the_admins_own_pages(staff_client, customer_a, staff):
    invoice = make_invoice(customer_a, "10.00")
    comment = comment_add(
        actor=Actor.staff(staff),
        target=invoice,
        body="Internal note",
    )

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

    project = project_create(actor=SETUP, customer=customer_a, name="Website")
    time_entry_log(
        actor=SETUP,
        task=task_create(actor=SETUP, project=project, name="Design"),
        date=today(),
        hours="1",
        user=staff,
    )
    records = [
        make_quote(customer_a, "1.00"),
        make_invoice(customer_a, "1.00"),
        make_retainer(customer_a, "1.00"),
        sales_order_create(actor=SETUP, customer=customer_a, date=today(), lines=lines("1.00")),
        project,
        timesheet_approval_create(actor=SETUP, project=project, period_start=today(), period_end=today()),
    ]

    for record in records:
        comment_add(
            actor=Actor.staff(staff),
            target=record,
            body=f"Note on {record}",
        )
        html = staff_client.get(admin_url(record)).content.decode()
        assert 'name="display_in_portal"' in html, record
        assert f"Note on {record}" in html, record


def _review_and_view(org, customer_a, contact_a):
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from portico.activity.models import Review, ViewEvent

    invoice = make_invoice(customer_a, "10.00")
    review = Review.objects.create(
        organization=org, customer=customer_a, contact=contact_a, rating=4, message="Quick and clear."
    )
    first = timezone.now() - datetime.timedelta(days=2)
    marker = ViewEvent.objects.create(
        organization=org,
        customer=customer_a,
        content_type=ContentType.objects.get_for_model(invoice),
        object_id=invoice.pk,
        first_contact=contact_a,
        first_viewed_at=first,
        last_contact=contact_a,
        last_viewed_at=timezone.now(),
        view_count=3,
    )
    return invoice, review, marker


def test_staff_reads_the_reviews_of_their_customers(staff_client, org, customer_a, contact_a):
    from portico.activity.models import Review

    _invoice, review, _marker = _review_and_view(org, customer_a, contact_a)

    listing = staff_client.get(admin_url(Review, "changelist")).content.decode()
    detail = staff_client.get(admin_url(review))

    assert "Customer A" in listing and contact_a.full_name in listing
    assert "4 of 5" in listing and "Quick and clear." in listing
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert staff_client.get(admin_url(Review, "add")).status_code == 403
    assert staff_client.post(admin_url(review, "delete"), {"post": "yes"}).status_code == 403
    assert Review.objects.filter(pk=review.pk).exists()


def test_staff_sees_which_contact_viewed_which_document_and_how_often(
    staff_client, org, customer_a, contact_a
):
    from portico.activity.models import ViewEvent

    invoice, _review, marker = _review_and_view(org, customer_a, contact_a)

    listing = staff_client.get(admin_url(ViewEvent, "changelist")).content.decode()
    detail = staff_client.get(admin_url(marker))

    assert invoice.number in listing and contact_a.full_name in listing and "Customer A" in listing
    assert ">3<" in listing
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert "Viewed in the portal" in detail.content.decode()
    assert staff_client.post(admin_url(marker), {"view_count": "99"}).status_code == 403
    marker.refresh_from_db()
    assert marker.view_count == 3


def test_another_organizations_staff_sees_no_reviews_or_viewed_markers(
    other_client, org, customer_a, contact_a
):
    from portico.activity.models import Review, ViewEvent

    _invoice, review, marker = _review_and_view(org, customer_a, contact_a)

    for model, record in ((Review, review), (ViewEvent, marker)):
        listing = other_client.get(admin_url(model, "changelist")).content.decode()
        assert "Customer A" not in listing and "Quick and clear." not in listing
        assert other_client.get(admin_url(record)).status_code == 404


def test_the_viewed_list_runs_the_same_number_of_queries_for_few_and_many_markers(
    staff_client, org, customer_a, contact_a
):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from portico.activity.models import ViewEvent

    def make(count):
        for _index in range(count):
            document = make_invoice(customer_a, "10.00") if _index % 2 else make_quote(customer_a, "10.00")
            ViewEvent.objects.create(
                organization=org,
                customer=customer_a,
                content_type=ContentType.objects.get_for_model(document),
                object_id=document.pk,
                first_contact=contact_a,
                first_viewed_at=timezone.now(),
                last_contact=contact_a,
                last_viewed_at=timezone.now(),
            )

    url = admin_url(ViewEvent, "changelist")
    staff_client.get(url)
    counts = []
    for batch in (2, 10):
        make(batch)
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_notifications_about_portal_invitations_open_and_lead_to_the_customer(staff_client, org, contact_a):
    import datetime

    from django.utils import timezone

    from portico.customers.models import PortalInvitation
    from portico.customers.portal_access import portal_access_invite, portal_invitation_request
    from portico.testing import make_portal_access

    make_portal_access(contact_a)  # invited and accepted: "accepted the portal invitation"
    second = ContactPersonFactory(customer=contact_a.customer, email="carl@customer-a.test")
    access, raw_token = portal_access_invite(actor=SETUP, contact=second)
    PortalInvitation.objects.filter(access=access).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert portal_invitation_request(raw_token=raw_token, organization=org) is True
    kinds = {Notification.Kind.PORTAL_ACCEPTED, Notification.Kind.INVITATION_REQUESTED}
    notifications = list(Notification.objects.filter(kind__in=kinds))
    assert {n.kind for n in notifications} == kinds

    customer_url = admin_url(contact_a.customer)
    for notification in notifications:
        page = staff_client.get(admin_url(notification))
        assert page.status_code == 200, notification.kind
        assert notification.message in page.content.decode()
        assert f'href="{customer_url}"' in page.content.decode()

    feed = staff_client.get(admin_url(Notification, "changelist"))
    assert feed.status_code == 200
