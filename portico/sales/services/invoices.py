"""Invoices, retainer invoices and credit notes: creating, issuing and voiding; the rule for what may be paid."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.activity.services import audit_record
from portico.actors import Actor
from portico.money import format_money
from portico.projects.services import time_entries_unbill

from ..models import CreditNote, Invoice, RetainerInvoice
from .documents import (
    document_create,
    invoice_reopen_sources,
    lock,
    lock_customer,
    require_status,
    snapshot_customer,
)

IS = Invoice.Status
RS = RetainerInvoice.Status
CS = CreditNote.Status


def invoice_create(
    *, customer, date: datetime.date, lines, due_date: datetime.date | None = None, actor: Actor, **fields
) -> Invoice:
    """Create a draft invoice; it is due after the customer's payment terms unless a due date is given."""
    return document_create(
        model=Invoice, customer=customer, date=date, lines=lines, due_date=due_date, actor=actor, **fields
    )


def _issue(document, *, model, audit: str, actor) -> None:
    if not document.can_send():
        require_status(document, [model.Status.DRAFT], _("sent"))
        raise ValidationError(_("A document with a total of zero cannot be sent."))
    snapshot_customer(document, document.customer)
    document.status = model.Status.SENT
    document.sent_at = timezone.now()
    document.balance_due = document.total
    document.save()
    audit_record(organization=document.organization, action=audit, target=document, actor=actor)


def invoice_send(*, invoice: Invoice, actor: Actor) -> Invoice:
    """Issue a draft invoice: it is owed from now on and its lines no longer change."""
    with transaction.atomic():
        invoice = lock(Invoice, invoice.pk)
        _issue(invoice, model=Invoice, audit="invoice.sent", actor=actor)
    return invoice


def invoice_void(*, invoice: Invoice, actor: Actor) -> Invoice:
    """Void an invoice that nothing has been paid or credited on; it no longer counts as owed."""
    with transaction.atomic():
        lock_customer(invoice.customer_id)
        invoice = lock(Invoice, invoice.pk)
        if not invoice.can_void():
            # Paid and partly paid invoices pass here, so the message below says what to undo first.
            require_status(invoice, [IS.DRAFT, *Invoice.OPEN_STATUSES, IS.PAID], _("voided"))
            raise ValidationError(
                _("Remove the payments and credits applied to this invoice before voiding it.")
            )
        invoice.status = IS.VOID
        invoice.voided_at = timezone.now()
        invoice.balance_due = Decimal(0)
        invoice.save()
        time_entries_unbill(invoice=invoice)
        invoice_reopen_sources(invoice=invoice, actor=actor)
        audit_record(organization=invoice.organization, action="invoice.voided", target=invoice, actor=actor)
    return invoice


def retainer_invoice_create(
    *, customer, date: datetime.date, lines, actor: Actor, **fields
) -> RetainerInvoice:
    """Create a draft retainer invoice (a request for an advance payment)."""
    return document_create(
        model=RetainerInvoice, customer=customer, date=date, lines=lines, actor=actor, **fields
    )


def retainer_invoice_send(*, retainer: RetainerInvoice, actor: Actor) -> RetainerInvoice:
    with transaction.atomic():
        retainer = lock(RetainerInvoice, retainer.pk)
        _issue(retainer, model=RetainerInvoice, audit="retainerinvoice.sent", actor=actor)
    return retainer


def retainer_invoice_void(*, retainer: RetainerInvoice, actor: Actor) -> RetainerInvoice:
    """Void a retainer invoice nothing has been paid on."""
    with transaction.atomic():
        lock_customer(retainer.customer_id)
        retainer = lock(RetainerInvoice, retainer.pk)
        if not retainer.can_void():
            require_status(retainer, [RS.DRAFT, *RetainerInvoice.OPEN_STATUSES, RS.PAID], _("voided"))
            raise ValidationError(_("Remove the payments on this retainer invoice before voiding it."))
        retainer.status = RS.VOID
        retainer.balance_due = Decimal(0)
        retainer.save()
        audit_record(
            organization=retainer.organization,
            action="retainerinvoice.voided",
            target=retainer,
            actor=actor,
        )
    return retainer


def credit_note_create(*, customer, date: datetime.date, lines, actor: Actor, **fields) -> CreditNote:
    """Create a draft credit note; ``invoice`` may name the invoice it corrects."""
    return document_create(model=CreditNote, customer=customer, date=date, lines=lines, actor=actor, **fields)


def credit_note_open(*, credit_note: CreditNote, actor: Actor) -> CreditNote:
    """Issue a draft credit note: its total becomes credit the customer can use."""
    with transaction.atomic():
        credit_note = lock(CreditNote, credit_note.pk)
        if not credit_note.can_open():
            require_status(credit_note, [CS.DRAFT], _("issued"))
            raise ValidationError(_("A credit note with a total of zero cannot be issued."))
        snapshot_customer(credit_note, credit_note.customer)
        credit_note.status = CS.OPEN
        credit_note.balance = credit_note.total
        credit_note.save()
        audit_record(
            organization=credit_note.organization,
            action="creditnote.opened",
            target=credit_note,
            actor=actor,
        )
    return credit_note


def credit_note_void(*, credit_note: CreditNote, actor: Actor) -> CreditNote:
    """Void a credit note none of whose credit has been used."""
    with transaction.atomic():
        lock_customer(credit_note.customer_id)
        credit_note = lock(CreditNote, credit_note.pk)
        if not credit_note.can_void():
            require_status(credit_note, [CS.DRAFT, CS.OPEN], _("voided"))
            raise ValidationError(_("This credit note has been applied or refunded; it cannot be voided."))
        credit_note.status = CS.VOID
        credit_note.balance = Decimal(0)
        credit_note.save()
        audit_record(
            organization=credit_note.organization,
            action="creditnote.voided",
            target=credit_note,
            actor=actor,
        )
    return credit_note


def check_payable(
    invoice: Invoice | RetainerInvoice, *, customer_id: int, currency: str, amount: Decimal
) -> None:
    """Refuse paying or crediting an invoice of another customer, in another currency, or beyond its balance."""
    if invoice.customer_id != customer_id:
        raise ValidationError(_("%(number)s belongs to another customer.") % {"number": invoice.number})
    if invoice.currency != currency:
        raise ValidationError(
            _("%(number)s is in %(theirs)s, not %(ours)s.")
            % {"number": invoice.number, "theirs": invoice.currency, "ours": currency}
        )
    if not invoice.is_payable:
        raise ValidationError(
            _("%(number)s is %(status)s; only sent or partially paid invoices can be paid.")
            % {"number": invoice.number, "status": invoice.get_status_display().lower()}
        )
    if amount <= 0:
        raise ValidationError(
            _("The amount for %(number)s must be more than zero.") % {"number": invoice.number}
        )
    if amount > invoice.balance_due:
        raise ValidationError(
            _("%(amount)s is more than the %(balance)s due on %(number)s.")
            % {
                "amount": format_money(amount, currency, invoice.organization.locale),
                "balance": format_money(invoice.balance_due, currency, invoice.organization.locale),
                "number": invoice.number,
            }
        )
