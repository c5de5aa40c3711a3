"""Recording customer payments, allocating them to invoices, and refunds.

Every function here runs in one transaction that first locks the customer, then the rows it changes, so
parallel payments can never overpay an invoice or spend the same credit twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from portico.activity.services import audit_record
from portico.actors import Actor
from portico.money import ZERO, format_money, parse_amount, round_money
from portico.organizations.models import NumberSeries
from portico.organizations.services import number_next
from portico.sales.models import CreditNote, Invoice, RetainerInvoice
from portico.sales.services.balances import credit_note_settle, invoice_settle, retainer_settle
from portico.sales.services.documents import lock, lock_customer, require_status
from portico.sales.services.invoices import check_payable

from .models import CustomerPayment, PaymentAllocation, PaymentMode, Refund

Payable = Invoice | RetainerInvoice


def payment_settle(payment: CustomerPayment) -> CustomerPayment:
    """Unused amount = amount − allocations − refunds; never below zero."""
    used = (payment.allocations.aggregate(s=Sum("amount"))["s"] or ZERO) + (
        payment.refunds.aggregate(s=Sum("amount"))["s"] or ZERO
    )
    unused = payment.amount - used
    if unused < 0:
        raise ValidationError(
            _("The allocations (%(used)s) are more than the payment of %(amount)s.")
            % {
                "used": format_money(used, payment.currency, locale=payment.organization.locale),
                "amount": format_money(payment.amount, payment.currency, locale=payment.organization.locale),
            }
        )
    payment.unused_amount = unused
    payment.save(update_fields=["unused_amount"])
    return payment


def _allocate(payment: CustomerPayment, allocations: Sequence[tuple[Payable, Decimal | str]], date) -> None:
    """Allocate parts of a locked payment; each document is locked in id order to keep lock order stable."""
    parsed = []
    for document, amount in allocations:
        parsed.append((document, parse_amount(amount, payment.currency)))
    total = sum((amount for _doc, amount in parsed), ZERO)
    if total > payment.unused_amount:
        raise ValidationError(
            _("The allocations add up to %(total)s, more than the %(unused)s available on this payment.")
            % {
                "total": format_money(total, payment.currency, locale=payment.organization.locale),
                "unused": format_money(
                    payment.unused_amount, payment.currency, locale=payment.organization.locale
                ),
            }
        )
    seen = set()
    for document, amount in sorted(parsed, key=lambda pair: (type(pair[0]).__name__, pair[0].pk)):
        key = (type(document), document.pk)
        if key in seen:
            raise ValidationError(_("%(number)s appears twice.") % {"number": document.number})
        seen.add(key)
        if amount == 0:
            continue
        document = lock(type(document), document.pk)
        if document.organization_id != payment.organization_id:
            raise ValidationError(_("%(number)s belongs to another customer.") % {"number": document.number})
        check_payable(document, customer_id=payment.customer_id, currency=payment.currency, amount=amount)
        PaymentAllocation.objects.create(
            organization=payment.organization,
            payment=payment,
            amount=amount,
            date=date,
            invoice=document if isinstance(document, Invoice) else None,
            retainer_invoice=document if isinstance(document, RetainerInvoice) else None,
        )
        if isinstance(document, Invoice):
            invoice_settle(document)
        else:
            retainer_settle(document)
    payment_settle(payment)


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
    amount = parse_amount(amount, customer.currency)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount received must be more than zero.")})
    bank_charges = parse_amount(bank_charges, customer.currency, field="bank_charges")
    if bank_charges > amount:
        raise ValidationError({"bank_charges": _("Bank charges cannot be more than the amount received.")})
    if mode not in PaymentMode.values:
        raise ValidationError({"mode": _("Choose a payment mode.")})
    with transaction.atomic():
        lock_customer(customer.pk)
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
        _allocate(payment, allocations, date)
        audit_record(
            organization=customer.organization,
            action="payment.recorded",
            target=payment,
            actor=actor,
            data={"amount": str(amount), "allocations": [[d.number, str(a)] for d, a in allocations]},
        )
    return payment


def payment_allocate(
    *,
    payment: CustomerPayment,
    allocations: Sequence[tuple[Payable, Decimal | str]],
    date: datetime.date | None = None,
    actor: Actor,
) -> CustomerPayment:
    """Apply a payment's unused amount (available credit) to further invoices."""
    with transaction.atomic():
        lock_customer(payment.customer_id)
        payment = lock(CustomerPayment, payment.pk)
        if not allocations:
            raise ValidationError(_("Choose at least one invoice to apply the credit to."))
        _allocate(payment, allocations, date or payment.organization.today())
        audit_record(
            organization=payment.organization,
            action="payment.allocated",
            target=payment,
            actor=actor,
            data={"allocations": [[d.number, str(a)] for d, a in allocations]},
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
    with transaction.atomic():
        lock_customer(source.customer_id)
        source = lock(type(source), source.pk)
        amount = parse_amount(amount, source.currency)
        if amount <= 0:
            raise ValidationError({"amount": _("The refund must be more than zero.")})
        if isinstance(source, CreditNote):
            require_status(source, [CreditNote.Status.OPEN], _("refunded"))
            available = source.balance
        elif isinstance(source, CustomerPayment):
            available = source.unused_amount
        else:
            available = source.retainer_available
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
            credit_note=source if isinstance(source, CreditNote) else None,
            payment=source if isinstance(source, CustomerPayment) else None,
            retainer_invoice=source if isinstance(source, RetainerInvoice) else None,
        )
        if isinstance(source, CreditNote):
            credit_note_settle(source)
        elif isinstance(source, CustomerPayment):
            payment_settle(source)
        else:
            retainer_settle(source)
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
        refund = lock(Refund, refund.pk)
        source = refund.source
        source = lock(type(source), source.pk)
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
        if isinstance(source, CreditNote):
            credit_note_settle(source)
        elif isinstance(source, CustomerPayment):
            payment_settle(source)
        else:
            retainer_settle(source)


#: Payment fields the back office may correct after recording; amounts and allocations change by other means.
PAYMENT_EDITABLE_FIELDS = ("date", "mode", "reference", "notes", "bank_charges")


def payment_update(*, payment: CustomerPayment, actor: Actor, **fields) -> CustomerPayment:
    """Correct an offline payment's date, mode, reference, notes or bank charges."""
    unknown = set(fields) - set(PAYMENT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These payment fields cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
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


def payment_unallocate(*, allocation: PaymentAllocation, actor: Actor) -> None:
    """Take back the part of a payment allocated to one invoice or retainer: it becomes available credit again.

    A retainer allocation is refused when what was paid on the retainer has already been applied to invoices
    or refunded beyond what would remain paid after removing it.
    """
    with transaction.atomic():
        allocation = PaymentAllocation.objects.select_related("payment").get(pk=allocation.pk)
        lock_customer(allocation.payment.customer_id)
        payment = lock(CustomerPayment, allocation.payment_id)
        allocation = lock(PaymentAllocation, allocation.pk)
        document = allocation.document
        document = lock(type(document), document.pk)
        if isinstance(document, RetainerInvoice) and allocation.amount > document.retainer_available:
            raise ValidationError(
                _(
                    "The retainer paid on %(number)s was already applied or refunded; only %(available)s "
                    "of it is unused. Remove those applications or refunds first."
                )
                % {
                    "number": document.number,
                    "available": format_money(
                        document.retainer_available, document.currency, locale=document.organization.locale
                    ),
                }
            )
        audit_record(
            organization=payment.organization,
            action="payment.unallocated",
            target=payment,
            actor=actor,
            data={
                "document": document.number,
                "amount": str(round_money(allocation.amount, payment.currency)),
            },
        )
        allocation.delete()
        if isinstance(document, Invoice):
            invoice_settle(document)
        else:
            retainer_settle(document)
        payment_settle(payment)
