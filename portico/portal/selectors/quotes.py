"""A portal contact's quotes: only their customer's, and only those the business has sent.

A draft (a new quote, or a declined one being revised) is the business's work in progress: the portal
answers 404 for it exactly as for another customer's quote.
"""

from __future__ import annotations

import datetime

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from portico.portal.context import PortalContext
from portico.portal.listing import Choice
from portico.sales.models import Quote

S = Quote.Status

#: The sorts of the quote list; each ends with a unique field so that pages never overlap.
QUOTE_SORTS = (
    Choice("date", _("Date (newest first)"), ("-date", "-id")),
    Choice("number", _("Quote number (newest first)"), ("-number", "-id")),
    Choice("expiry", _("Expiry date (soonest first)"), (F("expiry_date").asc(nulls_last=True), "-id")),
    Choice("amount", _("Amount (highest first)"), ("-total", "-id")),
)


def quote_filters(*, today: datetime.date) -> tuple[Choice, ...]:
    """The status filter of the quote list, on the organization's date ``today``. A sent quote past its expiry
    date counts as expired, before ``manage.py quotes_expire`` marks it so."""
    return (
        Choice("all", _("All quotes"), None),
        Choice("open", _("Open"), Quote.open_condition(today)),
        Choice("accepted", _("Accepted"), Q(status=S.ACCEPTED)),
        Choice("declined", _("Declined"), Q(status=S.DECLINED)),
        Choice("expired", _("Expired"), Quote.expired_condition(today)),
        Choice("invoiced", _("Invoiced"), Q(status=S.INVOICED)),
    )


def quote_list_for_contact(*, portal: PortalContext) -> QuerySet[Quote]:
    """The portal customer's quotes that were sent to them, newest first (backed by ``quote_customer_date``)."""
    return (
        Quote.objects.filter(organization=portal.organization, customer=portal.customer)
        .visible_to_customer()
        .order_by("-date", "-id")
    )


def quote_for_contact(*, portal: PortalContext, number: str) -> Quote:
    """The portal customer's sent quote with this number, its lines prefetched; 404 for anything else."""
    quote = quote_list_for_contact(portal=portal).prefetch_related("lines").filter(number=number).first()
    if quote is None:
        raise Http404
    return portal.attach(quote)


def quote_in_revision_for_contact(*, portal: PortalContext, number: str) -> bool:
    """Whether the customer's quote with this number was sent once and is back in draft being revised.

    Lets an Accept or Decline from a page opened before the revision say so instead of answering 404.
    """
    return Quote.objects.filter(
        organization=portal.organization,
        customer=portal.customer,
        number=number,
        status=S.DRAFT,
        version__gt=1,
    ).exists()


def quote_is_open(quote: Quote, today: datetime.date) -> bool:
    """Whether the contact can still accept or decline the quote: sent and not past its expiry date."""
    return quote.can_decide(today)


def quote_status_shown(quote: Quote, today: datetime.date) -> tuple[str, str]:
    """The status the contact sees, as (value for styling, label): a sent quote is "Open" until it expires."""
    if quote.is_open(today):
        return "open", str(_("Open"))
    status = quote.display_status(today)
    return status, str(S(status).label)
