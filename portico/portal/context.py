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
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare

from portico.actors import Actor
from portico.customers.models import ContactPerson, Customer, PortalAccess
from portico.customers.selectors import portal_accesses_for_user
from portico.organizations.models import Organization, PortalSlugRedirect

Document = TypeVar("Document", bound=models.Model)

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
    #: Every active portal access of the person, in every organization, when they were loaded with this context
    #: (the sidebar's switcher lists the others); None otherwise.
    accesses: tuple[PortalAccess, ...] | None = field(default=None, compare=False)

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

    def attach(self, document: Document) -> Document:
        """``document``, read through this context's scope, given the context's customer and organization, so
        that what reads them later (a service, a notification) needs no query."""
        document.customer = self.customer
        document.organization = self.organization
        return document

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
    return _context(request, organization, accesses)


def _context(
    request: HttpRequest,
    organization: Organization,
    accesses: list[PortalAccess],
    everywhere: tuple[PortalAccess, ...] | None = None,
) -> PortalContext:
    """The context of the access the person chose among their ``accesses`` to ``organization`` (the first one
    unless they chose another)."""
    chosen = request.session.get(SESSION_ACCESS_KEY, {}).get(str(organization.pk))
    access = next((a for a in accesses if a.pk == chosen), accesses[0])
    access.organization = organization
    access.user = request.user
    return PortalContext(organization=organization, access=access, accesses=everywhere)


#: The backend whose ``get_user`` ``_accesses_of_session_user`` does in the same query (and checks the same way).
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _accesses_of_session_user(request: HttpRequest) -> tuple[PortalAccess, ...]:
    """The active portal accesses, in every organization, of the person the session is logged in as, each with its
    organization, customer and contact: one query, which also loads the user.

    Django's authentication would load the user in a query of its own; here the user comes with the accesses, is
    checked as Django checks it (it still exists and is active, and the session's hash matches its password) and
    becomes ``request.user``. Anything else (no access at all, a session signed with an older secret, another
    backend) is left to Django: the result is empty and ``request.user`` loads as usual.
    """
    if "_cached_user" in request.__dict__:  # the user is loaded already
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return ()
        return tuple(portal_accesses_for_user(user=user))
    session = request.session
    if (
        session.get(BACKEND_SESSION_KEY) != _MODEL_BACKEND
        or _MODEL_BACKEND not in settings.AUTHENTICATION_BACKENDS
    ):
        return ()
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
    except (KeyError, ValidationError):
        return ()
    accesses = tuple(portal_accesses_for_user(user=user_id).select_related("user"))
    if not accesses:
        return ()
    user, session_hash = accesses[0].user, session.get(HASH_SESSION_KEY)
    if not (
        user.is_active and session_hash and constant_time_compare(session_hash, user.get_session_auth_hash())
    ):
        return ()
    for access in accesses:
        access.user = user
    request.user = request._cached_user = user
    return accesses


def _portal_context_for_slug(request: HttpRequest, slug: str) -> PortalContext | None:
    """The logged-in person's context in the portal the URL names, read with their user in one query; None when
    they have no active access to an enabled portal of that slug."""
    everywhere = _accesses_of_session_user(request)
    here = [access for access in everywhere if access.organization.portal_slug == slug]
    if not here:
        return None
    return _context(request, here[0].organization, here, everywhere)


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
            portal = _portal_context_for_slug(request, slug)
            if portal is None:  # an old address, a portal turned off, or nobody with access: say which
                organization = _organization_for_slug(request, slug)
                if isinstance(organization, HttpResponse):
                    return organization
                portal = portal_context_for(request, organization)
                if portal is None:
                    return redirect(login_url(organization, request.get_full_path()))
            organization = portal.organization
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
