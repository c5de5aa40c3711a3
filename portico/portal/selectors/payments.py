"""Payments Made: the customer's payments, online and offline, and what each one paid."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from portico.payments.models import CustomerPayment, PaymentAllocation, Refund

from ..context import PortalContext
from ..listing import Choice

#: The Show choice of Payments Made; a payment that paid both kinds of document shows under each.
PAYMENT_FILTERS = (
    Choice("all", _("All payments")),
    Choice("invoice", _("Invoice payments"), Q(pays_invoices=True)),
    Choice("retainer", _("Retainer payments"), Q(pays_retainers=True)),
)
#: The sorts of Payments Made; each ends with a unique field so that pages never overlap.
PAYMENT_SORTS = (
    Choice("date", _("Date (newest first)"), ("-date", "-id")),
    Choice("date-asc", _("Date (oldest first)"), ("date", "id")),
    Choice("amount", _("Amount (highest first)"), ("-amount", "-id")),
    Choice("amount-asc", _("Amount (lowest first)"), ("amount", "id")),
)


def payment_list_for_contact(*, portal: PortalContext) -> QuerySet[CustomerPayment]:
    """The customer's payments, each marked with whether it paid invoices and whether it paid retainer invoices.

    The marks are ``EXISTS`` subqueries, so a payment that paid several invoices is still one row.
    """
    allocations = PaymentAllocation.objects.filter(payment=OuterRef("pk"))
    return CustomerPayment.objects.filter(
        organization=portal.organization, customer=portal.customer
    ).annotate(
        pays_invoices=Exists(allocations.filter(invoice__isnull=False)),
        pays_retainers=Exists(allocations.filter(retainer_invoice__isnull=False)),
    )


def payment_for_contact(*, portal: PortalContext, number: str) -> CustomerPayment:
    """The customer's payment with this number; 404 for anything else."""
    payment = payment_list_for_contact(portal=portal).filter(number=number).first()
    if payment is None:
        raise Http404
    return portal.attach(payment)


def payment_allocations_for_contact(
    *, portal: PortalContext, payment: CustomerPayment
) -> list[PaymentAllocation]:
    """The invoices and retainer invoices a payment of the customer paid, with the amount paid on each."""
    return list(
        PaymentAllocation.objects.filter(organization=portal.organization, payment=payment)
        .select_related("invoice", "retainer_invoice")
        .order_by("date", "id")
    )


def payment_refunds_for_contact(*, portal: PortalContext, payment: CustomerPayment) -> list[Refund]:
    """What was paid back to the customer out of a payment's unused amount."""
    return list(
        Refund.objects.filter(
            organization=portal.organization, customer=portal.customer, payment=payment
        ).order_by("date", "id")
    )
