"""The activity trail: comments (staff correct or delete their own kind), the notification feed, reviews, "Viewed"
markers and the audit log (read-only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portico.activity.models import AuditEvent, Comment, Notification, Review, ViewEvent
from portico.activity.notifications import notification_mark_read
from portico.activity.services import comment_delete, comment_update
from portico.customers.models import PortalAccess
from portico.office import portal_access
from portico.office.forms import OfficeModelForm
from portico.office.site import office_site

from .actions import TO_CHANGELIST, StatusAction, StatusActionsMixin
from .panels import RETURN_TO_DOCUMENT, admin_change_url
from .tenancy import OrgScopedAdmin, adopt, office_actor, request_organization


class ReadOnlyAdmin(OrgScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def is_staff_comment(comment: Comment) -> bool:
    """Staff comments can be corrected or deleted; what a customer's contact wrote stays as they wrote it."""
    return comment.author_contact_id is None


def _delete_comment(request, comment, data):
    target = comment.target
    comment_delete(comment=comment, actor=office_actor(request))
    return target if target is not None else TO_CHANGELIST


@admin.register(Comment, site=office_site)
class CommentAdmin(StatusActionsMixin, OrgScopedAdmin):
    """Comments are added on a document's or project's page; here staff read them all and correct their own."""

    form = OfficeModelForm
    list_display = ("created_at", "target_label", "customer", "author", "excerpt", "display_in_portal")
    list_filter = ("display_in_portal", "customer")
    list_select_related = ("customer", "author_user", "author_contact", "content_type")
    search_fields = ("body", "customer__display_name")
    ordering = ("-created_at", "-id")
    fields = ("created_at", "target_label", "customer", "author", "body", "display_in_portal")
    editable_fields = ("body", "display_in_portal")
    status_actions = (
        StatusAction(
            "delete",
            gettext_lazy("Delete"),
            _delete_comment,
            is_staff_comment,
            confirm=True,
            destructive=True,
            success=gettext_lazy("The comment was deleted."),
            help_text=gettext_lazy("The comment disappears from the back office and from the portal."),
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or is_staff_comment(obj))

    def has_delete_permission(self, request, obj=None):
        return False  # deleted one at a time, from the comment's page, through the service

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            return [name for name in self.fields if name not in self.editable_fields]
        return self.fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in self.editable_fields}
        if fields:
            # The service reads the comment afresh under its lock; ``obj`` only lends its id.
            adopt(obj, comment_update(comment=obj, actor=office_actor(request), **fields))

    def response_change(self, request, obj):
        if (
            request.GET.get("return") == RETURN_TO_DOCUMENT
            and obj.target is not None
            and "_save" in request.POST
        ):
            self.message_user(request, _("The comment was saved."), messages.SUCCESS)
            return HttpResponseRedirect(admin_change_url(obj.target) + "#comments")
        return super().response_change(request, obj)

    @admin.display(description=gettext_lazy("on"))
    def target_label(self, obj):
        return _target_label(obj)

    @admin.display(description=gettext_lazy("author"))
    def author(self, obj):
        return obj.author_name

    @admin.display(description=gettext_lazy("comment"))
    def excerpt(self, obj):
        return obj.body[:80]

    def extra_change_context(self, request, obj) -> dict:
        if obj.target is not None:
            return {
                "office_links": [(_("Open %(name)s") % {"name": obj.target}, admin_change_url(obj.target))]
            }
        return {}


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
            return {"office_links": target_links(obj.target)}
        return {}


def target_links(target) -> list[tuple[str, str]]:
    """Where the record a notification is about opens in the back office.

    A contact's portal access has no page of its own: its customer's page and portal settings stand for it.
    Any other record without a page of its own leads to its customer, if it has one.
    """
    if isinstance(target, PortalAccess):
        customer = target.customer
        return [
            (_("Open %(name)s") % {"name": customer}, admin_change_url(customer)),
            (_("Configure Customer Portal"), portal_access.portal_url(customer)),
        ]
    try:
        return [(_("Open %(name)s") % {"name": target}, admin_change_url(target))]
    except NoReverseMatch:
        customer = getattr(target, "customer", None)
        if customer is None:
            return []
        return [(_("Open %(name)s") % {"name": customer}, admin_change_url(customer))]


#: Audit actions staff look for by name; any other action shows its code.
AUDIT_ACTION_LABELS = {
    "portal_access.invited": gettext_lazy("Invited to the portal"),
    "portal_access.reinvited": gettext_lazy("Reinvited to the portal (earlier link void)"),
    "portal_access.disabled": gettext_lazy("Portal access disabled"),
    "portal_access.accepted": gettext_lazy("Portal invitation accepted"),
    "portal_access.invitation_requested": gettext_lazy("New portal invitation requested"),
    "portal.password_changed": gettext_lazy("Portal password changed"),
    "portal.password_reset": gettext_lazy("Portal password reset by email"),
    "portal.login_failed": gettext_lazy("Failed portal login"),
    "office.login_failed": gettext_lazy("Failed back-office login"),
}


@admin.register(AuditEvent, site=office_site)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "what", "object_repr", "actor", "customer", "ip_address")
    list_filter = ("action", "customer")
    list_select_related = ("actor_user", "actor_contact", "customer")
    search_fields = ("action", "object_repr")
    ordering = ("-created_at", "-id")
    fields = ("created_at", "what", "action", "object_repr", "actor", "customer", "data", "ip_address")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("what happened"), ordering="action")
    def what(self, obj):
        return AUDIT_ACTION_LABELS.get(obj.action, obj.action)

    @admin.display(description=gettext_lazy("by"))
    def actor(self, obj):
        return obj.actor_display


def _target_label(obj) -> str:
    return f"{obj.content_type.name} {obj.target}" if obj.target is not None else obj.content_type.name


@admin.register(Review, site=office_site)
class ReviewAdmin(ReadOnlyAdmin):
    """Reviews left by customers' contacts in the portal."""

    list_display = ("created_at", "customer", "contact", "rating_stars", "excerpt")
    list_filter = ("rating", "customer")
    list_select_related = ("customer", "contact")
    search_fields = ("message", "customer__display_name")
    ordering = ("-created_at", "-id")
    fields = ("created_at", "customer", "contact", "rating_stars", "message")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("rating"), ordering="rating")
    def rating_stars(self, obj):
        return _("%(rating)d of 5") % {"rating": obj.rating}

    @admin.display(description=gettext_lazy("message"))
    def excerpt(self, obj):
        return obj.message[:80]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "title": _("Review")}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ViewEvent, site=office_site)
class ViewEventAdmin(ReadOnlyAdmin):
    """The "Viewed" markers: which contact opened which document in the portal first and last, and how often."""

    list_display = (
        "document",
        "customer",
        "first_contact",
        "first_viewed_at",
        "last_contact",
        "last_viewed_at",
        "view_count",
    )
    list_filter = ("customer",)
    list_select_related = ("customer", "first_contact", "last_contact", "content_type")
    ordering = ("-last_viewed_at", "-id")
    fields = list_display
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    @admin.display(description=gettext_lazy("document"))
    def document(self, obj):
        return _target_label(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "title": _("Viewed in the portal")}
        return super().change_view(request, object_id, form_url, extra_context)
