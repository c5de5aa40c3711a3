"""Quotes: create, send, accept, decline with a reason, expire, revise, convert."""

from __future__ import annotations

import datetime

from portico.sales.models import Invoice, Quote, SalesOrder
from portico.testing import db_state, make_quote, today

from .conftest import action_url, admin_url, assert_refused, formset_data, line, messages_of


def test_staff_creates_a_quote_with_an_expiry_date(staff_client, customer_a):
    data = {
        "customer": customer_a.pk,
        "date": today().isoformat(),
        "expiry_date": (today() + datetime.timedelta(days=30)).isoformat(),
    }
    data.update(formset_data("lines", [line(rate="250.00", discount="10")]))

    response = staff_client.post(admin_url(Quote, "add"), data)

    assert response.status_code == 302
    quote = Quote.objects.get()
    assert (quote.number, quote.status, str(quote.total)) == ("QT-00001", "draft", "225.0000")


def test_an_expiry_date_before_the_quote_date_is_refused(staff_client, customer_a):
    data = {
        "customer": customer_a.pk,
        "date": today().isoformat(),
        "expiry_date": (today() - datetime.timedelta(days=1)).isoformat(),
    }
    data.update(formset_data("lines", [line()]))

    response = staff_client.post(admin_url(Quote, "add"), data)

    assert "The expiry date cannot be before the quote date." in response.content.decode()
    assert not Quote.objects.exists()


def test_quote_list_shows_quotes_with_their_status(staff_client, customer_a):
    make_quote(customer_a, "99.00")

    html = staff_client.get(admin_url(Quote, "changelist")).content.decode()

    assert "QT-00001" in html and "Sent" in html and "$99.00" in html


def test_staff_sends_a_draft_quote(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00", send=False)

    response = staff_client.post(action_url(quote, "send"), follow=True)

    quote.refresh_from_db()
    assert quote.status == Quote.Status.SENT
    assert "Quote QT-00001 was sent." in messages_of(response)


def test_the_change_page_offers_the_actions_of_the_status(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00")

    html = staff_client.get(admin_url(quote)).content.decode()

    assert action_url(quote, "accept") in html
    assert action_url(quote, "decline") in html
    assert action_url(quote, "send") not in html
    assert action_url(quote, "revise") not in html


def test_staff_marks_a_sent_quote_accepted(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00")

    staff_client.post(action_url(quote, "accept"))

    quote.refresh_from_db()
    assert quote.status == Quote.Status.ACCEPTED


def test_accepting_a_draft_quote_is_refused(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00", send=False)
    before = db_state(quote)

    response = staff_client.post(action_url(quote, "accept"), follow=True)

    assert_refused(response, "accepted")
    assert db_state(quote) == before


def test_staff_marks_a_quote_declined_with_the_reason(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00")

    form = staff_client.get(action_url(quote, "decline"))
    response = staff_client.post(action_url(quote, "decline"), {"reason": "Too expensive"}, follow=True)

    assert 'name="reason"' in form.content.decode()
    quote.refresh_from_db()
    assert (quote.status, quote.decline_reason) == (Quote.Status.DECLINED, "Too expensive")
    assert "Quote QT-00001 was marked declined." in messages_of(response)


def test_staff_marks_a_quote_expired_and_revises_it_as_a_new_draft_version(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00")

    staff_client.post(action_url(quote, "expire"))
    quote.refresh_from_db()
    assert quote.status == Quote.Status.EXPIRED

    staff_client.post(action_url(quote, "revise"))
    quote.refresh_from_db()
    assert (quote.status, quote.version) == (Quote.Status.DRAFT, 2)


def test_revising_a_sent_quote_is_refused(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00")
    before = db_state(quote)

    response = staff_client.post(action_url(quote, "revise"), follow=True)

    assert_refused(response, "revised")
    assert db_state(quote) == before


def test_staff_converts_a_quote_to_a_sales_order_and_lands_on_it(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00")

    response = staff_client.post(action_url(quote, "to-sales-order"))

    order = SalesOrder.objects.get()
    assert response["Location"] == admin_url(order)
    quote.refresh_from_db()
    assert (quote.status, quote.sales_order) == (Quote.Status.ACCEPTED, order)
    assert order.total == quote.total


def test_converting_a_quote_to_a_second_sales_order_is_refused(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00")
    staff_client.post(action_url(quote, "to-sales-order"))

    response = staff_client.post(action_url(quote, "to-sales-order"), follow=True)

    assert_refused(response, "already has a sales order")
    assert SalesOrder.objects.count() == 1


def test_staff_converts_an_accepted_quote_to_an_invoice(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00")
    staff_client.post(action_url(quote, "accept"))

    response = staff_client.post(action_url(quote, "to-invoice"))

    invoice = Invoice.objects.get()
    assert response["Location"] == admin_url(invoice)
    quote.refresh_from_db()
    assert (quote.status, quote.invoice, invoice.status) == (
        Quote.Status.INVOICED,
        invoice,
        Invoice.Status.DRAFT,
    )


def test_converting_a_draft_quote_to_an_invoice_is_refused(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00", send=False)

    response = staff_client.post(action_url(quote, "to-invoice"), follow=True)

    assert_refused(response, "converted to an invoice")
    assert not Invoice.objects.exists()


def test_an_action_page_answers_get_without_changing_anything(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00")

    response = staff_client.get(action_url(quote, "accept"))

    assert response.status_code == 200
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SENT


def test_an_unknown_action_is_404(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00")

    assert staff_client.post(action_url(quote, "explode")).status_code == 404


def test_a_quote_with_a_sales_order_offers_no_convert_to_invoice(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00")
    staff_client.post(action_url(quote, "to-sales-order"))
    quote.refresh_from_db()
    before = db_state(quote)

    page = staff_client.get(admin_url(quote)).content.decode()
    response = staff_client.post(action_url(quote, "to-invoice"), follow=True)

    assert action_url(quote, "to-invoice") not in page
    assert "Convert to invoice" not in page
    assert_refused(response, "invoice its sales order instead")
    assert db_state(quote) == before


def test_an_accepted_quote_without_a_sales_order_offers_convert_to_invoice(staff_client, customer_a):
    quote = make_quote(customer_a, "100.00")

    page = staff_client.get(admin_url(quote)).content.decode()

    assert action_url(quote, "to-invoice") in page
