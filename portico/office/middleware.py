"""Puts the staff user's organization on the request, so every back-office query can be scoped to it, and
works in the organization's time zone, so "today" and every time shown are the organization's."""

from __future__ import annotations

import zoneinfo

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from portico.organizations.selectors import organization_for_staff


class OfficeOrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = SimpleLazyObject(lambda: organization_for_staff(user=request.user))
        # The path first: elsewhere (the portal) the user is loaded with what the page reads, not here.
        if not request.path.startswith(reverse("office:index")) or not request.user.is_authenticated:
            return self.get_response(request)
        organization = request.organization
        try:
            zone = zoneinfo.ZoneInfo(organization.timezone) if organization else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is None:
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
