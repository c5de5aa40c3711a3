"""The back office: Django's admin, made organization-aware."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portico.office.forms import OfficeAuthenticationForm


class OfficeSite(admin.AdminSite):
    site_header = _("Portico back office")
    site_title = _("Portico")
    index_title = _("Back office")
    login_form = OfficeAuthenticationForm
    enable_nav_sidebar = True
    site_url = None  # no "View site" link: the back office is the site staff use

    def has_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff and request.organization)

    def each_context(self, request):
        context = super().each_context(request)
        organization = getattr(request, "organization", None)
        context["office_organization"] = organization if organization else None
        return context


office_site = OfficeSite(name="office")
