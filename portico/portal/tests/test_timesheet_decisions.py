"""Deciding on a timesheet in the portal: Approve, Reject with a reason, comments, the Viewed marker and what the
business hears of each."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portico.activity.models import AuditEvent, Comment, Notification, ViewEvent
from portico.activity.services import comment_add
from portico.actors import Actor
from portico.projects.services import (
    timesheet_approval_decide,
)
from portico.testing import (
    SETUP,
    ContactPersonFactory,
    audit_actions,
    db_state,
    make_portal_access,
)

from .timesheets import REASON, S, make_approval, opened, url, weeks_ago


@pytest.fixture(autouse=True)
def projects_shown(org):
    """The organization shows projects and timesheets in its portal (tests of the switch turn it off)."""
    org.portal_show_projects = True
    org.save()
    return org


# Approve and Reject


def test_contact_approves_a_pending_timesheet(
    org, design, access_a, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    approval = make_approval(design, "2", "3")
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(url("timesheet-approve", org, number=approval.number), follow=True)
    assert response.redirect_chain[-1][0] == url("timesheet-detail", org, number=approval.number)
    body = response.content.decode()
    assert f"You approved timesheet {approval.number}. Thank you!" in body
    assert "You approved this timesheet on" in body
    approval.refresh_from_db()
    assert (approval.status, approval.decided_by, approval.rejection_reason) == (
        S.APPROVED,
        access_a.contact,
        "",
    )
    assert approval.decided_at is not None
    event = AuditEvent.objects.get(action="timesheet.approved")
    assert (event.actor_contact, event.object_id) == (access_a.contact, approval.pk)
    notification = Notification.objects.get(kind=Notification.Kind.TIMESHEET_DECIDED)
    assert (notification.organization, notification.customer, notification.target) == (
        org,
        access_a.customer,
        approval,
    )
    assert notification.message == (
        f"{access_a.contact.full_name} of Customer A approved timesheet {approval.number}."
    )
    [mail] = [m for m in mailoutbox if "approved" in m.subject]
    assert mail.subject == f"Timesheet {approval.number} was approved by Customer A"
    assert (mail.to, mail.reply_to) == ([org.email], [access_a.contact.email])
    assert "Website relaunch" in mail.body and "5.00" in mail.body
    assert f"/office/projects/timesheetapproval/{approval.pk}/change/" in mail.body
    html = mail.alternatives[0][0]
    assert f"<strong>{approval.number}</strong>" in html


def test_contact_rejects_a_pending_timesheet_with_a_reason(
    org, design, access_a, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    approval = make_approval(design, "4")
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            url("timesheet-reject", org, number=approval.number), {"reason": f"  {REASON}  "}, follow=True
        )
    body = response.content.decode()
    assert f"You rejected timesheet {approval.number}. Acme Consulting has been notified." in body
    assert REASON in body
    approval.refresh_from_db()
    assert (approval.status, approval.rejection_reason, approval.decided_by) == (
        S.REJECTED,
        REASON,
        access_a.contact,
    )
    event = AuditEvent.objects.get(action="timesheet.rejected")
    assert (event.actor_contact, event.data["reason"]) == (access_a.contact, REASON)
    notification = Notification.objects.get(kind=Notification.Kind.TIMESHEET_DECIDED)
    assert notification.message.endswith(f"rejected timesheet {approval.number}: {REASON}")
    [mail] = [m for m in mailoutbox if "rejected" in m.subject]
    assert mail.subject == f"Timesheet {approval.number} was rejected by Customer A"
    assert REASON in mail.body
    assert REASON in mail.alternatives[0][0]


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_without_a_reason_shows_the_error_at_the_field_and_changes_nothing(
    org, design, portal_client, mailoutbox, django_capture_on_commit_callbacks, reason
):
    approval = opened(portal_client, org, make_approval(design, "4"))
    before = db_state(approval)
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            url("timesheet-reject", org, number=approval.number), {"reason": reason}
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Timesheet {approval.number} was not rejected:" in body
    assert '<a href="#reject-reason">Say why the timesheet is rejected.</a>' in body
    assert (
        '<ul class="errorlist" id="reject-reason-error"><li>Say why the timesheet is rejected.</li></ul>'
        in body
    )
    assert 'aria-invalid="true"' in body
    assert '<details class="doc-confirm" open>' in body
    assert db_state(approval) == before
    assert audit_actions(approval) == ["timesheet.created", "timesheet.sent"]
    assert not Notification.objects.filter(kind=Notification.Kind.TIMESHEET_DECIDED).exists()
    assert not mailoutbox
    # A reason typed after the error goes through.
    portal_client.post(url("timesheet-reject", org, number=approval.number), {"reason": REASON})
    approval.refresh_from_db()
    assert approval.status == S.REJECTED


def test_the_reject_form_offers_no_error_until_one_happens(org, design, portal_client):
    approval = make_approval(design, "1")
    body = portal_client.get(url("timesheet-detail", org, number=approval.number)).content.decode()
    assert '<details class="doc-confirm">' in body
    assert "aria-invalid" not in body
    assert "was not rejected" not in body


def test_approving_twice_changes_nothing_and_says_so(org, design, portal_client):
    approval = opened(portal_client, org, make_approval(design, "1"))
    portal_client.post(url("timesheet-approve", org, number=approval.number))
    before = db_state(approval)
    response = portal_client.post(url("timesheet-approve", org, number=approval.number), follow=True)
    assert response.redirect_chain[-1][0] == url("timesheet-detail", org, number=approval.number)
    assert "This timesheet is approved; only a pending one can be approved or rejected." in (
        response.content.decode()
    )
    assert db_state(approval) == before
    assert Notification.objects.filter(kind=Notification.Kind.TIMESHEET_DECIDED).count() == 1


@pytest.mark.parametrize("reason", [REASON, ""])
def test_rejecting_a_timesheet_decided_meanwhile_changes_nothing_and_says_so(
    org, design, portal_client, reason
):
    approval = opened(portal_client, org, make_approval(design, "1"))
    timesheet_approval_decide(
        actor=SETUP, approval=approval, approve=True
    )  # staff marked it approved meanwhile
    before = db_state(approval)
    response = portal_client.post(
        url("timesheet-reject", org, number=approval.number), {"reason": reason}, follow=True
    )
    body = response.content.decode()
    assert "This timesheet is approved; only a pending one can be approved or rejected." in body
    assert "Say why the timesheet is rejected." not in body
    assert db_state(approval) == before


def test_no_decision_email_when_the_preference_is_off(
    org, design, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    org.notify_timesheet_decision = False
    org.save()
    approval = opened(portal_client, org, make_approval(design, "1"))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(url("timesheet-approve", org, number=approval.number))
    approval.refresh_from_db()
    assert approval.status == S.APPROVED
    assert Notification.objects.filter(kind=Notification.Kind.TIMESHEET_DECIDED).count() == 1
    assert not mailoutbox


# Comments


def test_contact_comments_on_a_timesheet(
    org, design, access_a, portal_client, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    approval = make_approval(design, "1")
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            url("timesheet-comment", org, number=approval.number),
            {"body": "Which task was Tuesday?"},
            follow=True,
        )
    comment = Comment.objects.get()
    assert (comment.author_contact, comment.target, comment.display_in_portal) == (
        access_a.contact,
        approval,
        True,
    )
    assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    body = response.content.decode()
    assert "Your comment was added." in body
    assert "Which task was Tuesday?" in body
    notification = Notification.objects.get(kind=Notification.Kind.COMMENT_ADDED)
    assert notification.target == approval
    assert notification.message.endswith(f"commented on timesheet approval {approval.number}.")
    [mail] = [m for m in mailoutbox if "comment" in m.subject.lower()]
    assert mail.to == [org.email]
    assert "Which task was Tuesday?" in mail.body
    # The business reads it on the approval's page in the back office.
    office = staff_client.get(reverse("office:projects_timesheetapproval_change", args=[approval.pk]))
    assert "Which task was Tuesday?" in office.content.decode()


def test_an_empty_comment_is_refused_with_a_message(org, design, portal_client):
    approval = opened(portal_client, org, make_approval(design, "1"))
    before = db_state(approval)
    response = portal_client.post(
        url("timesheet-comment", org, number=approval.number), {"body": "  "}, follow=True
    )
    assert "Write a comment first." in response.content.decode()
    assert db_state(approval) == before


def test_the_contact_sees_staff_comments_shown_in_portal_only(org, design, access_a, portal_client, staff):
    approval = make_approval(design, "1")
    comment_add(
        actor=Actor.for_contact(access_a.contact),
        target=approval,
        body="Mine: is Tuesday right?",
    )
    comment_add(
        actor=Actor.staff(staff), target=approval, body="Staff shown: yes, two hours.", display_in_portal=True
    )
    comment_add(
        actor=Actor.staff(staff),
        target=approval,
        body="Staff internal: check with Dana.",
    )
    body = portal_client.get(url("timesheet-detail", org, number=approval.number)).content.decode()
    assert "Mine: is Tuesday right?" in body
    assert "Staff shown: yes, two hours." in body
    assert "Staff internal: check with Dana." not in body


# The Viewed marker


def test_opening_an_approval_marks_it_viewed_once_and_tells_the_business(
    org, design, access_a, portal_client, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    org.notify_first_view = True  # off unless the business asks for it
    org.save()
    approval = make_approval(design, "1")
    with django_capture_on_commit_callbacks(execute=True):
        opened(portal_client, org, approval)
    with django_capture_on_commit_callbacks(execute=True):
        opened(portal_client, org, approval)  # a later view tells nobody
    marker = ViewEvent.objects.get()
    assert (marker.target, marker.first_contact, marker.view_count) == (approval, access_a.contact, 2)
    notification = Notification.objects.get(kind=Notification.Kind.DOCUMENT_VIEWED)
    assert notification.message == (
        f"{access_a.contact.full_name} of Customer A viewed timesheet approval {approval.number} "
        "for the first time."
    )
    [mail] = [m for m in mailoutbox if "viewed" in m.subject]
    assert mail.to == [org.email]
    office = staff_client.get(reverse("office:projects_timesheetapproval_change", args=[approval.pk]))
    assert office.context["office_viewed"].startswith(f"Viewed by {access_a.contact.full_name} on ")
    assert office.context["office_viewed"].endswith(", 2 views.")


def test_the_list_and_refused_actions_do_not_mark_approvals_viewed(org, design, portal_client):
    approval = make_approval(design, "1")
    portal_client.get(url("timesheets", org))
    portal_client.post(url("timesheet-reject", org, number=approval.number), {"reason": ""})
    assert not ViewEvent.objects.exists()


def test_a_second_contact_of_the_customer_updates_the_last_view(
    org, customer_a, design, access_a, portal_client
):
    approval = opened(portal_client, org, make_approval(design, "1"))
    colleague = ContactPersonFactory(customer=customer_a, email="carl@customer-a.test")
    client = Client()
    client.force_login(make_portal_access(colleague)[0].user)
    opened(client, org, approval)
    marker = ViewEvent.objects.get()
    assert (marker.first_contact, marker.last_contact, marker.view_count) == (access_a.contact, colleague, 2)


def _detail_queries(client, org, approval) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("timesheet-detail", org, number=approval.number)).status_code == 200
    return len(queries)


def test_the_approval_pages_query_count_does_not_grow_with_entries_or_comments(
    org, design, designer, staff, access_a, portal_client
):
    small = make_approval(design, "1", start=weeks_ago(4))
    large = make_approval(design, *["1"] * 14, start=weeks_ago(2), user=designer)
    for approval, count in ((small, 1), (large, 8)):
        for i in range(count):
            comment_add(
                actor=Actor.for_contact(access_a.contact),
                target=approval,
                body=f"Question {i}",
            )
            comment_add(actor=Actor.staff(staff), target=approval, body=f"Answer {i}", display_in_portal=True)
        opened(portal_client, org, approval)  # the first view writes the marker; measure later views
    assert len(large.entries.all()) == 14
    assert _detail_queries(portal_client, org, large) == _detail_queries(portal_client, org, small)


def test_the_back_offices_approval_list_shows_and_filters_what_was_viewed(
    org, design, portal_client, staff_client
):
    seen = opened(portal_client, org, make_approval(design, "1", start=weeks_ago(2)))
    unseen = make_approval(design, "2", start=weeks_ago(1))
    changelist = reverse("office:projects_timesheetapproval_changelist")

    def shown(**params) -> dict[str, bool]:
        response = staff_client.get(changelist, params)
        assert response.status_code == 200
        return {row.number: row.viewed for row in response.context["cl"].result_list}

    assert shown() == {seen.number: True, unseen.number: False}
    assert shown(viewed="yes") == {seen.number: True}
    assert shown(viewed="no") == {unseen.number: False}
    page = staff_client.get(reverse("office:projects_timesheetapproval_change", args=[unseen.pk]))
    assert page.context["office_viewed"] == "Not viewed in the portal yet."
    assert "Not viewed in the portal yet." in page.content.decode()


def test_the_decision_email_writes_hours_and_dates_as_the_organizations_locale_does(
    org, design, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    org.locale = "de_DE"
    org.save()
    approval = make_approval(design, "2.5", "3", start=datetime.date(2026, 11, 2))
    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(url("timesheet-approve", org, number=approval.number))
    [mail] = [m for m in mailoutbox if "approved" in m.subject]
    assert "5,50" in mail.body and "5.50" not in mail.body
    assert "02.11.2026 – 08.11.2026" in mail.body
