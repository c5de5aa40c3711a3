"""The portal's documents in a real browser, on a desktop and on a phone: Home to an overdue invoice and its
Pay Now page; filtering quotes, accepting one, declining one with a reason and commenting; a receipt that
leads to the invoice it paid, and a comment on that invoice.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from portico.payments.services import payment_record
from portico.sales.models import Quote
from portico.testing import TEST_PASSWORD, make_invoice, make_portal_access, make_quote, make_retainer, today

from .harness import (
    PorticoServer,
    assert_accessible,
    assert_fits_viewport,
    label,
    portal_log_in,
    screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True)

DECLINE_REASON = "The budget for this work moved to next year."
INVOICE_COMMENT = "Thanks, could you send the receipt to our accounts team too?"
COMMENT = "Could the workshop start at nine instead of ten?"


def days(offset: int) -> datetime.date:
    return today() + datetime.timedelta(days=offset)


def portal_url(name: str, organization, **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs={"slug": organization.portal_slug, **kwargs})


def check_page(page: Page, name: str) -> None:
    """Accessible, no sideways scrolling (what matters on the phone), and a screenshot to look at."""
    assert_accessible(page)
    assert_fits_viewport(page)
    screenshot(page, name)


def log_in(page: Page, server: PorticoServer, organization, contact) -> None:
    make_portal_access(contact)
    portal_log_in(page, server, organization, contact.email, TEST_PASSWORD)
    expect(page).to_have_url(server.url(portal_url("home", organization)))


def modules(page: Page):
    return page.get_by_role("navigation", name="Modules")


def apply_list_controls(page: Page, **choices: str) -> None:
    """Choose options in the list's filter and sort form (by label) and press Apply."""
    form = page.get_by_role("form", name="Filter and sort")
    for field, option in choices.items():
        form.get_by_label(label(field)).select_option(label=option)
    form.get_by_role("button", name="Apply").click()


def row_numbers(page: Page) -> list[str]:
    """The document numbers of the list's rows, top to bottom (the row header's link)."""
    return (
        page.get_by_role("table")
        .locator("tbody")
        .get_by_role("rowheader")
        .get_by_role("link")
        .all_inner_texts()
    )


def test_home_to_an_overdue_invoice_and_its_pay_now_page(
    page, portico_server: PorticoServer, org, customer_a, contact_a
):
    server = portico_server
    older_overdue = make_invoice(customer_a, "300", date=days(-40), due_date=days(-10))
    larger_overdue = make_invoice(customer_a, "750", date=days(-30), due_date=days(-5))
    not_due = make_invoice(customer_a, "1200", date=days(-2), due_date=days(28))
    paid = make_invoice(customer_a, "90", date=days(-20), due_date=days(-10))
    payment_record(customer=customer_a, amount="90", date=days(-12), allocations=[(paid, Decimal("90"))])
    make_retainer(customer_a, "500")
    log_in(page, server, org, contact_a)

    card = page.get_by_role("listitem").filter(has_text="Outstanding Invoices")
    expect(card).to_contain_text("2,250.00")  # 300 + 750 + 1,200
    expect(card).to_contain_text(re.compile(r"1,050\.00\s+overdue"))
    check_page(page, "documents-01-home")
    card.get_by_role("link", name="View invoices").click()

    expect(page).to_have_url(server.url(portal_url("invoices", org)))
    expect(page.get_by_role("heading", name="Invoices", level=1)).to_be_visible()
    check_page(page, "documents-02-invoices")

    apply_list_controls(page, Status="Overdue", **{"Sort by": "Amount (highest first)"})
    expect(page).to_have_url(re.compile(r"status=overdue.*sort=amount|sort=amount.*status=overdue"))
    expect(page.get_by_label(label("Status"))).to_have_value("overdue")
    assert row_numbers(page) == [larger_overdue.number, older_overdue.number]
    check_page(page, "documents-03-invoices-overdue-by-amount")

    apply_list_controls(page, Status="Unpaid")
    expect(page.get_by_label(label("Status"))).to_have_value("unpaid")
    expect(page.get_by_label(label("Sort by"))).to_have_value("amount")
    expect(page.get_by_role("rowheader")).to_have_count(4)  # the three open invoices and the retainer invoice
    assert row_numbers(page)[0] == not_due.number
    assert paid.number not in row_numbers(page)
    check_page(page, "documents-04-invoices-unpaid-by-amount")

    page.get_by_role("link", name=larger_overdue.number, exact=True).click()
    expect(page.get_by_role("heading", name=f"Invoice {larger_overdue.number}", level=1)).to_be_visible()
    expect(page.locator(".inv-status-line")).to_have_text("Overdue")
    expect(page.locator(".inv-due")).to_contain_text("Balance due")
    expect(page.locator(".inv-due")).to_contain_text("750.00")
    check_page(page, "documents-05-invoice")

    page.get_by_role("link", name="Pay Now").click()
    expect(page).to_have_url(re.compile(re.escape(portal_url("pay", org)) + r"\?invoice="))
    expect(page.get_by_role("heading", name="Pay Now", level=1)).to_be_visible()
    expect(page.get_by_text(f"Amount due on invoice {larger_overdue.number}")).to_be_visible()
    expect(page.get_by_text("Online payment is not configured yet")).to_be_visible()
    check_page(page, "documents-06-pay-now")
    page.get_by_role("link", name="Back to the invoice").click()
    expect(page.get_by_role("heading", name=f"Invoice {larger_overdue.number}", level=1)).to_be_visible()


def test_quotes_filter_accept_decline_with_a_reason_and_comment(
    page, portico_server: PorticoServer, org, customer_a, contact_a
):
    server = portico_server
    to_accept = make_quote(customer_a, "1500", "250", expiry_date=days(30), reference="Website redesign")
    to_decline = make_quote(customer_a, "4000", expiry_date=days(14), reference="Annual support")
    expired = make_quote(customer_a, "80", expiry_date=today())
    # make_quote dates a quote today, and an expiry date cannot come before it: move both into the past.
    Quote.objects.filter(pk=expired.pk).update(date=days(-40), expiry_date=days(-10))
    log_in(page, server, org, contact_a)

    modules(page).get_by_role("link", name="Quotes").click()
    expect(page.get_by_role("heading", name="Quotes", level=1)).to_be_visible()
    expect(page.get_by_role("rowheader")).to_have_count(3)
    check_page(page, "documents-10-quotes")

    apply_list_controls(page, Show="Open")
    expect(page.get_by_label(label("Show"))).to_have_value("open")
    expect(page.get_by_role("rowheader")).to_have_count(2)
    assert expired.number not in row_numbers(page)
    check_page(page, "documents-11-quotes-open")

    # Accept.
    page.get_by_role("link", name=to_accept.number, exact=True).click()
    expect(page.get_by_role("heading", name=to_accept.number, level=1)).to_be_visible()
    expect(page.locator(".quote-head .quote-status")).to_have_text("Open")
    check_page(page, "documents-12-quote-open")
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"You accepted quote {to_accept.number}.")
    expect(page.locator(".quote-head .quote-status")).to_have_text("Accepted")
    expect(page.get_by_text("This quote was accepted on")).to_be_visible()
    expect(page.get_by_role("button", name="Accept", exact=True)).to_have_count(0)
    check_page(page, "documents-13-quote-accepted")

    # Decline another, with a reason.
    page.get_by_role("link", name="All quotes").click()
    page.get_by_role("link", name=to_decline.number, exact=True).click()
    expect(page.get_by_role("heading", name=to_decline.number, level=1)).to_be_visible()
    page.locator("summary").filter(has_text="Decline").click()
    page.get_by_label("Reason (optional)").fill(DECLINE_REASON)
    check_page(page, "documents-14-quote-decline-form")
    page.get_by_role("button", name="Decline quote").click()
    expect(page.get_by_role("status")).to_contain_text(f"You declined quote {to_decline.number}.")
    expect(page.locator(".quote-head .quote-status")).to_have_text("Declined")
    expect(page.get_by_text(DECLINE_REASON)).to_be_visible()
    check_page(page, "documents-15-quote-declined")

    # A comment on the declined quote.
    page.get_by_label("Add a comment").fill(COMMENT)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment was added.")
    comment = page.get_by_role("region", name="Comments").get_by_role("listitem").filter(has_text=COMMENT)
    expect(comment).to_be_visible()
    expect(comment).to_contain_text("You")
    check_page(page, "documents-16-quote-commented")

    page.get_by_role("link", name="All quotes").click()
    apply_list_controls(page, Show="Declined")
    assert row_numbers(page) == [to_decline.number]
    check_page(page, "documents-17-quotes-declined")

    assert Quote.objects.get(pk=to_accept.pk).status == Quote.Status.ACCEPTED
    declined = Quote.objects.get(pk=to_decline.pk)
    assert declined.status == Quote.Status.DECLINED
    assert declined.decline_reason == DECLINE_REASON


def test_a_receipt_links_to_the_invoice_it_paid(
    page, portico_server: PorticoServer, org, customer_a, contact_a
):
    server = portico_server
    invoice = make_invoice(customer_a, "640", date=days(-20), due_date=days(10))
    other = make_invoice(customer_a, "210", date=days(-15), due_date=days(15))
    payment = payment_record(
        customer=customer_a,
        amount="640",
        date=days(-3),
        reference="TRF-88213",
        allocations=[(invoice, Decimal("640"))],
    )
    payment_record(customer=customer_a, amount="100", date=days(-1), allocations=[(other, Decimal("100"))])
    log_in(page, server, org, contact_a)

    modules(page).get_by_role("link", name="Payments Made").click()
    expect(page.get_by_role("heading", name="Payments Made", level=1)).to_be_visible()
    expect(page.get_by_role("rowheader")).to_have_count(2)
    apply_list_controls(page, Show="Invoice payments", **{"Sort by": "Amount (highest first)"})
    assert row_numbers(page)[0] == payment.number
    check_page(page, "documents-20-payments")

    page.get_by_role("link", name=payment.number, exact=True).click()
    expect(page.get_by_role("heading", name=payment.number, level=1)).to_be_visible()
    expect(page.get_by_text("Payment receipt")).to_be_visible()
    expect(page.get_by_text("TRF-88213")).to_be_visible()
    paid_for = page.get_by_role("region", name="Payment for")
    expect(paid_for.get_by_role("row")).to_have_count(2)  # the header and the invoice
    check_page(page, "documents-21-receipt")

    paid_for.get_by_role("link", name=invoice.number, exact=True).click()
    expect(page).to_have_url(server.url(portal_url("invoice-detail", org, number=invoice.number)))
    expect(page.get_by_role("heading", name=f"Invoice {invoice.number}", level=1)).to_be_visible()
    expect(page.locator(".inv-status-line")).to_have_text("Paid")
    payments_applied = page.get_by_role("region", name="Payments applied")
    expect(payments_applied.get_by_role("link", name=payment.number, exact=True)).to_be_visible()
    check_page(page, "documents-22-invoice-paid")

    # A comment on the invoice.
    page.get_by_label("Add a comment").fill(INVOICE_COMMENT)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment was added.")
    comment = (
        page.get_by_role("region", name="Comments").get_by_role("listitem").filter(has_text=INVOICE_COMMENT)
    )
    expect(comment).to_be_visible()
    expect(comment).to_contain_text("You")
    check_page(page, "documents-23-invoice-commented")
