"""The "Viewed" marker and what the business hears from its portal: first views, quote decisions, comments."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portico.activity.models import Notification, ViewEvent
from portico.activity.services import comment_add
from portico.activity.viewing import document_viewed
from portico.actors import Actor
from portico.portal.context import PortalContext
from portico.sales.services.quotes import quote_accept, quote_decline
from portico.testing import ContactPersonFactory, make_invoice, make_portal_access, make_quote


def feed():
    """The notifications this module writes (accepting the portal invitation in the fixtures writes one too)."""
    return Notification.objects.exclude(kind=Notification.Kind.PORTAL_ACCEPTED)


@pytest.fixture
def portal_a(org, access_a) -> PortalContext:
    return PortalContext(organization=org, access=access_a)


def test_the_first_view_records_who_and_when_and_notifies_the_business(portal_a, customer_a, org):
    quote = make_quote(customer_a, "100.00")
    marker = document_viewed(actor=portal_a.actor, document=quote)
    marker.refresh_from_db()
    assert (marker.target, marker.organization, marker.customer) == (quote, org, customer_a)
    assert (marker.first_contact, marker.last_contact, marker.view_count) == (
        portal_a.contact,
        portal_a.contact,
        1,
    )
    assert marker.first_viewed_at == marker.last_viewed_at
    notification = feed().get()
    assert (notification.kind, notification.target, notification.customer) == (
        Notification.Kind.DOCUMENT_VIEWED,
        quote,
        customer_a,
    )
    assert notification.message == (
        f"{portal_a.contact.full_name} of Customer A viewed quote {quote.number} for the first time."
    )


def test_a_later_view_moves_the_last_view_without_notifying_again(portal_a, customer_a):
    quote = make_quote(customer_a, "100.00")
    first = document_viewed(actor=portal_a.actor, document=quote)
    colleague = ContactPersonFactory(customer=customer_a, email="carl@customer-a.test")
    colleague_portal = PortalContext(
        organization=portal_a.organization, access=make_portal_access(colleague)[0]
    )
    later = document_viewed(actor=colleague_portal.actor, document=quote)
    later.refresh_from_db()
    assert later.pk == first.pk
    assert (later.first_contact, later.last_contact, later.view_count) == (portal_a.contact, colleague, 2)
    assert later.first_viewed_at == first.first_viewed_at
    assert later.last_viewed_at > first.first_viewed_at
    assert feed().count() == 1


def test_a_view_writes_the_marker_in_one_statement_and_a_first_view_adds_the_notification(
    portal_a, customer_a
):
    quote = make_quote(customer_a, "100.00")
    ContentType.objects.get_for_model(quote)  # content types are cached once per process

    with CaptureQueriesContext(connection) as first:
        document_viewed(actor=portal_a.actor, document=quote)
    with CaptureQueriesContext(connection) as later:
        marker = document_viewed(actor=portal_a.actor, document=quote)

    assert [q["sql"].split()[:3] for q in first.captured_queries] == [
        ["INSERT", "INTO", '"activity_viewevent"'],
        ["INSERT", "INTO", '"activity_notification"'],
    ]
    assert len(later.captured_queries) == 1
    assert (marker.view_count, marker.first_contact, marker.target) == (2, portal_a.contact, quote)
    assert feed().count() == 1


def test_each_document_has_its_own_marker(portal_a, customer_a):
    quote = make_quote(customer_a, "100.00")
    invoice = make_invoice(customer_a, "100.00")
    document_viewed(actor=portal_a.actor, document=quote)
    document_viewed(actor=portal_a.actor, document=invoice)
    assert {marker.target for marker in ViewEvent.objects.all()} == {quote, invoice}
    assert Notification.objects.filter(kind=Notification.Kind.DOCUMENT_VIEWED).count() == 2
    [about_invoice] = [n for n in feed() if n.target == invoice]
    assert f"viewed invoice {invoice.number}" in about_invoice.message


def test_the_first_view_is_emailed_only_when_the_preference_asks(
    portal_a, customer_a, org, mailoutbox, django_capture_on_commit_callbacks
):
    quote = make_quote(customer_a, "100.00")
    assert org.notify_first_view is False  # the default: the feed only
    with django_capture_on_commit_callbacks(execute=True):
        document_viewed(actor=portal_a.actor, document=quote)
    assert mailoutbox == []

    org.notify_first_view = True
    org.save()
    invoice = make_invoice(customer_a, "250.00")
    with django_capture_on_commit_callbacks(execute=True):
        document_viewed(actor=portal_a.actor, document=invoice)
        document_viewed(actor=portal_a.actor, document=invoice)
    [mail] = mailoutbox
    assert mail.to == [org.email]
    assert mail.subject == f"{portal_a.contact.full_name} of Customer A viewed invoice {invoice.number}"
    assert "for the first time" in mail.body
    assert f"/office/sales/invoice/{invoice.pk}/change/" in mail.body
    html = mail.alternatives[0][0]
    assert invoice.number in html


def test_a_contacts_quote_decisions_notify_and_email_the_business(
    portal_a, customer_a, org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accepted = quote_accept(actor=portal_a.actor, quote=make_quote(customer_a, "100.00"))
        declined = quote_decline(
            actor=portal_a.actor, quote=make_quote(customer_a, "100.00"), reason="Too late for us"
        )
    kinds = {n.object_id: n.kind for n in feed()}
    assert kinds == {
        accepted.pk: Notification.Kind.QUOTE_ACCEPTED,
        declined.pk: Notification.Kind.QUOTE_DECLINED,
    }
    assert [m.subject for m in mailoutbox] == [
        f"Quote {accepted.number} was accepted by Customer A",
        f"Quote {declined.number} was declined by Customer A",
    ]
    assert "Too late for us" in mailoutbox[1].body
    assert "Too late for us" in mailoutbox[1].alternatives[0][0]


def test_a_decision_staff_record_for_the_customer_is_not_news_to_the_business(
    customer_a, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        quote_accept(actor=Actor.staff(staff), quote=make_quote(customer_a, "100.00"))
    assert list(feed()) == []
    assert mailoutbox == []


def test_a_contacts_comment_notifies_the_business(
    portal_a, customer_a, org, mailoutbox, django_capture_on_commit_callbacks
):
    invoice = make_invoice(customer_a, "100.00")
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(actor=portal_a.actor, target=invoice, body="Paid by cheque <today>")
    [notification] = feed()
    assert (notification.kind, notification.target) == (Notification.Kind.COMMENT_ADDED, invoice)
    [mail] = mailoutbox
    assert mail.subject == f"New comment on invoice {invoice.number} from Customer A"
    assert "Paid by cheque <today>" in mail.body
    assert "Paid by cheque &lt;today&gt;" in mail.alternatives[0][0]
    assert mail.reply_to == [portal_a.contact.email]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_views_record_one_marker_and_one_notification(org, customer_a, access_a):
    portal = PortalContext(organization=org, access=access_a)
    for _ in range(10):
        quote = make_quote(customer_a, "100.00")
        barrier = threading.Barrier(4)
        errors: list[Exception] = []

        def view(document=quote, barrier=barrier, errors=errors) -> None:
            try:
                barrier.wait(timeout=30)
                document_viewed(actor=portal.actor, document=document)
            except Exception as exc:  # asserted on below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=view) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        marker = ViewEvent.objects.get(object_id=quote.pk)
        assert marker.view_count == 4
        assert (
            Notification.objects.filter(object_id=quote.pk, kind=Notification.Kind.DOCUMENT_VIEWED).count()
            == 1
        )


def test_the_first_view_email_writes_the_time_in_the_organizations_zone_and_locale(
    portal_a, customer_a, org, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    org.notify_first_view = True
    org.timezone = "Europe/Berlin"
    org.locale = "de_DE"
    org.save()
    invoice = make_invoice(customer_a, "250.00")
    moment = datetime.datetime(2026, 11, 26, 16, 5, tzinfo=datetime.UTC)  # 17:05 in Berlin
    monkeypatch.setattr("portico.activity.viewing.timezone.now", lambda: moment)
    with django_capture_on_commit_callbacks(execute=True):
        document_viewed(actor=portal_a.actor, document=invoice)
    [mail] = mailoutbox
    assert "Viewed on 26.11.2026, 17:05." in mail.body
    assert "Viewed on 26.11.2026, 17:05." in mail.alternatives[0][0]
