"""A quote's life: sent, accepted or declined, expired, revised, converted."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portico.activity.notifications import quote_decision_notify
from portico.activity.services import audit_record
from portico.actors import Actor

from ..models import Invoice, Quote, SalesOrder
from .documents import document_create, lines_of, lock, require_status, snapshot_customer
from .invoices import invoice_create
from .salesorders import sales_order_create

S = Quote.Status


def quote_create(
    *, customer, date: datetime.date, lines, expiry_date: datetime.date | None = None, actor: Actor, **fields
) -> Quote:
    """Create a draft quote."""
    return document_create(
        model=Quote, customer=customer, date=date, lines=lines, expiry_date=expiry_date, actor=actor, **fields
    )


def _transition(quote: Quote, *, allowed, action: str, audit: str, actor: Actor, **changes) -> Quote:
    with transaction.atomic():
        quote = lock(Quote, quote.pk)
        require_status(quote, allowed, action)
        for field, value in changes.items():
            setattr(quote, field, value)
        quote.save()
        audit_record(organization=quote.organization, action=audit, target=quote, actor=actor)
    return quote


def quote_send(*, quote: Quote, actor: Actor) -> Quote:
    """Mark a draft quote as sent to the customer; its customer details are copied as they are now."""
    with transaction.atomic():
        quote = lock(Quote, quote.pk)
        require_status(quote, [S.DRAFT], _("sent"))
        if not quote.can_send(quote.organization.today()):
            raise ValidationError(
                {"expiry_date": _("The quote has already expired; move its expiry date first.")}
            )
        snapshot_customer(quote, quote.customer)
        quote.status = S.SENT
        quote.sent_at = timezone.now()
        quote.save()
        audit_record(organization=quote.organization, action="quote.sent", target=quote, actor=actor)
    return quote


def _decide(quote: Quote, *, accepted: bool, reason: str, actor: Actor) -> Quote:
    with transaction.atomic():
        locked = lock(Quote, quote.pk)
        if actor.is_contact and actor.contact.customer_id != locked.customer_id:
            raise ValidationError(_("This contact cannot decide on another customer's quote."))
        today = locked.organization.today()
        if locked.is_expired(today):
            raise ValidationError(_("This quote has expired and can no longer be accepted or declined."))
        if locked.status in (S.ACCEPTED, S.DECLINED, S.INVOICED):
            raise ValidationError(
                _("This quote was already %(status)s.") % {"status": locked.get_status_display().lower()}
            )
        if quote.version != locked.version:
            raise ValidationError(_("This quote was changed since it was opened; review the new version."))
        if not locked.can_decide(today):
            require_status(locked, [S.SENT], _("accepted") if accepted else _("declined"))
        locked.status = S.ACCEPTED if accepted else S.DECLINED
        locked.decided_at = timezone.now()
        locked.decline_reason = "" if accepted else (reason or "").strip()[:2000]
        locked.save()
        audit_record(
            organization=locked.organization,
            action="quote.accepted" if accepted else "quote.declined",
            target=locked,
            actor=actor,
            data={"version": locked.version, "reason": locked.decline_reason},
        )
        if actor.is_contact:
            quote_decision_notify(actor=actor, quote=locked)
    return locked


def _refuse_if_expired(quote: Quote) -> None:
    """A sent quote past its expiry date is no longer an offer: revise it before converting it."""
    if quote.is_past_expiry(quote.organization.today()):
        raise ValidationError(
            _("This quote expired on %(date)s; revise it and send it again first.")
            % {"date": date_format(quote.expiry_date)}
        )


def quote_accept(*, quote: Quote, actor: Actor) -> Quote:
    """Accept a sent quote that has not expired (by staff on the customer's word, or by a contact, whose
    decision the business is told of).

    ``quote`` is the version the person looked at: if it was revised meanwhile, nothing changes.
    """
    return _decide(quote, accepted=True, reason="", actor=actor)


def quote_decline(*, quote: Quote, reason: str = "", actor: Actor) -> Quote:
    """Decline a sent quote that has not expired, optionally saying why."""
    return _decide(quote, accepted=False, reason=reason, actor=actor)


def quote_mark_expired(*, quote: Quote, actor: Actor) -> Quote:
    """Mark a sent quote as expired."""
    return _transition(
        quote,
        allowed=[S.SENT],
        action=_("marked expired"),
        audit="quote.expired",
        actor=actor,
        status=S.EXPIRED,
    )


def quotes_expire_due(*, organization) -> int:
    """Mark expired every sent quote of the organization whose expiry date has passed by the organization's
    date; returns how many. Run daily by ``manage.py quotes_expire``: until then the predicates already treat
    such a quote as expired, and this makes its stored status (the office's status filter, exports) agree."""
    expired = 0
    for quote in Quote.objects.filter(organization=organization).past_expiry(organization.today()):
        try:
            quote_mark_expired(quote=quote, actor=Actor.system("quote expiry"))
        except ValidationError:
            continue  # decided or revised since it was listed: it is no longer a sent quote
        expired += 1
    return expired


def quote_revise(*, quote: Quote, actor: Actor) -> Quote:
    """Reopen a declined or expired quote as a new draft version, to edit it and send it again."""
    with transaction.atomic():
        quote = lock(Quote, quote.pk)
        if not quote.can_revise(quote.organization.today()):
            require_status(quote, [S.DECLINED, S.EXPIRED], _("revised"))
        quote.status = S.DRAFT
        quote.version += 1
        quote.decided_at = None
        quote.decline_reason = ""  # the new version is undecided; the audit trail keeps the old reason
        quote.save()
        audit_record(
            organization=quote.organization,
            action="quote.revised",
            target=quote,
            actor=actor,
            data={"version": quote.version},
        )
    return quote


def quote_convert_to_invoice(*, quote: Quote, date: datetime.date | None = None, actor: Actor) -> Invoice:
    """Make a draft invoice from a sent or accepted quote; the quote becomes invoiced."""
    with transaction.atomic():
        quote = lock(Quote, quote.pk)
        # Each refusal below says why ``quote.can_convert`` is false.
        require_status(quote, [S.SENT, S.ACCEPTED], _("converted to an invoice"))
        _refuse_if_expired(quote)
        if quote.sales_order_id:
            raise ValidationError(
                _("This quote became sales order %(number)s; invoice its sales order instead.")
                % {"number": quote.sales_order.number}
            )
        invoice = invoice_create(
            customer=quote.customer,
            date=date or quote.organization.today(),
            lines=lines_of(quote),
            reference=quote.reference or quote.number,
            notes=quote.notes,
            terms=quote.terms,
            actor=actor,
        )
        quote.status = S.INVOICED
        quote.invoice = invoice
        quote.save()
        audit_record(
            organization=quote.organization,
            action="quote.invoiced",
            target=quote,
            actor=actor,
            data={"invoice": invoice.number},
        )
    return invoice


def quote_convert_to_sales_order(
    *, quote: Quote, date: datetime.date | None = None, actor: Actor
) -> SalesOrder:
    """Make a draft sales order from a sent or accepted quote; a sent quote counts as accepted by the order."""
    with transaction.atomic():
        quote = lock(Quote, quote.pk)
        require_status(quote, [S.SENT, S.ACCEPTED], _("converted to a sales order"))
        _refuse_if_expired(quote)
        if quote.sales_order_id:
            raise ValidationError(_("This quote already has a sales order."))
        order = sales_order_create(
            customer=quote.customer,
            date=date or quote.organization.today(),
            lines=lines_of(quote),
            reference=quote.reference or quote.number,
            notes=quote.notes,
            terms=quote.terms,
            actor=actor,
        )
        if quote.status == S.SENT:
            quote.status = S.ACCEPTED
            quote.decided_at = timezone.now()
        quote.sales_order = order
        quote.save()
        audit_record(
            organization=quote.organization,
            action="quote.ordered",
            target=quote,
            actor=actor,
            data={"sales_order": order.number},
        )
    return order
