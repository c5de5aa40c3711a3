"""Customers with their contact persons, and their account at a glance."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path, reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.customers.models import ContactPerson, Customer
from portico.customers.selectors import customer_portal_status
from portico.customers.services import (
    CUSTOMER_EDITABLE_FIELDS,
    contact_person_delete,
    contact_person_save,
    customer_create,
    customer_update,
)
from portico.money import format_money
from portico.office import portal_access
from portico.office.forms import ContactPersonForm, ContactPersonFormSet, CustomerForm
from portico.office.site import office_site
from portico.overview import customer_balances
from portico.payments.models import CustomerPayment
from portico.sales.models import CreditNote, Invoice, Quote, RetainerInvoice, SalesOrder

from .actions import StatusActionsMixin
from .panels import Cell, Table, cell, link
from .tenancy import (
    OrgScopedAdmin,
    OrgScopedInline,
    adopt,
    office_actor,
    organization_today,
    request_organization,
)

RECENT = 5


class ContactPersonInline(OrgScopedInline):
    model = ContactPerson
    form = ContactPersonForm
    formset = ContactPersonFormSet
    fields = ("first_name", "last_name", "email", "phone", "is_primary")
    extra = 1


def status_label(document, today) -> str:
    """The status a person should see: an open invoice past its due date reads "Overdue"."""
    if isinstance(document, Invoice):
        return Invoice.Status(document.display_status(today)).label
    return document.get_status_display()


@admin.register(Customer, site=office_site)
class CustomerAdmin(StatusActionsMixin, OrgScopedAdmin):
    form = CustomerForm
    inlines = [ContactPersonInline]
    list_display = ("display_name", "company_name", "email", "currency", "payment_terms_days", "is_active")
    list_filter = ("is_active", "currency")
    search_fields = ("display_name", "company_name", "email")
    ordering = ("display_name",)
    fieldsets = (
        (None, {"fields": ("display_name", "company_name", "email", "phone", "website", "currency")}),
        (
            gettext_lazy("Billing"),
            {"fields": ("billing_address", "shipping_address", "tax_id", "payment_terms_days", "allow_ach")},
        ),
        (gettext_lazy("Other"), {"fields": ("notes", "is_active")}),
    )

    readonly_fields = ("portal_status",)

    def has_delete_permission(self, request, obj=None):
        return False  # a customer is deactivated, never deleted: documents and payments refer to it

    def get_urls(self):
        opts = self.model._meta
        custom = [
            path(
                "<path:object_id>/portal/",
                self.admin_site.admin_view(self.portal_access_view),
                name=f"{opts.app_label}_{opts.model_name}_portal",
            ),
            path(
                "<path:object_id>/portal/reinvite/<int:contact_id>/",
                self.admin_site.admin_view(self.portal_reinvite_view),
                name=f"{opts.app_label}_{opts.model_name}_portal_reinvite",
            ),
        ]
        return custom + super().get_urls()

    def portal_access_view(self, request, object_id):
        return portal_access.portal_access_view(request, object_id, model_admin=self)

    def portal_reinvite_view(self, request, object_id, contact_id):
        return portal_access.portal_access_reinvite_view(request, object_id, contact_id, model_admin=self)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.pk is None:
            return fieldsets
        # The portal status sits with the other details, as in the reference, with its gear to configure it.
        *head, (title, options) = fieldsets
        return (*head, (title, {**options, "fields": (*options["fields"], "portal_status")}))

    @admin.display(description=gettext_lazy("portal status"))
    def portal_status(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        status = Customer.PortalStatus(customer_portal_status(customer=obj))
        return format_html(
            '{} <a class="office-configure" href="{}"><span aria-hidden="true">⚙</span> {}</a>',
            status.label,
            portal_access.portal_url(obj),
            _("Configure"),
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        organization = request_organization(request)
        initial.setdefault("currency", organization.base_currency)
        initial.setdefault("payment_terms_days", organization.payment_terms_days)
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            fields = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in CUSTOMER_EDITABLE_FIELDS
            }
            adopt(obj, customer_update(customer=obj, actor=office_actor(request), **fields))
            return
        fields = {
            name: form.cleaned_data[name] for name in CUSTOMER_EDITABLE_FIELDS if name in form.cleaned_data
        }
        adopt(
            obj,
            customer_create(
                organization=request_organization(request), actor=office_actor(request), **fields
            ),
        )

    def save_formset(self, request, form, formset, change):
        contacts = formset.save(commit=False)
        for contact in formset.deleted_objects:
            contact_person_delete(contact=contact, actor=office_actor(request))
        # Save the new primary contact last, so that it takes the flag from the others.
        for contact in sorted(contacts, key=lambda c: c.is_primary):
            contact.organization = form.instance.organization
            contact.customer = form.instance
            contact_person_save(contact=contact, actor=office_actor(request))

    def extra_change_context(self, request, obj) -> dict:
        context = super().extra_change_context(request, obj)
        locale = obj.organization.locale
        balances = customer_balances(customer=obj, today=organization_today(request))

        def money(amount):
            return format_money(amount, balances.currency, locale=locale)

        last = balances.last_payment
        figures = [
            [cell(_("Outstanding receivables")), cell(money(balances.receivable))],
            [cell(_("Overdue")), cell(money(balances.overdue))],
            [cell(_("Available credits")), cell(money(balances.available_credits))],
            [cell(_("Outstanding retainer invoices")), cell(money(balances.outstanding_retainers))],
            [cell(_("Available retainer payments")), cell(money(balances.available_retainer))],
            [
                cell(_("Last payment")),
                cell(
                    _("%(amount)s on %(date)s")
                    % {"amount": money(last.amount), "date": formats.localize(last.date)}
                    if last
                    else "—",
                    reverse("office:payments_customerpayment_change", args=[last.pk]) if last else None,
                ),
            ],
            [cell(_("Open quotes")), cell(balances.open_quotes)],
            [cell(_("Timesheets awaiting approval")), cell(balances.pending_approvals)],
        ]
        recent = []
        today = organization_today(request)
        for label, model in (
            (_("Invoice"), Invoice),
            (_("Quote"), Quote),
            (_("Retainer invoice"), RetainerInvoice),
            (_("Credit note"), CreditNote),
            (_("Sales order"), SalesOrder),
        ):
            for document in model.objects.filter(customer=obj).order_by("-date", "-id")[:RECENT]:
                recent.append(
                    [
                        cell(label),
                        link(document),
                        cell(document.date),
                        cell(status_label(document, today)),
                        cell(format_money(document.total, document.currency, locale=locale)),
                    ]
                )
        payments = [
            [
                link(p),
                cell(p.date),
                cell(p.get_mode_display()),
                cell(format_money(p.amount, p.currency, locale=locale)),
            ]
            for p in CustomerPayment.objects.filter(customer=obj).order_by("-date", "-id")[:RECENT]
        ]
        context["office_tables"] = [
            Table(_("Account"), [_("Figure"), _("Value")], figures),
            Table(
                _("Recent documents"),
                [_("Document"), _("Number"), _("Date"), _("Status"), _("Total")],
                recent,
                _("No documents yet."),
            ),
            Table(
                _("Recent payments"),
                [_("Number"), _("Date"), _("Mode"), _("Amount")],
                payments,
                _("No payments yet."),
            ),
        ]
        context["office_tables"].insert(1, self.portal_access_table(obj))
        context["office_links"] = [
            (_("Record payment"), reverse("office:payments_customerpayment_record", args=[obj.pk])),
            (_("New invoice"), reverse("office:sales_invoice_add") + f"?customer={obj.pk}"),
            (_("New quote"), reverse("office:sales_quote_add") + f"?customer={obj.pk}"),
            (_("Configure Customer Portal"), portal_access.portal_url(obj)),
        ]
        context["office_title_links"] = [(_("Invite to Portal"), portal_access.portal_url(obj))]
        return context

    def portal_access_table(self, obj) -> Table:
        """Each contact person's portal access, with Reinvite for whoever may have missed the email."""
        organization = obj.organization
        rows = []
        for contact in ContactPerson.objects.filter(customer=obj).select_related("portal_access"):
            access = getattr(contact, "portal_access", None)
            can_reinvite = organization.portal_enabled and portal_access.can_reinvite(contact, access)
            rows.append(
                [
                    cell(contact.full_name),
                    cell(contact.email or _("no email address")),
                    cell(access.get_status_display() if access else _("Not invited")),
                    cell(portal_access.access_date(access, organization)),
                    Cell(
                        _("Reinvite"),
                        portal_access.reinvite_url(obj, contact, back_to_customer=True),
                        "post",
                    )
                    if can_reinvite
                    else cell(""),
                ]
            )
        return Table(
            _("Portal access"),
            [_("Contact person"), _("Email"), _("Status"), _("Invited / activated"), ""],
            rows,
            _("No contact persons yet."),
        )
