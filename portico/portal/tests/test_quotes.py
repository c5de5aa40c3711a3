"""Quotes in the portal: the list with its filters, sorts and pages; a quote's page; Accept, Decline, comments."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portico.activity.models import AuditEvent, Comment, Notification, ViewEvent
from portico.activity.services import comment_add
from portico.actors import Actor
from portico.sales.models import Quote
from portico.sales.services.documents import document_replace_lines
from portico.sales.services.quotes import quote_mark_expired, quote_revise, quote_send
from portico.testing import (
    SETUP,
    ContactPersonFactory,
    audit_actions,
    db_state,
    lines,
    make_portal_access,
    make_quote,
    today,
)

DAY = datetime.timedelta(days=1)
S = Quote.Status


def url(name: str, org, **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs={"slug": org.portal_slug, **kwargs})


def numbers(response) -> list[str]:
    return [quote.number for quote in response.context["quotes"]]


def _past_expiry(quote: Quote) -> Quote:
    Quote.objects.filter(pk=quote.pk).update(expiry_date=today() - DAY)
    quote.refresh_from_db()
    return quote


def _opened(client, org, quote: Quote) -> Quote:
    """The contact has the quote's page open (so its first view is recorded before what the test measures)."""
    assert client.get(url("quote-detail", org, number=quote.number)).status_code == 200
    return quote


def _with_status(customer, status: str, **fields) -> Quote:
    quote = make_quote(customer, "100.00", **fields)
    Quote.objects.filter(pk=quote.pk).update(status=status)
    quote.refresh_from_db()
    return quote


@pytest.fixture
def quotes_by_status(customer_a):
    """One quote of customer A in each state the portal tells apart."""
    return {
        "open": make_quote(customer_a, "10.00", expiry_date=today()),
        "open_without_expiry": make_quote(customer_a, "11.00"),
        "sent_past_expiry": _past_expiry(make_quote(customer_a, "12.00", expiry_date=today())),
        "expired": quote_mark_expired(actor=SETUP, quote=make_quote(customer_a, "13.00")),
        "accepted": _with_status(customer_a, S.ACCEPTED),
        "declined": _with_status(customer_a, S.DECLINED),
        "invoiced": _with_status(customer_a, S.INVOICED),
    }


# The list


def test_list_shows_only_the_customers_sent_quotes(
    org, customer_a, customer_b, other_customer, portal_client
):
    sent = make_quote(customer_a, "100.00", reference="Kitchen refit")
    draft = make_quote(customer_a, "200.00", send=False)
    theirs = make_quote(customer_b, "300.00")
    other_orgs = make_quote(other_customer, "400.00")
    response = portal_client.get(url("quotes", org))
    assert response.status_code == 200
    assert numbers(response) == [sent.number]
    body = response.content.decode()
    assert "Kitchen refit" in body
    assert "$100.00" in body
    assert url("quote-detail", org, number=sent.number) in body
    assert url("quote-detail", org, number=draft.number) not in body
    shown = {quote.pk for quote in response.context["quotes"]}
    assert not shown & {draft.pk, theirs.pk, other_orgs.pk}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            "all",
            [
                "open",
                "open_without_expiry",
                "sent_past_expiry",
                "expired",
                "accepted",
                "declined",
                "invoiced",
            ],
        ),
        ("open", ["open", "open_without_expiry"]),
        ("accepted", ["accepted"]),
        ("declined", ["declined"]),
        ("expired", ["sent_past_expiry", "expired"]),
        ("invoiced", ["invoiced"]),
        (
            "nonsense",
            [
                "open",
                "open_without_expiry",
                "sent_past_expiry",
                "expired",
                "accepted",
                "declined",
                "invoiced",
            ],
        ),
    ],
)
def test_each_filter_shows_its_quotes(org, portal_client, quotes_by_status, status, expected):
    response = portal_client.get(url("quotes", org), {"status": status})
    assert response.status_code == 200
    assert sorted(numbers(response)) == sorted(quotes_by_status[name].number for name in expected)


def test_a_sent_quote_past_its_expiry_date_shows_as_expired(org, portal_client, quotes_by_status):
    response = portal_client.get(url("quotes", org))
    shown = {quote.number: quote.shown_status for quote in response.context["quotes"]}
    assert shown[quotes_by_status["sent_past_expiry"].number] == ("expired", "Expired")
    assert shown[quotes_by_status["open"].number] == ("open", "Open")
    assert shown[quotes_by_status["accepted"].number] == ("accepted", "Accepted")


@pytest.mark.parametrize(
    ("filter_value", "message"),
    [
        ("all", "Acme Consulting hasn’t sent you any quotes yet."),
        ("open", "No quotes are waiting for your decision."),
        ("accepted", "You haven’t accepted any quotes."),
        ("declined", "You haven’t declined any quotes."),
        ("expired", "None of your quotes has expired."),
        ("invoiced", "None of your quotes has been invoiced yet."),
    ],
)
def test_an_empty_list_says_so_for_each_filter(org, portal_client, customer_a, filter_value, message):
    make_quote(customer_a, "1.00", send=False)  # a draft is not shown, so every list is empty
    body = portal_client.get(url("quotes", org), {"status": filter_value}).content.decode()
    assert message in body
    assert ("Show all quotes" in body) == (filter_value != "all")


@pytest.fixture
def three_quotes(customer_a):
    """Quotes whose date, number, expiry date and amount each sort differently."""
    first = make_quote(customer_a, "500.00", expiry_date=today() + 30 * DAY)
    second = make_quote(customer_a, "50.00")
    third = make_quote(customer_a, "5000.00", expiry_date=today() + 5 * DAY)
    Quote.objects.filter(pk=first.pk).update(date=today() - 2 * DAY)
    Quote.objects.filter(pk=second.pk).update(date=today())
    Quote.objects.filter(pk=third.pk).update(date=today() - 9 * DAY)
    return first, second, third


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("date", [1, 0, 2]),  # newest first
        ("", [1, 0, 2]),  # the default
        ("number", [2, 1, 0]),  # highest number first
        ("expiry", [2, 0, 1]),  # soonest first, none last
        ("amount", [2, 0, 1]),  # highest first
    ],
)
def test_each_sort_orders_the_list(org, portal_client, three_quotes, sort, order):
    response = portal_client.get(url("quotes", org), {"sort": sort})
    assert numbers(response) == [three_quotes[i].number for i in order]


def test_the_list_is_paged_by_25(org, portal_client, customer_a):
    for _ in range(27):
        make_quote(customer_a, "1.00")
    first = portal_client.get(url("quotes", org))
    assert len(numbers(first)) == 25
    body = first.content.decode()
    assert "Page 1 of 2" in body
    assert 'rel="next"' in body
    second = portal_client.get(url("quotes", org), {"page": 2})
    assert len(numbers(second)) == 2
    assert not set(numbers(first)) & set(numbers(second))
    assert portal_client.get(url("quotes", org), {"page": 99}).status_code == 200  # the last page


def _list_queries(client, org) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("quotes", org)).status_code == 200
    return len(queries)


def test_the_lists_query_count_does_not_grow_with_the_quotes(org, portal_client, customer_a):
    for _ in range(5):
        make_quote(customer_a, "1.00")
    with_five = _list_queries(portal_client, org)
    for _ in range(45):
        make_quote(customer_a, "1.00")
    assert _list_queries(portal_client, org) == with_five


# Another customer's quotes


@pytest.mark.parametrize("name", ["quote-detail", "quote-accept", "quote-decline", "quote-comment"])
def test_another_customers_quote_is_404(org, customer_b, portal_client, name):
    theirs = make_quote(customer_b, "100.00")
    before = db_state(theirs)
    method = portal_client.get if name == "quote-detail" else portal_client.post
    response = method(url(name, org, number=theirs.number), {"body": "hello", "reason": "no"})
    assert response.status_code == 404
    assert db_state(theirs) == before


@pytest.mark.parametrize("name", ["quote-detail", "quote-accept", "quote-decline", "quote-comment"])
def test_a_draft_quote_is_404(org, customer_a, portal_client, name):
    draft = make_quote(customer_a, "100.00", send=False)
    method = portal_client.get if name == "quote-detail" else portal_client.post
    assert method(url(name, org, number=draft.number), {"body": "hello"}).status_code == 404


def test_an_unknown_quote_number_is_404(org, portal_client):
    assert portal_client.get(url("quote-detail", org, number="QT-99999")).status_code == 404


def test_actions_answer_only_post(org, customer_a, portal_client):
    quote = make_quote(customer_a, "100.00")
    for name in ("quote-accept", "quote-decline", "quote-comment"):
        assert portal_client.get(url(name, org, number=quote.number)).status_code == 405
    quote.refresh_from_db()
    assert quote.status == S.SENT


# The quote's page


def test_quote_page_shows_lines_totals_terms_and_notes(org, customer_a, portal_client, tax):
    quote = make_quote(
        customer_a,
        "100.00",
        send=False,
        notes="Thank you for the visit.",
        terms="Valid for 30 days.",
        expiry_date=today() + 30 * DAY,
    )
    from portico.sales.services.documents import LineInput

    document_replace_lines(
        actor=SETUP,
        document=quote,
        lines=[
            LineInput(description="Design work", quantity=3, rate="120.00", discount_percent=10, tax=tax),
            LineInput(description="Travel", quantity="1.5", rate="40.00"),
        ],
    )
    quote_send(actor=SETUP, quote=quote)
    quote.refresh_from_db()
    response = portal_client.get(url("quote-detail", org, number=quote.number))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        f'<span class="doc-kind">Quote</span> <span class="doc-number">{quote.number}</span></h1>',
        "Design work",
        "Travel",
        ">3<",
        ">1.5<",
        "10%",
        "VAT 20%",
        "$120.00",
        "$324.00",  # 3 × 120 less 10 %
        "$64.80",  # its tax
        "$60.00",  # 1.5 × 40
        "$384.00",  # subtotal
        "$448.80",  # total
        "Thank you for the visit.",
        "Valid for 30 days.",
        "Accept",
        "Decline",
    ):
        assert text in body, text
    assert (quote.subtotal, quote.tax_total, quote.total) == (
        response.context["quote"].subtotal,
        response.context["quote"].tax_total,
        response.context["quote"].total,
    )


@pytest.mark.parametrize("status", [S.ACCEPTED, S.DECLINED, S.EXPIRED, S.INVOICED])
def test_a_decided_or_expired_quote_offers_no_accept_or_decline(org, customer_a, portal_client, status):
    quote = _with_status(customer_a, status)
    response = portal_client.get(url("quote-detail", org, number=quote.number))
    body = response.content.decode()
    assert response.context["can_decide"] is False
    assert url("quote-accept", org, number=quote.number) not in body
    assert url("quote-decline", org, number=quote.number) not in body


def test_a_sent_quote_past_its_expiry_date_offers_no_accept(org, customer_a, portal_client):
    quote = _past_expiry(make_quote(customer_a, "100.00", expiry_date=today()))
    body = portal_client.get(url("quote-detail", org, number=quote.number)).content.decode()
    assert url("quote-accept", org, number=quote.number) not in body
    assert "This quote has expired." in body


# Accept and Decline


def test_contact_accepts_an_open_quote(
    org, customer_a, access_a, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    quote = make_quote(customer_a, "100.00", expiry_date=today())
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            url("quote-accept", org, number=quote.number), {"version": quote.version}, follow=True
        )
    assert response.redirect_chain[-1][0] == url("quote-detail", org, number=quote.number)
    assert f"You accepted quote {quote.number}. Thank you!" in response.content.decode()
    quote.refresh_from_db()
    assert quote.status == S.ACCEPTED
    event = AuditEvent.objects.get(action="quote.accepted")
    assert (event.actor_contact, event.object_id) == (access_a.contact, quote.pk)
    notification = Notification.objects.get(kind=Notification.Kind.QUOTE_ACCEPTED)
    assert (notification.organization, notification.customer, notification.target) == (org, customer_a, quote)
    assert quote.number in notification.message
    decision_mail = [m for m in mailoutbox if "accepted" in m.subject]
    assert len(decision_mail) == 1
    assert decision_mail[0].to == [org.email]
    assert decision_mail[0].reply_to == [access_a.contact.email]


def test_contact_declines_an_open_quote_with_a_reason(
    org, customer_a, access_a, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    quote = make_quote(customer_a, "100.00")
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            url("quote-decline", org, number=quote.number),
            {"version": quote.version, "reason": "  Over our budget this quarter.  "},
            follow=True,
        )
    body = response.content.decode()
    assert f"You declined quote {quote.number}." in body
    assert "Over our budget this quarter." in body
    quote.refresh_from_db()
    assert (quote.status, quote.decline_reason) == (S.DECLINED, "Over our budget this quarter.")
    event = AuditEvent.objects.get(action="quote.declined")
    assert (event.actor_contact, event.data["reason"]) == (access_a.contact, "Over our budget this quarter.")
    notification = Notification.objects.get(kind=Notification.Kind.QUOTE_DECLINED)
    assert "Over our budget this quarter." in notification.message
    [mail] = [m for m in mailoutbox if "declined" in m.subject]
    assert "Over our budget this quarter." in mail.body


def test_declining_without_a_reason_is_fine(org, customer_a, portal_client):
    quote = make_quote(customer_a, "100.00")
    portal_client.post(url("quote-decline", org, number=quote.number), {"version": quote.version})
    quote.refresh_from_db()
    assert (quote.status, quote.decline_reason) == (S.DECLINED, "")


def test_no_decision_email_when_the_preference_is_off(
    org, customer_a, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    org.notify_quote_decision = False
    org.save()
    quote = make_quote(customer_a, "100.00")
    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(url("quote-accept", org, number=quote.number), {"version": quote.version})
    assert Notification.objects.filter(kind=Notification.Kind.QUOTE_ACCEPTED).count() == 1
    assert not [m for m in mailoutbox if "accepted" in m.subject]


def test_accepting_twice_changes_nothing_and_says_so(org, customer_a, portal_client):
    quote = make_quote(customer_a, "100.00")
    _opened(portal_client, org, quote)
    portal_client.post(url("quote-accept", org, number=quote.number), {"version": quote.version})
    before = db_state(quote)
    response = portal_client.post(
        url("quote-accept", org, number=quote.number), {"version": quote.version}, follow=True
    )
    assert "This quote was already accepted." in response.content.decode()
    assert db_state(quote) == before
    assert Notification.objects.filter(kind=Notification.Kind.QUOTE_ACCEPTED).count() == 1


def test_declining_an_accepted_quote_changes_nothing_and_says_so(org, customer_a, portal_client):
    quote = _opened(portal_client, org, _with_status(customer_a, S.ACCEPTED))
    before = db_state(quote)
    response = portal_client.post(
        url("quote-decline", org, number=quote.number), {"version": quote.version, "reason": "x"}, follow=True
    )
    assert "This quote was already accepted." in response.content.decode()
    assert db_state(quote) == before


@pytest.mark.parametrize("name", ["quote-accept", "quote-decline"])
def test_a_quote_that_expired_meanwhile_changes_nothing_and_says_so(org, customer_a, portal_client, name):
    quote = make_quote(customer_a, "100.00", expiry_date=today())
    _opened(portal_client, org, quote)
    _past_expiry(quote)  # the page was opened yesterday
    before = db_state(quote)
    response = portal_client.post(
        url(name, org, number=quote.number), {"version": quote.version}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("quote-detail", org, number=quote.number)
    assert "This quote has expired and can no longer be accepted or declined." in response.content.decode()
    assert db_state(quote) == before
    assert audit_actions(quote) == ["quote.created", "quote.sent"]


def test_a_page_opened_before_a_revision_changes_nothing_and_says_so(org, customer_a, portal_client):
    quote = _opened(portal_client, org, make_quote(customer_a, "100.00"))
    quote_decline_version = quote.version
    Quote.objects.filter(pk=quote.pk).update(status=S.DECLINED)
    quote_send(
        actor=SETUP, quote=quote_revise(actor=SETUP, quote=quote)
    )  # staff revised it and sent version 2
    before = db_state(quote)
    response = portal_client.post(
        url("quote-accept", org, number=quote.number), {"version": quote_decline_version}
    )
    assert db_state(quote) == before
    # The quote's page it leads to shows version 2 (its first view is news to the business) and says why.
    page = portal_client.get(response["Location"]).content.decode()
    assert "This quote was changed since it was opened; review the new version." in page
    assert "Revised: version 2" in page


@pytest.mark.parametrize("name", ["quote-accept", "quote-decline"])
@pytest.mark.parametrize("version", [None, "", "x", "²", "1.0", "0", "-1", "1e3", "9" * 400], ids=repr)
def test_a_decision_without_the_version_the_contact_read_changes_nothing_and_says_so(
    org, customer_a, portal_client, name, version
):
    quote = _opened(portal_client, org, make_quote(customer_a, "100.00"))
    before = db_state(quote)
    data = {"reason": "Too much"} if version is None else {"version": version, "reason": "Too much"}

    response = portal_client.post(url(name, org, number=quote.number), data, follow=True)

    assert response.redirect_chain[-1][0] == url("quote-detail", org, number=quote.number)
    assert (
        "did not say which version of the quote you read, so nothing was changed" in response.content.decode()
    )
    assert db_state(quote) == before
    assert audit_actions(quote) == ["quote.created", "quote.sent"]
    assert not Notification.objects.filter(kind__in=["quote_accepted", "quote_declined"]).exists()


def test_a_decline_reason_the_form_refuses_changes_nothing_and_says_why(org, customer_a, portal_client):
    quote = _opened(portal_client, org, make_quote(customer_a, "100.00"))
    before = db_state(quote)

    for reason in ("nul\x00byte", "x" * 2001):
        response = portal_client.post(
            url("quote-decline", org, number=quote.number), {"version": "1", "reason": reason}, follow=True
        )
        assert response.status_code == 200
        assert response.context["messages"] and db_state(quote) == before


def test_a_quote_being_revised_says_so_instead_of_404(org, customer_a, portal_client):
    quote = make_quote(customer_a, "100.00")
    Quote.objects.filter(pk=quote.pk).update(status=S.DECLINED)
    quote_revise(actor=SETUP, quote=quote)  # back in draft, not sent yet
    before = db_state(quote)
    response = portal_client.post(
        url("quote-accept", org, number=quote.number), {"version": "1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("quotes", org)
    assert "Acme Consulting is revising this quote" in response.content.decode()
    assert db_state(quote) == before


def test_the_contact_sees_the_new_version_once_staff_sends_it(org, customer_a, portal_client):
    quote = make_quote(customer_a, "100.00")
    portal_client.post(url("quote-decline", org, number=quote.number), {"version": "1", "reason": "Too much"})
    quote.refresh_from_db()
    revised = quote_revise(actor=SETUP, quote=quote)
    document_replace_lines(actor=SETUP, document=revised, lines=lines("80.00"))
    quote_send(actor=SETUP, quote=revised)
    response = portal_client.get(url("quote-detail", org, number=quote.number))
    assert "$80.00" in response.content.decode()
    assert response.context["can_decide"] is True
    portal_client.post(url("quote-accept", org, number=quote.number), {"version": "2"})
    quote.refresh_from_db()
    assert (quote.status, quote.version) == (S.ACCEPTED, 2)


# Comments


def test_contact_comments_on_a_quote(
    org, customer_a, access_a, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    quote = make_quote(customer_a, "100.00")
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            url("quote-comment", org, number=quote.number), {"body": "Can you do it by May?"}, follow=True
        )
    comment = Comment.objects.get()
    assert (comment.author_contact, comment.target, comment.display_in_portal) == (
        access_a.contact,
        quote,
        True,
    )
    assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    body = response.content.decode()
    assert "Your comment was added." in body
    assert "Can you do it by May?" in body
    notification = Notification.objects.get(kind=Notification.Kind.COMMENT_ADDED)
    assert notification.target == quote
    [mail] = [m for m in mailoutbox if "comment" in m.subject.lower()]
    assert "Can you do it by May?" in mail.body
    assert mail.to == [org.email]


def test_an_empty_comment_is_refused_with_a_message(org, customer_a, portal_client):
    quote = _opened(portal_client, org, make_quote(customer_a, "100.00"))
    before = db_state(quote)
    response = portal_client.post(
        url("quote-comment", org, number=quote.number), {"body": "   "}, follow=True
    )
    assert "Write a comment first." in response.content.decode()
    assert db_state(quote) == before


def test_no_comment_email_when_the_preference_is_off(
    org, customer_a, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    org.notify_comment = False
    org.save()
    quote = make_quote(customer_a, "100.00")
    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(url("quote-comment", org, number=quote.number), {"body": "Hello"})
    assert Notification.objects.filter(kind=Notification.Kind.COMMENT_ADDED).count() == 1
    assert not [m for m in mailoutbox if "comment" in m.subject.lower()]


def test_the_contact_sees_customer_comments_and_staff_comments_shown_in_portal_only(
    org, customer_a, access_a, portal_client, staff
):
    quote = make_quote(customer_a, "100.00")
    colleague = ContactPersonFactory(customer=customer_a, first_name="Carl", last_name="Colleague")
    comment_add(
        actor=Actor.for_contact(access_a.contact),
        target=quote,
        body="Mine: please add delivery.",
    )
    comment_add(
        actor=Actor.for_contact(colleague),
        target=quote,
        body="Colleague: agreed.",
    )
    comment_add(
        actor=Actor.staff(staff), target=quote, body="Staff shown: delivery added.", display_in_portal=True
    )
    comment_add(
        actor=Actor.staff(staff),
        target=quote,
        body="Staff internal: margin is thin.",
    )
    body = portal_client.get(url("quote-detail", org, number=quote.number)).content.decode()
    assert "Mine: please add delivery." in body
    assert "Colleague: agreed." in body
    assert "Carl Colleague" in body
    assert "Staff shown: delivery added." in body
    assert "Staff internal: margin is thin." not in body
    assert "staff@acme.test" not in body  # staff are shown by name or as the business, never by email


def test_comments_of_another_quote_are_not_shown(org, customer_a, access_a, portal_client):
    quote = make_quote(customer_a, "100.00")
    other = make_quote(customer_a, "200.00")
    comment_add(
        actor=Actor.for_contact(access_a.contact),
        target=other,
        body="About the other quote",
    )
    body = portal_client.get(url("quote-detail", org, number=quote.number)).content.decode()
    assert "About the other quote" not in body
    assert "No comments yet." in body


# The Viewed marker


def test_opening_a_quote_marks_it_viewed_once(org, customer_a, access_a, portal_client):
    quote = make_quote(customer_a, "100.00")
    portal_client.get(url("quote-detail", org, number=quote.number))
    portal_client.get(url("quote-detail", org, number=quote.number))
    marker = ViewEvent.objects.get()
    assert (marker.target, marker.first_contact, marker.view_count) == (quote, access_a.contact, 2)
    assert Notification.objects.filter(kind=Notification.Kind.DOCUMENT_VIEWED).count() == 1


def test_the_list_does_not_mark_quotes_viewed(org, customer_a, portal_client):
    make_quote(customer_a, "100.00")
    portal_client.get(url("quotes", org))
    assert not ViewEvent.objects.exists()


def test_a_second_contact_of_the_customer_updates_the_last_view(org, customer_a, access_a, portal_client):
    quote = make_quote(customer_a, "100.00")
    portal_client.get(url("quote-detail", org, number=quote.number))
    colleague = ContactPersonFactory(customer=customer_a, email="carl@customer-a.test")
    access = make_portal_access(colleague)[0]
    from django.test import Client

    client = Client()
    client.force_login(access.user)
    client.get(url("quote-detail", org, number=quote.number))
    marker = ViewEvent.objects.get()
    assert (marker.first_contact, marker.last_contact, marker.view_count) == (access_a.contact, colleague, 2)


def _detail_queries(client, org, quote) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("quote-detail", org, number=quote.number)).status_code == 200
    return len(queries)


def test_the_quote_pages_query_count_does_not_grow_with_lines_or_comments(
    org, customer_a, access_a, portal_client, staff
):
    small = make_quote(customer_a, "1.00")
    large = make_quote(customer_a, *["1.00"] * 12)
    for quote, count in ((small, 1), (large, 8)):
        for i in range(count):
            comment_add(
                actor=Actor.for_contact(access_a.contact),
                target=quote,
                body=f"Question {i}",
            )
            comment_add(actor=Actor.staff(staff), target=quote, body=f"Answer {i}", display_in_portal=True)
        _detail_queries(portal_client, org, quote)  # the first view writes the marker; measure later views
    assert _detail_queries(portal_client, org, large) == _detail_queries(portal_client, org, small)
