"""What the admins of every kind of sales document share: lines, header, totals, list columns, saving."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portico.activity.models import ViewEvent
from portico.activity.selectors import document_version, view_marker_for, viewed_exists
from portico.money import format_money, format_unit_price
from portico.office.forms import DocumentHeaderForm, LineForm, LineFormSet
from portico.payments.credits import credit_apply
from portico.payments.services import refund_create
from portico.sales.models import Invoice, Quote
from portico.sales.services.documents import (
    document_create,
    document_delete,
    document_update,
    is_editable,
    kind_of,
)

from .actions import StatusActionsMixin
from .panels import CommentsMixin, Table, money_column
from .tenancy import (
    OrgScopedAdmin,
    OrgScopedInline,
    ServiceRefused,
    office_actor,
    organization_locale,
    organization_today,
    request_organization,
)


class LineInline(OrgScopedInline):
    form = LineForm
    formset = LineFormSet
    fields = ("item", "description", "quantity", "rate", "discount_percent", "tax", "line_amount")
    readonly_fields = ("line_amount",)

    @admin.display(description=gettext_lazy("Amount"))
    def line_amount(self, line):
        if not line.pk:
            return ""
        return format_money(line.total, line.document.currency, locale=line.document.organization.locale)

    @admin.display(description=gettext_lazy("rate"))
    def rate_money(self, line):
        return format_unit_price(line.rate, line.document.currency, locale=line.document.organization.locale)

    @admin.display(description=gettext_lazy("quantity"))
    def quantity_display(self, line):
        return f"{line.quantity.normalize():f}"

    @admin.display(description=gettext_lazy("discount %"))
    def discount_display(self, line):
        return f"{line.discount_percent.normalize():f}"

    @admin.display(description=gettext_lazy("tax"))
    def tax_display(self, line):
        return f"{line.tax_name} ({line.tax_rate.normalize():f}%)" if line.tax_name else "—"

    def get_fields(self, request, obj=None):
        if self.parent_editable(request, obj):
            return self.fields
        # An issued document shows its lines as they were priced, in its currency.
        return (
            "item",
            "description",
            "quantity_display",
            "rate_money",
            "discount_display",
            "tax_display",
            "line_amount",
        )

    def get_readonly_fields(self, request, obj=None):
        if self.parent_editable(request, obj):
            return self.readonly_fields
        return self.get_fields(request, obj)

    def parent_editable(self, request, obj) -> bool:
        return obj is None or is_editable(obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Plain selects on a line: the add/edit buttons of related items would crowd every row.
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget = formfield.widget.widget
        if db_field.name == "tax" and formfield is not None:
            # New lines start with the organization's default tax; staff pick another or none.
            formfield.initial = request_organization(request).default_tax_id
        return formfield

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is not None else 3

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document__organization")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        organization = request_organization(request)
        formset.form = type(
            formset.form.__name__,
            (formset.form,),
            {
                "currency": obj.currency if obj is not None and obj.currency else organization.base_currency,
                "base_currency": organization.base_currency,
                "request": request,
            },
        )
        formset.kind_label = kind_of(self.parent_model()).label
        return formset


class InvoiceStatusFilter(admin.SimpleListFilter):
    """Statuses as people see them: "Overdue" is an open invoice past its due date, on the organization's
    date; "Sent" and "Partially paid" are those not overdue, as the status column shows them."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Invoice.Status.choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        today = organization_today(request)
        if value == Invoice.Status.OVERDUE:
            return queryset.overdue(today)
        if value in Invoice.OPEN_STATUSES:
            return queryset.filter(status=value).exclude(pk__in=queryset.overdue(today).values("pk"))
        return queryset.filter(status=value)


class QuoteStatusFilter(admin.SimpleListFilter):
    """Statuses as people see them: "Expired" includes a sent quote past its expiry date, on the
    organization's date, and "Sent" only those still open."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Quote.Status.choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        today = organization_today(request)
        if value == Quote.Status.EXPIRED:
            return queryset.expired(today)
        if value == Quote.Status.SENT:
            return queryset.open(today)
        return queryset.filter(status=value)


class ViewedFilter(admin.SimpleListFilter):
    """Documents a contact has opened in the portal, or not yet (the ``viewed`` annotation of the list)."""

    title = gettext_lazy("viewed in the portal")
    parameter_name = "viewed"

    def lookups(self, request, model_admin):
        return [("yes", _("Viewed")), ("no", _("Not viewed yet"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(viewed=self.value() == "yes")
        return queryset


def _local_time(moment) -> str:
    # The office middleware has activated the organization's time zone for the request.
    return formats.localize(timezone.localtime(moment))


def _contact_name(contact) -> str:
    return contact.full_name if contact is not None else _("a contact who was since removed")


def viewed_sentence(marker: ViewEvent | None, version: int = 1) -> str:
    """What the document's page says about the portal's "Viewed" marker of its current ``version`` (a revised
    quote is a new offer: the page says whether the customer has seen this one)."""
    if marker is None:
        if version > 1:
            return _("Version %(version)d not viewed in the portal yet.") % {"version": version}
        return _("Not viewed in the portal yet.")
    names = {
        "contact": _contact_name(marker.first_contact),
        "time": _local_time(marker.first_viewed_at),
        "version": version,
    }
    if version > 1:
        first = _("Version %(version)d viewed by %(contact)s on %(time)s") % names
    else:
        first = _("Viewed by %(contact)s on %(time)s") % names
    if marker.view_count <= 1:
        return f"{first}."
    last = ngettext(
        "last viewed by %(contact)s on %(time)s, %(count)d view",
        "last viewed by %(contact)s on %(time)s, %(count)d views",
        marker.view_count,
    ) % {
        "contact": _contact_name(marker.last_contact),
        "time": _local_time(marker.last_viewed_at),
        "count": marker.view_count,
    }
    return f"{first}; {last}."


def stale_edit_message(document) -> str:
    return _("%(number)s is %(status)s and can no longer be edited; it is shown as it is now.") % {
        "number": document.number,
        "status": document.get_status_display().lower(),
    }


class DocumentAdmin(CommentsMixin, StatusActionsMixin, OrgScopedAdmin):
    """What every kind of sales document's admin shares."""

    form = DocumentHeaderForm
    header_fields: tuple[str, ...] = ("customer", "date", "reference", "notes", "terms")
    total_fields: tuple[str, ...] = ("subtotal_money", "discount_money", "tax_money", "total_money")
    list_columns: tuple[str, ...] = ()
    list_filter = ("status", "customer")
    search_fields = ("number", "customer__display_name", "customer_name", "reference")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    ordering = ("-date", "-id")
    commentable = True
    #: Contacts open this kind of document in the portal: its page and list show the "Viewed" marker.
    portal_viewable = False

    # Read-only fields of the change page.
    @admin.display(description=gettext_lazy("status"))
    def status_label(self, obj):
        if hasattr(obj, "display_status"):  # overdue invoices and expired quotes, on the organization's date
            return obj.Status(obj.display_status(obj.organization.today())).label
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("subtotal"))
    def subtotal_money(self, obj):
        return format_money(obj.subtotal, obj.currency, locale=obj.organization.locale)

    @admin.display(description=gettext_lazy("discount"))
    def discount_money(self, obj):
        return format_money(obj.discount_total, obj.currency, locale=obj.organization.locale)

    @admin.display(description=gettext_lazy("tax"))
    def tax_money(self, obj):
        return format_money(obj.tax_total, obj.currency, locale=obj.organization.locale)

    @admin.display(description=gettext_lazy("total"))
    def total_money(self, obj):
        return format_money(obj.total, obj.currency, locale=obj.organization.locale)

    @admin.display(description=gettext_lazy("balance due"))
    def balance_money(self, obj):
        return format_money(obj.balance_due, obj.currency, locale=obj.organization.locale)

    def get_readonly_fields(self, request, obj=None):
        base = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return base
        return [*base, "number", "status_label", "currency", *self.total_fields]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": list(self.header_fields)})]
        return [
            (None, {"fields": ["number", "status_label", "currency", *self.header_fields]}),
            (_("Totals"), {"fields": list(self.total_fields)}),
        ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("date", organization_today(request))
        return initial

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.portal_viewable:
            queryset = queryset.annotate(viewed=viewed_exists(self.model))
        return queryset

    # Changelist.
    @admin.display(description=gettext_lazy("viewed"), boolean=True, ordering="viewed")
    def viewed_column(self, obj):
        return obj.viewed

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return [*filters, ViewedFilter] if self.portal_viewable else filters

    @admin.display(description=gettext_lazy("customer"), ordering="customer__display_name")
    def customer_column(self, obj):
        return obj.customer.display_name

    def status_column(self, request):
        today = organization_today(request)

        def status(obj):
            if hasattr(obj, "display_status"):
                return obj.Status(obj.display_status(today)).label
            return obj.get_status_display()

        status.short_description = _("status")
        status.admin_order_field = "status"
        return status

    def get_list_display(self, request):
        locale = organization_locale(request)
        columns = ["number", "customer_column", "date", *self.list_columns, self.status_column(request)]
        if self.portal_viewable:
            columns.append("viewed_column")
        columns.append(money_column("total", _("Total"), locale))
        if hasattr(self.model, "balance_due"):
            columns.append(money_column("balance_due", _("Balance due"), locale))
        return columns

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # drafts are deleted one at a time, through the service
        return actions

    # Only drafts change; only drafts are deleted.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or is_editable(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or is_editable(obj))

    # Saving: the header form and the line forms only parse what was typed; one service call creates or
    # changes the document, on its locked row. What the service refuses is shown at the fields it names.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except ServiceRefused as refused:
                # The refused save was rolled back; the same page is shown again with the service's errors.
                request.office_service_error = refused.error
                return super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDenied:
            current = (
                self.get_object(request, unquote(object_id))
                if object_id and request.method == "POST"
                else None
            )
            if current is None or is_editable(current):
                raise
            # Sent (and perhaps paid) since the form was opened: say so, and show it as it is now.
            self.message_user(request, stale_edit_message(current), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        """Nothing is saved until the lines are parsed too (``save_related``)."""

    def save_related(self, request, form, formsets, change):
        [lines_formset] = [f for f in formsets if isinstance(f, LineFormSet)]
        data = form.cleaned_data
        header = {
            name: data[name]
            for name in self.header_fields
            if name in data and name not in ("customer", "date")
        }
        try:
            if change:
                document = document_update(
                    document=form.instance,
                    customer=data["customer"],
                    date=data["date"],
                    lines=lines_formset.line_inputs(),
                    actor=office_actor(request),
                    **header,
                )
            else:
                document = document_create(
                    model=self.model,
                    customer=data["customer"],
                    date=data["date"],
                    lines=lines_formset.line_inputs(),
                    actor=office_actor(request),
                    **header,
                )
        except ValidationError as error:
            raise ServiceRefused(error) from error
        form.instance.pk = document.pk
        form.instance.refresh_from_db()
        for formset in formsets:  # what the admin's history message reads; the service saved the lines
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        document_delete(document=obj, actor=office_actor(request))

    def extra_change_context(self, request, obj) -> dict:
        context = super().extra_change_context(request, obj)
        if not self.commentable:
            for key in ("comments", "comment_form", "comment_url"):
                context.pop(key, None)
        context["office_tables"] = self.tables(request, obj)
        context["office_links"] = self.links(request, obj)
        if self.portal_viewable:
            # The page's object carries the ``viewed`` annotation: a document never opened costs no query.
            marker = view_marker_for(document=obj) if getattr(obj, "viewed", True) else None
            context["office_viewed"] = viewed_sentence(marker, document_version(obj))
        return context

    def tables(self, request, obj) -> list[Table]:
        return []

    def links(self, request, obj) -> list[tuple[str, str]]:
        return []


# Actions that stay on the record's page (they return nothing).


def apply_credits_to_invoice(request, invoice, data):
    """Apply the chosen credit note, retainer or payment's unused amount to the invoice."""
    credit_apply(source=data["source"], invoice=invoice, amount=data["amount"], actor=office_actor(request))


def apply_credit_to(request, source, data):
    """Apply a credit note's or retainer's credit to the chosen invoice."""
    credit_apply(source=source, invoice=data["invoice"], amount=data["amount"], actor=office_actor(request))


def refund_from(request, source, data):
    refund_create(source=source, actor=office_actor(request), **data)


class PaymentsPanelMixin:
    def links(self, request, obj):
        links = super().links(request, obj)
        if obj.is_payable:
            url = reverse("office:payments_customerpayment_record", args=[obj.customer_id])
            kind = "invoice" if isinstance(obj, Invoice) else "retainer"
            links.append((_("Record payment"), f"{url}?{kind}={obj.pk}"))
        return links
