"""The portal's Invoices module: the list, an invoice, a retainer invoice, and the Pay Now page."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portico.activity.selectors import comments_for
from portico.activity.viewing import document_viewed
from portico.sales.models import Invoice, RetainerInvoice, SalesOrder
from portico.sales.selectors import customer_receivable

from ..context import PortalContext, portal_page
from ..converters import could_be_document_number
from ..selectors.invoices import (
    CREDIT_NOTE,
    PAYMENT,
    RETAINER_APPLIED,
    document_taxes,
    invoice_for_contact,
    invoice_listing_for_contact,
    invoice_page_for_contact,
    invoice_settlements_for_contact,
    retainer_applications_for_contact,
    retainer_invoice_for_contact,
    retainer_invoice_page_for_contact,
    retainer_payments_for_contact,
)
from .comments import comment_post


def _sum(rows) -> Decimal:
    return sum((row.amount for row in rows), Decimal(0))


def _sales_order_url(portal: PortalContext, invoice: Invoice) -> str | None:
    """The portal page of the sales order the invoice was made from, if the customer can open it there."""
    order = invoice.sales_order
    if order is None or not portal.shows("sales_orders") or order.status not in SalesOrder.CUSTOMER_STATUSES:
        return None
    return reverse(
        "portal:sales-order-detail", kwargs={"slug": portal.organization.portal_slug, "number": order.number}
    )


def _document_page(document: Invoice | RetainerInvoice, status: str) -> dict:
    """What the page of an invoice or a retainer invoice shows of both: the status, the lines, the taxes, and the
    big figure of its header (the balance while something is due, otherwise the total)."""
    lines = list(document.lines.all())
    owing = document.is_payable
    return {
        "nav": "invoices",
        "document": document,
        "status": status,
        "status_label": type(document).Status(status).label,
        "owing": owing,
        "lines": lines,
        "taxes": document_taxes(lines),
    }


@portal_page
def invoice_list(request: HttpRequest, portal: PortalContext) -> HttpResponse:
    listing = invoice_listing_for_contact(portal=portal, request=request)
    return render(
        request, "portal/invoices/list.html", {"portal": portal, "nav": "invoices", "listing": listing}
    )


@portal_page
def invoice_detail(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    invoice = invoice_page_for_contact(portal=portal, number=number)
    document_viewed(actor=portal.actor, document=invoice)
    status = invoice.display_status(portal.organization.today())
    settled = invoice_settlements_for_contact(portal=portal, invoice=invoice)
    payments, credits, retainers = settled[PAYMENT], settled[CREDIT_NOTE], settled[RETAINER_APPLIED]
    return render(
        request,
        "portal/invoices/detail.html",
        {
            "portal": portal,
            **_document_page(invoice, status),
            "is_retainer": False,
            "sales_order_url": _sales_order_url(portal, invoice),
            "payments": payments,
            "payments_total": _sum(payments),
            "credits": credits,
            "credits_total": _sum(credits),
            "retainers_applied": retainers,
            "retainers_total": _sum(retainers),
            **_comments(portal, invoice, "portal:invoice-comment"),
        },
    )


@portal_page
def retainer_invoice_detail(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    retainer = retainer_invoice_page_for_contact(portal=portal, number=number)
    document_viewed(actor=portal.actor, document=retainer)
    payments = retainer_payments_for_contact(portal=portal, retainer=retainer)
    return render(
        request,
        "portal/invoices/detail.html",
        {
            "portal": portal,
            **_document_page(retainer, retainer.status),
            "is_retainer": True,
            "payments": payments,
            "payments_total": _sum(payments),
            "applications": retainer_applications_for_contact(portal=portal, retainer=retainer),
            **_comments(portal, retainer, "portal:retainer-invoice-comment"),
        },
    )


@portal_page
def pay(request: HttpRequest, portal: PortalContext) -> HttpResponse:
    """Pay Now. Online payment comes later, so for now this page says how else to pay, and how much.

    ``?invoice=<number>`` (or ``?retainer=<number>``) asks about one document; without it, the whole
    amount the customer owes on invoices.
    """
    document = None
    for key, find in (("invoice", invoice_for_contact), ("retainer", retainer_invoice_for_contact)):
        if number := request.GET.get(key):
            if not could_be_document_number(number):
                raise Http404
            document = find(portal=portal, number=number)
            break
    if document is not None:
        amount, currency = document.balance_due, document.currency
    else:
        amount, currency = customer_receivable(customer=portal.customer), portal.customer.currency
    return render(
        request,
        "portal/invoices/pay.html",
        {
            "portal": portal,
            "nav": "invoices",
            "document": document,
            "is_retainer": isinstance(document, RetainerInvoice),
            "amount": amount,
            "currency": currency,
        },
    )


def _comments(portal: PortalContext, document, url_name: str) -> dict:
    """What the shared comments block needs: the comments the contact may read, and where to post."""
    kwargs = {"slug": portal.organization.portal_slug, "number": document.number}
    return {
        "comments": comments_for(target=document, portal=True),
        "comment_url": reverse(url_name, kwargs=kwargs),
    }


@portal_page
@require_POST
def invoice_comment(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    invoice = invoice_for_contact(portal=portal, number=number)
    detail = reverse(
        "portal:invoice-detail", kwargs={"slug": portal.organization.portal_slug, "number": number}
    )
    return comment_post(request, portal, target=invoice, detail_url=detail)


@portal_page
@require_POST
def retainer_invoice_comment(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    retainer = retainer_invoice_for_contact(portal=portal, number=number)
    kwargs = {"slug": portal.organization.portal_slug, "number": number}
    detail = reverse("portal:retainer-invoice-detail", kwargs=kwargs)
    return comment_post(request, portal, target=retainer, detail_url=detail)
