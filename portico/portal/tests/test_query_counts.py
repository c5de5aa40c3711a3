"""Each portal page runs as many queries for a customer with 500 documents of each kind as for one with 5.

The documents are written with ``bulk_create``, already issued and with consistent stored figures, so that 500
of them cost a few inserts: each invoice is half paid by one payment, retainer invoices and quotes are sent, sales
orders are open, timesheet approvals of one project are pending, approved or rejected. The lists only read the
stored headers, so the documents need no lines (nor the approvals time entries).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portico.payments.models import CustomerPayment, PaymentAllocation, PaymentMode
from portico.projects.models import Project, Task, TimeEntry, TimesheetApproval
from portico.sales.models import Invoice, Quote, RetainerInvoice, SalesOrder
from portico.testing import today

FEW, MANY = 5, 500
PAID = Decimal("50.00")  # what each payment pays on its invoice


def _header(customer, prefix: str, index: int, total: Decimal) -> dict:
    return {
        "organization_id": customer.organization_id,
        "customer": customer,
        "customer_name": customer.display_name,
        "number": f"{prefix}-{customer.pk}-{index:05d}",  # unique in the organization
        "date": today() - datetime.timedelta(days=index % 400),
        "currency": customer.currency,
        "subtotal": total,
        "total": total,
    }


def add_documents(customer, start: int, stop: int) -> None:
    """Issued documents numbered ``start`` to ``stop - 1`` of every kind the portal lists, for ``customer``."""
    indexes = range(start, stop)
    amount = {i: Decimal("100.00") + i for i in indexes}
    invoices = Invoice.objects.bulk_create(
        Invoice(
            **_header(customer, "INV", i, amount[i]),
            status=Invoice.Status.PARTIALLY_PAID,
            due_date=today() + datetime.timedelta(days=i % 30 - 15),  # half overdue, the first 5 too
            balance_due=amount[i] - PAID,
        )
        for i in indexes
    )
    payments = CustomerPayment.objects.bulk_create(
        CustomerPayment(
            organization_id=customer.organization_id,
            customer=customer,
            number=f"PAY-{customer.pk}-{i:05d}",
            date=invoice.date,
            amount=PAID,
            currency=customer.currency,
            mode=PaymentMode.BANK_TRANSFER,
            unused_amount=Decimal("0"),
        )
        for i, invoice in zip(indexes, invoices, strict=True)
    )
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(
            organization_id=customer.organization_id,
            payment=payment,
            invoice=invoice,
            amount=PAID,
            date=payment.date,
        )
        for payment, invoice in zip(payments, invoices, strict=True)
    )
    RetainerInvoice.objects.bulk_create(
        RetainerInvoice(
            **_header(customer, "RET", i, amount[i]),
            status=RetainerInvoice.Status.SENT,
            balance_due=amount[i],
        )
        for i in indexes
    )
    Quote.objects.bulk_create(
        Quote(
            **_header(customer, "QT", i, amount[i]),
            status=Quote.Status.SENT,
            expiry_date=today() + datetime.timedelta(days=30 - i % 60),  # some past their expiry date
        )
        for i in indexes
    )
    SalesOrder.objects.bulk_create(
        SalesOrder(**_header(customer, "SO", i, amount[i]), status=SalesOrder.Status.OPEN) for i in indexes
    )
    add_approvals(customer, indexes)


APPROVAL_STATUSES = (
    TimesheetApproval.Status.PENDING,
    TimesheetApproval.Status.APPROVED,
    TimesheetApproval.Status.REJECTED,
)


def _project(customer) -> Project:
    project, _ = Project.objects.get_or_create(
        organization_id=customer.organization_id,
        customer=customer,
        number=f"PRJ-{customer.pk}",
        defaults={"name": f"Project of {customer.display_name}"},
    )
    return project


def add_approvals(customer, indexes: range) -> None:
    """Sent timesheet approvals of one project, a third each pending, approved and rejected, one week each."""
    project, now = _project(customer), timezone.now()
    TimesheetApproval.objects.bulk_create(
        TimesheetApproval(
            organization_id=customer.organization_id,
            customer=customer,
            project=project,
            number=f"TS-{customer.pk}-{i:05d}",
            period_start=today() - datetime.timedelta(days=7 * (i % 400) + 6),
            period_end=today() - datetime.timedelta(days=7 * (i % 400)),
            status=APPROVAL_STATUSES[i % 3],
            total_hours=Decimal(i % 40 + 1),
            sent_at=now,
            decided_at=None if i % 3 == 0 else now,
            rejection_reason="Too many hours" if i % 3 == 2 else "",
        )
        for i in indexes
    )


def add_entries(approval: TimesheetApproval, count: int) -> None:
    """``count`` more time entries of an hour in ``approval``, on a task of its project."""
    task, _ = Task.objects.get_or_create(
        organization_id=approval.organization_id, project=approval.project, name="Design"
    )
    TimeEntry.objects.bulk_create(
        TimeEntry(
            organization_id=approval.organization_id,
            project=approval.project,
            task=task,
            date=approval.period_start,
            hours=Decimal("1"),
            notes=f"Entry {i}",
            approval=approval,
        )
        for i in range(count)
    )


PAGES = [
    pytest.param("home", {}, id="home"),
    pytest.param("quotes", {}, id="quotes"),
    pytest.param("quotes", {"status": "open", "sort": "amount", "page": "2"}, id="quotes-open-by-amount"),
    pytest.param("invoices", {}, id="invoices"),
    pytest.param(
        "invoices", {"type": "invoices", "status": "overdue", "sort": "balance"}, id="invoices-overdue"
    ),
    pytest.param("payments", {}, id="payments"),
    pytest.param(
        "payments", {"status": "invoice", "sort": "amount", "page": "3"}, id="payments-for-invoices"
    ),
    pytest.param("sales-orders", {}, id="sales-orders"),
    pytest.param("sales-orders", {"status": "open", "sort": "amount"}, id="sales-orders-open"),
    pytest.param("timesheets", {}, id="timesheets"),
    pytest.param(
        "timesheets", {"status": "pending", "sort": "hours", "page": "2"}, id="timesheets-pending-by-hours"
    ),
]


@pytest.fixture(autouse=True)
def optional_modules_shown(org):
    """Sales orders, projects and timesheets are shown in the portal, so their pages are measured."""
    org.portal_show_sales_orders = True
    org.portal_show_projects = True
    org.save()
    return org


def _queries(client, url: str, params: dict) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_the_page_runs_the_same_queries_for_5_and_500_documents(
    org, customer_a, customer_b, portal_client, name, params
):
    url = reverse(f"portal:{name}", kwargs={"slug": org.portal_slug})
    add_documents(customer_b, 0, 50)  # another customer's documents change nothing either
    add_documents(customer_a, 0, FEW)
    portal_client.get(url, params)  # warm up caches (session, content types)

    with_few = _queries(portal_client, url, params)
    add_documents(customer_a, FEW, MANY)
    with_many = _queries(portal_client, url, params)

    assert len(with_many) == len(with_few), "\n".join(with_many)


def test_the_lists_show_full_pages_with_500_documents(org, customer_a, portal_client):
    add_documents(customer_a, 0, MANY)

    def page_of(name: str) -> list:
        return list(
            portal_client.get(reverse(f"portal:{name}", kwargs={"slug": org.portal_slug}))
            .context["listing"]
            .page.object_list
        )

    for name in ("quotes", "invoices", "payments", "sales-orders", "timesheets"):
        assert len(page_of(name)) == 25, name


def test_the_timesheet_page_runs_the_same_queries_for_5_and_500_approvals_and_entries(
    org, customer_a, customer_b, portal_client
):
    add_documents(customer_b, 0, 50)
    add_documents(customer_a, 0, FEW)
    approval = TimesheetApproval.objects.get(number=f"TS-{customer_a.pk}-00000")  # pending
    add_entries(approval, FEW)
    url = reverse("portal:timesheet-detail", kwargs={"slug": org.portal_slug, "number": approval.number})
    portal_client.get(url)  # the first view writes the Viewed marker; warm up caches

    with_few = _queries(portal_client, url, {})
    add_documents(customer_a, FEW, MANY)
    add_entries(approval, MANY - FEW)
    with_many = _queries(portal_client, url, {})

    assert len(with_many) == len(with_few), "\n".join(with_many)
    response = portal_client.get(url)
    assert len(response.context["entries"]) == MANY
    assert response.context["can_decide"] is True


#: A document's page: its URL name, the number prefix of the document it shows, and its query string.
DETAIL_PAGES = [
    pytest.param("quote-detail", "QT", {}, id="quote"),
    pytest.param("invoice-detail", "INV", {}, id="invoice"),
    pytest.param("retainer-invoice-detail", "RET", {}, id="retainer-invoice"),
    pytest.param("payment-detail", "PAY", {}, id="payment-receipt"),
    pytest.param("sales-order-detail", "SO", {}, id="sales-order"),
    pytest.param("pay", "INV", {"invoice": True}, id="pay-now-for-an-invoice"),
    pytest.param("pay", "RET", {"retainer": True}, id="pay-now-for-a-retainer-invoice"),
]


@pytest.mark.parametrize(("name", "prefix", "params"), DETAIL_PAGES)
def test_a_documents_page_runs_the_same_queries_for_5_and_500_documents(
    org, customer_a, customer_b, portal_client, name, prefix, params
):
    add_documents(customer_b, 0, 50)
    add_documents(customer_a, 0, FEW)
    number = f"{prefix}-{customer_a.pk}-00000"
    if params:  # Pay Now names its document in the query string
        url = reverse("portal:pay", kwargs={"slug": org.portal_slug})
        params = dict.fromkeys(params, number)
    else:
        url = reverse(f"portal:{name}", kwargs={"slug": org.portal_slug, "number": number})
    portal_client.get(url, params)  # the first view writes the Viewed marker; warm up caches

    with_few = _queries(portal_client, url, params)
    add_documents(customer_a, FEW, MANY)
    with_many = _queries(portal_client, url, params)

    assert len(with_many) == len(with_few), "\n".join(with_many)


def test_a_receipt_runs_the_same_queries_for_a_payment_of_5_and_of_500_invoices(
    org, customer_a, portal_client
):
    add_documents(customer_a, 0, MANY)
    payment = CustomerPayment.objects.get(number=f"PAY-{customer_a.pk}-00000")
    invoices = list(Invoice.objects.filter(customer=customer_a).order_by("id"))

    def pays(chosen) -> None:
        PaymentAllocation.objects.bulk_create(
            PaymentAllocation(
                organization_id=org.pk, payment=payment, invoice=invoice, amount=Decimal("0.01"), date=today()
            )
            for invoice in chosen
        )

    url = reverse("portal:payment-detail", kwargs={"slug": org.portal_slug, "number": payment.number})
    pays(invoices[1:FEW])
    portal_client.get(url)
    with_few = _queries(portal_client, url, {})
    pays(invoices[FEW:])
    with_many = _queries(portal_client, url, {})

    assert len(with_many) == len(with_few), "\n".join(with_many)
    assert len(portal_client.get(url).context["paid"]) == MANY
