"""A customer's history played through the back office's services, with its own ledger of what it did.

:class:`History` makes invoices, retainer invoices and credit notes, payments, applications, refunds, quotes and
timesheets for one customer through the services the back office calls, and adds up from its own records what
each figure of the portal's Home should be. ``test_home_properties`` plays random histories with it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from portico.actors import Actor
from portico.money import ZERO, minor_unit
from portico.payments.credits import credit_apply, credit_apply_many, credit_remove
from portico.payments.models import CustomerPayment, PaymentAllocation, Refund
from portico.payments.services import (
    payment_delete,
    payment_record,
    payment_update,
    refund_create,
    refund_delete,
)
from portico.projects.services import (
    project_create,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_send,
)
from portico.sales.models import CreditApplication, RetainerApplication
from portico.sales.services.invoices import (
    credit_note_create,
    credit_note_open,
    credit_note_void,
    invoice_create,
    invoice_send,
    invoice_void,
    retainer_invoice_create,
    retainer_invoice_send,
    retainer_invoice_void,
)
from portico.sales.services.quotes import (
    quote_accept,
    quote_convert_to_invoice,
    quote_create,
    quote_decline,
    quote_mark_expired,
    quote_revise,
    quote_send,
)
from portico.testing import (
    SETUP,
    lines,
)

ORGANIZATION_ZONE = "Etc/GMT-14"  # UTC+14 (POSIX signs are inverted)
HISTORY_ZONE = ZoneInfo("Etc/GMT+12")  # UTC−12: 26 hours behind, so always one or two days earlier


# What a history is made of: the documents and moves Hypothesis draws.


@dataclass(frozen=True)
class Plan:
    currency: str
    locale: str
    show_projects: bool
    invoices: list[tuple[int, int, str]]  # (amount in minor units, due in days, fate)
    retainers: list[tuple[int, str]]
    credit_notes: list[tuple[int, str]]
    quotes: list[tuple[int, int | None, str]]  # (amount, expiry in days, fate)
    timesheets: list[str]
    moves: list[tuple]  # ("History method", *arguments)


# The ledger: what the history made, and the money it moved.


@dataclass(eq=False)
class Doc:
    """An invoice, retainer invoice or credit note; ``state`` is "draft", "issued" or "void"."""

    obj: Any
    total: Decimal
    state: str = "draft"
    due: datetime.date | None = None
    quote: QuoteDoc | None = None  # the quote an invoice was converted from


@dataclass(eq=False)
class QuoteDoc:
    """A quote; ``state`` is the status it should have."""

    obj: Any
    expiry: datetime.date | None
    state: str = "draft"


@dataclass(eq=False)
class Payment:
    obj: CustomerPayment
    amount: Decimal
    date: datetime.date
    order: int  # the order it was recorded in


@dataclass(eq=False)
class Move:
    """Money from a payment, credit note or retainer to an invoice or retainer invoice (or, refunded, to None)."""

    row: Any
    source: Payment | Doc
    target: Doc | None
    amount: Decimal


@dataclass(frozen=True)
class Figures:
    receivable: Decimal
    overdue: Decimal
    available_credits: Decimal
    outstanding_retainers: Decimal
    available_retainer: Decimal
    last_payment: Payment | None
    open_quotes: int
    pending_approvals: int


@dataclass
class History:
    """Plays a plan through the services and keeps, beside them, a ledger to add up."""

    customer: Any
    staff: Any
    today: datetime.date  # the organization's today, the day Home is looked at
    invoices: list[Doc] = field(default_factory=list)
    retainers: list[Doc] = field(default_factory=list)
    credit_notes: list[Doc] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    quotes: list[QuoteDoc] = field(default_factory=list)
    approvals: list[str] = field(default_factory=list)
    task: Any = None
    recorded: int = 0  # payments recorded so far, deleted ones included

    # Sums over the ledger.

    def money(self, units: int) -> Decimal:
        """``units`` of the currency's minor unit: cents, or whole yen."""
        return Decimal(units).scaleb(-minor_unit(self.customer.currency))

    def part(self, amount: Decimal, share: int) -> Decimal:
        exponent = Decimal(1).scaleb(-minor_unit(self.customer.currency))
        return (amount * share / 100).quantize(exponent, rounding=ROUND_DOWN)

    def into(self, document: Doc) -> Decimal:
        return sum((m.amount for m in self.moves if m.target is document), ZERO)

    def out_of(self, source: Payment | Doc) -> Decimal:
        return sum((m.amount for m in self.moves if m.source is source), ZERO)

    def due(self, document: Doc) -> Decimal:
        """What is still owed on an issued invoice or retainer invoice."""
        return document.total - self.into(document) if document.state == "issued" else ZERO

    def retainer_left(self, retainer: Doc) -> Decimal:
        return self.into(retainer) - self.out_of(retainer)

    def credit_left(self, credit_note: Doc) -> Decimal:
        return credit_note.total - self.out_of(credit_note) if credit_note.state == "issued" else ZERO

    def unused(self, payment: Payment) -> Decimal:
        return payment.amount - self.out_of(payment)

    def figures(self) -> Figures:
        owed = [(i, self.due(i)) for i in self.invoices]
        return Figures(
            receivable=sum((amount for _i, amount in owed), ZERO),
            overdue=sum((amount for i, amount in owed if amount > 0 and i.due < self.today), ZERO),
            available_credits=sum((self.credit_left(c) for c in self.credit_notes), ZERO)
            + sum((self.unused(p) for p in self.payments), ZERO),
            outstanding_retainers=sum((self.due(r) for r in self.retainers), ZERO),
            available_retainer=sum((self.retainer_left(r) for r in self.retainers), ZERO),
            last_payment=max(self.payments, key=lambda p: (p.date, p.order), default=None),
            open_quotes=sum(
                1 for q in self.quotes if q.state == "sent" and (q.expiry is None or q.expiry >= self.today)
            ),
            pending_approvals=self.approvals.count("pending"),
        )

    # Documents.

    def days(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def invoice(self, units: int, due_in: int, fate: str) -> None:
        due = self.days(due_in)
        invoice = invoice_create(
            actor=SETUP,
            customer=self.customer,
            date=self.days(-45),
            due_date=due,
            lines=lines(self.money(units)),
        )
        self.invoices.append(Doc(invoice, self.money(units), due=due))
        self.follow_fate(self.invoices[-1], fate)

    def retainer(self, units: int, fate: str) -> None:
        retainer = retainer_invoice_create(
            actor=SETUP, customer=self.customer, date=self.days(-20), lines=lines(self.money(units))
        )
        self.retainers.append(Doc(retainer, self.money(units)))
        self.follow_fate(self.retainers[-1], fate)

    def credit_note(self, units: int, fate: str) -> None:
        credit_note = credit_note_create(
            actor=SETUP, customer=self.customer, date=self.days(-15), lines=lines(self.money(units))
        )
        self.credit_notes.append(Doc(credit_note, self.money(units)))
        self.follow_fate(self.credit_notes[-1], fate)

    def follow_fate(self, document: Doc, fate: str) -> None:
        """Leave a new document a draft, issue it, or issue and void it."""
        if fate != "draft":
            self.issue(document)
        if fate == "void":
            self.void(document)

    def issue(self, document: Doc) -> None:
        if document in self.invoices:
            invoice_send(
                actor=Actor.staff(self.staff),
                invoice=document.obj,
            )
        elif document in self.retainers:
            retainer_invoice_send(
                actor=Actor.staff(self.staff),
                retainer=document.obj,
            )
        else:
            credit_note_open(
                actor=Actor.staff(self.staff),
                credit_note=document.obj,
            )
        document.state = "issued"

    def void(self, document: Doc) -> None:
        if document in self.invoices:
            invoice_void(
                actor=Actor.staff(self.staff),
                invoice=document.obj,
            )
            if document.quote is not None:  # the quote it billed is accepted again, to invoice anew
                document.quote.state = "accepted"
        elif document in self.retainers:
            retainer_invoice_void(
                actor=Actor.staff(self.staff),
                retainer=document.obj,
            )
        else:
            credit_note_void(
                actor=Actor.staff(self.staff),
                credit_note=document.obj,
            )
        document.state = "void"

    def quote(self, units: int, expiry_in: int | None, fate: str) -> None:
        expiry = None if expiry_in is None else self.days(expiry_in)
        quote = QuoteDoc(
            quote_create(
                actor=Actor.staff(self.staff),
                customer=self.customer,
                date=self.days(-3),
                expiry_date=expiry,
                lines=lines(self.money(units)),
            ),
            expiry,
        )
        self.quotes.append(quote)
        if fate == "draft":
            return
        quote.obj, quote.state = (
            quote_send(
                actor=Actor.staff(self.staff),
                quote=quote.obj,
            ),
            "sent",
        )
        if fate in ("accepted", "invoiced"):
            quote.obj, quote.state = (
                quote_accept(
                    actor=Actor.staff(self.staff),
                    quote=quote.obj,
                ),
                "accepted",
            )
        elif fate in ("declined", "resent"):
            quote.obj, quote.state = (
                quote_decline(
                    actor=Actor.staff(self.staff),
                    quote=quote.obj,
                    reason="Too dear",
                ),
                "declined",
            )
        elif fate == "expired":
            quote.obj, quote.state = (
                quote_mark_expired(
                    actor=Actor.staff(self.staff),
                    quote=quote.obj,
                ),
                "expired",
            )
        if fate == "resent":
            quote.obj = quote_send(
                actor=Actor.staff(self.staff),
                quote=quote_revise(
                    actor=Actor.staff(self.staff),
                    quote=quote.obj,
                ),
            )
            quote.state = "sent"
        if fate == "invoiced":
            date = self.days(-40)
            invoice = quote_convert_to_invoice(
                actor=Actor.staff(self.staff),
                quote=quote.obj,
                date=date,
            )
            due = date + datetime.timedelta(days=self.customer.payment_terms_days)
            self.invoices.append(Doc(invoice, self.money(units), due=due, quote=quote))
            quote.state = "invoiced"

    def timesheet(self, fate: str) -> None:
        if self.task is None:
            project = project_create(
                actor=Actor.staff(self.staff),
                customer=self.customer,
                name="Website",
            )
            self.task = task_create(
                actor=Actor.staff(self.staff),
                project=project,
                name="Design",
                rate="100",
            )
        day = self.days(-100 - len(self.approvals))  # one entry a day, one day an approval
        time_entry_log(actor=SETUP, task=self.task, date=day, hours="1.50", user=self.staff)
        approval = timesheet_approval_create(
            actor=Actor.staff(self.staff),
            project=self.task.project,
            period_start=day,
            period_end=day,
        )
        if fate != "draft":
            approval = timesheet_approval_send(
                actor=Actor.staff(self.staff),
                approval=approval,
            )
        if fate in ("approved", "rejected"):
            timesheet_approval_decide(
                actor=Actor.staff(self.staff),
                approval=approval,
                approve=fate == "approved",
                reason="Too many hours",
            )
        self.approvals.append(fate)

    # Money moving; each step does nothing when the back office would refuse it.

    def payables(self) -> list[Doc]:
        return [d for d in self.invoices + self.retainers if self.due(d) > 0]

    def pay(self, days_ago: int, extra: int, parts: list[tuple[str, int, int]]) -> bool:
        """Record a payment of shares of what is due on invoices or retainer invoices, and ``extra`` besides."""
        allocations = {}
        for kind, pick, share in parts:
            payable = [d for d in self.payables() if (d in self.invoices) == (kind == "invoice")]
            if payable:
                document = payable[pick % len(payable)]
                allocations.setdefault(document, self.part(self.due(document), share))
        allocations = {d: a for d, a in allocations.items() if a > 0}
        amount = sum(allocations.values(), self.money(extra))
        if amount <= 0:
            return False
        date = self.days(-days_ago)
        payment = Payment(
            payment_record(
                actor=Actor.staff(self.staff),
                customer=self.customer,
                amount=amount,
                date=date,
                allocations=[(d.obj, a) for d, a in allocations.items()],
            ),
            amount,
            date,
            order=self.recorded,
        )
        self.payments.append(payment)
        self.recorded += 1
        for document, allocated in allocations.items():
            self.moves.append(Move(self._allocation(payment, document), payment, document, allocated))
        return True

    def allocate(self, pick: int, target: int, share: int) -> bool:
        payments, payable = [p for p in self.payments if self.unused(p) > 0], self.payables()
        if not payments or not payable:
            return False
        payment, document = payments[pick % len(payments)], payable[target % len(payable)]
        amount = self.part(min(self.unused(payment), self.due(document)), share)
        if amount <= 0:
            return False
        credit_apply_many(
            actor=Actor.staff(self.staff),
            source=payment.obj,
            uses=[(document.obj, amount)],
        )
        self.moves.append(Move(self._allocation(payment, document), payment, document, amount))
        return True

    def _allocation(self, payment: Payment, document: Doc) -> PaymentAllocation:
        kind = "invoice" if document in self.invoices else "retainer_invoice"
        return PaymentAllocation.objects.filter(payment=payment.obj, **{kind: document.obj}).latest("id")

    def apply(self, kind: str, pick: int, target: int, share: int) -> bool:
        """Apply credit from a credit note, or retainer paid on a retainer invoice, to an invoice."""
        left = self.credit_left if kind == "credit_note" else self.retainer_left
        sources = [c for c in (self.credit_notes if kind == "credit_note" else self.retainers) if left(c) > 0]
        invoices = [i for i in self.invoices if self.due(i) > 0]
        if not sources or not invoices:
            return False
        source, invoice = sources[pick % len(sources)], invoices[target % len(invoices)]
        amount = self.part(min(left(source), self.due(invoice)), share)
        if amount <= 0:
            return False
        if kind == "credit_note":
            row = credit_apply(
                actor=Actor.staff(self.staff),
                source=source.obj,
                invoice=invoice.obj,
                amount=amount,
            )
        else:
            row = credit_apply(
                actor=Actor.staff(self.staff),
                source=source.obj,
                invoice=invoice.obj,
                amount=amount,
            )
        self.moves.append(Move(row, source, invoice, amount))
        return True

    def refund(self, kind: str, pick: int, share: int) -> bool:
        sources = {
            "credit_note": [(c, self.credit_left(c)) for c in self.credit_notes],
            "payment": [(p, self.unused(p)) for p in self.payments],
            "retainer": [(r, self.retainer_left(r)) for r in self.retainers],
        }[kind]
        sources = [(source, left) for source, left in sources if left > 0]
        if not sources:
            return False
        source, left = sources[pick % len(sources)]
        amount = self.part(left, share)
        if amount <= 0:
            return False
        row = refund_create(
            actor=Actor.staff(self.staff),
            source=source.obj,
            amount=amount,
            date=self.days(-1),
        )
        self.moves.append(Move(row, source, None, amount))
        return True

    def void_one(self, kind: str, pick: int) -> bool:
        """Void a document nothing was paid, applied or refunded on (the back office refuses the others)."""
        documents = {"invoice": self.invoices, "retainer": self.retainers, "credit_note": self.credit_notes}[
            kind
        ]
        untouched = [
            d
            for d in documents
            if d.state != "void" and not any(d in (m.source, m.target) for m in self.moves)
        ]
        if not untouched:
            return False
        self.void(untouched[pick % len(untouched)])
        return True

    def issue_draft(self, pick: int) -> bool:
        drafts = [d for d in self.invoices + self.retainers + self.credit_notes if d.state == "draft"]
        if not drafts:
            return False
        self.issue(drafts[pick % len(drafts)])
        return True

    def take_back(self, pick: int) -> bool:
        """Remove an allocation, a credit or retainer application, or a refund."""
        if not self.moves:
            return False
        move = self.moves[pick % len(self.moves)]
        if isinstance(move.row, PaymentAllocation | CreditApplication | RetainerApplication):
            # What a payment paid on a retainer stays unless that much of the retainer is still unused.
            if move.target in self.retainers and move.amount > self.retainer_left(move.target):
                return False
            credit_remove(actor=Actor.staff(self.staff), use=move.row)
        else:
            assert isinstance(move.row, Refund)
            refund_delete(
                actor=Actor.staff(self.staff),
                refund=move.row,
            )
        self.moves.remove(move)
        return True

    def delete_payment(self, pick: int) -> bool:
        """Delete a payment recorded by mistake, unless it was refunded or paid a retainer already used."""
        if not self.payments:
            return False
        payment = self.payments[pick % len(self.payments)]
        mine = [m for m in self.moves if m.source is payment]
        if any(m.target is None for m in mine):
            return False
        if any(m.target in self.retainers and self.out_of(m.target) > 0 for m in mine):
            return False
        payment_delete(
            actor=Actor.staff(self.staff),
            payment=payment.obj,
        )
        self.payments.remove(payment)
        self.moves = [m for m in self.moves if m.source is not payment]
        return True

    def redate(self, pick: int, days_ago: int) -> bool:
        """Correct the date a payment was received on, as the back office may."""
        if not self.payments:
            return False
        payment = self.payments[pick % len(self.payments)]
        payment.date = self.days(-days_ago)
        payment_update(
            actor=Actor.staff(self.staff),
            payment=payment.obj,
            date=payment.date,
        )
        return True

    def play(self, plan: Plan) -> list[str]:
        """Play the plan; returns what became of each move, for Hypothesis's statistics."""
        for step in plan.invoices:
            self.invoice(*step)
        for step in plan.retainers:
            self.retainer(*step)
        for step in plan.credit_notes:
            self.credit_note(*step)
        for step in plan.quotes:
            self.quote(*step)
        for fate in plan.timesheets:
            self.timesheet(fate)
        return [
            f"{name}: {'done' if getattr(self, name)(*args) else 'nothing to do'}"
            for name, *args in plan.moves
        ]
