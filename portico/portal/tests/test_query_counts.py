"""Every portal page runs at most ``QUERY_BUDGET`` queries, as many for a customer with 500 documents of each kind
as for one with 5.

``PAGES`` lists every page a logged-in contact opens, and the forms they post comments with; a new page is one
more line there. The documents are copies of documents the services made (see ``volume``), so that 500 of them
cost a few inserts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse

from portico.overview import customer_balances
from portico.payments.models import CustomerPayment, PaymentAllocation
from portico.projects.models import TimesheetApproval
from portico.sales.models import Invoice, Quote, RetainerInvoice, SalesOrder

from .budget import QUERY_BUDGET, queries_of
from .volume import APPROVAL_STATUSES, FEW, MANY, add_documents, add_entries, number


@dataclass(frozen=True)
class Page:
    """A portal page: its URL name and query string and, for a document's page, the kind of document it shows
    (its number's prefix) and where the number goes (the path, or the query parameter ``document_param``)."""

    name: str
    params: dict = field(default_factory=dict)
    prefix: str | None = None
    document_param: str | None = None
    post: dict | None = None  # the form a contact posts there, for a form's address

    def queries(self, client, org, customer, index: int) -> list[str]:
        """The SQL of opening the page (for document ``index`` of its kind), or of posting its form."""
        kwargs, params = {"slug": org.portal_slug}, dict(self.params)
        if self.prefix and self.document_param:
            params[self.document_param] = number(self.prefix, customer, index)
        elif self.prefix:
            kwargs["number"] = number(self.prefix, customer, index)
        return queries_of(client, reverse(f"portal:{self.name}", kwargs=kwargs), params, post=self.post)


COMMENT = {"body": "Could you send this to our accounts department too?"}

PAGES = [
    pytest.param(Page("home"), id="home"),
    pytest.param(Page("quotes"), id="quotes"),
    pytest.param(
        Page("quotes", {"status": "open", "sort": "amount", "page": "2"}), id="quotes-open-by-amount"
    ),
    pytest.param(Page("invoices"), id="invoices"),
    pytest.param(
        Page("invoices", {"type": "invoices", "status": "overdue", "sort": "balance"}), id="invoices-overdue"
    ),
    pytest.param(Page("invoices", {"type": "retainers", "sort": "due_date"}), id="retainer-invoices"),
    pytest.param(Page("payments"), id="payments"),
    pytest.param(
        Page("payments", {"status": "invoice", "sort": "amount", "page": "3"}), id="payments-for-invoices"
    ),
    pytest.param(Page("sales-orders"), id="sales-orders"),
    pytest.param(Page("sales-orders", {"status": "open", "sort": "amount"}), id="sales-orders-open"),
    pytest.param(Page("projects"), id="projects"),
    pytest.param(Page("timesheets"), id="timesheets"),
    pytest.param(
        Page("timesheets", {"status": "pending", "sort": "hours", "page": "2"}),
        id="timesheets-pending-by-hours",
    ),
    pytest.param(Page("statements"), id="statements"),
    pytest.param(Page("profile"), id="profile"),
    pytest.param(Page("password-change"), id="password-change"),
    pytest.param(Page("pay"), id="pay-now"),
    pytest.param(Page("quote-detail", prefix="QT"), id="quote"),
    pytest.param(Page("invoice-detail", prefix="INV"), id="invoice"),
    pytest.param(Page("retainer-invoice-detail", prefix="RET"), id="retainer-invoice"),
    pytest.param(Page("payment-detail", prefix="PAY"), id="payment-receipt"),
    pytest.param(Page("sales-order-detail", prefix="SO"), id="sales-order"),
    pytest.param(Page("timesheet-detail", prefix="TS"), id="timesheet"),
    pytest.param(Page("pay", prefix="INV", document_param="invoice"), id="pay-now-for-an-invoice"),
    pytest.param(Page("pay", prefix="RET", document_param="retainer"), id="pay-now-for-a-retainer-invoice"),
    pytest.param(Page("quote-comment", prefix="QT", post=COMMENT), id="quote-comment"),
    pytest.param(Page("invoice-comment", prefix="INV", post=COMMENT), id="invoice-comment"),
    pytest.param(Page("retainer-invoice-comment", prefix="RET", post=COMMENT), id="retainer-invoice-comment"),
    pytest.param(Page("timesheet-comment", prefix="TS", post=COMMENT), id="timesheet-comment"),
]


@pytest.fixture(autouse=True)
def optional_modules_shown(org):
    """Sales orders, projects and timesheets are shown in the portal, so their pages are measured."""
    org.portal_show_sales_orders = True
    org.portal_show_projects = True
    org.save()
    return org


def _budget_report(**measured: list[str]) -> str:
    return "\n\n".join(f"{name}: {len(sql)} queries\n" + "\n".join(sql) for name, sql in measured.items())


@pytest.mark.parametrize("page", PAGES)
def test_the_page_runs_within_the_budget_for_5_and_for_500_documents(
    org, customer_a, customer_b, portal_client, page
):
    add_documents(customer_b, 0, 50)  # another customer's documents change nothing either
    add_documents(customer_a, 0, FEW)
    page.queries(portal_client, org, customer_a, FEW - 1)  # warm up caches (session, content types)

    # A document's first view writes its "Viewed" marker and notifies the business; later views move the marker.
    first_of_few = page.queries(portal_client, org, customer_a, 0)
    later_of_few = page.queries(portal_client, org, customer_a, 0)
    add_documents(customer_a, FEW, MANY)
    later_of_many = page.queries(portal_client, org, customer_a, 0)
    first_of_many = page.queries(portal_client, org, customer_a, 1)

    report = _budget_report(first=first_of_few, later=later_of_few)
    assert len(first_of_few) <= QUERY_BUDGET, report
    assert len(later_of_few) <= QUERY_BUDGET, report
    assert len(first_of_many) == len(first_of_few), _budget_report(first_of_many=first_of_many)
    assert len(later_of_many) == len(later_of_few), _budget_report(later_of_many=later_of_many)


def test_every_page_of_the_portal_is_measured():
    """A contact's page missing from ``PAGES`` fails here: name it there (the actions on quotes and timesheets,
    switching customers and logging out answer with a redirect and are not pages)."""
    from portico.portal.urls import urlpatterns

    actions = {"quote-accept", "quote-decline", "timesheet-approve", "timesheet-reject", "switch"}
    contact_pages = {
        pattern.name
        for pattern in urlpatterns
        if getattr(pattern.callback, "portal_scope", None) == "contact"
    }
    measured = {param.values[0].name for param in PAGES}
    assert contact_pages - actions == measured


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


def test_the_timesheet_page_runs_within_the_budget_for_5_and_500_approvals_and_entries(
    org, customer_a, customer_b, portal_client
):
    add_documents(customer_b, 0, 50)
    add_documents(customer_a, 0, FEW)
    approval = TimesheetApproval.objects.get(number=number("TS", customer_a, 0))  # pending, with one entry
    add_entries(approval, FEW - 1)
    url = reverse("portal:timesheet-detail", kwargs={"slug": org.portal_slug, "number": approval.number})
    portal_client.get(url)  # the first view writes the Viewed marker; warm up caches

    with_few = queries_of(portal_client, url)
    add_documents(customer_a, FEW, MANY)
    add_entries(approval, MANY - FEW)
    with_many = queries_of(portal_client, url)

    assert len(with_few) <= QUERY_BUDGET, "\n".join(with_few)
    assert len(with_many) == len(with_few), "\n".join(with_many)
    response = portal_client.get(url)
    assert len(response.context["entries"]) == MANY
    assert response.context["can_decide"] is True


def _pays_too(payment: CustomerPayment, invoices: list[Invoice], amount: Decimal) -> None:
    """``payment`` also paid ``amount`` on each of ``invoices``: more received, each balance that much lower."""
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(
            organization_id=payment.organization_id,
            payment=payment,
            invoice=invoice,
            amount=amount,
            date=payment.date,
        )
        for invoice in invoices
    )
    Invoice.objects.filter(pk__in=[i.pk for i in invoices]).update(balance_due=F("balance_due") - amount)
    CustomerPayment.objects.filter(pk=payment.pk).update(amount=F("amount") + amount * len(invoices))


def test_a_receipt_runs_within_the_budget_for_a_payment_of_5_and_of_500_invoices(
    org, customer_a, portal_client
):
    add_documents(customer_a, 0, MANY)
    payment = CustomerPayment.objects.get(number=number("PAY", customer_a, 0))
    invoices = list(
        Invoice.objects.filter(customer=customer_a).exclude(pk__in=payment.allocations.values("invoice"))
    )
    url = reverse("portal:payment-detail", kwargs={"slug": org.portal_slug, "number": payment.number})
    _pays_too(payment, invoices[: FEW - 1], Decimal("0.01"))
    portal_client.get(url)

    with_few = queries_of(portal_client, url)
    _pays_too(payment, invoices[FEW - 1 :], Decimal("0.01"))
    with_many = queries_of(portal_client, url)

    assert len(with_few) <= QUERY_BUDGET, "\n".join(with_few)
    assert len(with_many) == len(with_few), "\n".join(with_many)
    assert len(portal_client.get(url).context["paid"]) == MANY


def test_the_copied_documents_keep_the_rules_of_those_the_services_made(customer_a):
    """The copies ``volume`` makes hold what the services hold: totals from the lines, balances from what was
    paid, every payment used in full, and the approvals' hours those of their entries."""
    add_documents(customer_a, 0, FEW)

    for model in (Invoice, RetainerInvoice, Quote, SalesOrder):
        documents = model.objects.filter(customer=customer_a).prefetch_related("lines")
        assert len(documents) == FEW, model
        for document in documents:
            assert document.total == sum(line.amount + line.tax_amount for line in document.lines.all())
    for invoice in Invoice.objects.filter(customer=customer_a).prefetch_related("payment_allocations"):
        paid = sum(allocation.amount for allocation in invoice.payment_allocations.all())
        assert (invoice.status, invoice.balance_due) == (Invoice.Status.PARTIALLY_PAID, invoice.total - paid)
    for payment in CustomerPayment.objects.filter(customer=customer_a).prefetch_related("allocations"):
        assert sum(a.amount for a in payment.allocations.all()) == payment.amount - payment.unused_amount
    approvals = TimesheetApproval.objects.filter(customer=customer_a).prefetch_related("entries")
    assert sorted(a.status for a in approvals) == sorted(APPROVAL_STATUSES[i % 3] for i in range(FEW))
    for approval in approvals:
        assert approval.total_hours == sum(entry.hours for entry in approval.entries.all())
    balances = customer_balances(customer=customer_a)
    assert balances.receivable == sum(i.balance_due for i in Invoice.objects.filter(customer=customer_a))
    assert (balances.open_quotes, balances.pending_approvals) == (FEW, 2)
