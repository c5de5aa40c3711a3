"""Quotes in the portal: the list, a quote's page, Accept, Decline and comments.

Every view loads the quote through ``quote_for_contact`` first (404 for anything not this customer's sent
quote), then calls one service. Accept and Decline answer a refused action (already decided, expired, revised
since the page was opened, or not saying which version it is about) with a message on the quote's page and change
nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portico.activity.selectors import comments_for
from portico.activity.viewing import document_viewed
from portico.sales.models import Quote
from portico.sales.services.quotes import quote_accept, quote_decline

from ..context import PortalContext, portal_page
from ..forms import QuoteDecisionForm
from ..listing import listing
from ..selectors.invoices import document_taxes
from ..selectors.quotes import (
    QUOTE_SORTS,
    quote_filters,
    quote_for_contact,
    quote_in_revision_for_contact,
    quote_is_open,
    quote_list_for_contact,
    quote_status_shown,
)
from .comments import comment_post

#: What the empty list says, per filter.
EMPTY = {
    "all": gettext_lazy("%(organization)s hasn’t sent you any quotes yet."),
    "open": gettext_lazy("No quotes are waiting for your decision."),
    "accepted": gettext_lazy("You haven’t accepted any quotes."),
    "declined": gettext_lazy("You haven’t declined any quotes."),
    "expired": gettext_lazy("None of your quotes has expired."),
    "invoiced": gettext_lazy("None of your quotes has been invoiced yet."),
}


def _detail_url(portal: PortalContext, quote_number: str) -> str:
    return reverse(
        "portal:quote-detail", kwargs={"slug": portal.organization.portal_slug, "number": quote_number}
    )


@portal_page
def quote_list(request: HttpRequest, portal: PortalContext) -> HttpResponse:
    today = portal.organization.today()
    quotes = listing(
        request, quote_list_for_contact(portal=portal), filters=quote_filters(today=today), sorts=QUOTE_SORTS
    )
    rows = list(quotes.page.object_list)
    for quote in rows:
        quote.shown_status = quote_status_shown(quote, today)
    empty = EMPTY.get(quotes.filter_value, EMPTY["all"]) % {"organization": portal.organization.name}
    return render(
        request,
        "portal/quotes/list.html",
        {"portal": portal, "nav": "quotes", "listing": quotes, "quotes": rows, "empty": empty},
    )


@portal_page
def quote_detail(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    quote = quote_for_contact(portal=portal, number=number)
    document_viewed(actor=portal.actor, document=quote)
    today = portal.organization.today()
    lines = list(quote.lines.all())
    slug = portal.organization.portal_slug
    return render(
        request,
        "portal/quotes/detail.html",
        {
            "portal": portal,
            "nav": "quotes",
            "quote": quote,
            "lines": lines,
            "taxes": document_taxes(lines),
            "shown_status": quote_status_shown(quote, today),
            "can_decide": quote_is_open(quote, today),
            "comments": comments_for(target=quote, portal=True),
            "comment_url": reverse("portal:quote-comment", kwargs={"slug": slug, "number": quote.number}),
        },
    )


def _quote_to_decide(
    request: HttpRequest, portal: PortalContext, number: str, form: QuoteDecisionForm
) -> Quote | HttpResponse:
    """The quote a contact decides on, as the version their page showed; a redirect when it is being revised,
    or when the decision does not say which version it is about."""
    try:
        quote = quote_for_contact(portal=portal, number=number)
    except Http404:
        if not quote_in_revision_for_contact(portal=portal, number=number):
            raise
        messages.error(
            request,
            _("%(organization)s is revising this quote; you can decide once they send the new version.")
            % {"organization": portal.organization.name},
        )
        return redirect("portal:quotes", slug=portal.organization.portal_slug)
    if not form.is_valid():
        messages.error(request, form.refusal())
        return redirect(_detail_url(portal, quote.number))
    quote.version = form.cleaned_data["version"]  # the service refuses a decision on another version
    return quote


def _decide(request: HttpRequest, portal: PortalContext, number: str, *, accept: bool) -> HttpResponse:
    form = QuoteDecisionForm(request.POST)
    quote = _quote_to_decide(request, portal, number, form)
    if isinstance(quote, HttpResponse):
        return quote
    try:
        if accept:
            quote_accept(quote=quote, actor=portal.actor)
        else:
            quote_decline(quote=quote, reason=form.cleaned_data["reason"], actor=portal.actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if accept:
            messages.success(
                request, _("You accepted quote %(number)s. Thank you!") % {"number": quote.number}
            )
        else:
            messages.success(
                request,
                _("You declined quote %(number)s. %(organization)s has been notified.")
                % {"number": quote.number, "organization": portal.organization.name},
            )
    return redirect(_detail_url(portal, quote.number))


@portal_page
@require_POST
def quote_accept_view(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    return _decide(request, portal, number, accept=True)


@portal_page
@require_POST
def quote_decline_view(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    return _decide(request, portal, number, accept=False)


@portal_page
@require_POST
def quote_comment(request: HttpRequest, portal: PortalContext, number: str) -> HttpResponse:
    quote = quote_for_contact(portal=portal, number=number)
    return comment_post(request, portal, target=quote, detail_url=_detail_url(portal, quote.number))
