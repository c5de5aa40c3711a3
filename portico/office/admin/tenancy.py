"""Organization scoping for the back office: which organization a request works in, its actor, and the admin
classes whose rows, drop-downs, list filters and permissions are that organization's and nothing else.

Every model admin of the back office derives from :class:`OrgScopedAdmin`. Records of another organization
answer 404, never a redirect that would confirm they exist.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.filters import RelatedOnlyFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext as _

from portico.accounts.throttle import client_ip
from portico.actors import Actor
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
