"""Error pages a person can find their way back from: inside a portal they carry its name and lead to its login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import reverse

from portico.organizations.models import Organization, slug_validator

SLUG = slug_validator.regex


def _portal_of(request: HttpRequest) -> Organization | None:
    """The organization whose portal the failed address was in, if it names one that is open."""
    parts = request.path.split("/")
    if len(parts) < 3 or parts[1] != "portal" or not SLUG.fullmatch(parts[2]):
        return None  # not a portal address (and nothing to look up: PostgreSQL refuses a NUL byte)
    return Organization.objects.filter(portal_slug=parts[2], portal_enabled=True).first()


def _page(request: HttpRequest, template: str, status: int, **context) -> HttpResponse:
    organization = _portal_of(request)
    if organization is not None:
        back = reverse("portal:home", kwargs={"slug": organization.portal_slug})
    else:
        back = reverse("office:index")
    context.update({"organization": organization, "back_url": back})
    return HttpResponse(loader.render_to_string(template, context, request), status=status)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, "errors/404.html", 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page that is too old, or from another tab that logged in or out meanwhile."""
    return _page(request, "errors/403_csrf.html", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No database, no context processors: whatever failed may fail again.
    return HttpResponse(loader.render_to_string("errors/500.html", {}), status=500)
