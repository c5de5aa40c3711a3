"""Recording and correcting customer payments, and refunds; spending a payment on invoices is in ``credits``.

Every function here runs in one transaction that first locks the customer, then the rows it changes, so
parallel payments can never overpay an invoice or spend the same credit twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portico.activity.services import audit_record
from portico.actors import Actor
from portico.money import ZERO, format_money, parse_amount, round_money
from portico.organizations.models import NumberSeries
from portico.organizations.services import number_next
from portico.sales.models import CreditNote, Invoice, RetainerInvoice
from portico.sales.services.balances import invoice_settle, retainer_settle
from portico.sales.services.documents import lock, lock_customer, require_status
from portico.unset import UNSET, Unset, given

from .credits import credit_source, credit_use
from .models import CustomerPayment, PaymentMode, Refund

Payable = Invoice | RetainerInvoice


def payment_record(
    *,
    customer,
    amount: Decimal | str,
    date: datetime.date,
    mode: str = PaymentMode.BANK_TRANSFER,
    reference: str = "",
    bank_charges: Decimal | str = ZERO,
    notes: str = "",
    allocations: Sequence[tuple[Payable, Decimal | str]] = (),
    actor: Actor,
    is_online: bool = False,
    gateway: str = "",
    gateway_reference: str = "",
) -> CustomerPayment:
    """Record money received from a customer and allocate it to invoices or retainer invoices.

    What is not allocated stays on the payment as available credit, to apply later or refund.
    """
    if mode not in PaymentMode.values:
        raise ValidationError({"mode": _("Choose a payment mode.")})
    with transaction.atomic():
        customer = lock_customer(customer.pk)  # its currency as it is now, not as the caller loaded it
        amount = parse_amount(amount, customer.currency)
        if amount <= 0:
            raise ValidationError({"amount": _("The amount received must be more than zero.")})
        bank_charges = parse_amount(bank_charges, customer.currency, field="bank_charges")
        if bank_charges > amount:
            raise ValidationError(
                {"bank_charges": _("Bank charges cannot be more than the amount received.")}
            )
        payment = CustomerPayment.objects.create(
            organization=customer.organization,
            customer=customer,
            number=number_next(organization=customer.organization, kind=NumberSeries.Kind.PAYMENT),
            date=date,
            amount=amount,
            currency=customer.currency,
            bank_charges=bank_charges,
            mode=mode,
            reference=reference,
            notes=notes,
            unused_amount=amount,
            is_online=is_online,
            gateway=gateway,
            gateway_reference=gateway_reference,
        )
        credit_use(credit_source(payment), payment, allocations, date)
        audit_record(
            organization=customer.organization,
            action="payment.recorded",
            target=payment,
            actor=actor,
            data={"amount": str(amount), "allocations": [[d.number, str(a)] for d, a in allocations]},
        )
    return payment


def payment_delete(*, payment: CustomerPayment, actor: Actor) -> None:
    """Delete a payment recorded by mistake: its allocations go, and the invoices owe again what it paid."""
    with transaction.atomic():
        lock_customer(payment.customer_id)
        payment = lock(CustomerPayment, payment.pk)
        if payment.refunds.exists():
            raise ValidationError(_("Part of this payment was refunded; delete the refund first."))
        if payment.is_online:
            raise ValidationError(_("An online payment cannot be deleted; refund it instead."))
        for retainer in RetainerInvoice.objects.filter(payment_allocations__payment=payment).distinct():
            retainer = lock(RetainerInvoice, retainer.pk)
            if retainer.applications.exists() or retainer.refunds.exists():
                raise ValidationError(
                    _("The retainer paid by this payment was already used on %(number)s.")
                    % {"number": retainer.number}
                )
        invoices = list(Invoice.objects.filter(payment_allocations__payment=payment).distinct())
        retainers = list(RetainerInvoice.objects.filter(payment_allocations__payment=payment).distinct())
        payment.allocations.all().delete()
        for invoice in invoices:
            invoice_settle(lock(Invoice, invoice.pk))
        for retainer in retainers:
            retainer_settle(lock(RetainerInvoice, retainer.pk))
        audit_record(
            organization=payment.organization,
            action="payment.deleted",
            target=payment,
            actor=actor,
            data={"number": payment.number, "amount": str(round_money(payment.amount, payment.currency))},
        )
        payment.delete()


def refund_create(
    *,
    source: CreditNote | CustomerPayment | RetainerInvoice,
    amount: Decimal | str,
    date: datetime.date,
    mode: str = PaymentMode.BANK_TRANSFER,
    reference: str = "",
    actor: Actor,
) -> Refund:
    """Pay back credit to the customer: from a credit note, an unused payment, or an unused retainer."""
    if mode not in PaymentMode.values:
        raise ValidationError({"mode": _("Choose a payment mode.")})
    kind = credit_source(source)
    with transaction.atomic():
        lock_customer(source.customer_id)
        source = lock(kind.model, source.pk)
        amount = parse_amount(amount, source.currency)
        if amount <= 0:
            raise ValidationError({"amount": _("The refund must be more than zero.")})
        if isinstance(source, CreditNote):
            require_status(source, [CreditNote.Status.OPEN], _("refunded"))
        available = kind.available(source)
        if amount > available:
            raise ValidationError(
                {
                    "amount": _("Only %(available)s is available to refund from %(number)s.")
                    % {
                        "available": format_money(
                            available, source.currency, locale=source.organization.locale
                        ),
                        "number": source.number,
                    }
                }
            )
        refund = Refund.objects.create(
            organization=source.organization,
            customer=source.customer,
            number=number_next(organization=source.organization, kind=NumberSeries.Kind.REFUND),
            date=date,
            amount=amount,
            currency=source.currency,
            mode=mode,
            reference=reference,
            **{kind.field: source},
        )
        kind.settle(source)
        audit_record(
            organization=source.organization,
            action="refund.created",
            target=refund,
            actor=actor,
            customer=source.customer,
            data={"source": source.number, "amount": str(amount)},
        )
    return refund


def refund_delete(*, refund: Refund, actor: Actor) -> None:
    """Delete a refund recorded by mistake: its amount is available again on the credit note, payment or retainer."""
    with transaction.atomic():
        lock_customer(refund.customer_id)
        refund = Refund.objects.select_for_update().filter(pk=refund.pk).first()
        if refund is None:
            raise ValidationError(_("This refund was already deleted."))
        kind = credit_source(refund.source)
        source = lock(kind.model, refund.source.pk)
        audit_record(
            organization=refund.organization,
            action="refund.deleted",
            target=refund,
            actor=actor,
            customer=refund.customer,
            data={
                "number": refund.number,
                "source": source.number,
                "amount": str(round_money(refund.amount, refund.currency)),
            },
        )
        refund.delete()
        kind.settle(source)


#: Payment fields the back office may correct after recording; amounts and allocations change by other means.
PAYMENT_EDITABLE_FIELDS = ("date", "mode", "reference", "notes", "bank_charges")


def payment_update(
    *,
    payment: CustomerPayment,
    actor: Actor,
    date: datetime.date | Unset = UNSET,
    mode: str | Unset = UNSET,
    reference: str | Unset = UNSET,
    notes: str | Unset = UNSET,
    bank_charges: Decimal | str | Unset | None = UNSET,
) -> CustomerPayment:
    """Correct an offline payment's date, mode, reference, notes or bank charges; the others stay."""
    fields = given(date=date, mode=mode, reference=reference, notes=notes, bank_charges=bank_charges)
    with transaction.atomic():
        lock_customer(payment.customer_id)
        payment = lock(CustomerPayment, payment.pk)
        if payment.is_online:
            raise ValidationError(_("An online payment cannot be edited; its details come from the gateway."))
        if "mode" in fields and fields["mode"] not in PaymentMode.values:
            raise ValidationError({"mode": _("Choose a payment mode.")})
        if "bank_charges" in fields:
            charges = parse_amount(fields["bank_charges"] or ZERO, payment.currency, field="bank_charges")
            if charges > payment.amount:
                raise ValidationError(
                    {"bank_charges": _("Bank charges cannot be more than the amount received.")}
                )
            fields["bank_charges"] = charges
        for name in ("reference", "notes"):
            if name in fields:
                fields[name] = (fields[name] or "").strip()
        for name, value in fields.items():
            setattr(payment, name, value)
        payment.full_clean(exclude=["organization", "customer"])
        payment.save(update_fields=list(fields) or None)
        audit_record(
            organization=payment.organization,
            action="payment.updated",
            target=payment,
            actor=actor,
            data={"fields": sorted(fields)},
        )
    return payment
