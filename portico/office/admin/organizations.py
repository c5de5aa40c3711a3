"""The organization's own settings, its document number series, and its staff."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from portico.office import portal_access
from portico.office.forms import NumberSeriesForm, OrganizationSettingsForm
from portico.office.site import office_site
from portico.organizations.models import Membership, NumberSeries, Organization
from portico.organizations.services import (
    ORGANIZATION_SETTINGS_FIELDS,
    number_series_update,
    organization_update,
)

from .tenancy import OrgScopedAdmin, adopt, office_actor, request_organization


@admin.register(Organization, site=office_site)
class OrganizationAdmin(OrgScopedAdmin):
    """Staff edit their own organization's settings; there is no list of organizations."""

    form = OrganizationSettingsForm
    fieldsets = (
        (None, {"fields": ("name", "email", "phone", "website", "address", "tax_id")}),
        (
            gettext_lazy("Defaults"),
            {
                "fields": (
                    "base_currency",
                    "timezone",
                    "locale",
                    "default_tax",
                    "payment_terms_days",
                    "payment_instructions",
                )
            },
        ),
        (
            gettext_lazy("Customer portal"),
            {
                "fields": (
                    "portal_slug",
                    "portal_address",
                    "portal_enabled",
                    "logo",
                    "portal_show_sales_orders",
                    "portal_show_projects",
                    "portal_allow_reviews",
                    "portal_allow_forwarding",
                    "portal_banner",
                )
            },
        ),
        (
            gettext_lazy("Portal invitation email"),
            {
                "fields": ("portal_invitation_subject", "portal_invitation_message"),
                "description": gettext_lazy(
                    "What a contact person receives when you give them portal access or reinvite them."
                ),
            },
        ),
        (
            gettext_lazy("Notifications"),
            {
                "fields": (
                    "notify_quote_decision",
                    "notify_comment",
                    "notify_payment",
                    "notify_first_view",
                    "notify_details_update",
                    "notify_timesheet_decision",
                )
            },
        ),
    )
    readonly_fields = ("portal_address",)

    @admin.display(description=gettext_lazy("portal’s web address"))
    def portal_address(self, obj):
        address = portal_access.portal_address(obj)
        return format_html('<a href="{}">{}</a>', address, address)

    def changelist_view(self, request, extra_context=None):
        organization = request_organization(request)
        return HttpResponseRedirect(
            reverse("office:organizations_organization_change", args=[organization.pk])
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in ORGANIZATION_SETTINGS_FIELDS
        }
        adopt(obj, organization_update(organization=obj, actor=office_actor(request), **fields))


@admin.register(NumberSeries, site=office_site)
class NumberSeriesAdmin(OrgScopedAdmin):
    """Each document kind's prefix and padding; the next number only moves when a document takes it."""

    form = NumberSeriesForm
    fields = ("kind", "prefix", "padding", "next_number", "preview")
    readonly_fields = ("kind", "next_number", "preview")
    list_display = ("kind", "prefix", "padding", "next_number", "preview")
    ordering = ("kind",)

    @admin.display(description=gettext_lazy("next number"))
    def preview(self, obj):
        return obj.format(obj.next_number)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = number_series_update(
            series=obj,
            prefix=form.cleaned_data["prefix"],
            padding=form.cleaned_data["padding"],
            actor=office_actor(request),
        )
        adopt(obj, saved)


@admin.register(Membership, site=office_site)
class MembershipAdmin(OrgScopedAdmin):
    """Who works in this back office (read-only)."""

    list_display = ("user", "email", "role", "created_at")
    list_select_related = ("user",)
    list_filter = ("role",)
    search_fields = ("user__email", "user__full_name")
    fields = ("user", "email", "role", "created_at")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("email address"))
    def email(self, obj):
        return obj.user.email

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
