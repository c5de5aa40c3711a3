"""Configure Customer Portal: which of a customer's contact persons may use the portal, and Reinvite.

Reached from three places on the customer's page (the "Configure Customer Portal" action, the gear next to the
portal status, "Invite to Portal" under the name). The views call the portal access services and nothing else.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portico.customers.models import ContactPerson, Customer, PortalAccess
from portico.customers.portal_access import (
    portal_access_disable,
    portal_access_invite,
    portal_access_reinvite,
)
from portico.office.admin.panels import admin_change_url
from portico.office.admin.tenancy import office_actor
from portico.office.forms import PortalAccessChanges, PortalAccessForm
from portico.organizations.models import Organization

#: Reinvite from the customer's page goes back there; from the Configure Customer Portal page, back to it.
BACK_TO_CUSTOMER = "customer"


def portal_address(organization: Organization) -> str:
    """The web address of the organization's portal, as contacts reach it."""
    base = getattr(settings, "PORTICO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/portal/{organization.portal_slug}/"


def portal_url(customer: Customer) -> str:
    return reverse("office:customers_customer_portal", args=[customer.pk])


def reinvite_url(customer: Customer, contact: ContactPerson, *, back_to_customer: bool = False) -> str:
    url = reverse("office:customers_customer_portal_reinvite", args=[customer.pk, contact.pk])
    return f"{url}?next={BACK_TO_CUSTOMER}" if back_to_customer else url


def preferences_url(organization: Organization) -> str:
    return reverse("office:organizations_organization_change", args=[organization.pk])


def can_reinvite(contact: ContactPerson, access: PortalAccess | None) -> bool:
    """Reinvite is for someone invited who may have missed the email, or whose access was disabled."""
    return (
        access is not None
        and bool(contact.email)
        and access.status in (PortalAccess.Status.INVITED, PortalAccess.Status.DISABLED)
    )


def _local_date(moment: datetime.datetime | None, organization: Organization) -> str:
    if moment is None:
        return ""
    try:
        zone = zoneinfo.ZoneInfo(organization.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = None
    return formats.localize(timezone.localtime(moment, zone).date())


def access_status_text(access: PortalAccess | None, organization: Organization) -> str:
    """One contact's portal status in words: not invited, invited on …, active since …, disabled on …."""
    if access is None:
        return _("Not invited")
    if access.status == PortalAccess.Status.ACTIVE:
        return _("Active since %(date)s") % {"date": _local_date(access.activated_at, organization)}
    if access.status == PortalAccess.Status.INVITED:
        return _("Invited on %(date)s") % {"date": _local_date(access.invited_at, organization)}
    return _("Disabled on %(date)s") % {"date": _local_date(access.disabled_at, organization)}


def access_date(access: PortalAccess | None, organization: Organization) -> str:
    """When the contact accepted, or else when they were last invited."""
    if access is None:
        return ""
    return _local_date(access.activated_at or access.invited_at, organization)


def _customer_for(request: HttpRequest, object_id: str, model_admin) -> Customer:
    """The staff member's own organization's customer, or 404 (another organization's looks like none)."""
    customer = model_admin.get_object(request, unquote(object_id))
    if customer is None or not model_admin.has_change_permission(request, customer):
        raise Http404(_("Not found."))
    return customer


def _contacts(customer: Customer) -> list[ContactPerson]:
    return list(ContactPerson.objects.filter(customer=customer).select_related("portal_access"))


def _names(people) -> str:
    return ", ".join(person.full_name for person in people)


def portal_access_apply(*, changes: PortalAccessChanges, actor) -> None:
    """All or nothing: a refusal half-way leaves everyone's access as it was (and sends no email)."""
    with transaction.atomic():
        for contact in changes.invite:
            portal_access_invite(contact=contact, actor=actor)
        for access in changes.disable:
            portal_access_disable(access=access, actor=actor)


def _summary(changes: PortalAccessChanges) -> str:
    parts = [_("Portal access saved.")]
    if changes.invite:
        parts.append(_("Invited: %(names)s.") % {"names": _names(changes.invite)})
    if changes.disable:
        parts.append(_("Access disabled: %(names)s.") % {"names": _names(a.contact for a in changes.disable)})
    return " ".join(parts)


def _context(request: HttpRequest, model_admin, customer: Customer, title: str) -> dict:
    organization = customer.organization
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": customer,
        "title": title,
        "customer_url": admin_change_url(customer),
        "portal_url": portal_url(customer),
        "portal_address": portal_address(organization),
        "portal_enabled": organization.portal_enabled,
        "preferences_url": preferences_url(organization),
    }


def _confirm(request, model_admin, customer, changes: PortalAccessChanges) -> HttpResponse:
    """Disabling ends sessions at once: say who loses access, and ask before doing it."""
    carried = [
        (name, value)
        for name in request.POST
        if name.startswith("contact_")
        for value in request.POST.getlist(name)
    ]
    context = {
        **_context(request, model_admin, customer, _("Disable portal access?")),
        "changes": changes,
        "carried": carried,
        "disable_ids": [access.contact_id for access in changes.disable],
    }
    return TemplateResponse(request, "office/portal_access_confirm.html", context)


def portal_access_view(request: HttpRequest, object_id: str, *, model_admin) -> HttpResponse:
    """The Configure Customer Portal page: tick who may use the portal, untick to take access away."""
    customer = _customer_for(request, object_id, model_admin)
    organization = customer.organization
    form = PortalAccessForm(
        request.POST if request.method == "POST" else None,
        contacts=_contacts(customer),
        portal_enabled=organization.portal_enabled,
    )
    if request.method == "POST":
        if not organization.portal_enabled:
            messages.error(
                request,
                _(
                    "The customer portal is turned off for your organization, so portal access cannot be "
                    "changed. Turn it on in the portal preferences first."
                ),
            )
            return HttpResponseRedirect(portal_url(customer))
        if form.is_valid():
            changes = form.changes()
            if not changes:
                messages.info(request, _("Nothing changed: portal access is as it was."))
                return HttpResponseRedirect(admin_change_url(customer))
            confirmed = set(request.POST.getlist("confirm_disable"))
            if changes.disable and confirmed != {str(a.contact_id) for a in changes.disable}:
                return _confirm(request, model_admin, customer, changes)
            try:
                portal_access_apply(changes=changes, actor=office_actor(request))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                form = PortalAccessForm(
                    request.POST, contacts=_contacts(customer), portal_enabled=organization.portal_enabled
                )
            else:
                messages.success(request, _summary(changes))
                return HttpResponseRedirect(admin_change_url(customer))
    title = _("Configure Customer Portal: %(name)s") % {"name": customer.display_name}
    context = {
        **_context(request, model_admin, customer, title),
        "form": form,
        "rows": [
            {
                "contact": contact,
                "field": field,
                "status": access_status_text(access, organization),
                "reinvite_url": reinvite_url(customer, contact) if can_reinvite(contact, access) else None,
            }
            for contact, access, field in form.rows()
        ],
    }
    return TemplateResponse(request, "office/portal_access.html", context)


def portal_access_reinvite_view(
    request: HttpRequest, object_id: str, contact_id: int, *, model_admin
) -> HttpResponse:
    """Reinvite: a fresh invitation for one contact; the link sent before stops working."""
    customer = _customer_for(request, object_id, model_admin)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    access = get_object_or_404(
        PortalAccess.objects.select_related("contact"), customer=customer, contact_id=contact_id
    )
    try:
        portal_access_reinvite(access=access, actor=office_actor(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("A new invitation is on its way to %(name)s (%(email)s); the link sent before no longer works.")
            % {"name": access.contact.full_name, "email": access.contact.email},
        )
    if request.GET.get("next") == BACK_TO_CUSTOMER:
        return HttpResponseRedirect(admin_change_url(customer))
    return HttpResponseRedirect(portal_url(customer))
