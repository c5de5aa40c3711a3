"""Creating sales documents and keeping their lines and totals right.

Every kind of sales document shares this code: lines are validated, priced by :mod:`portico.money`, and the
document's stored totals are the sums of its rounded lines.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portico.activity.services import audit_record
from portico.actors import Actor
from portico.catalog.models import Item, Tax
from portico.customers.models import Customer
from portico.money import MAX_AMOUNT, ZERO, document_totals, format_money, to_decimal
from portico.organizations.models import NumberSeries
from portico.organizations.services import number_next

from ..models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    Quote,
    QuoteLine,
    RetainerInvoice,
    RetainerInvoiceLine,
    SalesDocument,
    SalesOrder,
    SalesOrderLine,
)
from .billed_work import billed_work_follow

#: Header fields every kind of document may be created with; status, balances and links are set by services.
COMMON_HEADER_FIELDS = ("reference", "notes", "terms")


@dataclass(frozen=True)
class DocumentKind:
    line_model: type
    series: str
    editable_statuses: tuple[str, ...]
    label: str
    header_fields: tuple[str, ...] = ()

    @property
    def creatable_fields(self) -> tuple[str, ...]:
        return COMMON_HEADER_FIELDS + self.header_fields


KINDS: dict[type, DocumentKind] = {
    Quote: DocumentKind(QuoteLine, NumberSeries.Kind.QUOTE, (Quote.Status.DRAFT,), "quote", ("expiry_date",)),
    Invoice: DocumentKind(
        InvoiceLine,
        NumberSeries.Kind.INVOICE,
        (Invoice.Status.DRAFT,),
        "invoice",
        ("due_date", "allow_partial_payments", "payment_gateways"),
    ),
    RetainerInvoice: DocumentKind(
        RetainerInvoiceLine,
        NumberSeries.Kind.RETAINER_INVOICE,
        (RetainerInvoice.Status.DRAFT,),
        "retainer invoice",
        ("project", "quote"),
    ),
    CreditNote: DocumentKind(
        CreditNoteLine,
        NumberSeries.Kind.CREDIT_NOTE,
        (CreditNote.Status.DRAFT,),
        "credit note",
        ("invoice", "reason"),
    ),
    SalesOrder: DocumentKind(
        SalesOrderLine,
        NumberSeries.Kind.SALES_ORDER,
        (SalesOrder.Status.DRAFT,),
        "sales order",
        ("expected_shipment_date",),
    ),
}

#: Header fields that name another record; it must belong to the document's customer.
RELATED_FIELDS = {
    "project": gettext_lazy("project"),
    "quote": gettext_lazy("quote"),
    "sales_order": gettext_lazy("sales order"),
    "invoice": gettext_lazy("invoice"),
}


@dataclass(frozen=True)
class LineInput:
    """One line as entered: what is sold, how many, at what price, less what discount, with which tax.

    A line with an item takes what it leaves out from the item: its name as the description, its tax, and —
    when ``rate`` is None and the document is in the organization's base currency, the currency items are
    priced in — its price. A rate of 0 is a free line.

    ``tax_snapshot`` is the tax as another document already priced the line, (name, rate %) or ("", 0) for
    none: a line copied from a quote or a sales order keeps it, whatever became of the Tax since (changed,
    deleted), and neither the item's tax nor the Tax's current rate replaces it.
    """

    description: str
    quantity: Decimal | int | str = Decimal("1")
    rate: Decimal | int | str | None = ZERO
    discount_percent: Decimal | int | str = ZERO
    tax: Tax | None = None
    item: Item | None = None
    #: The id of the saved line this one replaces, when editing: work billed on that line stays billed on it.
    line: int | None = None
    tax_snapshot: tuple[str, Decimal] | None = None


def kind_of(document: SalesDocument) -> DocumentKind:
    return KINDS[type(document)]


def is_editable(document: SalesDocument) -> bool:
    """Whether the document's lines may still change; issued documents are snapshots."""
    return document.status in kind_of(document).editable_statuses


def lock(model, pk):
    """Load a row and lock it until the end of the transaction (a no-op on SQLite, whose writes are serial).

    A row deleted meanwhile, by someone doing the same thing at the same time, is refused with a message.
    """
    row = model.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise ValidationError(
            _("This %(record)s was deleted meanwhile.") % {"record": model._meta.verbose_name}
        )
    return row


def lock_customer(customer_id: int) -> Customer:
    """Lock the customer: every change of a customer's balances takes this lock first, so they never deadlock."""
    return lock(Customer, customer_id)


def snapshot_customer(document: SalesDocument, customer: Customer) -> None:
    document.customer_name = customer.company_name or customer.display_name
    document.billing_address = customer.billing_address
    document.shipping_address = customer.shipping_address
    document.customer_tax_id = customer.tax_id


def _validate_lines(document: SalesDocument, lines: Sequence[LineInput]) -> None:
    errors = []
    for index, line in enumerate(lines, start=1):
        if not (line.description or "").strip() and line.item is None:
            errors.append(_("Line %(n)d needs a description.") % {"n": index})
        for tax_or_item in (line.tax, line.item):
            if tax_or_item is not None and tax_or_item.organization_id != document.organization_id:
                errors.append(_("Line %(n)d uses a tax or item of another organization.") % {"n": index})
        if line.rate is None:
            if line.item is None:
                errors.append(_("Line %(n)d: enter the rate.") % {"n": index})
            elif document.currency != document.organization.base_currency:
                errors.append(
                    _(
                        "Line %(n)d: %(item)s is priced in %(base)s and this document is in %(currency)s: "
                        "enter the rate in %(currency)s."
                    )
                    % {
                        "n": index,
                        "item": line.item.name,
                        "base": document.organization.base_currency,
                        "currency": document.currency,
                    }
                )
    if errors:
        raise ValidationError({"lines": errors})


def _build_lines(document: SalesDocument, lines: Iterable[LineInput]) -> list:
    line_model = kind_of(document).line_model
    built = []
    for position, line in enumerate(lines):
        description = (line.description or "").strip() or (line.item.name if line.item else "")
        rate = line.item.rate if line.rate is None else line.rate
        if line.tax_snapshot is not None:
            tax = line.tax  # None if the tax was deleted since; the snapshot still names it
            tax_name, tax_rate = line.tax_snapshot
        else:
            tax = line.tax if line.tax is not None or line.item is None else line.item.tax
            tax_name, tax_rate = (tax.name, tax.rate) if tax else ("", ZERO)
        built.append(
            line_model(
                document=document,
                position=position,
                item=line.item,
                description=description,
                quantity=to_decimal(line.quantity),
                rate=to_decimal(rate),
                discount_percent=to_decimal(line.discount_percent),
                tax=tax,
                tax_name=tax_name,
                tax_rate=to_decimal(tax_rate),
            )
        )
    return built


def _copy_tax(line) -> None:
    """Take the tax's name and rate as they are now onto a draft's line."""
    line.tax_name = line.tax.name if line.tax else ""
    line.tax_rate = line.tax.rate if line.tax else ZERO


def _price_lines(document: SalesDocument, lines: list) -> None:
    """Compute each line's amounts with the tax name and rate it holds, and the document's totals (no saving)."""
    computed = []
    errors = []
    for index, line in enumerate(lines, start=1):
        try:
            amounts = line.compute(document.currency)
        except ValidationError as exc:
            errors.extend(_("Line %(n)d: %(error)s") % {"n": index, "error": m} for m in exc.messages)
            continue
        line.amount, line.tax_amount = amounts.net, amounts.tax
        try:
            line.clean_fields(exclude=["document", "item", "tax"])
        except ValidationError as exc:
            errors.extend(_("Line %(n)d: %(error)s") % {"n": index, "error": m} for m in exc.messages)
            continue
        computed.append((amounts, line.tax_name, line.tax_rate))
    if errors:
        raise ValidationError({"lines": errors})
    totals = document_totals(computed, document.currency)
    if totals.total > MAX_AMOUNT:
        locale = document.organization.locale
        raise ValidationError(
            {
                "lines": _(
                    "The lines add up to %(total)s, more than %(max)s, the most one %(kind)s can hold."
                )
                % {
                    "total": format_money(totals.total, document.currency, locale=locale),
                    "max": format_money(MAX_AMOUNT, document.currency, locale=locale),
                    "kind": kind_of(document).label,
                }
            }
        )
    document.subtotal = totals.subtotal
    document.discount_total = totals.discount_total
    document.tax_total = totals.tax_total
    document.total = totals.total


def _reset_balances(document: SalesDocument) -> None:
    """A draft owes or offers its whole total."""
    if isinstance(document, Invoice | RetainerInvoice):
        document.balance_due = document.total
    elif isinstance(document, CreditNote):
        document.balance = document.total


def _check_header_fields(kind: DocumentKind, customer: Customer, date: datetime.date, fields: dict) -> dict:
    """The header as the document keeps it: refuses fields a document may not be given, related records of
    another customer and dates out of order, and fills an invoice's due date from the customer's terms."""
    unknown = sorted(set(fields) - set(kind.creatable_fields))
    if unknown:
        raise ValidationError(
            _("A new %(kind)s cannot be created with these fields: %(names)s.")
            % {"kind": kind.label, "names": ", ".join(unknown)}
        )
    errors = {}
    for name, label in RELATED_FIELDS.items():
        related = fields.get(name)
        if related is None:
            continue
        if related.organization_id != customer.organization_id or related.customer_id != customer.pk:
            errors[name] = _("This %(record)s belongs to another customer.") % {"record": label}
    fields = dict(fields)
    if "due_date" in kind.header_fields:
        fields["due_date"] = fields.get("due_date") or date + datetime.timedelta(
            days=customer.payment_terms_days
        )
        if fields["due_date"] < date:
            errors["due_date"] = _("The due date cannot be before the invoice date.")
    expiry = fields.get("expiry_date")
    if expiry is not None and date is not None and expiry < date:
        errors["expiry_date"] = _("The expiry date cannot be before the quote date.")
    if errors:
        raise ValidationError(errors)
    return fields


def document_create(
    *,
    model: type,
    customer: Customer,
    date: datetime.date,
    lines: Sequence[LineInput],
    actor: Actor,
    **fields,
) -> SalesDocument:
    """Create a draft document of the given kind for a customer, numbered from the organization's series.

    The customer is locked and read again first: the document takes its currency and details as they are now.
    """
    kind = KINDS[model]
    if not lines:
        raise ValidationError(_("Add at least one line to the %(kind)s.") % {"kind": kind.label})
    with transaction.atomic():
        organization = customer.organization  # a customer never moves to another organization
        customer = lock_customer(customer.pk)
        customer.organization = organization
        fields = _check_header_fields(kind, customer, date, fields)
        document = model(
            organization=organization, customer=customer, date=date, currency=customer.currency, **fields
        )
        snapshot_customer(document, customer)
        _validate_lines(document, lines)
        built = _build_lines(document, lines)
        _price_lines(document, built)
        _reset_balances(document)
        document.number = "pending"  # replaced below, once everything else is known to be right
        document.full_clean(exclude=["number", "customer", "organization"])
        document.number = number_next(organization=organization, kind=kind.series)
        document.save()
        for line in built:
            line.document = document
        kind.line_model.objects.bulk_create(built)
        audit_record(
            organization=document.organization,
            action=f"{model._meta.model_name}.created",
            target=document,
            actor=actor,
        )
    return document


def _store_lines(document: SalesDocument, lines: Sequence[LineInput], built: list) -> None:
    """Save a draft's new lines in place of its old ones; work billed on an old line follows the line that
    replaces it (``LineInput.line``), and is unbilled when its line is gone."""
    kind = kind_of(document)
    old_ids = set(kind.line_model.objects.filter(document=document).values_list("pk", flat=True))
    for line in built:
        line.document = document
    kind.line_model.objects.bulk_create(built)
    if isinstance(document, Invoice):
        kept = {
            entered.line: saved.pk
            for entered, saved in zip(lines, built, strict=True)
            if entered.line in old_ids
        }
        billed_work_follow(document, kept)
    kind.line_model.objects.filter(pk__in=old_ids).delete()


def document_replace_lines(
    *, document: SalesDocument, lines: Sequence[LineInput], actor: Actor
) -> SalesDocument:
    """Replace all lines of a draft and recompute its totals."""
    kind = kind_of(document)
    if not lines:
        raise ValidationError(_("Add at least one line to the %(kind)s.") % {"kind": kind.label})
    with transaction.atomic():
        document = lock(type(document), document.pk)
        if not is_editable(document):
            raise ValidationError(
                _("This %(kind)s is %(status)s and can no longer be edited.")
                % {"kind": kind.label, "status": document.get_status_display().lower()}
            )
        _validate_lines(document, lines)
        built = _build_lines(document, lines)
        _price_lines(document, built)
        _reset_balances(document)
        _store_lines(document, lines, built)
        document.save()
        audit_record(
            organization=document.organization,
            action=f"{type(document)._meta.model_name}.edited",
            target=document,
            actor=actor,
        )
    return document


#: Header fields staff may change on a draft, besides those it was created with.
UPDATABLE_FIELDS = ("customer", "date")


def document_update(
    *,
    document: SalesDocument,
    customer: Customer,
    date: datetime.date,
    lines: Sequence[LineInput],
    actor: Actor,
    **fields,
) -> SalesDocument:
    """Change a draft's header and replace its lines, on the rows as they are now.

    The document is locked and read again first: if someone sent, paid or deleted it since the form was
    opened, the change is refused and nothing is undone. The customer and its currency are read from its locked
    row, and the customer's details are copied again.
    """
    kind = kind_of(document)
    if not lines:
        raise ValidationError({"lines": _("Add at least one line to the %(kind)s.") % {"kind": kind.label}})
    with transaction.atomic():
        locked = lock(type(document), document.pk)
        if not is_editable(locked):
            raise ValidationError(
                _("This %(kind)s is %(status)s and can no longer be edited; open it again to see why.")
                % {"kind": kind.label, "status": locked.get_status_display().lower()}
            )
        if customer.organization_id != locked.organization_id:
            raise ValidationError({"customer": _("Choose a customer of this organization.")})
        customer = lock_customer(customer.pk)
        fields = _check_header_fields(kind, customer, date, fields)
        locked.customer, locked.date, locked.currency = customer, date, customer.currency
        for name, value in fields.items():
            setattr(locked, name, value)
        _validate_lines(locked, lines)
        built = _build_lines(locked, lines)
        _price_lines(locked, built)
        _reset_balances(locked)
        snapshot_customer(locked, customer)
        locked.full_clean(exclude=["number", "customer", "organization"])
        _store_lines(locked, lines, built)
        locked.save()
        audit_record(
            organization=locked.organization,
            action=f"{type(locked)._meta.model_name}.edited",
            target=locked,
            actor=actor,
        )
    return locked


def document_recalculate(*, document: SalesDocument) -> SalesDocument:
    """Re-price a draft's saved lines (after the back office edited them) and store its totals."""
    with transaction.atomic():
        document = lock(type(document), document.pk)
        if not is_editable(document):
            raise ValidationError(_("Only a draft can be edited."))
        lines = list(kind_of(document).line_model.objects.filter(document=document).select_related("tax"))
        for line in lines:
            _copy_tax(line)
        _price_lines(document, lines)
        _reset_balances(document)
        kind_of(document).line_model.objects.bulk_update(
            lines, ["tax_name", "tax_rate", "amount", "tax_amount"]
        )
        snapshot_customer(document, document.customer)
        document.save()
    return document


def lines_of(document: SalesDocument) -> list[LineInput]:
    """A document's lines as input for another document (quote → sales order → invoice), with the tax each line
    was priced with: what the customer accepted is what they are invoiced, even if the Tax changed since."""
    return [
        LineInput(
            description=line.description,
            quantity=line.quantity,
            rate=line.rate,
            discount_percent=line.discount_percent,
            tax=line.tax,
            item=line.item,
            line=line.pk,
            tax_snapshot=(line.tax_name, line.tax_rate),
        )
        for line in document.lines.select_related("tax", "item")
    ]


def require_status(document: SalesDocument, allowed: Iterable[str], action: str) -> None:
    """Refuse an action the document's status does not allow, with a message a person can act on."""
    if document.status not in tuple(allowed):
        raise ValidationError(
            _("This %(kind)s is %(status)s; it cannot be %(action)s.")
            % {
                "status": document.get_status_display().lower(),
                "kind": kind_of(document).label,
                "action": action,
            }
        )


def document_delete(*, document: SalesDocument, actor: Actor) -> None:
    """Delete a draft document created by mistake; issued documents are kept (void them instead)."""
    kind = kind_of(document)
    with transaction.atomic():
        document = lock(type(document), document.pk)
        if not is_editable(document):
            raise ValidationError(
                _("This %(kind)s is %(status)s; only a draft can be deleted.")
                % {"kind": kind.label, "status": document.get_status_display().lower()}
            )
        audit_record(
            organization=document.organization,
            action=f"{type(document)._meta.model_name}.deleted",
            target=document,
            actor=actor,
            data={"number": document.number},
        )
        if isinstance(document, Invoice):
            billed_work_follow(document, {})
            invoice_reopen_sources(invoice=document, actor=actor)
        document.delete()


def invoice_reopen_sources(*, invoice: Invoice, actor: Actor) -> None:
    """An invoice that is voided or deleted no longer bills its quotes and sales order: they are open again.

    Its quotes go back to accepted (to be invoiced again, directly or through their sales order), its sales
    order back to open. Callers hold the invoice's lock inside their transaction.
    """
    for quote in Quote.objects.select_for_update().filter(invoice=invoice).order_by("pk"):
        quote.status = Quote.Status.ACCEPTED
        quote.invoice = None
        quote.save(update_fields=["status", "invoice", "updated_at"])
        audit_record(
            organization=quote.organization,
            action="quote.reopened",
            target=quote,
            actor=actor,
            data={"invoice": invoice.number},
        )
    if invoice.sales_order_id:
        order = lock(SalesOrder, invoice.sales_order_id)
        if order.status == SalesOrder.Status.INVOICED:
            order.status = SalesOrder.Status.OPEN
            order.save(update_fields=["status", "updated_at"])
            audit_record(
                organization=order.organization,
                action="salesorder.reopened",
                target=order,
                actor=actor,
                data={"invoice": invoice.number},
            )
