"""Home's figures on random histories made through the back office's services.

Each history is played by :class:`History` through the services the back office calls: invoices, retainer
invoices and credit notes left as drafts, issued or voided; payments allocated to invoices and retainer
invoices or left as credit, redated or deleted; credit and retainer applied to invoices; refunds from credit
notes, payments and retainers; allocations, applications and refunds taken back; quotes sent, accepted,
declined, marked expired, lapsed, revised and invoiced; timesheets sent and decided. ``History`` keeps its own
ledger of what it did, and every figure of the portal's Home is checked three ways: the selectors equal plain
sums over that ledger, and the portal's Home and the back office's customer page both show those sums. Another
customer of the organization has a bit of everything too, none of which may count.

The services stamp "now" and refuse to send a quote past its expiry date, so a quote that lapsed yesterday
can only have been sent yesterday. Instead of editing dates afterwards, the history is played in a time zone
(UTC−12) a day or two behind the organization's (UTC+14): there it is still yesterday, and every quote is
sent on a day it was valid.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from portico.money import ZERO, format_money, minor_unit
from portico.organizations.services import organization_update
from portico.payments.models import CustomerPayment, PaymentAllocation, Refund
from portico.payments.services import (
    payment_allocate,
    payment_delete,
    payment_record,
    payment_unallocate,
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
from portico.sales.selectors import customer_balances
from portico.sales.services.invoices import (
    credit_application_remove,
    credit_note_apply,
    credit_note_create,
    credit_note_open,
    credit_note_void,
    invoice_create,
    invoice_send,
    invoice_void,
    retainer_application_remove,
    retainer_apply,
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
    ContactPersonFactory,
    CustomerFactory,
    lines,
    make_credit_note,
    make_invoice,
    make_portal_access,
    make_quote,
    make_retainer,
)

ORGANIZATION_ZONE = "Etc/GMT-14"  # UTC+14 (POSIX signs are inverted)
HISTORY_ZONE = ZoneInfo("Etc/GMT+12")  # UTC−12: 26 hours behind, so always one or two days earlier


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
            customer=self.customer, date=self.days(-45), due_date=due, lines=lines(self.money(units))
        )
        self.invoices.append(Doc(invoice, self.money(units), due=due))
        self.follow_fate(self.invoices[-1], fate)

    def retainer(self, units: int, fate: str) -> None:
        retainer = retainer_invoice_create(
            customer=self.customer, date=self.days(-20), lines=lines(self.money(units))
        )
        self.retainers.append(Doc(retainer, self.money(units)))
        self.follow_fate(self.retainers[-1], fate)

    def credit_note(self, units: int, fate: str) -> None:
        credit_note = credit_note_create(
            customer=self.customer, date=self.days(-15), lines=lines(self.money(units))
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
            invoice_send(invoice=document.obj, actor=self.staff)
        elif document in self.retainers:
            retainer_invoice_send(retainer=document.obj, actor=self.staff)
        else:
            credit_note_open(credit_note=document.obj, actor=self.staff)
        document.state = "issued"

    def void(self, document: Doc) -> None:
        if document in self.invoices:
            invoice_void(invoice=document.obj, actor=self.staff)
            if document.quote is not None:  # the quote it billed is accepted again, to invoice anew
                document.quote.state = "accepted"
        elif document in self.retainers:
            retainer_invoice_void(retainer=document.obj, actor=self.staff)
        else:
            credit_note_void(credit_note=document.obj, actor=self.staff)
        document.state = "void"

    def quote(self, units: int, expiry_in: int | None, fate: str) -> None:
        expiry = None if expiry_in is None else self.days(expiry_in)
        quote = QuoteDoc(
            quote_create(
                customer=self.customer,
                date=self.days(-3),
                expiry_date=expiry,
                lines=lines(self.money(units)),
                actor=self.staff,
            ),
            expiry,
        )
        self.quotes.append(quote)
        if fate == "draft":
            return
        quote.obj, quote.state = quote_send(quote=quote.obj, actor=self.staff), "sent"
        if fate in ("accepted", "invoiced"):
            quote.obj, quote.state = quote_accept(quote=quote.obj, actor=self.staff), "accepted"
        elif fate in ("declined", "resent"):
            quote.obj, quote.state = (
                quote_decline(quote=quote.obj, reason="Too dear", actor=self.staff),
                "declined",
            )
        elif fate == "expired":
            quote.obj, quote.state = quote_mark_expired(quote=quote.obj, actor=self.staff), "expired"
        if fate == "resent":
            quote.obj = quote_send(quote=quote_revise(quote=quote.obj, actor=self.staff), actor=self.staff)
            quote.state = "sent"
        if fate == "invoiced":
            date = self.days(-40)
            invoice = quote_convert_to_invoice(quote=quote.obj, date=date, actor=self.staff)
            due = date + datetime.timedelta(days=self.customer.payment_terms_days)
            self.invoices.append(Doc(invoice, self.money(units), due=due, quote=quote))
            quote.state = "invoiced"

    def timesheet(self, fate: str) -> None:
        if self.task is None:
            project = project_create(customer=self.customer, name="Website", actor=self.staff)
            self.task = task_create(project=project, name="Design", rate="100", actor=self.staff)
        day = self.days(-100 - len(self.approvals))  # one entry a day, one day an approval
        time_entry_log(task=self.task, date=day, hours="1.50", user=self.staff)
        approval = timesheet_approval_create(
            project=self.task.project, period_start=day, period_end=day, actor=self.staff
        )
        if fate != "draft":
            approval = timesheet_approval_send(approval=approval, actor=self.staff)
        if fate in ("approved", "rejected"):
            timesheet_approval_decide(
                approval=approval, approve=fate == "approved", reason="Too many hours", actor=self.staff
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
                customer=self.customer,
                amount=amount,
                date=date,
                allocations=[(d.obj, a) for d, a in allocations.items()],
                actor=self.staff,
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
        payment_allocate(payment=payment.obj, allocations=[(document.obj, amount)], actor=self.staff)
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
            row = credit_note_apply(
                credit_note=source.obj, invoice=invoice.obj, amount=amount, actor=self.staff
            )
        else:
            row = retainer_apply(retainer=source.obj, invoice=invoice.obj, amount=amount, actor=self.staff)
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
        row = refund_create(source=source.obj, amount=amount, date=self.days(-1), actor=self.staff)
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
        if isinstance(move.row, PaymentAllocation):
            # What a payment paid on a retainer stays unless that much of the retainer is still unused.
            if move.target in self.retainers and move.amount > self.retainer_left(move.target):
                return False
            payment_unallocate(allocation=move.row, actor=self.staff)
        elif isinstance(move.row, CreditApplication):
            credit_application_remove(application=move.row, actor=self.staff)
        elif isinstance(move.row, RetainerApplication):
            retainer_application_remove(application=move.row, actor=self.staff)
        else:
            assert isinstance(move.row, Refund)
            refund_delete(refund=move.row, actor=self.staff)
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
        payment_delete(payment=payment.obj, actor=self.staff)
        self.payments.remove(payment)
        self.moves = [m for m in self.moves if m.source is not payment]
        return True

    def redate(self, pick: int, days_ago: int) -> bool:
        """Correct the date a payment was received on, as the back office may."""
        if not self.payments:
            return False
        payment = self.payments[pick % len(self.payments)]
        payment.date = self.days(-days_ago)
        payment_update(payment=payment.obj, date=payment.date, actor=self.staff)
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


# Plans.


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


units = st.integers(min_value=1, max_value=400_000)
picks = st.integers(min_value=0, max_value=7)
shares = st.sampled_from([10, 50, 100])
issue_fates = st.sampled_from(["draft", "issued", "issued", "void"])
payments = st.tuples(
    st.just("pay"),
    st.sampled_from([0, 0, 1, 20]),  # same-day payments: the later one is the last payment
    st.sampled_from([0, 2_500]),  # paid beyond what is allocated: credit on the account
    st.lists(st.tuples(st.sampled_from(["invoice", "retainer"]), picks, shares), min_size=1, max_size=3),
)
moves = st.one_of(
    payments,
    payments,  # most moves need money on the account first
    st.tuples(st.just("allocate"), picks, picks, shares),
    st.tuples(st.just("apply"), st.sampled_from(["credit_note", "retainer"]), picks, picks, shares),
    st.tuples(st.just("refund"), st.sampled_from(["credit_note", "payment", "retainer"]), picks, shares),
    st.tuples(st.just("void_one"), st.sampled_from(["invoice", "retainer", "credit_note"]), picks),
    st.tuples(st.just("issue_draft"), picks),
    st.tuples(st.just("take_back"), picks),
    st.tuples(st.just("delete_payment"), picks),
    st.tuples(st.just("redate"), picks, st.sampled_from([0, 1, 20, 30])),
)
plans = st.builds(
    Plan,
    currency=st.sampled_from(["USD", "EUR", "JPY"]),
    locale=st.sampled_from(["en_US", "de_DE", "fr_CH"]),
    show_projects=st.booleans(),
    invoices=st.lists(
        st.tuples(units, st.sampled_from([-30, -1, 0, 1, 30]), issue_fates), min_size=1, max_size=5
    ),
    retainers=st.lists(st.tuples(units, issue_fates), min_size=1, max_size=2),
    credit_notes=st.lists(st.tuples(units, issue_fates), max_size=2),
    quotes=st.lists(
        st.tuples(
            units,
            st.sampled_from([None, -1, 0, 30]),  # -1: lapsed yesterday, though still "sent"
            st.sampled_from(["draft", "sent", "accepted", "declined", "expired", "invoiced", "resent"]),
        ),
        max_size=4,
    ),
    timesheets=st.lists(st.sampled_from(["draft", "pending", "approved", "rejected"]), max_size=3),
    moves=st.lists(moves, min_size=2, max_size=12),
)

#: A history with every kind of document and move, played first on every run.
EVERYTHING = Plan(
    currency="EUR",
    locale="de_DE",
    show_projects=True,
    invoices=[
        (50_000, -30, "issued"),
        (30_000, 0, "issued"),  # due today: not overdue yet
        (20_000, -1, "issued"),
        (9_900, 1, "draft"),
        (7_500, -30, "void"),
    ],
    retainers=[(100_000, "issued"), (40_000, "issued"), (5_000, "void"), (6_000, "draft")],
    credit_notes=[(12_000, "issued"), (8_000, "issued"), (3_000, "draft")],
    quotes=[
        (1_000, -1, "sent"),  # lapsed yesterday
        (1_000, 0, "sent"),  # valid until today
        (1_000, None, "resent"),
        (1_000, 30, "declined"),
        (1_000, 30, "expired"),
        (1_000, 30, "accepted"),
        (4_000, 30, "invoiced"),
        (1_000, 30, "draft"),
    ],
    timesheets=["draft", "pending", "approved", "rejected", "pending"],
    moves=[
        ("pay", 20, 0, [("retainer", 0, 100), ("retainer", 1, 50)]),
        ("pay", 1, 2_500, [("invoice", 0, 50)]),
        ("pay", 1, 0, [("invoice", 1, 10)]),  # same day, recorded later: the last payment
        ("pay", 0, 2_500, [("invoice", 2, 100)]),  # newer, but deleted below
        ("apply", "retainer", 0, 0, 50),
        ("apply", "credit_note", 0, 1, 100),
        ("apply", "credit_note", 1, 0, 50),
        ("refund", "credit_note", 1, 50),
        ("refund", "payment", 0, 50),
        ("refund", "retainer", 0, 10),
        ("allocate", 0, 3, 100),
        ("take_back", 6),
        ("issue_draft", 0),
        ("void_one", "invoice", 0),
        ("delete_payment", 3),
        ("pay", 30, 1_000, [("invoice", 0, 10)]),  # recorded last, dated earliest
        ("redate", 0, 0),
        ("redate", 1, 0),  # now the last payment: the later of the two received today
    ],
)


# What the pages show.


def _text(fragment: str | None) -> str | None:
    return None if fragment is None else html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip(" \n\t")


def home_cards(body: str) -> dict[str, tuple[str, str | None]]:
    """The Home summary's cards: label → (figure, note)."""
    summary = body[body.index('id="summary-title"') :]
    summary = summary[: summary.index("</section>")]
    cards = {}
    for card in re.findall(r'<li class="card[ "][^>]*>(.*?)</li>', summary, re.S):
        spans = dict(re.findall(r'<span class="card-(label|figure|note)">(.*?)</span>', card, re.S))
        cards[_text(spans["label"])] = (_text(spans["figure"]), _text(spans.get("note")))
    return cards


def office_account(body: str) -> dict[str, str]:
    """The back office customer page's Account table: figure → value."""
    panel = re.search(r'<h2 id="panel-\d+">Account</h2>(.*?)</section>', body, re.S).group(1)
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", panel, re.S)
    return {_text(label): _text(value) for label, value in rows}


def expected_cards(figures: Figures, currency: str, locale: str, show_projects: bool) -> dict:
    def money(amount: Decimal) -> str:
        return format_money(amount, currency, locale)

    last = figures.last_payment
    cards = {
        "Outstanding Invoices": (
            money(figures.receivable),
            f"{money(figures.overdue)} overdue" if figures.overdue else None,
        ),
        "Available Credits": (money(figures.available_credits), None),
        "Outstanding Retainer Invoices": (money(figures.outstanding_retainers), None),
        "Available Retainer Payments": (money(figures.available_retainer), None),
        "Last Payment Made": (
            (money(last.amount), format_date(last.date, format="medium", locale=locale))
            if last
            else ("—", "No payments yet")
        ),
        "Quotes": (str(figures.open_quotes), None),
    }
    if show_projects:
        cards["Timesheets"] = (str(figures.pending_approvals), None)
    return cards


def expected_account(figures: Figures, currency: str, locale: str) -> dict:
    def money(amount: Decimal) -> str:
        return format_money(amount, currency, locale)

    last = figures.last_payment
    return {
        "Outstanding receivables": money(figures.receivable),
        "Overdue": money(figures.overdue),
        "Available credits": money(figures.available_credits),
        "Outstanding retainer invoices": money(figures.outstanding_retainers),
        "Available retainer payments": money(figures.available_retainer),
        "Last payment": f"{money(last.amount)} on {formats.localize(last.date)}" if last else "—",
        "Open quotes": str(figures.open_quotes),
        "Timesheets awaiting approval": str(figures.pending_approvals),
    }


# The test.


@pytest.fixture
def neighbour(customer_b, staff):
    """Another customer of the organization, with a bit of everything: none of it may count for ours."""
    invoice = make_invoice(
        customer_b, "700.00", date=datetime.date(2020, 1, 1), due_date=datetime.date(2020, 2, 1)
    )
    retainer = make_retainer(customer_b, "900.00")
    payment_record(
        customer=customer_b,
        amount="650.00",
        date=timezone.localdate(),
        allocations=[(invoice, "100.00"), (retainer, "400.00")],
    )
    make_credit_note(customer_b, "60.00")
    make_quote(customer_b, "80.00")
    task = task_create(project=project_create(customer=customer_b, name="Theirs"), name="Work", rate="10")
    time_entry_log(task=task, date=datetime.date(2020, 1, 1), hours="2", user=staff)
    approval = timesheet_approval_create(
        project=task.project, period_start=datetime.date(2020, 1, 1), period_end=datetime.date(2020, 1, 1)
    )
    return timesheet_approval_send(approval=approval)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans)
@example(plan=EVERYTHING)
def test_home_and_the_customer_page_show_the_figures_the_history_adds_up_to(
    org, staff, staff_client, neighbour, plan
):
    with transaction.atomic():
        organization = organization_update(
            organization=org,
            timezone=ORGANIZATION_ZONE,
            locale=plan.locale,
            portal_show_projects=plan.show_projects,
        )
        customer = CustomerFactory(organization=organization, currency=plan.currency)
        contact = ContactPersonFactory(customer=customer, is_primary=True)
        access = make_portal_access(contact)[0]
        today = timezone.localdate(timezone=ZoneInfo(ORGANIZATION_ZONE))
        history = History(customer=customer, staff=staff, today=today)
        with timezone.override(HISTORY_ZONE):
            assert timezone.localdate() < today  # the history's "now" is before Home's today
            for outcome in history.play(plan):
                event(outcome)
        figures = history.figures()
        balances = customer_balances(customer=customer, today=today)
        portal = Client()
        portal.force_login(access.user)
        home = portal.get(reverse("portal:home", kwargs={"slug": organization.portal_slug}))
        page = staff_client.get(reverse("office:customers_customer_change", args=[customer.pk]))
        # Past midnight in the organization's time zone, the pages counted on another day than the ledger.
        assume(timezone.localdate(timezone=ZoneInfo(ORGANIZATION_ZONE)) == today)

        assert balances.currency == plan.currency
        assert balances.receivable == figures.receivable
        assert balances.overdue == figures.overdue
        assert balances.available_credits == figures.available_credits
        assert balances.outstanding_retainers == figures.outstanding_retainers
        assert balances.available_retainer == figures.available_retainer
        if figures.last_payment is None:
            assert balances.last_payment is None
        else:
            assert balances.last_payment.pk == figures.last_payment.obj.pk
            assert balances.last_payment.amount == figures.last_payment.amount
            assert balances.last_payment.date == figures.last_payment.date
        assert balances.open_quotes == figures.open_quotes
        assert balances.pending_approvals == figures.pending_approvals

        assert home.status_code == 200
        assert home_cards(home.content.decode()) == expected_cards(
            figures, plan.currency, plan.locale, plan.show_projects
        )

        assert page.status_code == 200
        assert office_account(page.content.decode()) == expected_account(figures, plan.currency, plan.locale)
        transaction.set_rollback(True)
