"""Back-office screens the admin has no page for: choosing a customer and recording a payment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from portico.customers.models import Customer
from portico.money import format_money
from portico.office.admin.panels import admin_change_url
from portico.office.admin.tenancy import (
    add_service_errors,
    office_actor,
    organization_today,
    parse_id,
    request_organization,
)
from portico.office.forms import ChooseCustomerForm, RecordPaymentForm
from portico.payments.services import payment_record
from portico.sales.models import Invoice, RetainerInvoice


def _admin_context(request: HttpRequest, model_admin, title: str) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "media": model_admin.media,
    }


def choose_customer(request: HttpRequest, *, model_admin) -> HttpResponse:
    """First step of recording a payment: whose payment it is."""
    organization = request_organization(request)
    form = ChooseCustomerForm(request.GET or None, organization=organization)
    if request.GET and form.is_valid():
        return HttpResponseRedirect(
            reverse("office:payments_customerpayment_record", args=[form.cleaned_data["customer"].pk])
        )
    context = {**_admin_context(request, model_admin, _("Record payment")), "form": form}
    return TemplateResponse(request, "office/choose_customer.html", context)


def _prefill(request: HttpRequest, customer: Customer):
    """The invoice or retainer the "Record payment" button was pressed on, if any."""
    for key, model in (("invoice", Invoice), ("retainer", RetainerInvoice)):
        pk = parse_id(request.GET.get(key, ""))
        if pk is not None:
            return model.objects.filter(customer=customer, pk=pk).first()
    return None


def record_payment(request: HttpRequest, customer_id: int, *, model_admin) -> HttpResponse:
    """Record money received from a customer, spread over their open invoices; the rest stays as credit."""
    organization = request_organization(request)
    customer = get_object_or_404(Customer, organization=organization, pk=customer_id)
    if not model_admin.has_add_permission(request):
        raise Http404(_("Not found."))
    form = RecordPaymentForm(
        request.POST if request.method == "POST" else None,
        customer=customer,
        today=organization_today(request),
        prefill=_prefill(request, customer),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payment_record(
                customer=customer,
                amount=data["amount"],
                date=data["date"],
                mode=data["mode"],
                reference=data["reference"],
                bank_charges=data["bank_charges"] or 0,
                notes=data["notes"],
                allocations=data["allocations"],
                actor=office_actor(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Payment %(number)s of %(amount)s was recorded.")
                % {
                    "number": payment.number,
                    "amount": format_money(payment.amount, payment.currency, locale=organization.locale),
                },
            )
            return HttpResponseRedirect(admin_change_url(payment))
    context = {
        **_admin_context(
            request, model_admin, _("Record payment from %(name)s") % {"name": customer.display_name}
        ),
        "customer": customer,
        "customer_url": admin_change_url(customer),
        "form": form,
        "rows": [{**row, "url": admin_change_url(row["document"])} for row in form.allocation_rows()],
    }
    return TemplateResponse(request, "office/record_payment.html", context)
