"""Puts the staff user's organization on the request, so every back-office query can be scoped to it."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from portico.organizations.selectors import organization_for_staff


class OfficeOrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = SimpleLazyObject(lambda: organization_for_staff(user=request.user))
        return self.get_response(request)
