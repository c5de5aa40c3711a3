"""The portal's Invoices module: the list, an invoice, a retainer invoice, and the Pay Now page."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portico.activity.services import comments_for
from portico.activity.viewing import document_viewed
from portico.sales.models import RetainerInvoice
from portico.sales.selectors import customer_receivable

from ..context import PortalContext, portal_page
from ..selectors.invoices import (
    document_taxes,
    invoice_for_contact,
    invoice_listing_for_contact,
    organization_today,
    retainer_invoice_for_contact,
)
from .comments import comment_post


def _number(value: Decimal, locale: str) -> str:
    """A quantity or a percentage without the stored trailing zeros: 1.5000 → 1.5."""
    return format_decimal(value, format="#,##0.####", locale=locale)


def _lines(document, locale: str) -> list[dict]:
    return [
        {
            "line": line,
            "quantity": _number(line.quantity, locale),
            "discount": _number(line.discount_percent, locale) if line.discount_percent else "",
            "tax_rate": _number(line.tax_rate, locale),
        }
        for line in document.lines.all()
    ]


def _taxes(document, locale: str) -> list[dict]:
    return [
        {"name": name, "rate": _number(rate, locale), "amount": amount}
        for name, rate, amount in document_taxes(document)
    ]


def _sum(rows) -> Decimal:
    return sum((row.amount for row in rows), Decimal(0))


@portal_page
def invoice_list(request: HttpRequest, portal: PortalContext) -> HttpResponse:
    listing = invoice_listing_for_contact(portal=portal, request=request)
    return render(
        request, "portal/invoices/list.html", {"portal": portal, "nav": "invoices", "listing": listing}
    )


@portal_page
def invoice_detail(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    invoice = invoice_for_contact(portal=portal, number=number)
    document_viewed(portal=portal, document=invoice)
    locale = portal.organization.locale
    status = invoice.display_status(organization_today(portal.organization))
    payments = invoice.payment_allocations.all()
    credits = invoice.credit_applications.all()
    retainers = invoice.retainer_applications.all()
    return render(
        request,
        "portal/invoices/detail.html",
        {
            "portal": portal,
            "nav": "invoices",
            "document": invoice,
            "is_retainer": False,
            "status": status,
            "status_label": invoice.Status(status).label,
            "lines": _lines(invoice, locale),
            "taxes": _taxes(invoice, locale),
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
    retainer = retainer_invoice_for_contact(portal=portal, number=number)
    document_viewed(portal=portal, document=retainer)
    locale = portal.organization.locale
    payments = retainer.payment_allocations.all()
    return render(
        request,
        "portal/invoices/detail.html",
        {
            "portal": portal,
            "nav": "invoices",
            "document": retainer,
            "is_retainer": True,
            "status": retainer.status,
            "status_label": retainer.get_status_display(),
            "lines": _lines(retainer, locale),
            "taxes": _taxes(retainer, locale),
            "payments": payments,
            "payments_total": _sum(payments),
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
    if number := request.GET.get("invoice"):
        document = invoice_for_contact(portal=portal, number=number)
    elif number := request.GET.get("retainer"):
        document = retainer_invoice_for_contact(portal=portal, number=number)
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
