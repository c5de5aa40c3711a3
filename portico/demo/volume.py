"""Volume for measurements: thousands of invoices, their payments and some quotes, loaded in bulk.

Rows are inserted with ``bulk_create`` for speed, but they hold exactly what the services would store:
lines and totals come from :func:`portico.money.line_amounts` and :func:`portico.money.document_totals`;
numbers come from the organization's number series, which is advanced past them so later documents
continue after them; each invoice's balance due is its total less its payment allocations, with the status
that implies; each payment's unused amount is its amount less its allocations. Dates spread over years.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from portico.activity.services import audit_record
from portico.actors import Actor
from portico.catalog.models import Item, Tax
from portico.customers.models import ContactPerson, Customer
from portico.money import ZERO, DocumentTotals, LineAmounts, document_totals, line_amounts, round_money
from portico.organizations.models import NumberSeries, Organization
from portico.payments.models import CustomerPayment, PaymentAllocation, PaymentMode
from portico.sales.models import Invoice, InvoiceLine, Quote, QuoteLine

BATCH = 1000

_PLACES = [
    "Alder", "Birch", "Cedar", "Delta", "Elm", "Fjord", "Granite", "Harbor", "Iris", "Juniper", "Kite",
    "Linden", "Maple", "North", "Oak", "Pine", "Quarry", "River", "Summit", "Tidal", "Upland", "Vale",
    "Willow", "Yarrow", "Zephyr",
]  # fmt: skip
_TRADES = [
    "Logistics", "Dental", "Bakery", "Architects", "Cycles", "Books", "Coffee", "Studios", "Outfitters",
    "Clinic", "Brewing", "Partners", "Media", "Farms", "Labs", "Foods", "Travel", "Fitness", "Gallery", "Legal",
]  # fmt: skip
_SUFFIXES = ["LLC", "Inc.", "Co.", "Ltd", "Group"]
_FIRST = ["Alex", "Bea", "Carlos", "Dina", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lucia"]
_LAST = ["Adams", "Baker", "Cruz", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Khan"]
_DECLINE_REASONS = [
    "Over our budget this quarter.",
    "We went with a smaller scope for now.",
    "The project was postponed.",
    "We chose another supplier.",
]
_MODES = {
    PaymentMode.BANK_TRANSFER: "Transfer",
    PaymentMode.CHECK: "Check",
    PaymentMode.CARD: "Card",
    PaymentMode.ACH: "ACH",
}


@dataclass(frozen=True)
class VolumeSummary:
    customers: int
    invoices: int
    payments: int
    quotes: int


@dataclass(frozen=True)
class _Product:
    item: Item | None
    description: str
    rate: Decimal
    tax: Tax | None
    hourly: bool


@dataclass
class _Line:
    product: _Product
    quantity: Decimal
    discount: Decimal
    tax: Tax | None
    amounts: LineAmounts


@dataclass
class _Plan:
    """A document to insert: its customer, dates, priced lines and totals, and what was paid on it."""

    customer: Customer
    date: datetime.date
    lines: list[_Line]
    totals: DocumentTotals
    state: str = "unpaid"  # draft, void, unpaid, partial, paid; for quotes the quote status
    paid: Decimal = ZERO
    number: str = ""
    reference: str = ""
    invoice: _Plan | None = None  # for an invoiced quote: the invoice it became
    row: Invoice | Quote | None = None
    extra: dict = field(default_factory=dict)


class _Volume:
    def __init__(self, organization: Organization, *, seed: int, today: datetime.date, years: int):
        self.organization = organization
        self.rng = random.Random(seed)
        self.today = today
        self.years = years
        self.zone = ZoneInfo(organization.timezone)
        self.now = timezone.now()
        self.products = self._products()

    # Helpers.
    def _products(self) -> list[_Product]:
        items = Item.objects.filter(
            organization=self.organization, is_active=True, rate__gt=0
        ).select_related("tax")
        products = [
            _Product(
                item, item.name, item.rate, item.tax or self.organization.default_tax, item.unit == "hour"
            )
            for item in items.order_by("pk")
        ]
        if products:
            return products
        tax = self.organization.default_tax
        return [
            _Product(None, "Consulting", Decimal("120.00"), tax, True),
            _Product(None, "Support plan", Decimal("300.00"), tax, False),
            _Product(None, "Materials", Decimal("45.50"), tax, False),
        ]

    def moment(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        return min(datetime.datetime.combine(day, datetime.time(hour), tzinfo=self.zone), self.now)

    def numbers(self, kind: str, count: int) -> list[str]:
        """Take ``count`` consecutive numbers from the series under its row lock, advancing it past them."""
        NumberSeries.objects.get_or_create(
            organization=self.organization,
            kind=kind,
            defaults={"prefix": NumberSeries.DEFAULT_PREFIXES[NumberSeries.Kind(kind)]},
        )
        series = NumberSeries.objects.select_for_update().get(organization=self.organization, kind=kind)
        first = series.next_number
        series.next_number = first + count
        series.save(update_fields=["next_number"])
        return [f"{series.prefix}{n:0{series.padding}d}" for n in range(first, first + count)]

    def random_day(self) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randrange(self.years * 365))

    def priced(self, customer: Customer) -> tuple[list[_Line], DocumentTotals]:
        lines = []
        for _n in range(self.rng.choice([1, 1, 2, 2, 3, 4])):
            product = self.rng.choice(self.products)
            if product.hourly:
                quantity = Decimal(self.rng.randrange(2, 81)) / 2
            else:
                quantity = Decimal(self.rng.choice([1, 1, 2, 3, 5, 10, 12, 24]))
            discount = Decimal(self.rng.choice([0] * 8 + [5, 10]))
            # Customers in another currency than the organization's are not charged its sales taxes.
            tax = product.tax if customer.currency == self.organization.base_currency else None
            amounts = line_amounts(
                quantity=quantity,
                rate=product.rate,
                currency=customer.currency,
                discount_percent=discount,
                tax_percent=tax.rate if tax else ZERO,
            )
            lines.append(_Line(product, quantity, discount, tax, amounts))
        totals = document_totals(
            [
                (line.amounts, line.tax.name if line.tax else "", line.tax.rate if line.tax else ZERO)
                for line in lines
            ],
            customer.currency,
        )
        return lines, totals

    # Customers.
    def customers(self, count: int) -> list[Customer]:
        names = [f"{place} {trade}" for place in _PLACES for trade in _TRADES]
        self.rng.shuffle(names)
        first_id = Customer.objects.filter(organization=self.organization).count() + 1
        customers = []
        for index in range(count):
            name = names[index % len(names)]
            if index >= len(names):
                name = f"{name} {index // len(names) + 1}"
            domain = f"{name.lower().replace(' ', '-')}-{first_id + index}.test"
            customers.append(
                Customer(
                    organization=self.organization,
                    display_name=name,
                    company_name=f"{name} {self.rng.choice(_SUFFIXES)}",
                    email=f"accounts@{domain}",
                    currency="EUR" if self.rng.random() < 0.1 else self.organization.base_currency,
                    billing_address=f"{self.rng.randrange(1, 400)} {self.rng.choice(_PLACES)} Street",
                    payment_terms_days=self.rng.choice([15, 30, 30, 30, 45, 60]),
                )
            )
        customers = Customer.objects.bulk_create(customers, batch_size=BATCH)
        contacts = []
        for customer in customers:
            domain = customer.email.split("@", 1)[1]
            people = self.rng.sample(range(len(_FIRST)), self.rng.choice([1, 1, 2]))
            for position, person in enumerate(people):
                first, last = _FIRST[person], self.rng.choice(_LAST)
                contacts.append(
                    ContactPerson(
                        organization=self.organization,
                        customer=customer,
                        first_name=first,
                        last_name=last,
                        email=f"{first.lower()}.{last.lower()}@{domain}",
                        is_primary=position == 0,
                    )
                )
        ContactPerson.objects.bulk_create(contacts, batch_size=BATCH)
        return customers

    # Invoices.
    def plan_invoice(self, customer: Customer) -> _Plan:
        day = self.random_day()
        lines, totals = self.priced(customer)
        plan = _Plan(customer=customer, date=day, lines=lines, totals=totals)
        due = day + datetime.timedelta(days=customer.payment_terms_days)
        plan.extra["due_date"] = due
        roll = self.rng.random()
        if (self.today - day).days <= 10 and roll < 0.15:
            plan.state = "draft"
        elif roll > 0.99:
            plan.state = "void"
        else:
            if due < self.today - datetime.timedelta(days=60):
                weights = (92, 4, 4)
            elif due < self.today:
                weights = (60, 15, 25)
            else:
                weights = (30, 15, 55)
            plan.state = self.rng.choices(("paid", "partial", "unpaid"), weights)[0]
        if plan.state == "paid":
            plan.paid = totals.total
        elif plan.state == "partial":
            plan.paid = round_money(
                totals.total * Decimal(self.rng.randrange(10, 91)) / 100, customer.currency
            )
            if not ZERO < plan.paid < totals.total:
                plan.state, plan.paid = "unpaid", ZERO
        return plan

    def insert_invoices(self, plans: list[_Plan]) -> None:
        for plan, number in zip(plans, self.numbers(NumberSeries.Kind.INVOICE, len(plans)), strict=True):
            plan.number = number
            status, balance = {
                "draft": (Invoice.Status.DRAFT, plan.totals.total),
                "void": (Invoice.Status.VOID, ZERO),
                "unpaid": (Invoice.Status.SENT, plan.totals.total),
                "partial": (Invoice.Status.PARTIALLY_PAID, plan.totals.total - plan.paid),
                "paid": (Invoice.Status.PAID, ZERO),
            }[plan.state]
            plan.row = Invoice(
                **self.header(plan),
                status=status,
                due_date=plan.extra["due_date"],
                allow_partial_payments=plan.state == "partial" or self.rng.random() < 0.2,
                balance_due=balance,
                sent_at=None if plan.state == "draft" else self.moment(plan.date),
                voided_at=self.moment(plan.date, 16) if plan.state == "void" else None,
            )
        Invoice.objects.bulk_create([plan.row for plan in plans], batch_size=BATCH)
        self.insert_lines(InvoiceLine, plans)

    def header(self, plan: _Plan) -> dict:
        customer = plan.customer
        totals = plan.totals
        return {
            "organization": self.organization,
            "customer": customer,
            "number": plan.number,
            "date": plan.date,
            "currency": customer.currency,
            "reference": plan.reference,
            "customer_name": customer.company_name or customer.display_name,
            "billing_address": customer.billing_address,
            "shipping_address": customer.shipping_address,
            "customer_tax_id": customer.tax_id,
            "subtotal": totals.subtotal,
            "discount_total": totals.discount_total,
            "tax_total": totals.tax_total,
            "total": totals.total,
        }

    def insert_lines(self, line_model, plans: list[_Plan]) -> None:
        rows = [
            line_model(
                document=plan.row,
                position=position,
                item=line.product.item,
                description=line.product.description,
                quantity=line.quantity,
                rate=line.product.rate,
                discount_percent=line.discount,
                tax=line.tax,
                tax_name=line.tax.name if line.tax else "",
                tax_rate=line.tax.rate if line.tax else ZERO,
                amount=line.amounts.net,
                tax_amount=line.amounts.tax,
            )
            for plan in plans
            for position, line in enumerate(plan.lines)
        ]
        line_model.objects.bulk_create(rows, batch_size=BATCH)

    # Payments.
    def plan_payments(self, plans: list[_Plan]) -> list[tuple[datetime.date, Customer, list[_Plan], Decimal]]:
        """Group settled invoices into payments: most pay one invoice, some pay a few at once, a few pay more
        than was owed (the excess stays on the payment as credit)."""
        by_customer: dict[int, list[_Plan]] = defaultdict(list)
        for plan in plans:
            if plan.state in ("paid", "partial"):
                by_customer[plan.customer.pk].append(plan)
        payments = []
        for settled in by_customer.values():
            index = 0
            while index < len(settled):
                group = [settled[index]]
                index += 1
                while (
                    index < len(settled)
                    and len(group) < 3
                    and group[0].state == "paid"
                    and settled[index].state == "paid"
                    and (settled[index].date - group[0].date).days <= 45
                    and self.rng.random() < 0.35
                ):
                    group.append(settled[index])
                    index += 1
                customer = group[0].customer
                day = max(
                    plan.date
                    + datetime.timedelta(days=self.rng.randrange(2, customer.payment_terms_days + 20))
                    for plan in group
                )
                day = max(min(day, self.today), max(plan.date for plan in group))
                excess = Decimal(self.rng.choice([25, 50, 100, 250])) if self.rng.random() < 0.04 else ZERO
                payments.append((day, customer, group, excess))
        payments.sort(key=lambda payment: (payment[0], payment[1].pk))
        return payments

    def insert_payments(self, plans: list[_Plan]) -> int:
        planned = self.plan_payments(plans)
        numbers = self.numbers(NumberSeries.Kind.PAYMENT, len(planned))
        rows = []
        for (day, customer, group, excess), number in zip(planned, numbers, strict=True):
            mode = self.rng.choice(list(_MODES))
            rows.append(
                CustomerPayment(
                    organization=self.organization,
                    customer=customer,
                    number=number,
                    date=day,
                    amount=sum((plan.paid for plan in group), excess),
                    currency=customer.currency,
                    mode=mode,
                    reference=f"{_MODES[mode]} {self.rng.randrange(10000, 99999)}",
                    unused_amount=excess,
                )
            )
        CustomerPayment.objects.bulk_create(rows, batch_size=BATCH)
        allocations = [
            PaymentAllocation(
                organization=self.organization, payment=payment, invoice=plan.row, amount=plan.paid, date=day
            )
            for payment, (day, _customer, group, _excess) in zip(rows, planned, strict=True)
            for plan in group
        ]
        PaymentAllocation.objects.bulk_create(allocations, batch_size=BATCH)
        return len(rows)

    # Quotes.
    def plan_quotes(self, invoices: list[_Plan], customers: list[Customer], count: int) -> list[_Plan]:
        """Some quotes became invoices (same lines, invoiced); the others are in every other status by age."""
        issued = [plan for plan in invoices if plan.state not in ("draft", "void")]
        converted = self.rng.sample(issued, min(len(issued), count * 2 // 5))
        quotes = []
        for invoice in converted:
            day = invoice.date - datetime.timedelta(days=self.rng.randrange(2, 15))
            quote = _Plan(
                customer=invoice.customer,
                date=day,
                lines=invoice.lines,
                totals=invoice.totals,
                invoice=invoice,
            )
            quote.state = Quote.Status.INVOICED
            quotes.append(quote)
        for _n in range(count - len(converted)):
            customer = self.rng.choice(customers)
            lines, totals = self.priced(customer)
            quote = _Plan(customer=customer, date=self.random_day(), lines=lines, totals=totals)
            age = (self.today - quote.date).days
            if age < 10:
                quote.state = self.rng.choices((Quote.Status.DRAFT, Quote.Status.SENT), (3, 7))[0]
            elif age < 30:
                statuses = (Quote.Status.SENT, Quote.Status.ACCEPTED, Quote.Status.DECLINED)
                quote.state = self.rng.choices(statuses, (5, 3, 2))[0]
            else:
                statuses = (Quote.Status.ACCEPTED, Quote.Status.DECLINED, Quote.Status.EXPIRED)
                quote.state = self.rng.choices(statuses, (35, 25, 40))[0]
            quotes.append(quote)
        quotes.sort(key=lambda quote: quote.date)
        for quote, number in zip(quotes, self.numbers(NumberSeries.Kind.QUOTE, len(quotes)), strict=True):
            quote.number = number
            if quote.invoice is not None:
                quote.invoice.reference = number  # as a conversion sets it
        return quotes

    def insert_quotes(self, quotes: list[_Plan]) -> None:
        for quote in quotes:
            decided = quote.state in (Quote.Status.ACCEPTED, Quote.Status.DECLINED, Quote.Status.INVOICED)
            quote.row = Quote(
                **self.header(quote),
                status=quote.state,
                expiry_date=quote.date + datetime.timedelta(days=30),
                sent_at=None if quote.state == Quote.Status.DRAFT else self.moment(quote.date),
                decided_at=self.moment(min(quote.date + datetime.timedelta(days=2), self.today), 15)
                if decided
                else None,
                decline_reason=self.rng.choice(_DECLINE_REASONS)
                if quote.state == Quote.Status.DECLINED
                else "",
                invoice=quote.invoice.row if quote.invoice else None,
            )
        Quote.objects.bulk_create([quote.row for quote in quotes], batch_size=BATCH)
        self.insert_lines(QuoteLine, quotes)


def build_volume(
    organization: Organization,
    *,
    invoices: int,
    seed: int = 1,
    today: datetime.date | None = None,
    years: int = 3,
) -> VolumeSummary:
    """Add ``invoices`` invoices spread over ``years`` years to the organization, in one transaction.

    They go to new customers, about fifty invoices each, with payments on most of them (so that there are
    paid, partly paid, overdue and open invoices, a few drafts and voids) and one quote for every ten
    invoices, some of them converted to those invoices.
    """
    if invoices < 1:
        raise ValueError("Add at least one invoice.")
    volume = _Volume(organization, seed=seed, today=today or timezone.localdate(), years=years)
    with transaction.atomic():
        customers = volume.customers(max(1, math.ceil(invoices / 50)))
        weights = [volume.rng.uniform(0.3, 3) for _customer in customers]
        plans = [
            volume.plan_invoice(customer) for customer in volume.rng.choices(customers, weights, k=invoices)
        ]
        plans.sort(key=lambda plan: plan.date)
        quotes = volume.plan_quotes(plans, customers, invoices // 10)
        volume.insert_invoices(plans)
        payments = volume.insert_payments(plans)
        volume.insert_quotes(quotes)
        summary = VolumeSummary(
            customers=len(customers), invoices=len(plans), payments=payments, quotes=len(quotes)
        )
        audit_record(
            organization=organization,
            action="demo.volume_added",
            actor=Actor.system("demo data"),
            data={"seed": seed, **summary.__dict__},
        )
    return summary
