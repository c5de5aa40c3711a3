"""Status actions and row actions: the buttons of a record's page, each calling one service, with the
confirmation page and messages around it. A button is offered exactly when the model's predicate allows it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from .panels import Cell, admin_change_url
from .tenancy import add_service_errors


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
