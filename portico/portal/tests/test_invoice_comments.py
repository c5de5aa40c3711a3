"""Comments on invoices and retainer invoices: the contact writes, reads their own and staff's portal comments."""

from __future__ import annotations

import datetime

from django.urls import reverse

from portico.activity.models import Comment, Notification
from portico.activity.services import comment_add
from portico.actors import Actor
from portico.testing import make_invoice, make_retainer


def url(name, org, number):
    return reverse(f"portal:{name}", kwargs={"slug": org.portal_slug, "number": number})


def test_contact_comments_on_an_invoice_and_the_business_is_notified(
    org, portal_client, customer_a, access_a
):
    invoice = make_invoice(customer_a, "120")
    response = portal_client.post(
        url("invoice-comment", org, invoice.number), {"body": "Can we pay in two parts?"}
    )
    comment = Comment.objects.get()
    assert response["Location"] == url("invoice-detail", org, invoice.number) + f"#comment-{comment.pk}"
    assert (comment.target, comment.author_contact) == (invoice, access_a.contact)
    assert Notification.objects.filter(kind=Notification.Kind.COMMENT_ADDED, organization=org).count() == 1
    assert (
        "Can we pay in two parts?"
        in portal_client.get(url("invoice-detail", org, invoice.number)).content.decode()
    )


def test_only_staff_comments_marked_for_the_portal_show_on_an_invoice(org, staff, portal_client, customer_a):
    invoice = make_invoice(customer_a, "120")
    comment_add(
        actor=Actor.staff(staff), target=invoice, body="Shown to the customer", display_in_portal=True
    )
    comment_add(
        actor=Actor.staff(staff),
        target=invoice,
        body="Internal note only",
    )
    body = portal_client.get(url("invoice-detail", org, invoice.number)).content.decode()
    assert "Shown to the customer" in body
    assert "Internal note only" not in body


def test_an_empty_comment_is_refused_and_nothing_is_saved(org, portal_client, customer_a):
    retainer = make_retainer(customer_a, "300")
    response = portal_client.post(
        url("retainer-invoice-comment", org, retainer.number), {"body": "  "}, follow=True
    )
    assert "Write a comment first." in response.content.decode()
    assert not Comment.objects.exists()


def test_another_customers_contact_cannot_comment_on_an_invoice(org, portal_client_b, customer_a):
    invoice = make_invoice(customer_a, "120")
    assert (
        portal_client_b.post(url("invoice-comment", org, invoice.number), {"body": "hi"}).status_code == 404
    )
    assert not Comment.objects.exists()


def test_comment_times_are_written_in_the_organizations_time_zone_and_locale(
    org, staff, portal_client, customer_a
):
    org.timezone = "Pacific/Auckland"
    org.locale = "de_DE"
    org.save()
    invoice = make_invoice(customer_a, "120")
    comment = comment_add(actor=Actor.staff(staff), target=invoice, body="Danke!", display_in_portal=True)
    # 04:55 UTC is 17:55 the same day in Auckland (summer time, UTC+13).
    Comment.objects.filter(pk=comment.pk).update(
        created_at=datetime.datetime(2026, 11, 26, 4, 55, tzinfo=datetime.UTC)
    )

    body = portal_client.get(url("invoice-detail", org, invoice.number)).content.decode()

    assert '<time datetime="2026-11-26T17:55:00+13:00">26.11.2026, 17:55</time>' in body
