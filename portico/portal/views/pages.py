"""The portal's pages, one per module of the sidebar."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portico.overview import customer_balances

from ..context import PortalContext, portal_page


@portal_page
def home(request: HttpRequest, portal: PortalContext) -> HttpResponse:
    balances = customer_balances(customer=portal.customer, today=portal.organization.today())
    contacts = portal.customer.contact_persons.order_by("-is_primary", "first_name", "last_name")
    return render(
        request,
        "portal/pages/home.html",
        {"portal": portal, "balances": balances, "contacts": contacts, "nav": "home"},
    )


def _module(nav: str, title, empty):
    """A module page that lists the customer's documents of one kind; the lists themselves come module by module."""

    def view(request: HttpRequest, portal: PortalContext) -> HttpResponse:
        return render(
            request,
            "portal/pages/module.html",
            {
                "portal": portal,
                "nav": nav,
                "title": title,
                "empty": empty % {"organization": portal.organization.name},
            },
        )

    view.__name__ = nav.replace("-", "_")
    return view


projects = portal_page(
    _module("projects", _("Projects"), _("Projects %(organization)s runs for you will be listed here.")),
    module="projects",
)
statements = portal_page(
    _module(
        "statements",
        _("Statements"),
        _("Statements of your account with %(organization)s will be available here."),
    )
)
