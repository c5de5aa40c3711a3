"""Recomputing stored balances from the rows that move money. Callers hold the document's row lock.

Each function derives the balance from its source rows (allocations, credits applied, refunds), checks it
against the invariants (never below zero, never above the total) and stores it with the status it implies.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portico.fields import money_sum

from ..models import CreditNote, Invoice, RetainerInvoice


def _sum(queryset, field: str = "amount"):
    return money_sum(queryset, field)


def invoice_settle(invoice: Invoice) -> Invoice:
    """Balance due = total − payments − credits applied − retainer applied; status follows it."""
    if invoice.status in (Invoice.Status.DRAFT, Invoice.Status.VOID):
        return invoice
    settled = (
        _sum(invoice.payment_allocations.all())
        + _sum(invoice.credit_applications.all())
        + _sum(invoice.retainer_applications.all())
    )
    balance = invoice.total - settled
    if balance < 0:
        raise ValidationError(_("Invoice %(number)s would be overpaid.") % {"number": invoice.number})
    invoice.balance_due = balance
    if balance == 0:
        invoice.status = Invoice.Status.PAID
    elif settled > 0:
        invoice.status = Invoice.Status.PARTIALLY_PAID
    else:
        invoice.status = Invoice.Status.SENT
    invoice.save(update_fields=["balance_due", "status", "updated_at"])
    return invoice


def retainer_settle(retainer: RetainerInvoice) -> RetainerInvoice:
    """Balance due = total − payments; available retainer = payments − applied − refunded."""
    if retainer.status in (RetainerInvoice.Status.DRAFT, RetainerInvoice.Status.VOID):
        return retainer
    paid = _sum(retainer.payment_allocations.all())
    available = paid - _sum(retainer.applications.all()) - _sum(retainer.refunds.all())
    balance = retainer.total - paid
    if balance < 0:
        raise ValidationError(
            _("Retainer invoice %(number)s would be overpaid.") % {"number": retainer.number}
        )
    if available < 0:
        raise ValidationError(
            _("Retainer invoice %(number)s has not that much retainer left.") % {"number": retainer.number}
        )
    retainer.balance_due = balance
    retainer.retainer_available = available
    if balance == 0:
        retainer.status = RetainerInvoice.Status.PAID
    elif paid > 0:
        retainer.status = RetainerInvoice.Status.PARTIALLY_PAID
    else:
        retainer.status = RetainerInvoice.Status.SENT
    retainer.save(update_fields=["balance_due", "retainer_available", "status", "updated_at"])
    return retainer


def credit_note_settle(credit_note: CreditNote) -> CreditNote:
    """Credits remaining = total − applied − refunded; closed when nothing remains."""
    if credit_note.status in (CreditNote.Status.DRAFT, CreditNote.Status.VOID):
        return credit_note
    remaining = credit_note.total - _sum(credit_note.applications.all()) - _sum(credit_note.refunds.all())
    if remaining < 0:
        raise ValidationError(
            _("Credit note %(number)s has not that much credit left.") % {"number": credit_note.number}
        )
    credit_note.balance = remaining
    credit_note.status = CreditNote.Status.OPEN if remaining > 0 else CreditNote.Status.CLOSED
    credit_note.save(update_fields=["balance", "status", "updated_at"])
    return credit_note
