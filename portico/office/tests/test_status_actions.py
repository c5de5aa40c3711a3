"""Every button of a record's page in the office is offered exactly when its service would accept it.

For each kind of document and each state it can be in, the change page is rendered and the offered actions are
collected; then each action the admin knows is run, as its button would run it, in a savepoint that is rolled
back, to see whether the service accepts it. The two sets must be equal.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import RequestFactory

from portico.office.site import office_site
from portico.payments.credits import credit_apply
from portico.payments.services import payment_record
from portico.projects.models import TimesheetApproval
from portico.projects.services import (
    project_create,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_send,
)
from portico.sales.models import CreditNote, Invoice, Quote, RetainerInvoice, SalesOrder
from portico.sales.services.invoices import credit_note_void, invoice_void, retainer_invoice_void
from portico.sales.services.quotes import (
    quote_accept,
    quote_convert_to_invoice,
    quote_convert_to_sales_order,
    quote_decline,
    quote_mark_expired,
)
from portico.sales.services.salesorders import (
    sales_order_confirm,
    sales_order_convert_to_invoice,
    sales_order_void,
)
from portico.testing import SETUP, make_credit_note, make_invoice, make_quote, make_retainer

from .conftest import admin_url

DAY = datetime.timedelta(days=1)


def offered(staff_client, obj) -> set[str]:
    """The status actions the record's change page offers."""
    response = staff_client.get(admin_url(obj))
    assert response.status_code == 200
    return {item["action"].name for item in response.context["office_actions"]}


def accepted(staff, obj, data_for) -> set[str]:
    """The status actions whose service accepts the record as it is (each tried and rolled back)."""
    model_admin = office_site._registry[type(obj)]
    request = RequestFactory().post("/")
    request.user = staff
    request.organization = obj.organization
    names = set()
    for action in model_admin.status_actions:
        fresh = type(obj).objects.get(pk=obj.pk)
        with transaction.atomic():
            try:
                action.run(request, fresh, data_for(action.name, fresh))
            except ValidationError:
                pass
            else:
                names.add(action.name)
            transaction.set_rollback(True)
    return names


def assert_buttons_match_services(staff_client, staff, obj, data_for=lambda name, obj: {}):
    assert offered(staff_client, obj) == accepted(staff, obj, data_for), obj.get_status_display()


@pytest.fixture
def today(org):
    return org.today()


# Quotes ---------------------------------------------------------------------------------------------------


def _past_expiry(quote: Quote, today) -> Quote:
    """The quote as it is once its expiry date has passed (sent before that day)."""
    Quote.objects.filter(pk=quote.pk).update(expiry_date=today - DAY, date=today - 30 * DAY)
    return Quote.objects.get(pk=quote.pk)


QUOTE_STATES = {
    "draft": lambda c, t: make_quote(c, "100", send=False, expiry_date=t + 30 * DAY),
    "draft without expiry": lambda c, t: make_quote(c, "100", send=False),
    "draft past its expiry": lambda c, t: _past_expiry(make_quote(c, "100", send=False), t),
    "sent": lambda c, t: make_quote(c, "100", expiry_date=t + 30 * DAY),
    "sent expiring today": lambda c, t: make_quote(c, "100", expiry_date=t),
    "sent without expiry": lambda c, t: make_quote(c, "100"),
    "sent past its expiry": lambda c, t: _past_expiry(make_quote(c, "100", expiry_date=t + DAY), t),
    "accepted": lambda c, t: quote_accept(actor=SETUP, quote=make_quote(c, "100", expiry_date=t + DAY)),
    "accepted past its expiry": lambda c, t: _past_expiry(
        quote_accept(actor=SETUP, quote=make_quote(c, "100")), t
    ),
    "declined": lambda c, t: quote_decline(actor=SETUP, quote=make_quote(c, "100")),
    "marked expired": lambda c, t: quote_mark_expired(actor=SETUP, quote=make_quote(c, "100")),
    "invoiced": lambda c, t: Quote.objects.get(
        pk=quote_convert_to_invoice(actor=SETUP, quote=make_quote(c, "100")).quotes.get().pk
    ),
    "ordered": lambda c, t: Quote.objects.get(
        pk=quote_convert_to_sales_order(actor=SETUP, quote=make_quote(c, "100")).quotes.get().pk
    ),
}


@pytest.mark.parametrize("state", QUOTE_STATES)
def test_a_quotes_buttons_are_what_its_services_accept(staff_client, staff, customer_a, today, state):
    quote = QUOTE_STATES[state](customer_a, today)
    assert_buttons_match_services(staff_client, staff, quote, lambda name, obj: {"reason": "Too dear"})


def test_a_sent_quote_past_its_expiry_date_offers_revise(staff_client, customer_a, today):
    quote = QUOTE_STATES["sent past its expiry"](customer_a, today)

    assert "revise" in offered(staff_client, quote)
    assert {"accept", "decline", "to-invoice", "to-sales-order"}.isdisjoint(offered(staff_client, quote))


# Invoices, retainer invoices and credit notes -------------------------------------------------------------


def _paid(invoice, share: str):
    payment_record(
        actor=SETUP,
        customer=invoice.customer,
        amount=share,
        date=invoice.date,
        allocations=[(invoice, share)],
    )
    return type(invoice).objects.get(pk=invoice.pk)


INVOICE_STATES = {
    "draft": lambda c: make_invoice(c, "100", send=False),
    "draft of nothing": lambda c: make_invoice(c, "0", send=False),
    "sent": lambda c: make_invoice(c, "100"),
    "partially paid": lambda c: _paid(make_invoice(c, "100"), "40"),
    "paid": lambda c: _paid(make_invoice(c, "100"), "100"),
    "void": lambda c: invoice_void(actor=SETUP, invoice=make_invoice(c, "100")),
}


def _credit_data(customer):
    """What the invoice's Apply credits form would post: an open credit note of the customer, 10 of it."""
    credit_note = make_credit_note(customer, "50")
    return lambda name, obj: {"source": credit_note, "amount": Decimal("10")}


@pytest.mark.parametrize("state", INVOICE_STATES)
def test_an_invoices_buttons_are_what_its_services_accept(staff_client, staff, customer_a, state):
    invoice = INVOICE_STATES[state](customer_a)
    assert_buttons_match_services(staff_client, staff, invoice, _credit_data(customer_a))


def _applied(retainer, amount: str):
    credit_apply(actor=SETUP, source=retainer, invoice=make_invoice(retainer.customer, amount), amount=amount)
    return RetainerInvoice.objects.get(pk=retainer.pk)


RETAINER_STATES = {
    "draft": lambda c: make_retainer(c, "100", send=False),
    "draft of nothing": lambda c: make_retainer(c, "0", send=False),
    "sent": lambda c: make_retainer(c, "100"),
    "partially paid": lambda c: _paid(make_retainer(c, "100"), "40"),
    "paid": lambda c: _paid(make_retainer(c, "100"), "100"),
    "paid and all applied": lambda c: _applied(_paid(make_retainer(c, "100"), "100"), "100"),
    "void": lambda c: retainer_invoice_void(actor=SETUP, retainer=make_retainer(c, "100")),
}


def _use_data(customer, today):
    """What the Apply and Refund forms would post: 10 to an open invoice of the customer, or 10 refunded."""
    invoice = make_invoice(customer, "50")

    def data(name, obj):
        if name == "apply":
            return {"invoice": invoice, "amount": Decimal("10")}
        return {"amount": Decimal("10"), "date": today, "mode": "bank_transfer", "reference": ""}

    return data


@pytest.mark.parametrize("state", RETAINER_STATES)
def test_a_retainer_invoices_buttons_are_what_its_services_accept(
    staff_client, staff, customer_a, today, state
):
    retainer = RETAINER_STATES[state](customer_a)
    assert_buttons_match_services(staff_client, staff, retainer, _use_data(customer_a, today))


def _credited(credit_note, amount: str):
    credit_apply(
        actor=SETUP,
        source=credit_note,
        invoice=make_invoice(credit_note.customer, amount),
        amount=amount,
    )
    return CreditNote.objects.get(pk=credit_note.pk)


CREDIT_NOTE_STATES = {
    "draft": lambda c: make_credit_note(c, "100", open_it=False),
    "draft of nothing": lambda c: make_credit_note(c, "0", open_it=False),
    "open": lambda c: make_credit_note(c, "100"),
    "partly applied": lambda c: _credited(make_credit_note(c, "100"), "40"),
    "closed": lambda c: _credited(make_credit_note(c, "100"), "100"),
    "void": lambda c: credit_note_void(actor=SETUP, credit_note=make_credit_note(c, "100")),
}


@pytest.mark.parametrize("state", CREDIT_NOTE_STATES)
def test_a_credit_notes_buttons_are_what_its_services_accept(staff_client, staff, customer_a, today, state):
    credit_note = CREDIT_NOTE_STATES[state](customer_a)
    assert_buttons_match_services(staff_client, staff, credit_note, _use_data(customer_a, today))


# Sales orders and timesheet approvals ---------------------------------------------------------------------


def _order(customer, *, confirm: bool = True) -> SalesOrder:
    quote = make_quote(customer, "100")
    order = SalesOrder.objects.get(pk=quote_convert_to_sales_order(actor=SETUP, quote=quote).pk)
    return sales_order_confirm(actor=SETUP, order=order) if confirm else order


SALES_ORDER_STATES = {
    "draft": lambda c: _order(c, confirm=False),
    "open": lambda c: _order(c),
    "invoiced": lambda c: SalesOrder.objects.get(
        pk=sales_order_convert_to_invoice(actor=SETUP, order=_order(c)).sales_order_id
    ),
    "void": lambda c: sales_order_void(actor=SETUP, order=_order(c)),
}


@pytest.mark.parametrize("state", SALES_ORDER_STATES)
def test_a_sales_orders_buttons_are_what_its_services_accept(staff_client, staff, customer_a, state):
    order = SALES_ORDER_STATES[state](customer_a)
    assert_buttons_match_services(staff_client, staff, order)


def _approval(customer, today, fate: str) -> TimesheetApproval:
    task = task_create(
        actor=SETUP,
        project=project_create(actor=SETUP, customer=customer, name="Website", rate="80"),
        name="Build",
    )
    time_entry_log(actor=SETUP, task=task, date=today - DAY, hours="2")
    approval = timesheet_approval_create(
        actor=SETUP, project=task.project, period_start=today - DAY, period_end=today
    )
    if fate == "draft":
        return approval
    approval = timesheet_approval_send(actor=SETUP, approval=approval)
    if fate == "pending":
        return approval
    return timesheet_approval_decide(
        actor=SETUP, approval=approval, approve=fate == "approved", reason="Too many hours"
    )


@pytest.mark.parametrize("fate", ["draft", "pending", "approved", "rejected"])
def test_a_timesheet_approvals_buttons_are_what_its_services_accept(
    staff_client, staff, customer_a, today, fate
):
    approval = _approval(customer_a, today, fate)
    assert_buttons_match_services(staff_client, staff, approval, lambda name, obj: {"reason": "Too many"})


def test_every_state_above_is_reached(customer_a, today):
    """The states are what they say (a guard against a factory that silently stops short)."""
    assert QUOTE_STATES["sent past its expiry"](customer_a, today).is_past_expiry(today)
    assert INVOICE_STATES["partially paid"](customer_a).status == Invoice.Status.PARTIALLY_PAID
    assert RETAINER_STATES["paid and all applied"](customer_a).retainer_available == 0
    assert CREDIT_NOTE_STATES["closed"](customer_a).status == CreditNote.Status.CLOSED
    assert SALES_ORDER_STATES["invoiced"](customer_a).status == SalesOrder.Status.INVOICED
