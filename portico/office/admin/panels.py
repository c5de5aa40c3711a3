"""What a record's page shows besides its form: tables of related rows, money columns, and comments."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import formats
from django.utils.translation import gettext as _

from portico.activity.selectors import comments_for
from portico.activity.services import comment_add
from portico.money import format_money
from portico.office.forms import CommentForm

from .tenancy import office_actor


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
