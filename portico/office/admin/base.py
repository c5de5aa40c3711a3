"""What every back-office screen shares: organization scoping, status actions, comments and money columns.

Every model admin of the back office derives from :class:`OrgScopedAdmin`: its rows, its dropdowns, its list
filters and its permissions are those of ``request.organization`` and nothing else. Records of another
organization answer 404, never a redirect that would confirm they exist.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.filters import RelatedOnlyFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats
from django.utils.translation import gettext as _

from portico.accounts.throttle import client_ip
from portico.activity.selectors import comments_for
from portico.activity.services import comment_add
from portico.actors import Actor
from portico.money import format_money
from portico.office.forms import CommentForm
from portico.organizations.models import Organization


def request_organization(request: HttpRequest) -> Organization | None:
    """The organization of the staff user making the request (unwrapped from the middleware's lazy object)."""
    organization = getattr(request, "organization", None)
    if not organization:
        return None
    return getattr(organization, "_wrapped", organization)


def office_actor(request: HttpRequest) -> Actor:
    """The staff member making the request, as the services' actor."""
    return Actor.staff(request.user, ip_address=client_ip(request))


def is_member(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and request_organization(request))


def organization_today(request: HttpRequest) -> datetime.date:
    """Today's date where the staff user's organization is."""
    return request_organization(request).today()


def organization_locale(request: HttpRequest) -> str:
    organization = request_organization(request)
    return organization.locale if organization else "en_US"


def has_organization_field(model: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field("organization")
    except FieldDoesNotExist:
        return False
    return field.is_relation and field.related_model is Organization


def scope_queryset(queryset: models.QuerySet, organization: Organization | None) -> models.QuerySet:
    """Limit any queryset to what belongs to the organization; a model that belongs to none offers nothing."""
    model = queryset.model
    if organization is None:
        return queryset.none()
    if model is Organization:
        return queryset.filter(pk=organization.pk)
    if model is get_user_model():
        return queryset.filter(memberships__organization=organization).distinct()
    if model is ContentType:
        return queryset
    if has_organization_field(model):
        return queryset.filter(organization=organization)
    return queryset.none()


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


#: The largest id a record can have: ids are 64-bit integers (``BigAutoField``).
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """An id as an address or a form sends it — ASCII digits, at most ``MAX_ID`` — or None for anything else
    ("²" passes ``str.isdigit`` but not ``int``; a number past ``MAX_ID`` cannot even be sent to SQLite)."""
    text = str(value)
    if not re.fullmatch(r"[0-9]{1,19}", text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def lookup_value_fits(model: type[models.Model], lookup: str, value: str) -> bool:
    """Whether a list filter's value (``?customer__id__exact=…``) can be compared with the number or id it filters
    on: a value past a 64-bit integer can't. Values that aren't numbers at all are refused by the admin itself."""
    opts, field, rest = model._meta, None, lookup.split(LOOKUP_SEP)
    while rest:
        try:
            field = opts.get_field(rest[0])
        except FieldDoesNotExist:
            break
        rest.pop(0)
        if field.is_relation and field.related_model is not None:
            opts = field.related_model._meta
            target = opts.pk
        else:
            target = field
    if field is None or rest[:1] == ["isnull"] or len(rest) > 1:
        return True
    if not isinstance(target, models.IntegerField):
        return True
    for part in str(value).split(",") if rest[:1] == ["in"] else [str(value)]:
        try:
            number = int(part)
        except ValueError:
            continue
        if abs(number) > MAX_ID:
            return False
    return True


class IdAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete dropdown, which fails when the value posted back (and shown again with the form's
    errors) is not an id; here such a value shows as nothing chosen, and the form says the choice is invalid."""

    def optgroups(self, name, value, attr=None):
        empty = self.choices.field.empty_values
        value = [v for v in value if str(v) in empty or parse_id(v) is not None]
        return super().optgroups(name, value, attr)


class ServiceRefused(Exception):
    """A service refused a save the admin's forms had accepted; the page is shown again with its errors."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


def admin_change_url(obj: models.Model) -> str:
    opts = obj._meta
    return reverse(f"office:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def money_column(field: str, label: str, locale: str, *, currency_attr: str = "currency") -> Callable:
    """A changelist column showing an amount in the row's currency, written the organization's way."""

    def column(obj):
        return format_money(getattr(obj, field), getattr(obj, currency_attr), locale=locale)

    column.short_description = label
    column.admin_order_field = field
    column.__name__ = f"{field}_money"
    return column


class OrgScopedMixin:
    """Scopes every related-object choice (dropdowns, autocomplete, inlines) to the request's organization."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # "example.com" means https://example.com
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).all()
        return scope_queryset(queryset, request_organization(request))


class OrgScopedAdmin(OrgScopedMixin, admin.ModelAdmin):
    """A model admin whose rows and permissions are those of the staff user's organization."""

    list_per_page = settings.OFFICE_PAGE_SIZE
    show_full_result_count = False
    view_on_site = False  # the office site has no "view on site" address (OfficeSite.get_urls)

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request_organization(request))

    def belongs(self, request, obj) -> bool:
        organization = request_organization(request)
        if obj is None:
            return True
        if isinstance(obj, Organization):
            return obj.pk == organization.pk
        return getattr(obj, "organization_id", None) == organization.pk

    def has_module_permission(self, request):
        return is_member(request)

    def has_view_permission(self, request, obj=None):
        return is_member(request) and self.belongs(request, obj)

    def has_add_permission(self, request):
        return is_member(request)

    def has_change_permission(self, request, obj=None):
        return is_member(request) and self.belongs(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_member(request) and self.belongs(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(
            form.__name__, (form,), {"organization": request_organization(request), "request": request}
        )

    def lookup_allowed(self, lookup, value, request=None):
        if not super().lookup_allowed(lookup, value, request):
            return False
        if "\x00" in str(value) or not lookup_value_fits(self.model, lookup, value):
            # A NUL byte can't be compared with any text (PostgreSQL refuses it), nor a number past 64 bits with
            # any number: the list answers as Django's admin does for a filter it cannot apply.
            raise IncorrectLookupParameters(f"{lookup}: {value!r} cannot be filtered on")
        return True

    def get_search_results(self, request, queryset, search_term):
        # A NUL byte can't be in any stored text, and PostgreSQL refuses it in a query: search without it.
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def get_changeform_initial_data(self, request):
        """Values for a new record's form from the address (``?customer=12``); an id that isn't one is left out."""
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if (field.many_to_one or field.one_to_one) and parse_id(initial[name]) is None:
                del initial[name]
        return initial

    def get_list_filter(self, request):
        """Related-field filters list only the values found in the organization's own rows."""
        converted = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and "__" not in entry:
                try:
                    field = self.model._meta.get_field(entry)
                except FieldDoesNotExist:
                    field = None
                if field is not None and field.is_relation:
                    entry = (entry, RelatedOnlyFieldListFilter)
            converted.append(entry)
        return converted

    def save_model(self, request, obj, form, change):
        if not change and has_organization_field(type(obj)):
            obj.organization = request_organization(request)
        super().save_model(request, obj, form, change)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another organization's record and a record that doesn't exist look the same: 404.
        raise Http404(_("Not found."))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A service that refuses the change (ValidationError) rolls everything back and says why."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(_("Not found."))
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class OrgScopedInline(OrgScopedMixin, admin.TabularInline):
    """An inline whose choices are the organization's; editable only while the parent is."""

    def parent_editable(self, request, obj) -> bool:
        return True

    def has_add_permission(self, request, obj=None):
        return is_member(request) and self.parent_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_member(request) and self.parent_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_member(request) and self.parent_editable(request, obj)

    def has_view_permission(self, request, obj=None):
        return is_member(request)


def adopt(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved instance the row a service just saved, so the admin logs and redirects to it."""
    obj.__dict__.update(saved.__dict__)


# Status actions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusAction:
    """A button on a record's page that moves it through its life by calling one service.

    ``run(request, obj, data)`` calls the service and returns the record to show next (``None``: the same one;
    :data:`TO_CHANGELIST`: the list). A service's ValidationError is shown as an error and nothing changes.
    ``available(obj)`` is the record's own predicate (``can_send``, ``can_revise``...), the one its service
    refuses by, so the button is offered exactly when the service would accept it.
    """

    name: str
    label: str
    run: Callable[[HttpRequest, Any, dict], Any]
    available: Callable[[Any], bool] = lambda obj: True
    form_class: type[forms.Form] | None = None
    confirm: bool = False
    destructive: bool = False
    success: str = ""
    help_text: str = ""


TO_CHANGELIST = object()


@dataclass(frozen=True)
class RowAction:
    """A button on one row of a record's panel (an allocation of a payment, a credit applied to an invoice).

    It opens a confirmation page; confirming calls ``run(request, obj, row)``, one service. ``rows(obj)`` are the
    rows of the record it may act on: any other id answers 404. A service's ValidationError is shown as an error
    and nothing changes. ``describe(row)`` says on the confirmation page which row it is.
    """

    name: str
    label: str
    rows: Callable[[Any], models.QuerySet]
    run: Callable[[HttpRequest, Any, Any], Any]
    describe: Callable[[Any], str] = str
    success: str = ""
    help_text: str = ""
    confirm: bool = True
    destructive: bool = True


class StatusActionsMixin:
    """Adds ``<id>/action/<name>/`` pages to a model admin, and the buttons to its change page."""

    status_actions: tuple[StatusAction, ...] = ()
    row_actions: tuple[RowAction, ...] = ()
    change_form_template = "office/change_form.html"

    def get_status_actions(self, request) -> tuple[StatusAction, ...]:
        return self.status_actions

    def get_urls(self):
        opts = self.model._meta
        custom = [
            path(
                "<path:object_id>/action/<slug:action>/",
                self.admin_site.admin_view(self.status_action_view),
                name=f"{opts.app_label}_{opts.model_name}_action",
            ),
            path(
                "<path:object_id>/row/<slug:action>/<int:row_id>/",
                self.admin_site.admin_view(self.row_action_view),
                name=f"{opts.app_label}_{opts.model_name}_row",
            ),
        ]
        return custom + super().get_urls()

    def action_url(self, obj, name: str) -> str:
        opts = self.model._meta
        return reverse(f"office:{opts.app_label}_{opts.model_name}_action", args=[obj.pk, name])

    def row_url(self, obj, name: str, row: models.Model) -> str:
        opts = self.model._meta
        return reverse(f"office:{opts.app_label}_{opts.model_name}_row", args=[obj.pk, name, row.pk])

    def row_button(self, obj, name: str, row: models.Model) -> Cell:
        spec = {a.name: a for a in self.row_actions}[name]
        return Cell(str(spec.label), self.row_url(obj, name, row), "button")

    def visible_actions(self, request, obj) -> list[dict]:
        return [
            {
                "action": action,
                "url": self.action_url(obj, action.name),
                "direct": action.form_class is None and not action.confirm,
            }
            for action in self.get_status_actions(request)
            if action.available(obj)
        ]

    def status_action_view(self, request, object_id, action):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404(_("Not found."))
        spec = {a.name: a for a in self.get_status_actions(request)}.get(action)
        if spec is None:
            raise Http404(_("Not found."))
        form = None
        if spec.form_class is not None:
            form = spec.form_class(
                request.POST if request.method == "POST" else None, obj=obj, request=request
            )
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                result = spec.run(request, obj, form.cleaned_data if form is not None else {})
            except ValidationError as exc:
                if form is None:
                    self.message_user(request, " ".join(exc.messages), messages.ERROR)
                    return HttpResponseRedirect(admin_change_url(obj))
                add_service_errors(form, exc)
            else:
                if spec.success:
                    self.message_user(request, spec.success % {"number": str(obj)}, messages.SUCCESS)
                if result is TO_CHANGELIST:
                    opts = self.model._meta
                    return HttpResponseRedirect(
                        reverse(f"office:{opts.app_label}_{opts.model_name}_changelist")
                    )
                return HttpResponseRedirect(admin_change_url(result if result is not None else obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"{spec.label}: {obj}",
            "action": spec,
            "form": form,
            "change_url": admin_change_url(obj),
            "media": self.media + (form.media if form is not None else forms.Media()),
        }
        return TemplateResponse(request, "office/action.html", context)

    def row_action_view(self, request, object_id, action, row_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404(_("Not found."))
        spec = {a.name: a for a in self.row_actions}.get(action)
        row = spec.rows(obj).filter(pk=row_id).first() if spec is not None else None
        if row is None:
            raise Http404(_("Not found."))
        if request.method == "POST":
            try:
                spec.run(request, obj, row)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                if spec.success:
                    self.message_user(request, spec.success % {"number": str(obj)}, messages.SUCCESS)
            return HttpResponseRedirect(admin_change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"{spec.label}: {obj}",
            "action": spec,
            "row_label": spec.describe(row),
            "form": None,
            "change_url": admin_change_url(obj),
            "media": self.media,
        }
        return TemplateResponse(request, "office/action.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["office_actions"] = self.visible_actions(request, obj)
            context.update(self.extra_change_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def extra_change_context(self, request, obj) -> dict:
        return {}


#: A comment's page opened from its document's comments panel goes back there after saving.
RETURN_TO_DOCUMENT = "document"


class CommentsMixin:
    """Comments on a record's page: read them, add one with "Display in portal"."""

    def get_urls(self):
        opts = self.model._meta
        custom = [
            path(
                "<path:object_id>/comment/",
                self.admin_site.admin_view(self.comment_view),
                name=f"{opts.app_label}_{opts.model_name}_comment",
            ),
        ]
        return custom + super().get_urls()

    def comment_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("Not found."))
        if request.method != "POST":
            return HttpResponseRedirect(admin_change_url(obj))
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                comment_add(
                    target=obj,
                    body=form.cleaned_data["body"],
                    actor=office_actor(request),
                    display_in_portal=form.cleaned_data["display_in_portal"],
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, _("Comment added."), messages.SUCCESS)
        else:
            self.message_user(request, " ".join(m for ms in form.errors.values() for m in ms), messages.ERROR)
        return HttpResponseRedirect(admin_change_url(obj) + "#comments")

    def extra_change_context(self, request, obj) -> dict:
        context = super().extra_change_context(request, obj)
        opts = self.model._meta
        comments = list(comments_for(target=obj))
        for comment in comments:
            if comment.author_contact_id is None:  # staff comments can be corrected or deleted
                change_url = reverse("office:activity_comment_change", args=[comment.pk])
                comment.edit_url = f"{change_url}?return={RETURN_TO_DOCUMENT}"
                comment.delete_url = reverse("office:activity_comment_action", args=[comment.pk, "delete"])
        context["comments"] = comments
        context["comment_form"] = CommentForm()
        context["comment_url"] = reverse(f"office:{opts.app_label}_{opts.model_name}_comment", args=[obj.pk])
        return context


# Panels on a record's page ----------------------------------------------------------------------------------


class Cell(NamedTuple):
    """One cell of a panel's table: text, a link, (kind "button") a button to a row action's page, or (kind
    "post") a button that posts straight to its URL, for an action that needs no confirmation."""

    text: str
    url: str | None = None
    kind: str = ""


@dataclass
class Table:
    """A small table under a record's form: payments of an invoice, tasks of a project, and so on."""

    title: str
    headers: list[str]
    rows: list[list[Cell]]
    empty: str = ""


def cell(value: Any, url: str | None = None) -> Cell:
    if isinstance(value, datetime.date):
        value = formats.localize(value)
    return Cell("" if value is None else str(value), url)


def link(obj: models.Model | None) -> Cell:
    if obj is None:
        return Cell("")
    return Cell(str(obj), admin_change_url(obj))
