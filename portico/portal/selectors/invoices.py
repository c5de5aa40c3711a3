"""Reads of the portal's Invoices module: the customer's invoices and retainer invoices, scoped to a portal context.

The list shows both kinds as one list. Each kind is read with the same columns (``.values()``), and for "All" the
database unions them, then orders, counts and slices the union, so a page costs the same two queries however many
documents the customer has. Drafts are never shown; a voided document stays in the "All" list marked Void (the
customer received it, so it should not silently vanish) and is left out of every status filter.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    CharField,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from portico.payments.models import PaymentAllocation
from portico.sales.models import CreditApplication, Invoice, RetainerApplication, RetainerInvoice
from portico.sales.models.base import DocumentLine

from ..context import PortalContext
from ..listing import PAGE_SIZE, Choice, Listing, choose

INVOICE = "invoice"
RETAINER = "retainer"

#: The "Type" filter: which kinds of document the list shows.
KINDS = (
    Choice("all", _("All types")),
    Choice("invoices", _("Invoices"), (INVOICE,)),
    Choice("retainers", _("Retainer invoices"), (RETAINER,)),
)

#: The status filter. Overdue is never stored: an open invoice past its due date with money still owed.
STATUSES = (
    Choice("all", _("All statuses")),
    Choice("unpaid", _("Unpaid")),
    Choice("partially_paid", _("Partially paid")),
    Choice("overdue", _("Overdue")),
    Choice("paid", _("Paid")),
)

#: Sorts, each ending in columns that make the order total across both kinds (ids repeat between tables). The due
#: date sort puts what is still owed first (``settled`` is 0 for those), soonest due first, and the rest after it.
SORTS = (
    Choice("date", _("Date (newest first)"), ("-date", "-kind", "-id")),
    Choice(
        "due_date",
        _("Due date (unpaid, soonest first)"),
        ("settled", F("due").asc(nulls_last=True), "-date", "-kind", "-id"),
    ),
    Choice("amount", _("Amount (highest first)"), ("-total", "-date", "-kind", "-id")),
    Choice("balance", _("Balance due (highest first)"), ("-balance_due", "-date", "-kind", "-id")),
)

#: What an empty list says, by status filter; ``documents`` is the type filter's noun.
_EMPTY = {
    "all": _("You have no %(documents)s yet."),
    "unpaid": _("You have no unpaid %(documents)s."),
    "partially_paid": _("You have no partially paid %(documents)s."),
    "overdue": _("You have no overdue %(documents)s."),
    "paid": _("You have no paid %(documents)s yet."),
}
_NOUNS = {
    "all": _("invoices or retainer invoices"),
    "invoices": _("invoices"),
    "retainers": _("retainer invoices"),
}

_COLUMNS = ("id", "number", "date", "total", "balance_due", "status", "currency")


def _status_filter(model, status: str, today: datetime.date) -> Q | None:
    """The status filter as a condition on ``model``; None when the kind can never match (overdue retainers)."""
    if status == "unpaid":
        return model.payable_condition()
    if status == "partially_paid":
        return Q(status=model.Status.PARTIALLY_PAID)
    if status == "overdue":
        if model is RetainerInvoice:
            return None  # a retainer invoice has no due date, so it is never overdue
        return model.overdue_condition(today)
    if status == "paid":
        return Q(status=model.Status.PAID)
    return Q()


def _rows(model, *, portal: PortalContext, status: str, today: datetime.date) -> QuerySet | None:
    condition = _status_filter(model, status, today)
    if condition is None:
        return None
    due = F("due_date") if model is Invoice else Value(None, output_field=DateField())
    kind = INVOICE if model is Invoice else RETAINER
    settled = Case(
        When(model.payable_condition(), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        model.objects.filter(organization=portal.organization, customer=portal.customer)
        .visible_to_customer()
        .filter(condition)
        .order_by()
        .values(*_COLUMNS, due=due, kind=Value(kind, output_field=CharField()), settled=settled)
    )


def invoice_rows_for_contact(
    *, portal: PortalContext, kinds: tuple[str, ...] = (INVOICE, RETAINER), status: str = "all", today=None
) -> QuerySet:
    """The customer's invoices and/or retainer invoices as rows of the same columns, unordered.

    Two kinds are one ``UNION ALL`` query, so ordering, counting and slicing happen in the database.
    """
    today = today or portal.organization.today()
    models = [m for m, k in ((Invoice, INVOICE), (RetainerInvoice, RETAINER)) if k in kinds]
    parts = [
        q for q in (_rows(m, portal=portal, status=status, today=today) for m in models) if q is not None
    ]
    if not parts:
        return _rows(Invoice, portal=portal, status="all", today=today).none()
    if len(parts) == 1:
        return parts[0]
    return parts[0].union(*parts[1:], all=True)


@dataclass(frozen=True)
class InvoiceRow:
    """One line of the list: an invoice or a retainer invoice, with the status the customer should see."""

    kind: str
    number: str
    date: datetime.date
    due_date: datetime.date | None
    total: Decimal
    balance_due: Decimal
    status: str
    status_label: str
    currency: str

    @property
    def is_retainer(self) -> bool:
        return self.kind == RETAINER


def _row(values: dict, today: datetime.date) -> InvoiceRow:
    model = Invoice if values["kind"] == INVOICE else RetainerInvoice
    status = values["status"]
    if model is Invoice:
        # The row's columns on an unsaved invoice, so the model's own predicate decides.
        row = Invoice(status=status, due_date=values["due"], balance_due=values["balance_due"])
        status = row.display_status(today)
    return InvoiceRow(
        kind=values["kind"],
        number=values["number"],
        date=values["date"],
        due_date=values["due"],
        total=values["total"],
        balance_due=values["balance_due"],
        status=status,
        status_label=str(model.Status(status).label) if status in model.Status.values else status,
        currency=values["currency"],
    )


@dataclass(frozen=True)
class InvoiceListing(Listing):
    """A page of the invoice list, with the type filter alongside the status filter and the sort."""

    kind_value: str = "all"
    kinds: tuple[Choice, ...] = KINDS
    rows: tuple[InvoiceRow, ...] = ()

    def query(self, **changes) -> str:
        return super().query(**{"type": self.kind_value, **changes})

    @property
    def is_filtered(self) -> bool:
        return self.kind_value != "all" or self.filter_value != "all"

    @property
    def empty_message(self) -> str:
        return _EMPTY[self.filter_value] % {"documents": _NOUNS[self.kind_value]}


def invoice_listing_for_contact(
    *, portal: PortalContext, request: HttpRequest, page_size: int = PAGE_SIZE
) -> InvoiceListing:
    """The page of the customer's invoice list the request asks for (type, status, sort and page)."""
    kind = choose(request, "type", KINDS)
    status = choose(request, "status", STATUSES)
    sort = choose(request, "sort", SORTS)
    today = portal.organization.today()
    rows = invoice_rows_for_contact(
        portal=portal, kinds=kind.meaning or (INVOICE, RETAINER), status=status.value, today=today
    ).order_by(*sort.meaning)
    page = Paginator(rows, page_size).get_page(request.GET.get("page"))
    return InvoiceListing(
        page=page,
        filter_value=status.value,
        sort_value=sort.value,
        filters=STATUSES,
        sorts=SORTS,
        kind_value=kind.value,
        rows=tuple(_row(values, today) for values in page.object_list),
    )


@dataclass(frozen=True)
class TaxRow:
    """One tax of a document's totals: its name and rate, and what it adds up to over the lines."""

    name: str
    rate: Decimal
    amount: Decimal


def document_taxes(lines: Iterable[DocumentLine]) -> list[TaxRow]:
    """A document's taxes, added up from its lines' stored tax amounts (the lines of any kind of document)."""
    taxes: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        if line.tax_name and line.tax_amount:
            key = (line.tax_name, line.tax_rate)
            taxes[key] = taxes.get(key, Decimal(0)) + line.tax_amount
    return [TaxRow(name, rate, amount) for (name, rate), amount in sorted(taxes.items())]


def _issued(model, portal: PortalContext) -> QuerySet:
    return model.objects.filter(
        organization=portal.organization, customer=portal.customer
    ).visible_to_customer()


def _one(queryset: QuerySet, portal: PortalContext, number: str):
    """The document of ``queryset`` with this number, given the context's customer and organization; else 404."""
    document = queryset.filter(number=number).first()
    if document is None:
        raise Http404
    return portal.attach(document)


def invoice_for_contact(*, portal: PortalContext, number: str) -> Invoice:
    """The customer's issued invoice with this number; else 404."""
    return _one(_issued(Invoice, portal), portal, number)


def invoice_page_for_contact(*, portal: PortalContext, number: str) -> Invoice:
    """The customer's issued invoice with this number, with its lines and sales order; else 404."""
    queryset = _issued(Invoice, portal).select_related("sales_order").prefetch_related("lines")
    return _one(queryset, portal, number)


PAYMENT, CREDIT_NOTE, RETAINER_APPLIED = "payment", "credit_note", "retainer"


@dataclass(frozen=True)
class Settlement:
    """Money that went to an invoice or a retainer invoice: a payment, a credit note or a retainer applied, shown
    by its number, with its date and amount."""

    kind: str
    number: str
    date: datetime.date
    amount: Decimal


def _settled_by(queryset: QuerySet, kind: str, number_field: str) -> QuerySet:
    return queryset.order_by().values(
        "id", "date", "amount", kind=Value(kind, output_field=CharField()), number=F(number_field)
    )


def _settlements(parts: list[QuerySet]) -> dict[str, list[Settlement]]:
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    settled: dict[str, list[Settlement]] = {PAYMENT: [], CREDIT_NOTE: [], RETAINER_APPLIED: []}
    for row in rows.order_by("kind", "date", "id"):
        settled[row["kind"]].append(Settlement(row["kind"], row["number"], row["date"], row["amount"]))
    return settled


def invoice_settlements_for_contact(
    *, portal: PortalContext, invoice: Invoice
) -> dict[str, list[Settlement]]:
    """What paid the customer's invoice, by kind (``PAYMENT``, ``CREDIT_NOTE``, ``RETAINER_APPLIED``), oldest first
    in each: the three kinds in one query."""
    scope = {"organization": portal.organization, "invoice": invoice}
    return _settlements(
        [
            _settled_by(PaymentAllocation.objects.filter(**scope), PAYMENT, "payment__number"),
            _settled_by(CreditApplication.objects.filter(**scope), CREDIT_NOTE, "credit_note__number"),
            _settled_by(
                RetainerApplication.objects.filter(**scope), RETAINER_APPLIED, "retainer_invoice__number"
            ),
        ]
    )


def retainer_payments_for_contact(*, portal: PortalContext, retainer: RetainerInvoice) -> list[Settlement]:
    """The payments of the customer's retainer invoice, oldest first."""
    payments = PaymentAllocation.objects.filter(organization=portal.organization, retainer_invoice=retainer)
    return _settlements([_settled_by(payments, PAYMENT, "payment__number")])[PAYMENT]


def retainer_invoice_for_contact(*, portal: PortalContext, number: str) -> RetainerInvoice:
    """The customer's issued retainer invoice with this number; else 404."""
    return _one(_issued(RetainerInvoice, portal), portal, number)


def retainer_invoice_page_for_contact(*, portal: PortalContext, number: str) -> RetainerInvoice:
    """The customer's issued retainer invoice with this number, with its lines; else 404."""
    return _one(_issued(RetainerInvoice, portal).prefetch_related("lines"), portal, number)


def retainer_applications_for_contact(
    *, portal: PortalContext, retainer: RetainerInvoice
) -> list[RetainerApplication]:
    """How the retainer was used: its applications to the customer's issued invoices, oldest first, in one query."""
    return list(
        RetainerApplication.objects.filter(
            organization=portal.organization,
            retainer_invoice=retainer,
            retainer_invoice__customer=portal.customer,
            invoice__customer=portal.customer,
        )
        .exclude(invoice__status=Invoice.Status.DRAFT)
        .select_related("invoice")
        .order_by("date", "id")
    )
