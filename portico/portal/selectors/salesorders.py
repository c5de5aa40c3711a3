"""Sales Orders: the customer's confirmed orders (never drafts), their lines and the invoices made from them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from portico.sales.models import Invoice, SalesOrder, SalesOrderLine

from ..context import PortalContext
from ..listing import Choice

S = SalesOrder.Status

#: The status filter of the Sales Orders list.
SALES_ORDER_FILTERS = (
    Choice("all", _("All sales orders")),
    Choice(S.OPEN.value, S.OPEN.label, Q(status=S.OPEN)),
    Choice(S.INVOICED.value, S.INVOICED.label, Q(status=S.INVOICED)),
    Choice(S.VOID.value, S.VOID.label, Q(status=S.VOID)),
)
#: The sorts of the Sales Orders list; each ends with a unique field so that pages never overlap.
SALES_ORDER_SORTS = (
    Choice("date", _("Date (newest first)"), ("-date", "-id")),
    Choice("date-asc", _("Date (oldest first)"), ("date", "id")),
    Choice("number", _("Sales order number"), ("number", "id")),
    Choice("amount", _("Amount (highest first)"), ("-total", "-id")),
    Choice("amount-asc", _("Amount (lowest first)"), ("total", "id")),
)


def sales_order_list_for_contact(*, portal: PortalContext) -> QuerySet[SalesOrder]:
    return SalesOrder.objects.filter(
        organization=portal.organization, customer=portal.customer
    ).visible_to_customer()


def sales_order_for_contact(*, portal: PortalContext, number: str) -> SalesOrder:
    """The customer's sales order with this number, if they may see it; 404 for anything else."""
    order = sales_order_list_for_contact(portal=portal).filter(number=number).first()
    if order is None:
        raise Http404
    return portal.attach(order)


def sales_order_lines_for_contact(*, portal: PortalContext, order: SalesOrder) -> list[SalesOrderLine]:
    return list(
        SalesOrderLine.objects.filter(document=order, document__customer=portal.customer).order_by(
            "position", "id"
        )
    )


def sales_order_invoices_for_contact(*, portal: PortalContext, order: SalesOrder) -> list[Invoice]:
    """The invoices made from the order that the customer has been sent (a draft invoice is not theirs yet)."""
    return list(
        Invoice.objects.filter(organization=portal.organization, customer=portal.customer, sales_order=order)
        .exclude(status=Invoice.Status.DRAFT)
        .order_by("date", "id")
    )
