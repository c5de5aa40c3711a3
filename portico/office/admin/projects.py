"""Projects with their tasks, time entries, and timesheet approvals sent to customers."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.activity.selectors import view_marker_for, viewed_exists
from portico.money import format_unit_price
from portico.office.forms import OfficeModelForm, ReasonForm, TimeEntryForm, TimesheetApprovalForm
from portico.office.site import office_site
from portico.projects.models import Project, Task, TimeEntry, TimesheetApproval
from portico.projects.selectors import tasks_with_hours
from portico.projects.services import (
    PROJECT_EDITABLE_FIELDS,
    project_create,
    project_invoice_time,
    project_update,
    task_create,
    task_update,
    time_entry_delete,
    time_entry_log,
    time_entry_update,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_delete,
    timesheet_approval_send,
)

from .actions import StatusAction, StatusActionsMixin
from .documents import ViewedFilter, viewed_sentence
from .panels import CommentsMixin, Table, cell, link
from .tenancy import OrgScopedAdmin, OrgScopedInline, adopt, office_actor, organization_today

AS = TimesheetApproval.Status


def hours(value) -> str:
    """Hours as people write them, to the hundredth: 2.50."""
    return f"{Decimal(value or 0).quantize(Decimal('0.01'))}"


class TaskInline(OrgScopedInline):
    model = Task
    form = OfficeModelForm
    fields = ("name", "description", "rate", "is_billable")
    formfield_overrides = {models.TextField: {"widget": forms.TextInput(attrs={"size": 40})}}
    extra = 1


@admin.register(Project, site=office_site)
class ProjectAdmin(CommentsMixin, StatusActionsMixin, OrgScopedAdmin):
    inlines = [TaskInline]
    form = OfficeModelForm
    list_display = ("number", "name", "customer", "billing_method", "status")
    list_filter = ("status", "billing_method", "customer")
    list_select_related = ("customer",)
    search_fields = ("number", "name", "customer__display_name")
    autocomplete_fields = ("customer",)
    ordering = ("name",)
    status_actions = (
        StatusAction(
            "invoice-time",
            gettext_lazy("Invoice unbilled time"),
            lambda r, p, d: project_invoice_time(project=p, actor=office_actor(r)),
            lambda p: p.billing_method != Project.BillingMethod.FIXED,
            success=gettext_lazy("The unbilled time of %(number)s is on a new draft invoice."),
        ),
    )

    def has_delete_permission(self, request, obj=None):
        return False  # a project is made inactive, never deleted: its time and approvals refer to it

    def get_fields(self, request, obj=None):
        fields = ["customer", "name", "description", "billing_method", "rate", "budget_hours", "status"]
        return ["number", *fields] if obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        return ("number", "customer") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            fields = {name: data[name] for name in form.changed_data if name in PROJECT_EDITABLE_FIELDS}
            adopt(obj, project_update(project=obj, actor=office_actor(request), **fields))
            return
        fields = {name: data[name] for name in PROJECT_EDITABLE_FIELDS if name in data}
        adopt(obj, project_create(customer=data["customer"], actor=office_actor(request), **fields))

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for task in formset.deleted_objects:
            task.delete()
        for task_form in formset.forms:
            if task_form in formset.deleted_forms or not task_form.has_changed():
                continue
            data = {
                name: task_form.cleaned_data[name] for name in ("name", "description", "rate", "is_billable")
            }
            if task_form.instance.pk:
                task_update(
                    task=task_form.instance,
                    actor=office_actor(request),
                    **{k: v for k, v in data.items() if k in task_form.changed_data},
                )
            else:
                adopt(
                    task_form.instance,
                    task_create(project=form.instance, actor=office_actor(request), **data),
                )

    def extra_change_context(self, request, obj) -> dict:
        context = super().extra_change_context(request, obj)
        locale = obj.organization.locale
        currency = obj.customer.currency
        tasks = [
            [
                cell(task.name),
                cell(format_unit_price(task.rate, currency, locale=locale)),
                cell(hours(task.logged_hours)),
                cell(hours(task.billed_hours)),
                cell(hours(task.unbilled_hours)),
            ]
            for task in tasks_with_hours(project=obj)
        ]
        approvals = [
            [
                link(a),
                cell(f"{a.period_start} – {a.period_end}"),
                cell(a.get_status_display()),
                cell(a.total_hours),
            ]
            for a in obj.approvals.order_by("-period_end", "-id")
        ]
        context["office_tables"] = [
            Table(
                _("Tasks"),
                [_("Task"), _("Rate"), _("Logged hours"), _("Billed hours"), _("Unbilled hours")],
                tasks,
                _("No tasks yet."),
            ),
            Table(
                _("Timesheet approvals"),
                [_("Number"), _("Period"), _("Status"), _("Hours")],
                approvals,
                _("None yet."),
            ),
        ]
        context["office_links"] = [
            (_("Log time"), reverse("office:projects_timeentry_add")),
            (
                _("New timesheet approval"),
                reverse("office:projects_timesheetapproval_add") + f"?project={obj.pk}",
            ),
        ]
        return context


@admin.register(TimeEntry, site=office_site)
class TimeEntryAdmin(OrgScopedAdmin):
    form = TimeEntryForm
    fields = ("task", "date", "hours", "user", "is_billable", "notes")
    list_display = ("date", "project", "task", "user", "hours", "is_billable", "billing_status", "approval")
    list_filter = ("billing_status", "is_billable", "project")
    list_select_related = ("project", "task", "user", "approval")
    search_fields = ("notes", "task__name", "project__name")
    ordering = ("-date", "-id")

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("date", organization_today(request))
        return initial

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_open)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_open)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.fields}
        if change:
            adopt(obj, time_entry_update(entry=obj, actor=office_actor(request), **data))
        else:
            adopt(obj, time_entry_log(actor=office_actor(request), **data))

    def delete_model(self, request, obj):
        time_entry_delete(entry=obj, actor=office_actor(request))

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            time_entry_delete(entry=entry, actor=office_actor(request))


def _decide(approve: bool):
    def run(request, approval, data):
        return timesheet_approval_decide(
            approval=approval, approve=approve, reason=data.get("reason", ""), actor=office_actor(request)
        )

    return run


def _delete_approval(request, approval, data):
    project = approval.project
    timesheet_approval_delete(approval=approval, actor=office_actor(request))
    return project


@admin.register(TimesheetApproval, site=office_site)
class TimesheetApprovalAdmin(CommentsMixin, StatusActionsMixin, OrgScopedAdmin):
    form = TimesheetApprovalForm
    list_display = (
        "number",
        "customer",
        "project",
        "period_start",
        "period_end",
        "status",
        "viewed_column",
        "total_hours",
    )
    list_filter = ("status", "project", "customer", ViewedFilter)
    list_select_related = ("customer", "project")
    search_fields = ("number", "project__name", "customer__display_name")
    ordering = ("-period_end", "-id")
    status_actions = (
        StatusAction(
            "send",
            gettext_lazy("Send for approval"),
            lambda r, a, d: timesheet_approval_send(approval=a, actor=office_actor(r)),
            lambda a: a.can_send(),
            success=gettext_lazy("Timesheet %(number)s was sent for approval."),
        ),
        StatusAction(
            "approve",
            gettext_lazy("Mark approved"),
            _decide(True),
            lambda a: a.can_decide(),
            success=gettext_lazy("Timesheet %(number)s was marked approved."),
        ),
        StatusAction(
            "reject",
            gettext_lazy("Mark rejected"),
            _decide(False),
            lambda a: a.can_decide(),
            form_class=ReasonForm,
            success=gettext_lazy("Timesheet %(number)s was marked rejected."),
        ),
        StatusAction(
            "delete",
            gettext_lazy("Delete"),
            _delete_approval,
            lambda a: a.can_delete(),
            confirm=True,
            destructive=True,
            success=gettext_lazy("Timesheet %(number)s was deleted."),
            help_text=gettext_lazy("Its time entries are released: they can be changed or sent again."),
        ),
    )

    def get_queryset(self, request):
        # Contacts open sent approvals in the portal: the list and the page show the "Viewed" marker.
        return super().get_queryset(request).annotate(viewed=viewed_exists(TimesheetApproval))

    @admin.display(description=gettext_lazy("viewed"), boolean=True, ordering="viewed")
    def viewed_column(self, obj):
        return obj.viewed

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("project", "period_start", "period_end")
        return (
            "number",
            "customer",
            "project",
            "period_start",
            "period_end",
            "status",
            "total_hours",
            "sent_at",
            "decided_at",
            "decided_by",
            "rejection_reason",
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        adopt(
            obj,
            timesheet_approval_create(
                project=data["project"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                actor=office_actor(request),
            ),
        )

    def extra_change_context(self, request, obj) -> dict:
        context = super().extra_change_context(request, obj)
        entries = [
            [cell(e.date), cell(e.task.name), cell(e.user or ""), cell(e.hours), cell(e.notes)]
            for e in obj.entries.select_related("task", "user").order_by("date", "id")
        ]
        # The page's object carries the ``viewed`` annotation: an approval never opened costs no query.
        marker = view_marker_for(document=obj) if getattr(obj, "viewed", True) else None
        context["office_viewed"] = viewed_sentence(marker)
        context["office_tables"] = [
            Table(
                _("Time entries"),
                [_("Date"), _("Task"), _("Staff"), _("Hours"), _("Notes")],
                entries,
                _("None."),
            )
        ]
        return context
