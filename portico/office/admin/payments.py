"""Customer payments (recorded through the record-payment screen) and refunds."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.money import format_money
from portico.office import views
from portico.office.forms import AllocateCreditForm, OfficeModelForm, RefundForm
from portico.office.site import office_site
from portico.payments.credits import credit_apply_many, credit_remove
from portico.payments.models import CustomerPayment, PaymentAllocation, Refund
from portico.payments.services import (
    PAYMENT_EDITABLE_FIELDS,
    payment_delete,
    payment_update,
    refund_create,
    refund_delete,
)

from .actions import TO_CHANGELIST, RowAction, StatusAction, StatusActionsMixin
from .panels import Table, admin_change_url, cell, link, money_column
from .tenancy import OrgScopedAdmin, adopt, office_actor, organization_locale


def _allocate(request, payment, data):
    credit_apply_many(source=payment, uses=data["allocations"], actor=office_actor(request))


def _refund(request, payment, data):
    refund_create(source=payment, actor=office_actor(request), **data)


def _delete(request, payment, data):
    payment_delete(payment=payment, actor=office_actor(request))
    return TO_CHANGELIST


def _unallocate(request, payment, allocation):
    credit_remove(use=allocation, actor=office_actor(request))


def _describe_allocation(allocation: PaymentAllocation) -> str:
    return _("%(document)s: %(amount)s, allocated on %(date)s") % {
        "document": allocation.document,
        "amount": format_money(
            allocation.amount, allocation.payment.currency, locale=allocation.organization.locale
        ),
        "date": formats.localize(allocation.date),
    }


def _delete_refund(request, refund, data):
    source = refund.source
    refund_delete(refund=refund, actor=office_actor(request))
    return source


class MoneyDisplayMixin:
    @admin.display(description=gettext_lazy("amount"))
    def amount_money(self, obj):
        return format_money(obj.amount, obj.currency, locale=obj.organization.locale)


@admin.register(CustomerPayment, site=office_site)
class CustomerPaymentAdmin(MoneyDisplayMixin, StatusActionsMixin, OrgScopedAdmin):
    list_filter = ("mode", "customer")
    search_fields = ("number", "customer__display_name", "reference")
    list_select_related = ("customer",)
    ordering = ("-date", "-id")
    form = OfficeModelForm
    display_fields = (
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
    row_actions = (
        RowAction(
            "unallocate",
            gettext_lazy("Remove"),
            lambda payment: payment.allocations.select_related(
                "invoice", "retainer_invoice", "payment", "organization"
            ),
            _unallocate,
            describe=_describe_allocation,
            success=gettext_lazy(
                "The allocation was removed; its amount is available on payment %(number)s."
            ),
            help_text=gettext_lazy(
                "The invoice owes this amount again, and it becomes unused credit on the payment."
            ),
        ),
    )
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
        return format_money(obj.bank_charges, obj.currency, locale=obj.organization.locale)

    @admin.display(description=gettext_lazy("unused amount"))
    def unused_money(self, obj):
        return format_money(obj.unused_amount, obj.currency, locale=obj.organization.locale)

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

    # Payments are recorded, allocated, refunded and deleted through their services only; an offline payment's
    # date, mode, reference, notes and bank charges can be corrected on its page.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_online)

    def get_fields(self, request, obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            return [name if name != "bank_charges_money" else "bank_charges" for name in self.display_fields]
        return self.display_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            return [name for name in self.display_fields if name not in PAYMENT_EDITABLE_FIELDS]
        return self.display_fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # "Add another" starts from choosing a customer, not from this payment's form.
        extra_context = {**(extra_context or {}), "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in form.changed_data if name in PAYMENT_EDITABLE_FIELDS
        }
        if fields:
            # The service reads the payment afresh under its lock; ``obj`` only lends its id.
            adopt(obj, payment_update(payment=obj, actor=office_actor(request), **fields))

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
            return cell(format_money(amount, obj.currency, locale=locale))

        allocations = [
            [link(a.document), cell(a.date), money(a.amount), self.row_button(obj, "unallocate", a)]
            for a in obj.allocations.select_related("invoice", "retainer_invoice").order_by("date", "id")
        ]
        refunds = [[link(r), cell(r.date), money(r.amount)] for r in obj.refunds.order_by("date", "id")]
        headers = [_("Number"), _("Date"), _("Amount")]
        return {
            "office_tables": [
                Table(_("Paid invoices"), [*headers, ""], allocations, _("Not allocated to any invoice.")),
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
    status_actions = (
        StatusAction(
            "delete",
            gettext_lazy("Delete"),
            _delete_refund,
            confirm=True,
            destructive=True,
            success=gettext_lazy("Refund %(number)s was deleted; its amount is available again."),
            help_text=gettext_lazy(
                "The refunded amount becomes available again on the credit note, payment or retainer it came from."
            ),
        ),
    )

    @admin.display(description=gettext_lazy("refunded from"))
    def source_link(self, obj):
        source = obj.source
        return format_html('<a href="{}">{}</a>', admin_change_url(source), source)

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
