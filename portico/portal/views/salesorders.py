"""Sales Orders, when the organization shows them: the customer's orders and each order with its invoices."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portico.activity.viewing import document_viewed
from portico.sales.models import Invoice

from ..context import PortalContext, portal_page
from ..listing import listing
from ..selectors.invoices import document_taxes
from ..selectors.salesorders import (
    SALES_ORDER_FILTERS,
    SALES_ORDER_SORTS,
    sales_order_for_contact,
    sales_order_invoices_for_contact,
    sales_order_lines_for_contact,
    sales_order_list_for_contact,
)
from .payments import document_link


@portal_page(module="sales_orders")
def sales_order_list(request: HttpRequest, portal: PortalContext) -> HttpResponse:
    orders = listing(
        request,
        sales_order_list_for_contact(portal=portal),
        filters=SALES_ORDER_FILTERS,
        sorts=SALES_ORDER_SORTS,
    )
    return render(
        request, "portal/salesorders/list.html", {"portal": portal, "nav": "sales-orders", "listing": orders}
    )


@portal_page(module="sales_orders")
def sales_order_detail(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    order = sales_order_for_contact(portal=portal, number=number)
    document_viewed(actor=portal.actor, document=order)
    today = portal.organization.today()
    invoices = []
    for invoice in sales_order_invoices_for_contact(portal=portal, order=order):
        status = invoice.display_status(today)
        invoices.append(
            {
                "invoice": invoice,
                "link": document_link(portal, invoice),
                "status": status,
                "status_label": Invoice.Status(status).label,
            }
        )
    lines = sales_order_lines_for_contact(portal=portal, order=order)
    return render(
        request,
        "portal/salesorders/detail.html",
        {
            "portal": portal,
            "nav": "sales-orders",
            "order": order,
            "lines": lines,
            "taxes": document_taxes(lines),
            "invoices": invoices,
        },
    )
