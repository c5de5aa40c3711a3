"""Sales Orders, when the organization shows them: the customer's orders and each order with its invoices."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portico.activity.viewing import document_viewed
from portico.sales.models import Invoice, SalesOrder

from ..context import PortalContext, portal_page
from ..listing import Choice, listing
from ..selectors.salesorders import (
    sales_order_invoices_for_contact,
    sales_order_lines_for_contact,
    sales_order_list_for_contact,
)
from .payments import document_link

S = SalesOrder.Status

FILTERS = (
    Choice("all", _("All sales orders")),
    Choice(S.OPEN.value, S.OPEN.label, Q(status=S.OPEN)),
    Choice(S.INVOICED.value, S.INVOICED.label, Q(status=S.INVOICED)),
    Choice(S.VOID.value, S.VOID.label, Q(status=S.VOID)),
)
SORTS = (
    Choice("date", _("Date, newest first"), ("-date", "-id")),
    Choice("date-asc", _("Date, oldest first"), ("date", "id")),
    Choice("number", _("Number"), ("number", "id")),
    Choice("amount", _("Amount, highest first"), ("-total", "-id")),
    Choice("amount-asc", _("Amount, lowest first"), ("total", "id")),
)


@portal_page(module="sales_orders")
def sales_order_list(request: HttpRequest, portal: PortalContext) -> HttpResponse:
    orders = listing(request, sales_order_list_for_contact(portal=portal), filters=FILTERS, sorts=SORTS)
    return render(
        request, "portal/salesorders/list.html", {"portal": portal, "nav": "sales-orders", "listing": orders}
    )


@portal_page(module="sales_orders")
def sales_order_detail(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    order = get_object_or_404(sales_order_list_for_contact(portal=portal), number=number)
    document_viewed(portal=portal, document=order)
    today = timezone.localdate()
    invoices = [
        {
            "invoice": invoice,
            "link": document_link(portal, invoice),
            "status": Invoice.Status(invoice.display_status(today)).label,
        }
        for invoice in sales_order_invoices_for_contact(portal=portal, order=order)
    ]
    return render(
        request,
        "portal/salesorders/detail.html",
        {
            "portal": portal,
            "nav": "sales-orders",
            "order": order,
            "lines": sales_order_lines_for_contact(portal=portal, order=order),
            "invoices": invoices,
        },
    )
