"""Who is asking, in the portal: the organization of the URL and the contact's access to it.

Every portal view begins here. ``portal_page`` lets a view run only for a logged-in person with active access to
this organization's portal and hands it a ``PortalContext``; everything the view shows is read through selectors
that take that context, so a view never builds an unscoped query. ``portal_public`` is for the few pages a
visitor sees before logging in (login, sign-up, password reset); they get the organization only.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from portico.actors import Actor
from portico.customers.models import ContactPerson, Customer, PortalAccess
from portico.organizations.models import Organization, PortalSlugRedirect

#: Session key holding, per organization id, the access a person chose when they have several there.
SESSION_ACCESS_KEY = "portal_access"

#: Modules an organization can hide in its portal preferences, by the preference that shows them.
OPTIONAL_MODULES = {
    "sales_orders": "portal_show_sales_orders",
    "projects": "portal_show_projects",
}


@dataclass(frozen=True)
class PortalContext:
    """One contact's view of one organization's portal."""

    organization: Organization
    access: PortalAccess

    @property
    def customer(self) -> Customer:
        return self.access.customer

    @property
    def contact(self) -> ContactPerson:
        return self.access.contact

    @property
    def actor(self) -> Actor:
        """The contact, as the services' actor.

        Its customer and organization are the ones this context holds, so a service acting for the contact reads
        them without another query.
        """
        contact, customer = self.contact, self.customer
        contact.customer = customer
        customer.organization = self.organization
        return Actor.for_contact(contact, user=self.access.user)

    def shows(self, module: str) -> bool:
        """Whether the organization shows an optional module (sales orders, projects) in its portal."""
        return bool(getattr(self.organization, OPTIONAL_MODULES[module]))


def _organization_for_slug(request: HttpRequest, slug: str) -> Organization | HttpResponse:
    """The organization whose portal the URL names; an old address redirects, an unknown one is 404."""
    organization = Organization.objects.filter(portal_slug=slug).first()
    if organization is None:
        moved = PortalSlugRedirect.objects.select_related("organization").filter(slug=slug).first()
        if moved is None:
            raise Http404
        prefix = f"/portal/{slug}/"
        path = request.path
        if not path.startswith(prefix):
            raise Http404
        target = f"/portal/{moved.organization.portal_slug}/{path[len(prefix) :]}"
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        if request.method in ("GET", "HEAD"):
            return HttpResponseRedirect(target)
        return HttpResponseRedirect(target, status=307)  # a form posted to the old address keeps its data
    if not organization.portal_enabled:
        raise Http404
    return organization


def portal_context_for(request: HttpRequest, organization: Organization) -> PortalContext | None:
    """The logged-in person's active access to this organization's portal, or None.

    Checked on every request, so disabling an access (or deactivating the customer) ends open sessions at once.
    """
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    accesses = list(
        PortalAccess.objects.select_related("customer", "contact")
        .filter(
            organization=organization,
            user=user,
            status=PortalAccess.Status.ACTIVE,
            customer__is_active=True,
        )
        .order_by("customer__display_name", "pk")
    )
    if not accesses:
        return None
    chosen = request.session.get(SESSION_ACCESS_KEY, {}).get(str(organization.pk))
    access = next((a for a in accesses if a.pk == chosen), accesses[0])
    access.organization = organization
    access.user = user
    return PortalContext(organization=organization, access=access)


def portal_access_choose(request: HttpRequest, access: PortalAccess) -> None:
    """Remember which of the person's accesses to an organization's portal they are working with."""
    chosen = dict(request.session.get(SESSION_ACCESS_KEY, {}))
    chosen[str(access.organization_id)] = access.pk
    request.session[SESSION_ACCESS_KEY] = chosen


def _in_organization_time(organization: Organization, view: Callable[[], HttpResponse]) -> HttpResponse:
    try:
        zone = zoneinfo.ZoneInfo(organization.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return view()
    with timezone.override(zone):
        return view()


def login_url(organization: Organization, next_path: str | None = None) -> str:
    url = reverse("portal:login", kwargs={"slug": organization.portal_slug})
    if next_path:
        url += "?" + urlencode({"next": next_path})
    return url


def portal_page(view=None, *, module: str | None = None):
    """A page for a logged-in contact of this portal: ``view(request, portal, **kwargs)``.

    Anyone else is sent to the portal's login page; a module the organization hides answers 404. What a
    contact sees is theirs alone: no browser history, shared computer or proxy keeps a copy (``no-store``,
    ``private``), as in the back office.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
            organization = _organization_for_slug(request, slug)
            if isinstance(organization, HttpResponse):
                return organization
            portal = portal_context_for(request, organization)
            if portal is None:
                return redirect(login_url(organization, request.get_full_path()))
            if module is not None and not portal.shows(module):
                raise Http404
            request.portal = portal
            response = _in_organization_time(organization, lambda: view(request, portal, **kwargs))
            add_never_cache_headers(response)
            return response

        wrapped.portal_scope = "contact"
        return wrapped

    return decorator(view) if view is not None else decorator


def portal_public(view):
    """A page of the portal a visitor sees before logging in: ``view(request, organization, **kwargs)``."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
        organization = _organization_for_slug(request, slug)
        if isinstance(organization, HttpResponse):
            return organization
        request.portal_organization = organization
        return _in_organization_time(organization, lambda: view(request, organization, **kwargs))

    wrapped.portal_scope = "public"
    return wrapped
