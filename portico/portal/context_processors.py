"""What every portal page's layout shows: the sidebar's modules and the person's other accesses."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portico.customers.selectors import portal_accesses_for_user

#: The sidebar, in order: (name in the URL config and in ``nav``, label, optional module it needs).
MODULES = (
    ("home", _("Home"), None),
    ("quotes", _("Quotes"), None),
    ("invoices", _("Invoices"), None),
    ("payments", _("Payments Made"), None),
    ("sales-orders", _("Sales Orders"), "sales_orders"),
    ("projects", _("Projects"), "projects"),
    ("timesheets", _("Timesheet"), "projects"),
    ("statements", _("Statements"), None),
)


def portal(request) -> dict:
    context = getattr(request, "portal", None)
    if context is None:
        return {}
    slug = context.organization.portal_slug
    modules = [
        {"nav": name, "label": label, "url": reverse(f"portal:{name}", kwargs={"slug": slug})}
        for name, label, module in MODULES
        if module is None or context.shows(module)
    ]
    accesses = context.accesses  # loaded with the context, in the same query as the user
    if accesses is None:
        accesses = portal_accesses_for_user(user=request.user)
    others = [access for access in accesses if access.pk != context.access.pk]
    return {"portal_modules": modules, "portal_other_accesses": others}
