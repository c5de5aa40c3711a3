"""The back office: Django's admin, made organization-aware."""

from __future__ import annotations

import functools

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portico.accounts.throttle import client_ip
from portico.office.forms import OfficeAuthenticationForm, OfficePasswordChangeForm


class OfficeSite(admin.AdminSite):
    site_header = _("Portico back office")
    site_title = _("Portico")
    index_title = _("Back office")
    login_form = OfficeAuthenticationForm
    enable_nav_sidebar = True
    site_url = None  # no "View site" link: the back office is the site staff use

    def password_change(self, request, extra_context=None):
        """Django's page, with a form that throttles guesses of the old password like logins."""
        from django.contrib.auth.views import PasswordChangeView

        view = PasswordChangeView.as_view(
            form_class=functools.partial(OfficePasswordChangeForm, ip=client_ip(request)),
            success_url=reverse("office:password_change_done"),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )
        request.current_app = self.name
        return view(request)

    def get_urls(self):
        # Django's "view on site" shortcut (r/<content type>/<id>/) looks a record up in every organization's rows:
        # the back office links to records through their organization-scoped pages instead.
        return [url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"]

    def has_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff and request.organization)

    def each_context(self, request):
        context = super().each_context(request)
        organization = getattr(request, "organization", None)
        context["office_organization"] = organization if organization else None
        return context


office_site = OfficeSite(name="office")
