"""Credit: using a credit note, the paid part of a retainer invoice, or a payment's unused amount to settle
invoices, and taking it back.

One service for the three sources. ``CREDIT_SOURCES`` says, for each, which row records one use, which of the
source's fields holds what is left, and how its stored balance is recomputed. Every function first locks the
customer, then the source, then the documents in id order, like the payment services.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.activity.services import audit_record
from portico.actors import Actor
from portico.money import ZERO, format_money, parse_amount, round_money
from portico.sales.models import CreditApplication, CreditNote, Invoice, RetainerApplication, RetainerInvoice
from portico.sales.services.balances import credit_note_settle, invoice_settle, retainer_settle
from portico.sales.services.documents import lock, lock_customer, require_status
from portico.sales.services.invoices import check_payable

from .balances import payment_settle
from .models import CustomerPayment, PaymentAllocation

CreditSourceDocument = CreditNote | RetainerInvoice | CustomerPayment
Settled = Invoice | RetainerInvoice
Use = CreditApplication | RetainerApplication | PaymentAllocation


@dataclass(frozen=True)
class CreditSource:
    """How one kind of source keeps its credit."""

    model: type[models.Model]
    #: The row that records one use of the credit on a document.
    use: type[models.Model]
    #: The use's foreign key to the source.
    field: str
    #: The source's field holding the credit not yet used.
    left: str
    settle: Callable[[models.Model], object]
    #: What the credit may settle: invoices, and for a payment also retainer invoices.
    settles: tuple[type[models.Model], ...]
    #: The source's key in the audit event's data, and the actions the audit log records.
    key: str
    applied: str
    removed: str
    too_much: str

    def available(self, source) -> Decimal:
        return getattr(source, self.left)


CREDIT_SOURCES = (
    CreditSource(
        model=CreditNote,
        use=CreditApplication,
        field="credit_note",
        left="balance",
        settle=credit_note_settle,
        settles=(Invoice,),
        key="credit_note",
        applied="creditnote.applied",
        removed="creditnote.unapplied",
        too_much=gettext_lazy("Credit note %(number)s has only %(left)s left."),
    ),
    CreditSource(
        model=RetainerInvoice,
        use=RetainerApplication,
        field="retainer_invoice",
        left="retainer_available",
        settle=retainer_settle,
        settles=(Invoice,),
        key="retainer",
        applied="retainer.applied",
        removed="retainer.unapplied",
        too_much=gettext_lazy("Retainer %(number)s has only %(left)s available."),
    ),
    CreditSource(
        model=CustomerPayment,
        use=PaymentAllocation,
        field="payment",
        left="unused_amount",
        settle=payment_settle,
        settles=(Invoice, RetainerInvoice),
        key="payment",
        applied="payment.allocated",
        removed="payment.unallocated",
        too_much=gettext_lazy(
            "The allocations add up to %(total)s, more than the %(left)s available on this payment."
        ),
    ),
)
_BY_MODEL = {source.model: source for source in CREDIT_SOURCES}
_BY_USE = {source.use: source for source in CREDIT_SOURCES}


def credit_source(source_or_use) -> CreditSource:
    """The kind of credit a credit note, retainer invoice or payment holds, or that one of its uses spent."""
    kind = _BY_MODEL.get(type(source_or_use)) or _BY_USE.get(type(source_or_use))
    if kind is None:
        raise TypeError(f"{type(source_or_use).__name__} holds no credit")
    return kind


def _document_field(document: Settled) -> str:
    return "invoice" if isinstance(document, Invoice) else "retainer_invoice"


def _settle_document(document: Settled) -> None:
    if isinstance(document, Invoice):
        invoice_settle(document)
    else:
        retainer_settle(document)


def credit_use(
    kind: CreditSource,
    source: CreditSourceDocument,
    uses: Sequence[tuple[Settled, Decimal | str]],
    date: datetime.date,
) -> list[Use]:
    """Spend a locked source's credit on documents; the caller holds the customer's lock and audits.

    A use of zero is skipped. Each document is locked in id order, so two payments of one customer never wait
    on each other in a cycle.
    """
    parsed = [(document, parse_amount(amount, source.currency)) for document, amount in uses]
    if isinstance(source, CreditNote) and not source.is_open:
        require_status(source, [CreditNote.Status.OPEN], _("applied"))
    total = sum((amount for _document, amount in parsed), ZERO)
    left = kind.available(source)
    if total > left:
        locale = source.organization.locale
        raise ValidationError(
            kind.too_much
            % {
                "number": source.number,
                "left": format_money(left, source.currency, locale),
                "total": format_money(total, source.currency, locale),
            }
        )
    seen = set()
    made = []
    for document, amount in sorted(parsed, key=lambda pair: (type(pair[0]).__name__, pair[0].pk)):
        key = (type(document), document.pk)
        if key in seen:
            raise ValidationError(_("%(number)s appears twice.") % {"number": document.number})
        seen.add(key)
        if amount == 0:
            continue
        if not isinstance(document, kind.settles):
            raise ValidationError(
                _("%(source)s cannot be applied to %(number)s.")
                % {"source": source.number, "number": document.number}
            )
        document = lock(type(document), document.pk)
        if document.organization_id != source.organization_id:
            raise ValidationError(_("%(number)s belongs to another customer.") % {"number": document.number})
        check_payable(document, customer_id=source.customer_id, currency=source.currency, amount=amount)
        made.append(
            kind.use.objects.create(
                organization=source.organization,
                amount=amount,
                date=date,
                **{kind.field: source, _document_field(document): document},
            )
        )
        _settle_document(document)
    kind.settle(source)
    return made


def credit_apply_many(
    *,
    source: CreditSourceDocument,
    uses: Sequence[tuple[Settled, Decimal | str]],
    date: datetime.date | None = None,
    actor: Actor,
) -> list[Use]:
    """Spend credit on several documents at once: all of them, or none if one is refused."""
    kind = credit_source(source)
    if not uses:
        raise ValidationError(_("Choose at least one invoice to apply the credit to."))
    with transaction.atomic():
        lock_customer(source.customer_id)
        source = lock(kind.model, source.pk)
        made = credit_use(kind, source, uses, date or source.organization.today())
        if not made:
            raise ValidationError(
                _("The amount for %(number)s must be more than zero.") % {"number": uses[0][0].number}
            )
        for use in made:
            audit_record(
                organization=source.organization,
                action=kind.applied,
                target=source if kind.model is CustomerPayment else use.invoice,
                actor=actor,
                customer=source.customer,
                data={
                    kind.key: source.number,
                    "document": _used_on(use).number,
                    "amount": str(round_money(use.amount, source.currency)),
                },
            )
    return made


def credit_apply(
    *,
    source: CreditSourceDocument,
    invoice: Settled,
    amount: Decimal | str,
    date: datetime.date | None = None,
    actor: Actor,
) -> Use:
    """Use credit from a credit note, a paid retainer or a payment's unused amount to settle an invoice."""
    return credit_apply_many(source=source, uses=[(invoice, amount)], date=date, actor=actor)[0]


def _used_on(use: Use) -> Settled:
    return use.invoice if use.invoice_id else use.retainer_invoice


def credit_remove(*, use: Use, actor: Actor) -> None:
    """Take back credit applied to a document: the document owes it again and the source offers it again.

    Taking back what a payment paid on a retainer invoice is refused once that retainer has been applied or
    refunded beyond what would remain paid.
    """
    kind = credit_source(use)
    with transaction.atomic():
        source_id = kind.use.objects.filter(pk=use.pk).values_list(f"{kind.field}_id", flat=True).first()
        source = kind.model.objects.filter(pk=source_id).first() if source_id else None
        if source is None:
            raise ValidationError(_("This credit was already taken back."))
        lock_customer(source.customer_id)
        source = lock(kind.model, source.pk)
        use = kind.use.objects.select_for_update().filter(pk=use.pk).first()
        if use is None:
            raise ValidationError(_("This credit was already taken back."))
        document = _used_on(use)
        document = lock(type(document), document.pk)
        if isinstance(document, RetainerInvoice) and use.amount > document.retainer_available:
            raise ValidationError(
                _(
                    "The retainer paid on %(number)s was already applied or refunded; only %(available)s "
                    "of it is unused. Remove those applications or refunds first."
                )
                % {
                    "number": document.number,
                    "available": format_money(
                        document.retainer_available, document.currency, document.organization.locale
                    ),
                }
            )
        audit_record(
            organization=source.organization,
            action=kind.removed,
            target=source if kind.model is CustomerPayment else document,
            actor=actor,
            customer=source.customer,
            data={
                kind.key: source.number,
                "document": document.number,
                "amount": str(round_money(use.amount, source.currency)),
            },
        )
        use.delete()
        _settle_document(document)
        kind.settle(source)
