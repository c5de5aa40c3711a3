"""Payments Made: the list of the customer's payments and a receipt for each."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portico.money import ZERO
from portico.sales.models import Invoice, RetainerInvoice

from ..context import PortalContext, portal_page
from ..listing import listing
from ..selectors.payments import (
    PAYMENT_FILTERS,
    PAYMENT_SORTS,
    payment_allocations_for_contact,
    payment_for_contact,
    payment_list_for_contact,
    payment_refunds_for_contact,
)

#: Where the portal shows each kind of document a payment can pay, by URL name.
_DETAIL_PAGES = ((RetainerInvoice, "portal:retainer-invoice-detail"), (Invoice, "portal:invoice-detail"))


@dataclass(frozen=True)
class DocumentLink:
    """A document shown on another document's page: its kind, number, and its portal page when there is one."""

    kind: str
    number: str
    url: str | None
    is_retainer: bool = False


def document_link(portal: PortalContext, document: Invoice | RetainerInvoice) -> DocumentLink:
    """Link to the document's portal page; plain text while that page does not exist (yet)."""
    is_retainer = isinstance(document, RetainerInvoice)
    kind = _("Retainer invoice") if is_retainer else _("Invoice")
    name = next(name for model, name in _DETAIL_PAGES if isinstance(document, model))
    try:
        url = reverse(name, kwargs={"slug": portal.organization.portal_slug, "number": document.number})
    except NoReverseMatch:
        url = None
    return DocumentLink(kind=kind, number=document.number, url=url, is_retainer=is_retainer)


@portal_page
def payment_list(request: HttpRequest, portal: PortalContext) -> HttpResponse:
    payments = listing(
        request, payment_list_for_contact(portal=portal), filters=PAYMENT_FILTERS, sorts=PAYMENT_SORTS
    )
    return render(
        request, "portal/payments/list.html", {"portal": portal, "nav": "payments", "listing": payments}
    )


@dataclass(frozen=True)
class PaidDocument:
    link: DocumentLink
    date: object
    amount: Decimal


@portal_page
def payment_detail(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    payment = payment_for_contact(portal=portal, number=number)
    allocations = payment_allocations_for_contact(portal=portal, payment=payment)
    refunds = payment_refunds_for_contact(portal=portal, payment=payment)
    paid = [
        PaidDocument(
            link=document_link(portal, allocation.document), date=allocation.date, amount=allocation.amount
        )
        for allocation in allocations
    ]
    return render(
        request,
        "portal/payments/detail.html",
        {
            "portal": portal,
            "nav": "payments",
            "payment": payment,
            "paid": paid,
            "paid_total": sum((row.amount for row in paid), ZERO),
            "refunds": refunds,
        },
    )
