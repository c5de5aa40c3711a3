"""A sales order's life: confirmed (open), invoiced, or void."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.activity.services import audit_record
from portico.actors import Actor

from ..models import Invoice, Quote, SalesOrder
from .documents import document_create, lines_of, lock, require_status, snapshot_customer
from .invoices import invoice_create

S = SalesOrder.Status


def sales_order_create(*, customer, date: datetime.date, lines, actor: Actor, **fields) -> SalesOrder:
    """Create a draft sales order."""
    return document_create(model=SalesOrder, customer=customer, date=date, lines=lines, actor=actor, **fields)


def sales_order_confirm(*, order: SalesOrder, actor: Actor) -> SalesOrder:
    """Confirm a draft order: it is open and the customer can see it."""
    with transaction.atomic():
        order = lock(SalesOrder, order.pk)
        if not order.can_confirm():
            require_status(order, [S.DRAFT], _("confirmed"))
        snapshot_customer(order, order.customer)
        order.status = S.OPEN
        order.sent_at = timezone.now()
        order.save()
        audit_record(
            organization=order.organization, action="salesorder.confirmed", target=order, actor=actor
        )
    return order


def sales_order_convert_to_invoice(
    *, order: SalesOrder, date: datetime.date | None = None, actor: Actor
) -> Invoice:
    """Invoice an open order in full: a draft invoice linked to the order, which becomes invoiced.

    The quotes the order came from become invoiced too, by this invoice, so they cannot be invoiced again.
    """
    with transaction.atomic():
        order = lock(SalesOrder, order.pk)
        if not order.can_invoice():
            require_status(order, [S.OPEN], _("invoiced"))
        invoice = invoice_create(
            customer=order.customer,
            date=date or order.organization.today(),
            lines=lines_of(order),
            reference=order.reference or order.number,
            notes=order.notes,
            terms=order.terms,
            actor=actor,
        )
        invoice.sales_order = order
        invoice.save(update_fields=["sales_order"])
        order.status = S.INVOICED
        order.save()
        for quote in Quote.objects.select_for_update().filter(sales_order=order).order_by("pk"):
            quote.status = Quote.Status.INVOICED
            quote.invoice = invoice
            quote.save(update_fields=["status", "invoice", "updated_at"])
            audit_record(
                organization=quote.organization,
                action="quote.invoiced",
                target=quote,
                actor=actor,
                data={"invoice": invoice.number, "sales_order": order.number},
            )
        audit_record(
            organization=order.organization,
            action="salesorder.invoiced",
            target=order,
            actor=actor,
            data={"invoice": invoice.number},
        )
    return invoice


def sales_order_void(*, order: SalesOrder, actor: Actor) -> SalesOrder:
    """Void a draft or open order."""
    with transaction.atomic():
        order = lock(SalesOrder, order.pk)
        if not order.can_void():
            require_status(order, [S.DRAFT, S.OPEN], _("voided"))
        order.status = S.VOID
        order.save()
        audit_record(organization=order.organization, action="salesorder.voided", target=order, actor=actor)
    return order
