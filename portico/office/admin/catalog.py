"""Taxes and items the organization sells."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext as _

from portico.catalog.models import Item, Tax
from portico.money import format_unit_price
from portico.office.forms import OfficeModelForm
from portico.office.site import office_site

from .tenancy import OrgScopedAdmin, request_organization


@admin.register(Tax, site=office_site)
class TaxAdmin(OrgScopedAdmin):
    form = OfficeModelForm
    fields = ("name", "rate", "is_active")
    list_display = ("name", "rate", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    ordering = ("name",)


@admin.register(Item, site=office_site)
class ItemAdmin(OrgScopedAdmin):
    form = OfficeModelForm
    fields = ("name", "kind", "description", "unit", "rate", "tax", "is_active")
    list_filter = ("kind", "is_active", "tax")
    list_select_related = ("tax",)
    search_fields = ("name", "description")
    ordering = ("name",)

    def get_list_display(self, request):
        organization = request_organization(request)

        def rate(obj):
            return format_unit_price(obj.rate, organization.base_currency, locale=organization.locale)

        rate.short_description = _("Rate")
        rate.admin_order_field = "rate"
        return ["name", "kind", "unit", rate, "tax", "is_active"]
