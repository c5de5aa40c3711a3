"""Quotes, invoices, retainer invoices, credit notes and sales orders, each with its status actions and panels."""

from __future__ import annotations

from django.contrib import admin
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.money import format_money
from portico.office.forms import (
    ApplyCreditsForm,
    ApplyToInvoiceForm,
    ReasonForm,
    RefundForm,
)
from portico.office.site import office_site
from portico.payments.credits import credit_remove
from portico.sales.models import CreditNote, Invoice, Quote, RetainerInvoice, SalesOrder
from portico.sales.services.invoices import (
    credit_note_open,
    credit_note_void,
    invoice_send,
    invoice_void,
    retainer_invoice_send,
    retainer_invoice_void,
)
from portico.sales.services.quotes import (
    quote_accept,
    quote_convert_to_invoice,
    quote_convert_to_sales_order,
    quote_decline,
    quote_mark_expired,
    quote_revise,
    quote_send,
)
from portico.sales.services.salesorders import (
    sales_order_confirm,
    sales_order_convert_to_invoice,
    sales_order_void,
)

from .actions import RowAction, StatusAction
from .documents import (
    DocumentAdmin,
    InvoiceStatusFilter,
    LineInline,
    PaymentsPanelMixin,
    QuoteStatusFilter,
    apply_credit_to,
    apply_credits_to_invoice,
    refund_from,
)
from .panels import Table, cell, link, money_column
from .tenancy import office_actor, organization_locale


def _describe_application(application) -> str:
    """Which credit is applied to which invoice, for the confirmation page of removing it."""
    source = getattr(application, "credit_note", None) or application.retainer_invoice
    return _("%(source)s applied to %(invoice)s: %(amount)s, on %(date)s") % {
        "source": source,
        "invoice": application.invoice,
        "amount": format_money(application.amount, source.currency, locale=source.organization.locale),
        "date": formats.localize(application.date),
    }


def _remove_credit(request, document, application):
    credit_remove(use=application, actor=office_actor(request))


REMOVE_HELP = gettext_lazy("The invoice owes this amount again, and the credit is available to apply again.")


def remove_credit_action(name: str, rows) -> RowAction:
    return RowAction(
        name,
        gettext_lazy("Remove"),
        rows,
        _remove_credit,
        describe=_describe_application,
        success=gettext_lazy("The credit applied was removed from %(number)s."),
        help_text=REMOVE_HELP,
    )


def remove_retainer_action(name: str, rows) -> RowAction:
    return RowAction(
        name,
        gettext_lazy("Remove"),
        rows,
        _remove_credit,
        describe=_describe_application,
        success=gettext_lazy("The retainer applied was removed from %(number)s."),
        help_text=REMOVE_HELP,
    )


@admin.register(Quote, site=office_site)
class QuoteAdmin(DocumentAdmin):
    portal_viewable = True
    header_fields = ("customer", "date", "expiry_date", "reference", "notes", "terms")
    list_columns = ("expiry_date",)
    list_filter = (QuoteStatusFilter, "customer")
    inlines = [type("QuoteLineInline", (LineInline,), {"model": Quote.lines.rel.related_model})]
    status_actions = (
        StatusAction(
            "send",
            gettext_lazy("Mark as sent"),
            lambda r, q, d: quote_send(quote=q, actor=office_actor(r)),
            lambda q: q.can_send(q.organization.today()),
            success=gettext_lazy("Quote %(number)s was sent."),
        ),
        StatusAction(
            "accept",
            gettext_lazy("Mark accepted"),
            lambda r, q, d: quote_accept(quote=q, actor=office_actor(r)),
            lambda q: q.can_decide(q.organization.today()),
            success=gettext_lazy("Quote %(number)s was marked accepted."),
        ),
        StatusAction(
            "decline",
            gettext_lazy("Mark declined"),
            lambda r, q, d: quote_decline(quote=q, reason=d["reason"], actor=office_actor(r)),
            lambda q: q.can_decide(q.organization.today()),
            form_class=ReasonForm,
            success=gettext_lazy("Quote %(number)s was marked declined."),
        ),
        StatusAction(
            "expire",
            gettext_lazy("Mark expired"),
            lambda r, q, d: quote_mark_expired(quote=q, actor=office_actor(r)),
            lambda q: q.can_mark_expired(),
            success=gettext_lazy("Quote %(number)s was marked expired."),
        ),
        StatusAction(
            "revise",
            gettext_lazy("Revise"),
            lambda r, q, d: quote_revise(quote=q, actor=office_actor(r)),
            lambda q: q.can_revise(q.organization.today()),
            success=gettext_lazy("Quote %(number)s is a draft again, as a new version."),
        ),
        StatusAction(
            "to-sales-order",
            gettext_lazy("Convert to sales order"),
            lambda r, q, d: quote_convert_to_sales_order(quote=q, actor=office_actor(r)),
            lambda q: q.can_convert(q.organization.today()),
            success=gettext_lazy("A sales order was made from quote %(number)s."),
        ),
        StatusAction(
            "to-invoice",
            gettext_lazy("Convert to invoice"),
            lambda r, q, d: quote_convert_to_invoice(quote=q, actor=office_actor(r)),
            lambda q: q.can_convert(q.organization.today()),
            success=gettext_lazy("An invoice was made from quote %(number)s."),
        ),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            fieldsets[0][1]["fields"].insert(2, "version")
            if obj.decline_reason:
                fieldsets[0][1]["fields"].append("decline_reason")
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "version", "decline_reason"] if obj is not None else fields

    def tables(self, request, obj):
        rows = []
        if obj.sales_order_id:
            rows.append([cell(_("Sales order")), link(obj.sales_order)])
        if obj.invoice_id:
            rows.append([cell(_("Invoice")), link(obj.invoice)])
        return [Table(_("Converted to"), [_("Document"), _("Number")], rows)] if rows else []


@admin.register(Invoice, site=office_site)
class InvoiceAdmin(PaymentsPanelMixin, DocumentAdmin):
    portal_viewable = True
    header_fields = ("customer", "date", "due_date", "allow_partial_payments", "reference", "notes", "terms")
    total_fields = ("subtotal_money", "discount_money", "tax_money", "total_money", "balance_money")
    list_columns = ("due_date",)
    list_filter = (InvoiceStatusFilter, "customer")
    inlines = [type("InvoiceLineInline", (LineInline,), {"model": Invoice.lines.rel.related_model})]
    row_actions = (
        remove_credit_action(
            "remove-credit",
            lambda i: i.credit_applications.select_related("credit_note__organization", "invoice"),
        ),
        remove_retainer_action(
            "remove-retainer",
            lambda i: i.retainer_applications.select_related("retainer_invoice__organization", "invoice"),
        ),
    )
    status_actions = (
        StatusAction(
            "send",
            gettext_lazy("Mark as sent"),
            lambda r, i, d: invoice_send(invoice=i, actor=office_actor(r)),
            lambda i: i.can_send(),
            success=gettext_lazy("Invoice %(number)s was sent."),
        ),
        StatusAction(
            "apply-credits",
            gettext_lazy("Apply credits"),
            apply_credits_to_invoice,
            lambda i: i.is_payable,
            form_class=ApplyCreditsForm,
            success=gettext_lazy("Credit was applied to invoice %(number)s."),
        ),
        StatusAction(
            "void",
            gettext_lazy("Void"),
            lambda r, i, d: invoice_void(invoice=i, actor=office_actor(r)),
            lambda i: i.can_void(),
            confirm=True,
            destructive=True,
            success=gettext_lazy("Invoice %(number)s was voided."),
            help_text=gettext_lazy("A void invoice is no longer owed. This cannot be undone."),
        ),
    )

    def tables(self, request, obj):
        locale = obj.organization.locale

        def money(amount):
            return cell(format_money(amount, obj.currency, locale=locale))

        payments = [
            [link(a.payment), cell(a.date), money(a.amount)]
            for a in obj.payment_allocations.select_related("payment").order_by("date", "id")
        ]
        credits_ = [
            [link(a.credit_note), cell(a.date), money(a.amount), self.row_button(obj, "remove-credit", a)]
            for a in obj.credit_applications.select_related("credit_note").order_by("date", "id")
        ]
        retainers = [
            [
                link(a.retainer_invoice),
                cell(a.date),
                money(a.amount),
                self.row_button(obj, "remove-retainer", a),
            ]
            for a in obj.retainer_applications.select_related("retainer_invoice").order_by("date", "id")
        ]
        headers = [_("Number"), _("Date"), _("Amount")]
        tables = [
            Table(_("Payments"), headers, payments, _("No payments yet.")),
            Table(_("Credits applied"), [*headers, ""], credits_, _("No credits applied.")),
            Table(_("Retainers applied"), [*headers, ""], retainers, _("No retainer applied.")),
            Table(
                _("Balance"),
                [_("Total"), _("Settled"), _("Balance due")],
                [[money(obj.total), money(obj.amount_settled), money(obj.balance_due)]],
            ),
        ]
        related = [[cell(_("Sales order")), link(obj.sales_order)]] if obj.sales_order_id else []
        related += [[cell(_("Quote")), link(q)] for q in obj.quotes.all()]
        related += [[cell(_("Credit note")), link(cn)] for cn in obj.credit_notes.all()]
        if related:
            tables.append(Table(_("Related documents"), [_("Document"), _("Number")], related))
        return tables


@admin.register(RetainerInvoice, site=office_site)
class RetainerInvoiceAdmin(PaymentsPanelMixin, DocumentAdmin):
    portal_viewable = True
    header_fields = ("customer", "date", "project", "reference", "notes", "terms")
    total_fields = (
        "subtotal_money",
        "discount_money",
        "tax_money",
        "total_money",
        "balance_money",
        "available_money",
    )
    inlines = [type("RetainerLineInline", (LineInline,), {"model": RetainerInvoice.lines.rel.related_model})]
    row_actions = (
        remove_retainer_action(
            "remove-application",
            lambda r: r.applications.select_related("retainer_invoice__organization", "invoice"),
        ),
    )
    status_actions = (
        StatusAction(
            "send",
            gettext_lazy("Mark as sent"),
            lambda r, o, d: retainer_invoice_send(retainer=o, actor=office_actor(r)),
            lambda o: o.can_send(),
            success=gettext_lazy("Retainer invoice %(number)s was sent."),
        ),
        StatusAction(
            "apply",
            gettext_lazy("Apply to an invoice"),
            apply_credit_to,
            lambda o: o.can_use_retainer(),
            form_class=ApplyToInvoiceForm,
            success=gettext_lazy("Retainer %(number)s was applied."),
        ),
        StatusAction(
            "refund",
            gettext_lazy("Refund"),
            refund_from,
            lambda o: o.can_use_retainer(),
            form_class=RefundForm,
            success=gettext_lazy("A refund from retainer %(number)s was recorded."),
        ),
        StatusAction(
            "void",
            gettext_lazy("Void"),
            lambda r, o, d: retainer_invoice_void(retainer=o, actor=office_actor(r)),
            lambda o: o.can_void(),
            confirm=True,
            destructive=True,
            success=gettext_lazy("Retainer invoice %(number)s was voided."),
            help_text=gettext_lazy("A void retainer invoice is no longer owed. This cannot be undone."),
        ),
    )

    @admin.display(description=gettext_lazy("available retainer"))
    def available_money(self, obj):
        return format_money(obj.retainer_available, obj.currency, locale=obj.organization.locale)

    def tables(self, request, obj):
        locale = obj.organization.locale

        def money(amount):
            return cell(format_money(amount, obj.currency, locale=locale))

        headers = [_("Number"), _("Date"), _("Amount")]
        return [
            Table(
                _("Payments"),
                headers,
                [
                    [link(a.payment), cell(a.date), money(a.amount)]
                    for a in obj.payment_allocations.select_related("payment").order_by("date", "id")
                ],
                _("No payments yet."),
            ),
            *credit_use_tables(self, obj, money),
        ]


def credit_use_tables(model_admin, obj, money) -> list[Table]:
    """Where a credit note's or a retainer's money went: the invoices it settled, and the refunds."""
    headers = [_("Number"), _("Date"), _("Amount")]
    return [
        Table(
            _("Applied to invoices"),
            [*headers, ""],
            [
                [
                    link(a.invoice),
                    cell(a.date),
                    money(a.amount),
                    model_admin.row_button(obj, "remove-application", a),
                ]
                for a in obj.applications.select_related("invoice").order_by("date", "id")
            ],
            _("Not applied to any invoice."),
        ),
        Table(
            _("Refunds"),
            headers,
            [[link(f), cell(f.date), money(f.amount)] for f in obj.refunds.order_by("date", "id")],
            _("No refunds."),
        ),
    ]


@admin.register(CreditNote, site=office_site)
class CreditNoteAdmin(DocumentAdmin):
    header_fields = ("customer", "date", "invoice", "reason", "reference", "notes", "terms")
    total_fields = ("subtotal_money", "discount_money", "tax_money", "total_money", "credits_money")
    commentable = False
    inlines = [type("CreditNoteLineInline", (LineInline,), {"model": CreditNote.lines.rel.related_model})]
    row_actions = (
        remove_credit_action(
            "remove-application",
            lambda c: c.applications.select_related("credit_note__organization", "invoice"),
        ),
    )
    status_actions = (
        StatusAction(
            "open",
            gettext_lazy("Issue (open)"),
            lambda r, o, d: credit_note_open(credit_note=o, actor=office_actor(r)),
            lambda o: o.can_open(),
            success=gettext_lazy("Credit note %(number)s is open."),
        ),
        StatusAction(
            "apply",
            gettext_lazy("Apply to an invoice"),
            apply_credit_to,
            lambda o: o.is_open,
            form_class=ApplyToInvoiceForm,
            success=gettext_lazy("Credit note %(number)s was applied."),
        ),
        StatusAction(
            "refund",
            gettext_lazy("Refund"),
            refund_from,
            lambda o: o.is_open,
            form_class=RefundForm,
            success=gettext_lazy("A refund from credit note %(number)s was recorded."),
        ),
        StatusAction(
            "void",
            gettext_lazy("Void"),
            lambda r, o, d: credit_note_void(credit_note=o, actor=office_actor(r)),
            lambda o: o.can_void(),
            confirm=True,
            destructive=True,
            success=gettext_lazy("Credit note %(number)s was voided."),
            help_text=gettext_lazy("Its credit can no longer be used. This cannot be undone."),
        ),
    )

    @admin.display(description=gettext_lazy("credits remaining"))
    def credits_money(self, obj):
        return format_money(obj.balance, obj.currency, locale=obj.organization.locale)

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        return [*columns, money_column("balance", _("Credits remaining"), organization_locale(request))]

    def tables(self, request, obj):
        locale = obj.organization.locale

        def money(amount):
            return cell(format_money(amount, obj.currency, locale=locale))

        return credit_use_tables(self, obj, money)


@admin.register(SalesOrder, site=office_site)
class SalesOrderAdmin(DocumentAdmin):
    portal_viewable = True
    header_fields = ("customer", "date", "expected_shipment_date", "reference", "notes", "terms")
    inlines = [type("SalesOrderLineInline", (LineInline,), {"model": SalesOrder.lines.rel.related_model})]
    status_actions = (
        StatusAction(
            "confirm",
            gettext_lazy("Confirm"),
            lambda r, o, d: sales_order_confirm(order=o, actor=office_actor(r)),
            lambda o: o.can_confirm(),
            success=gettext_lazy("Sales order %(number)s is confirmed."),
        ),
        StatusAction(
            "to-invoice",
            gettext_lazy("Convert to invoice"),
            lambda r, o, d: sales_order_convert_to_invoice(order=o, actor=office_actor(r)),
            lambda o: o.can_invoice(),
            success=gettext_lazy("An invoice was made from sales order %(number)s."),
        ),
        StatusAction(
            "void",
            gettext_lazy("Void"),
            lambda r, o, d: sales_order_void(order=o, actor=office_actor(r)),
            lambda o: o.can_void(),
            confirm=True,
            destructive=True,
            success=gettext_lazy("Sales order %(number)s was voided."),
            help_text=gettext_lazy(
                "A void sales order cannot be confirmed or invoiced. This cannot be undone."
            ),
        ),
    )

    def tables(self, request, obj):
        rows = [[cell(_("Quote")), link(q)] for q in obj.quotes.all()]
        rows += [[cell(_("Invoice")), link(i)] for i in obj.invoices.all()]
        return [Table(_("Related documents"), [_("Document"), _("Number")], rows, _("None yet."))]
