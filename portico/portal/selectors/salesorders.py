"""Sales Orders: the customer's confirmed orders (never drafts), their lines and the invoices made from them."""

from __future__ import annotations

from django.db.models import QuerySet

from portico.sales.models import Invoice, SalesOrder, SalesOrderLine

from ..context import PortalContext

#: What a customer may see of a sales order's life; a draft is still the business's own work.
VISIBLE_STATUSES = (SalesOrder.Status.OPEN, SalesOrder.Status.INVOICED, SalesOrder.Status.VOID)


def sales_order_list_for_contact(*, portal: PortalContext) -> QuerySet[SalesOrder]:
    return SalesOrder.objects.filter(
        organization=portal.organization, customer=portal.customer, status__in=VISIBLE_STATUSES
    )


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
