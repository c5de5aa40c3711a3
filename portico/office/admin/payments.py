"""Customer payments (recorded through the record-payment screen) and refunds."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.money import format_money
from portico.office import views
from portico.office.forms import AllocateCreditForm, RefundForm
from portico.office.site import office_site
from portico.payments.models import CustomerPayment, Refund
from portico.payments.services import payment_allocate, payment_delete, refund_create

from .base import (
    TO_CHANGELIST,
    OrgScopedAdmin,
    StatusAction,
    StatusActionsMixin,
    Table,
    cell,
    link,
    money_column,
    organization_locale,
)


def _allocate(request, payment, data):
    payment_allocate(payment=payment, allocations=data["allocations"], actor=request.user)


def _refund(request, payment, data):
    refund_create(source=payment, actor=request.user, **data)


def _delete(request, payment, data):
    payment_delete(payment=payment, actor=request.user)
    return TO_CHANGELIST


class MoneyDisplayMixin:
    @admin.display(description=gettext_lazy("amount"))
    def amount_money(self, obj):
        return format_money(obj.amount, obj.currency, obj.organization.locale)


@admin.register(CustomerPayment, site=office_site)
class CustomerPaymentAdmin(MoneyDisplayMixin, StatusActionsMixin, OrgScopedAdmin):
    list_filter = ("mode", "customer")
    search_fields = ("number", "customer__display_name", "reference")
    list_select_related = ("customer",)
    ordering = ("-date", "-id")
    fields = (
        "number",
        "customer",
        "date",
        "amount_money",
        "bank_charges_money",
        "unused_money",
        "mode",
        "reference",
        "notes",
        "is_online",
        "gateway",
        "gateway_reference",
    )
    readonly_fields = fields
    status_actions = (
        StatusAction(
            "apply",
            gettext_lazy("Apply credit to invoices"),
            _allocate,
            lambda p: p.unused_amount > 0,
            form_class=AllocateCreditForm,
            success=gettext_lazy("Credit from payment %(number)s was applied."),
        ),
        StatusAction(
            "refund",
            gettext_lazy("Refund"),
            _refund,
            lambda p: p.unused_amount > 0,
            form_class=RefundForm,
            success=gettext_lazy("A refund from payment %(number)s was recorded."),
        ),
        StatusAction(
            "delete",
            gettext_lazy("Delete"),
            _delete,
            lambda p: not p.is_online,
            confirm=True,
            destructive=True,
            success=gettext_lazy("Payment %(number)s was deleted; the invoices it paid are owed again."),
            help_text=gettext_lazy("The invoices this payment paid will be owed again."),
        ),
    )

    @admin.display(description=gettext_lazy("bank charges"))
    def bank_charges_money(self, obj):
        return format_money(obj.bank_charges, obj.currency, obj.organization.locale)

    @admin.display(description=gettext_lazy("unused amount"))
    def unused_money(self, obj):
        return format_money(obj.unused_amount, obj.currency, obj.organization.locale)

    @admin.display(description=gettext_lazy("customer"), ordering="customer__display_name")
    def customer_column(self, obj):
        return obj.customer.display_name

    def get_list_display(self, request):
        locale = organization_locale(request)
        return [
            "number",
            "customer_column",
            "date",
            "mode",
            "reference",
            money_column("amount", _("Amount"), locale),
            money_column("unused_amount", _("Unused"), locale),
        ]

    # Payments are recorded, allocated, refunded and deleted through their services only.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        custom = [
            path(
                "record/<int:customer_id>/",
                self.admin_site.admin_view(self.record_view),
                name="payments_customerpayment_record",
            ),
        ]
        return custom + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return views.choose_customer(request, model_admin=self)

    def record_view(self, request, customer_id):
        return views.record_payment(request, customer_id, model_admin=self)

    def extra_change_context(self, request, obj) -> dict:
        locale = obj.organization.locale

        def money(amount):
            return cell(format_money(amount, obj.currency, locale))

        allocations = [
            [link(a.document), cell(a.date), money(a.amount)]
            for a in obj.allocations.select_related("invoice", "retainer_invoice").order_by("date", "id")
        ]
        refunds = [[link(r), cell(r.date), money(r.amount)] for r in obj.refunds.order_by("date", "id")]
        headers = [_("Number"), _("Date"), _("Amount")]
        return {
            "office_tables": [
                Table(_("Paid invoices"), headers, allocations, _("Not allocated to any invoice.")),
                Table(_("Refunds"), headers, refunds, _("No refunds.")),
                Table(
                    _("Amounts"),
                    [_("Amount received"), _("Unused amount")],
                    [[money(obj.amount), money(obj.unused_amount)]],
                ),
            ]
        }


@admin.register(Refund, site=office_site)
class RefundAdmin(MoneyDisplayMixin, StatusActionsMixin, OrgScopedAdmin):
    """Refunds are made from a credit note, a payment or a retainer's page; here they are listed."""

    search_fields = ("number", "customer__display_name", "reference")
    list_filter = ("mode", "customer")
    list_select_related = ("customer", "credit_note", "payment", "retainer_invoice")
    ordering = ("-date", "-id")
    fields = ("number", "customer", "date", "amount_money", "mode", "reference", "source_link")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("refunded from"))
    def source_link(self, obj):
        return str(obj.source)

    @admin.display(description=gettext_lazy("customer"), ordering="customer__display_name")
    def customer_column(self, obj):
        return obj.customer.display_name

    def get_list_display(self, request):
        locale = organization_locale(request)
        return [
            "number",
            "customer_column",
            "date",
            "mode",
            "source_link",
            money_column("amount", _("Amount"), locale),
        ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def extra_change_context(self, request, obj) -> dict:
        return {
            "office_links": [(_("Refunded from %(number)s") % {"number": obj.source}, link(obj.source)[1])]
        }
