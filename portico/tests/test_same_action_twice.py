"""Two people doing the same thing at the same moment: one of them does it, the other gets a clear message.

Each action runs twice at once, in two threads with their own database connections, as two requests would.
On PostgreSQL the services' row locks order them; on SQLite, immediate transactions take the write lock at
BEGIN. Never a server error, and the books stay as one action left them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portico.actors import Actor
from portico.payments.credits import credit_apply, credit_remove
from portico.payments.models import CustomerPayment, PaymentAllocation
from portico.payments.services import payment_delete, payment_record, refund_create, refund_delete
from portico.projects.models import TimesheetApproval
from portico.projects.services import (
    project_create,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_send,
)
from portico.sales.models import CreditApplication, CreditNote, Invoice, Quote, RetainerApplication
from portico.sales.services.documents import document_delete
from portico.sales.services.invoices import invoice_send, invoice_void
from portico.sales.services.quotes import quote_accept, quote_decline
from portico.testing import (
    SETUP,
    ContactPersonFactory,
    make_credit_note,
    make_invoice,
    make_quote,
    make_retainer,
    run_together,
    today,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _twice(action):
    return action, action


def remove_credit_application(customer):
    invoice = make_invoice(customer, "100.00")
    use = credit_apply(
        actor=SETUP, source=make_credit_note(customer, "40.00"), invoice=invoice, amount="40.00"
    )
    return (
        _twice(lambda: credit_remove(actor=SETUP, use=use)),
        lambda: (
            CreditApplication.objects.count(),
            Invoice.objects.get(pk=invoice.pk).balance_due,
            CreditNote.objects.get().balance,
        ),
        (0, Decimal("100.00"), Decimal("40.00")),
    )


def remove_retainer_application(customer):
    retainer = make_retainer(customer, "60.00")
    payment_record(
        actor=SETUP, customer=customer, amount="60.00", date=today(), allocations=[(retainer, "60")]
    )
    invoice = make_invoice(customer, "100.00")
    use = credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount="60.00")
    return (
        _twice(lambda: credit_remove(actor=SETUP, use=use)),
        lambda: (
            RetainerApplication.objects.count(),
            Invoice.objects.get(pk=invoice.pk).balance_due,
        ),
        (0, Decimal("100.00")),
    )


def remove_payment_allocation(customer):
    invoice = make_invoice(customer, "100.00")
    payment = payment_record(
        actor=SETUP, customer=customer, amount="100.00", date=today(), allocations=[(invoice, "100")]
    )
    use = payment.allocations.get()
    return (
        _twice(lambda: credit_remove(actor=SETUP, use=use)),
        lambda: (
            PaymentAllocation.objects.count(),
            Invoice.objects.get(pk=invoice.pk).balance_due,
            CustomerPayment.objects.get().unused_amount,
        ),
        (0, Decimal("100.00"), Decimal("100.00")),
    )


def apply_the_same_credit(customer):
    credit_note = make_credit_note(customer, "40.00")
    first, second = make_invoice(customer, "100.00"), make_invoice(customer, "100.00")
    return (
        (
            lambda: credit_apply(actor=SETUP, source=credit_note, invoice=first, amount="40.00"),
            lambda: credit_apply(actor=SETUP, source=credit_note, invoice=second, amount="40.00"),
        ),
        lambda: (
            CreditApplication.objects.count(),
            sorted(Invoice.objects.values_list("balance_due", flat=True)),
            CreditNote.objects.get().balance,
        ),
        (1, [Decimal("60.00"), Decimal("100.00")], Decimal("0.00")),
    )


def delete_a_refund(customer):
    payment = payment_record(actor=SETUP, customer=customer, amount="100.00", date=today())
    refund = refund_create(actor=SETUP, source=payment, amount="30.00", date=today())
    return (
        _twice(lambda: refund_delete(actor=SETUP, refund=refund)),
        lambda: CustomerPayment.objects.get().unused_amount,
        Decimal("100.00"),
    )


def delete_a_payment(customer):
    invoice = make_invoice(customer, "100.00")
    payment = payment_record(
        actor=SETUP, customer=customer, amount="100.00", date=today(), allocations=[(invoice, "100")]
    )
    return (
        _twice(lambda: payment_delete(actor=SETUP, payment=payment)),
        lambda: (
            CustomerPayment.objects.count(),
            Invoice.objects.get(pk=invoice.pk).balance_due,
        ),
        (0, Decimal("100.00")),
    )


def void_an_invoice(customer):
    invoice = make_invoice(customer, "100.00")
    return (
        _twice(lambda: invoice_void(actor=SETUP, invoice=invoice)),
        lambda: Invoice.objects.get(pk=invoice.pk).status,
        Invoice.Status.VOID,
    )


def send_an_invoice(customer):
    invoice = make_invoice(customer, "100.00", send=False)
    return (
        _twice(lambda: invoice_send(actor=SETUP, invoice=invoice)),
        lambda: Invoice.objects.get(pk=invoice.pk).status,
        Invoice.Status.SENT,
    )


def delete_a_draft(customer):
    invoice = make_invoice(customer, "100.00", send=False)
    return _twice(lambda: document_delete(actor=SETUP, document=invoice)), lambda: Invoice.objects.count(), 0


def two_contacts_accept_a_quote(customer):
    quote = make_quote(customer, "100.00")
    first, second = (ContactPersonFactory(customer=customer) for _ in range(2))
    return (
        (
            lambda: quote_accept(actor=Actor.for_contact(first), quote=quote),
            lambda: quote_accept(actor=Actor.for_contact(second), quote=quote),
        ),
        lambda: Quote.objects.get(pk=quote.pk).status,
        Quote.Status.ACCEPTED,
    )


def accept_and_decline_a_quote(customer):
    quote = make_quote(customer, "100.00")
    contact = ContactPersonFactory(customer=customer)
    return (
        (
            lambda: quote_accept(actor=Actor.for_contact(contact), quote=quote),
            lambda: quote_decline(actor=Actor.for_contact(contact), quote=quote, reason="Too dear"),
        ),
        lambda: Quote.objects.get(pk=quote.pk).status in (Quote.Status.ACCEPTED, Quote.Status.DECLINED),
        True,
    )


def approve_a_timesheet_twice(customer):
    task = task_create(
        actor=SETUP, project=project_create(actor=SETUP, customer=customer, name="Website"), name="Design"
    )
    start = today() - datetime.timedelta(days=7)
    time_entry_log(actor=SETUP, task=task, date=start, hours="2.5")
    approval = timesheet_approval_send(
        actor=SETUP,
        approval=timesheet_approval_create(
            actor=SETUP, project=task.project, period_start=start, period_end=today()
        ),
    )
    contact = ContactPersonFactory(customer=customer)
    return (
        _twice(
            lambda: timesheet_approval_decide(
                actor=Actor.for_contact(contact), approval=approval, approve=True, reason=""
            )
        ),
        lambda: TimesheetApproval.objects.get(pk=approval.pk).status,
        TimesheetApproval.Status.APPROVED,
    )


ACTIONS = [
    remove_credit_application,
    remove_retainer_application,
    remove_payment_allocation,
    apply_the_same_credit,
    delete_a_refund,
    delete_a_payment,
    void_an_invoice,
    send_an_invoice,
    delete_a_draft,
    two_contacts_accept_a_quote,
    accept_and_decline_a_quote,
    approve_a_timesheet_twice,
]


@pytest.mark.parametrize("arrange", ACTIONS, ids=[action.__name__ for action in ACTIONS])
def test_the_same_action_twice_at_once_does_it_once_and_tells_the_other_why(arrange, customer_a):
    (first, second), books, expected = arrange(customer_a)

    outcomes = run_together(first, second)

    refused = [value for kind, value in outcomes if kind == "error"]
    assert len(refused) == 1, outcomes
    assert isinstance(refused[0], ValidationError), repr(refused[0])
    assert refused[0].messages and all(message.strip() for message in refused[0].messages)
    assert books() == expected


@pytest.mark.parametrize("arrange", ACTIONS, ids=[action.__name__ for action in ACTIONS])
def test_the_same_action_again_afterwards_is_refused_with_a_message(arrange, customer_a):
    (first, second), books, expected = arrange(customer_a)
    first()

    with pytest.raises(ValidationError) as refused:
        second()

    assert refused.value.messages
    assert books() == expected
