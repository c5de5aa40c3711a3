"""The portal's documents in a real browser, on a desktop and on a phone: Home to an overdue invoice and its
Pay Now page; sorting and filtering quotes, accepting one, declining one with a reason and commenting; a receipt
that leads to the invoice it paid, and a comment on that invoice; Sales Orders, hidden until staff turn them on
in the portal preferences, then filtered, sorted, and an invoiced order leading to its invoice.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from portico.payments.services import payment_record
from portico.sales.models import Quote, SalesOrder
from portico.sales.services.invoices import invoice_send
from portico.sales.services.salesorders import (
    sales_order_confirm,
    sales_order_convert_to_invoice,
    sales_order_create,
    sales_order_void,
)
from portico.testing import (
    SETUP,
    TEST_PASSWORD,
    lines,
    make_invoice,
    make_portal_access,
    make_quote,
    make_retainer,
    today,
)

from .harness import (
    PorticoServer,
    check_page,
    days,
    expect_rows,
    label,
    office_log_in,
    portal_log_in,
    portal_url,
    screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True)

DECLINE_REASON = "The budget for this work moved to next year."
INVOICE_COMMENT = "Thanks, could you send the receipt to our accounts team too?"
COMMENT = "Could the workshop start at nine instead of ten?"


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


def column(page: Page, name: str) -> list[str]:
    """The cells of one column of the list, top to bottom (each cell is labelled for the phone's layout)."""
    cells = page.get_by_role("table").locator("tbody").locator(f'td[data-label="{name}"]')
    return [text.strip() for text in cells.all_text_contents()]


def shown_amounts(page: Page) -> list[Decimal]:
    """The Amount column as numbers: "$1,750.00" is 1750.00."""
    return [Decimal(re.sub(r"[^\d.]", "", text)) for text in column(page, "Amount")]


def shown_dates(page: Page, name: str) -> list[datetime.date]:
    """A date column as dates, written as the organization's locale (en_US) writes them: "Mar 5, 2026"."""
    return [datetime.datetime.strptime(text, "%b %d, %Y").date() for text in column(page, name)]


def row_numbers(page: Page) -> list[str]:
    """The document numbers of the list's rows, top to bottom (the row header's link)."""
    return (
        page.get_by_role("table")
        .locator("tbody")
        .get_by_role("rowheader")
        .get_by_role("link")
        .all_inner_texts()
    )


def position(locator) -> tuple[float, float]:
    """Where an element is on the page (not in the viewport, which may scroll), once the stylesheet has applied."""
    locator.page.wait_for_load_state("load")
    return tuple(
        locator.evaluate(
            "el => { const box = el.getBoundingClientRect(); return [box.left + scrollX, box.top + scrollY]; }"
        )
    )


def test_home_to_an_overdue_invoice_and_its_pay_now_page(
    page, portico_server: PorticoServer, org, customer_a, contact_a
):
    server = portico_server
    older_overdue = make_invoice(customer_a, "300", date=days(-40), due_date=days(-10))
    larger_overdue = make_invoice(customer_a, "750", date=days(-30), due_date=days(-5))
    not_due = make_invoice(customer_a, "1200", date=days(-2), due_date=days(28))
    paid = make_invoice(customer_a, "90", date=days(-20), due_date=days(-10))
    payment_record(
        actor=SETUP, customer=customer_a, amount="90", date=days(-12), allocations=[(paid, Decimal("90"))]
    )
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
    expect_rows(page, [larger_overdue.number, older_overdue.number])
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
    expect(page.locator(".doc-head .doc-status")).to_have_text("Overdue")
    expect(page.locator(".doc-figure")).to_contain_text("Balance due")
    expect(page.locator(".doc-figure")).to_contain_text("750.00")
    check_page(page, "documents-05-invoice")

    page.get_by_role("link", name="Pay Now").click()
    expect(page).to_have_url(re.compile(re.escape(portal_url("pay", org)) + r"\?invoice="))
    expect(page.get_by_role("heading", name="Pay Now", level=1)).to_be_visible()
    expect(page.get_by_text(f"Amount due on invoice {larger_overdue.number}")).to_be_visible()
    expect(page.get_by_text("Online payment is not configured yet")).to_be_visible()
    check_page(page, "documents-06-pay-now")
    page.get_by_role("link", name="Back to the invoice").click()
    expect(page.get_by_role("heading", name=f"Invoice {larger_overdue.number}", level=1)).to_be_visible()


def test_quotes_sort_filter_accept_decline_with_a_reason_and_comment(
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

    apply_list_controls(page, **{"Sort by": "Amount (highest first)"})
    expect(page).to_have_url(re.compile(r"sort=amount"))
    expect_rows(page, [to_decline.number, to_accept.number, expired.number])
    assert shown_amounts(page) == [Decimal("4000.00"), Decimal("1750.00"), Decimal("80.00")]
    check_page(page, "documents-11-quotes-by-amount")

    apply_list_controls(page, **{"Sort by": "Expiry date (soonest first)"})
    expect(page).to_have_url(re.compile(r"sort=expiry"))
    expect_rows(page, [expired.number, to_decline.number, to_accept.number])
    assert shown_dates(page, "Expiry date") == [days(-10), days(14), days(30)]
    check_page(page, "documents-12-quotes-by-expiry-date")

    apply_list_controls(page, Show="Open")
    expect(page).to_have_url(re.compile(r"status=open"))
    expect(page.get_by_label(label("Sort by"))).to_have_value("expiry")
    expect_rows(page, [to_decline.number, to_accept.number])  # the expired quote is not open
    check_page(page, "documents-13-quotes-open")

    # Accept.
    page.get_by_role("link", name=to_accept.number, exact=True).click()
    expect(page.get_by_role("heading", name=to_accept.number, level=1)).to_be_visible()
    expect(page.locator(".doc-head .doc-status")).to_have_text("Open")
    check_page(page, "documents-14-quote-open")
    # The way back keeps the list's filter and sort.
    expect(page.get_by_role("link", name="All quotes")).to_have_attribute(
        "href", re.compile(r"status=open.*sort=expiry|sort=expiry.*status=open")
    )
    # Accept asks once more, in place: neither button moves.
    decline = page.locator("summary").filter(has_text="Decline")
    decline_before = position(decline)
    page.locator("summary").filter(has_text="Accept").click()
    confirm = page.get_by_role("button", name="Accept quote")
    expect(confirm).to_be_visible()
    assert position(decline) == decline_before
    check_page(page, "documents-14-quote-accept-confirm")
    confirm.click()
    expect(page.get_by_role("status")).to_contain_text(f"You accepted quote {to_accept.number}.")
    expect(page.locator(".doc-head .doc-status")).to_have_text("Accepted")
    expect(page.get_by_text("This quote was accepted on")).to_be_visible()
    expect(page.get_by_role("button", name="Accept quote")).to_have_count(0)
    check_page(page, "documents-15-quote-accepted")

    # Decline another, with a reason.
    page.get_by_role("link", name="All quotes").click()
    page.get_by_role("link", name=to_decline.number, exact=True).click()
    expect(page.get_by_role("heading", name=to_decline.number, level=1)).to_be_visible()
    decline = page.locator("summary").filter(has_text="Decline")
    decline_before = position(decline)
    decline.click()
    page.get_by_label("Reason (optional)").fill(DECLINE_REASON)
    assert position(decline) == decline_before  # opening Decline moves no button
    check_page(page, "documents-16-quote-decline-form")
    page.get_by_role("button", name="Decline quote").click()
    expect(page.get_by_role("status")).to_contain_text(f"You declined quote {to_decline.number}.")
    expect(page.locator(".doc-head .doc-status")).to_have_text("Declined")
    expect(page.get_by_text(DECLINE_REASON)).to_be_visible()
    check_page(page, "documents-17-quote-declined")

    # A comment on the declined quote.
    page.get_by_label("Add a comment").fill(COMMENT)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment was added.")
    comment = page.get_by_role("region", name="Comments").get_by_role("listitem").filter(has_text=COMMENT)
    expect(comment).to_be_visible()
    expect(comment).to_contain_text("You")
    check_page(page, "documents-18-quote-commented")

    page.get_by_role("link", name="All quotes").click()
    apply_list_controls(page, Show="Declined")
    expect(page).to_have_url(re.compile(r"status=declined"))
    expect_rows(page, [to_decline.number])
    check_page(page, "documents-19-quotes-declined")

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
        actor=SETUP,
        customer=customer_a,
        amount="640",
        date=days(-3),
        reference="TRF-88213",
        allocations=[(invoice, Decimal("640"))],
    )
    payment_record(
        actor=SETUP, customer=customer_a, amount="100", date=days(-1), allocations=[(other, Decimal("100"))]
    )
    log_in(page, server, org, contact_a)

    modules(page).get_by_role("link", name="Payments Made").click()
    expect(page.get_by_role("heading", name="Payments Made", level=1)).to_be_visible()
    expect(page.get_by_role("rowheader")).to_have_count(2)
    apply_list_controls(page, Show="Invoice payments", **{"Sort by": "Amount (highest first)"})
    expect(page).to_have_url(re.compile(r"sort=amount"))
    expect(page.get_by_role("table").locator("tbody").get_by_role("rowheader").first).to_have_text(
        payment.number
    )
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
    expect(page.locator(".doc-head .doc-status")).to_have_text("Paid")
    expect(page.locator(".doc-figure")).to_contain_text("Total")  # nothing is due: the figure is the total
    payments_made = page.get_by_role("region", name="Payments made")
    expect(payments_made.get_by_role("link", name=payment.number, exact=True)).to_be_visible()
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


def make_sales_order(customer, *amounts, date: datetime.date, **fields) -> SalesOrder:
    """A confirmed (open) sales order, one line per amount: what the customer sees first of an order."""
    order = sales_order_create(
        customer=customer, date=date, lines=lines(*amounts), **{"actor": SETUP, **fields}
    )
    return sales_order_confirm(actor=SETUP, order=order)


def invoice_sales_order(order: SalesOrder, date: datetime.date):
    """Invoice the order in full and send the invoice, so that the customer can open it."""
    return invoice_send(
        actor=SETUP, invoice=sales_order_convert_to_invoice(actor=SETUP, order=order, date=date)
    )


def show_sales_orders_in_the_portal(page: Page, server: PorticoServer, staff, organization) -> None:
    """As staff: tick "Show sales orders in the portal" in the organization's portal preferences and save."""
    office_log_in(page, server, staff)
    page.goto(server.url(reverse("office:organizations_organization_change", args=[organization.pk])))
    preference = page.get_by_role("checkbox", name="Show sales orders in the portal")
    expect(preference).not_to_be_checked()
    preference.check()
    screenshot(page, "documents-31-office-portal-preferences")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()


def test_sales_orders_show_once_staff_turn_them_on_and_an_invoiced_order_leads_to_its_invoice(
    page, new_browser_page, portico_server: PorticoServer, org, staff, customer_a, contact_a
):
    server = portico_server
    signage = make_sales_order(customer_a, "1800", "600", date=days(-40), reference="Menu boards")
    signage_invoice = invoice_sales_order(signage, days(-30))
    posters = make_sales_order(customer_a, "950", date=days(-25), reference="Winter posters")
    invoice_sales_order(posters, days(-20))
    cancelled = sales_order_void(actor=SETUP, order=make_sales_order(customer_a, "500", date=days(-12)))
    fit_out = make_sales_order(
        customer_a, "3100", date=days(-5), reference="Phase two", expected_shipment_date=days(10)
    )
    draft = sales_order_create(actor=SETUP, customer=customer_a, date=days(-1), lines=lines("75"))
    log_in(page, server, org, contact_a)

    # The organization does not show sales orders yet: no sidebar item, and their addresses are not there.
    expect(modules(page).get_by_role("link")).not_to_have_count(0)
    expect(modules(page).get_by_role("link", name="Sales Orders")).to_have_count(0)
    for address in (
        portal_url("sales-orders", org),
        portal_url("sales-order-detail", org, number=signage.number),
    ):
        response = page.goto(server.url(address))
        assert response is not None and response.status == 404, address
    screenshot(page, "documents-30-sales-order-not-shown")

    show_sales_orders_in_the_portal(new_browser_page(), server, staff, org)
    org.refresh_from_db()
    assert org.portal_show_sales_orders

    page.goto(server.url(portal_url("home", org)))
    modules(page).get_by_role("link", name="Sales Orders").click()
    expect(page).to_have_url(server.url(portal_url("sales-orders", org)))
    expect(page.get_by_role("heading", name="Sales Orders", level=1)).to_be_visible()
    # Newest first; the draft is still the business's own work.
    expect_rows(page, [fit_out.number, cancelled.number, posters.number, signage.number])
    assert draft.number not in row_numbers(page)
    check_page(page, "documents-32-sales-orders")

    apply_list_controls(page, Show="Fulfilled and invoiced", **{"Sort by": "Amount (highest first)"})
    expect(page).to_have_url(re.compile(r"status=invoiced.*sort=amount|sort=amount.*status=invoiced"))
    expect_rows(page, [signage.number, posters.number])
    assert shown_amounts(page) == [Decimal("2400.00"), Decimal("950.00")]
    check_page(page, "documents-33-sales-orders-invoiced-by-amount")

    apply_list_controls(page, Show="All sales orders", **{"Sort by": "Date (oldest first)"})
    expect(page).to_have_url(re.compile(r"sort=date-asc"))
    expect_rows(page, [signage.number, posters.number, cancelled.number, fit_out.number])
    assert shown_dates(page, "Date") == [days(-40), days(-25), days(-12), days(-5)]
    assert column(page, "Status") == ["Fulfilled and invoiced", "Fulfilled and invoiced", "Void", "Open"]
    check_page(page, "documents-34-sales-orders-by-date")

    page.get_by_role("link", name=signage.number, exact=True).click()
    expect(page.get_by_role("heading", name=signage.number, level=1)).to_be_visible()
    expect(page.locator(".doc-head .doc-status")).to_have_text("Fulfilled and invoiced")
    expect(page.get_by_text("Menu boards")).to_be_visible()
    invoices = page.get_by_role("region", name="Invoices")
    expect(invoices.get_by_role("row")).to_have_count(2)  # the header and the invoice
    check_page(page, "documents-35-sales-order-invoiced")

    invoices.get_by_role("link", name=signage_invoice.number, exact=True).click()
    expect(page).to_have_url(server.url(portal_url("invoice-detail", org, number=signage_invoice.number)))
    expect(page.get_by_role("heading", name=f"Invoice {signage_invoice.number}", level=1)).to_be_visible()
    expect(page.locator(".doc-figure")).to_contain_text("2,400.00")
    check_page(page, "documents-36-sales-order-invoice")
