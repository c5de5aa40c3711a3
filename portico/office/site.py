"""The back office: Django's admin, made organization-aware."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class OfficeSite(admin.AdminSite):
    site_header = _("Portico back office")
    site_title = _("Portico")
    index_title = _("Back office")

    def has_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff and request.organization)


office_site = OfficeSite(name="office")
