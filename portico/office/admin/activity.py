"""The activity trail: comments, the notification feed, and the audit log (all read-only here)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portico.activity.models import AuditEvent, Comment, Notification
from portico.activity.services import notification_mark_read
from portico.office.site import office_site

from .base import OrgScopedAdmin, StatusAction, StatusActionsMixin, admin_change_url, request_organization


class ReadOnlyAdmin(OrgScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _target_link(obj):
    target = obj.target
    if target is None:
        return ""
    return admin_change_url(target)


@admin.register(Comment, site=office_site)
class CommentAdmin(ReadOnlyAdmin):
    """Comments are added on a document's or project's page; here staff read them all."""

    list_display = ("created_at", "target_label", "customer", "author", "excerpt", "display_in_portal")
    list_filter = ("display_in_portal", "customer")
    list_select_related = ("customer", "author_user", "author_contact", "content_type")
    search_fields = ("body", "customer__display_name")
    ordering = ("-created_at", "-id")
    fields = ("created_at", "target_label", "customer", "author", "body", "display_in_portal")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    @admin.display(description=gettext_lazy("on"))
    def target_label(self, obj):
        return f"{obj.content_type.name} {obj.target}" if obj.target is not None else obj.content_type.name

    @admin.display(description=gettext_lazy("author"))
    def author(self, obj):
        return obj.author_name

    @admin.display(description=gettext_lazy("comment"))
    def excerpt(self, obj):
        return obj.body[:80]


@admin.action(description=gettext_lazy("Mark as read"))
def mark_read(modeladmin, request, queryset):
    count = notification_mark_read(organization=request_organization(request), notifications=list(queryset))
    modeladmin.message_user(
        request,
        ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
        % {"count": count},
        messages.SUCCESS,
    )


def _mark_one_read(request, notification, data):
    notification_mark_read(organization=notification.organization, notifications=[notification])


@admin.register(Notification, site=office_site)
class NotificationAdmin(StatusActionsMixin, ReadOnlyAdmin):
    list_display = ("created_at", "kind", "message", "customer", "is_read")
    list_filter = ("kind", "customer")
    list_select_related = ("customer",)
    search_fields = ("message",)
    ordering = ("-created_at", "-id")
    actions = [mark_read]
    fields = ("created_at", "kind", "message", "customer", "read_at", "emailed_at")
    readonly_fields = fields
    status_actions = (
        StatusAction(
            "mark-read",
            gettext_lazy("Mark as read"),
            _mark_one_read,
            lambda n: n.read_at is None,
            success=gettext_lazy("Notification marked read."),
        ),
    )

    @admin.display(description=gettext_lazy("read"), boolean=True)
    def is_read(self, obj):
        return obj.read_at is not None

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def extra_change_context(self, request, obj) -> dict:
        if obj.content_type_id and obj.target is not None:
            return {
                "office_links": [(_("Open %(name)s") % {"name": obj.target}, admin_change_url(obj.target))]
            }
        return {}


@admin.register(AuditEvent, site=office_site)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "object_repr", "actor", "customer", "ip_address")
    list_filter = ("action", "customer")
    list_select_related = ("actor_user", "actor_contact", "customer")
    search_fields = ("action", "object_repr")
    ordering = ("-created_at", "-id")
    fields = ("created_at", "action", "object_repr", "actor", "customer", "data", "ip_address")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("by"))
    def actor(self, obj):
        return obj.actor_name
