"""The demo organization: Northwind Studio, a small design studio, with a year of history.

Everything is made through the services the back office and the portal call, so every total, balance and
status in the demo is what Portico itself computes. A seeded :class:`random.Random` picks quantities and
hours, so two builds on the same day give the same data. Documents are dated over the past year, relative
to today, and created in date order, so their numbers follow their dates. The services stamp "sent" and
"decided" times with the present moment and refuse to send a quote past its expiry date; once the history
is built, those timestamps and the expiry dates of past quotes are moved back to the history's own dates
(:meth:`_Story.finish`). That touches no amount.

``build_volume`` (in :mod:`portico.demo.volume`) adds thousands of invoices for measurements.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from portico.accounts.models import User
from portico.activity.models import Comment, Notification
from portico.activity.notifications import notification_create
from portico.activity.services import comment_add
from portico.actors import Actor
from portico.catalog.models import Item, Tax
from portico.customers.models import ContactPerson, Customer
from portico.customers.portal_access import portal_access_invite, portal_invitation_accept
from portico.customers.services import contact_person_create, customer_create
from portico.organizations.models import Membership, Organization
from portico.organizations.services import membership_add, organization_create
from portico.payments.models import CustomerPayment, PaymentMode
from portico.payments.services import payment_record
from portico.sales.models import CreditNote, Invoice, Quote, RetainerInvoice, SalesOrder
from portico.sales.services.documents import LineInput
from portico.sales.services.invoices import (
    credit_note_create,
    credit_note_open,
    invoice_create,
    invoice_send,
    retainer_invoice_create,
    retainer_invoice_send,
)
from portico.sales.services.quotes import (
    quote_accept,
    quote_create,
    quote_decline,
    quote_mark_expired,
    quote_send,
)
from portico.sales.services.salesorders import sales_order_confirm, sales_order_create

from .story import STORIES
from .volume import VolumeSummary, build_volume

__all__ = [
    "CONTACT_EMAIL",
    "CONTACT_PASSWORD",
    "DEFAULT_SEED",
    "DEMO_SLUG",
    "STAFF_EMAIL",
    "STAFF_PASSWORD",
    "Demo",
    "VolumeSummary",
    "build_demo",
    "build_volume",
    "demo_organization",
]

DEMO_NAME = "Northwind Studio"
DEMO_SLUG = "northwind"
DEFAULT_SEED = 2026

# The demo's logins. Demo passwords for a local demo database, printed by ``manage.py demo_setup``.
STAFF_EMAIL = "avery@northwind.test"
STAFF_NAME = "Avery Morgan"
STAFF_PASSWORD = "northwind-demo"
CONTACT_EMAIL = "maya@blueharbor.test"
CONTACT_PASSWORD = "blueharbor-demo"


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    email: str
    phone: str = ""


@dataclass(frozen=True)
class CustomerSpec:
    key: str
    display_name: str
    company_name: str
    email: str
    currency: str
    payment_terms_days: int
    billing_address: str
    contacts: tuple[Person, ...]
    allow_ach: bool = False
    tax_id: str = ""


CUSTOMERS = (
    CustomerSpec(
        key="blueharbor",
        display_name="Blue Harbor Coffee",
        company_name="Blue Harbor Coffee Co.",
        email="accounts@blueharbor.test",
        currency="USD",
        payment_terms_days=30,
        billing_address="12 Pier Road\nPortland, ME 04101\nUnited States",
        contacts=(
            Person("Maya", "Chen", CONTACT_EMAIL, "+1 207 555 0142"),
            Person("Leo", "Park", "leo@blueharbor.test", "+1 207 555 0177"),
        ),
        allow_ach=True,
    ),
    CustomerSpec(
        key="lumen",
        display_name="Lumen Dental Group",
        company_name="Lumen Dental Group PLLC",
        email="office@lumendental.test",
        currency="USD",
        payment_terms_days=15,
        billing_address="400 Elm Avenue, Suite 3\nHartford, CT 06103\nUnited States",
        contacts=(
            Person("Priya", "Nair", "priya@lumendental.test", "+1 860 555 0110"),
            Person("Tom", "Reyes", "tom@lumendental.test"),
        ),
    ),
    CustomerSpec(
        key="atlas",
        display_name="Atlas Freight Partners",
        company_name="Atlas Freight Partners LLC",
        email="payables@atlasfreight.test",
        currency="USD",
        payment_terms_days=45,
        billing_address="9 Terminal Way\nNewark, NJ 07114\nUnited States",
        contacts=(Person("Dana", "Whitfield", "dana@atlasfreight.test", "+1 973 555 0199"),),
    ),
    CustomerSpec(
        key="greenfield",
        display_name="Greenfield Public Library",
        company_name="Greenfield Public Library",
        email="finance@greenfieldlibrary.test",
        currency="USD",
        payment_terms_days=30,
        billing_address="1 Library Square\nGreenfield, MA 01301\nUnited States",
        contacts=(
            Person("Samuel", "Ortiz", "samuel@greenfieldlibrary.test", "+1 413 555 0123"),
            Person("Grace", "Kim", "grace@greenfieldlibrary.test"),
        ),
    ),
    CustomerSpec(
        key="kestrel",
        display_name="Kestrel Bikes",
        company_name="Kestrel Bikes GmbH",
        email="buchhaltung@kestrelbikes.test",
        currency="EUR",
        payment_terms_days=14,
        billing_address="Schanzenstraße 21\n20357 Hamburg\nGermany",
        contacts=(
            Person("Jonas", "Weber", "jonas@kestrelbikes.test", "+49 40 5550 1234"),
            Person("Lena", "Vogel", "lena@kestrelbikes.test"),
        ),
        tax_id="DE312456789",
    ),
    CustomerSpec(
        key="orchard",
        display_name="Orchard & Pine Architects",
        company_name="Orchard & Pine Architects LLP",
        email="studio@orchardpine.test",
        currency="USD",
        payment_terms_days=30,
        billing_address="77 Mill Street\nBurlington, VT 05401\nUnited States",
        contacts=(Person("Hannah", "Brooks", "hannah@orchardpine.test", "+1 802 555 0165"),),
    ),
)

TAXES = {"sales": ("Sales tax", Decimal("8.875")), "reduced": ("Reduced rate", Decimal("4"))}

# key: (name, kind, unit, rate in USD, tax key, description)
ITEMS = {
    "workshop": ("Brand strategy workshop", "service", "day", "1800.00", "sales", "A day with your team."),
    "design": ("Design hours", "service", "hour", "125.00", "sales", "Design and art direction."),
    "copy": ("Copywriting", "service", "hour", "95.00", "sales", "Words for print and web."),
    "care": ("Website care plan", "service", "month", "240.00", "sales", "Hosting, updates, backups."),
    "photo": ("Photography day", "service", "day", "950.00", "sales", "On location, edited selects."),
    "panels": ("Printed panels", "goods", "each", "85.00", "reduced", "Rigid printed panels, A1."),
}


@dataclass(frozen=True)
class Demo:
    organization: Organization
    staff: User
    contact: ContactPerson
    contact_user: User


def demo_organization() -> Organization | None:
    """The demo organization, if this database has it."""
    return Organization.objects.filter(portal_slug=DEMO_SLUG).first()


class _Story:
    """Collects the history's steps by date and plays them in date order, then backdates timestamps."""

    def __init__(self, *, organization: Organization, staff: User, seed: int, today: datetime.date):
        self.organization = organization
        self.staff = staff
        self.actor = Actor.staff(staff)
        self._news_stamped: set[int] = set()
        self.rng = random.Random(seed)
        self.today = today
        self.zone = ZoneInfo(organization.timezone)
        self.customers: dict[str, Customer] = {}
        self.contacts: dict[str, ContactPerson] = {}
        self.taxes: dict[str, Tax] = {}
        self.items: dict[str, Item] = {}
        self.docs: dict[str, Any] = {}
        self._steps: list[tuple[datetime.date, int, Callable[[datetime.date], None]]] = []
        self._stamps: list[tuple[type[models.Model], int, dict[str, Any]]] = []

    # Dates and order.
    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    def on(self, days_ago: int) -> Callable:
        """Register a step to play on the day ``days_ago`` days before today."""

        def register(step: Callable[[datetime.date], None]) -> Callable[[datetime.date], None]:
            self._steps.append((self.day(days_ago), len(self._steps), step))
            return step

        return register

    def play(self) -> None:
        for day, _order, step in sorted(self._steps, key=lambda entry: (entry[0], entry[1])):
            step(day)

    def moment(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        """A time on that day in the organization's time zone, never later than now."""
        minute = self.rng.randrange(0, 60, 5)
        return min(
            datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.zone), timezone.now()
        )

    def stamp(self, obj: models.Model, **fields: Any) -> None:
        """Remember a timestamp or date to set on ``obj`` once the history is built."""
        self._stamps.append((type(obj), obj.pk, fields))

    def finish(self) -> None:
        for model, pk, fields in self._stamps:
            model.objects.filter(pk=pk).update(**fields)

    # Lines.
    def line(
        self,
        item: str,
        quantity: Decimal | int | str,
        *,
        rate: Decimal | str | None = None,
        description: str = "",
        discount: Decimal | str = "0",
        taxed: bool = True,
    ) -> LineInput:
        catalog_item = self.items[item]
        return LineInput(
            description=description or catalog_item.name,
            quantity=Decimal(str(quantity)),
            rate=Decimal(rate) if rate is not None else catalog_item.rate,
            discount_percent=Decimal(discount),
            tax=catalog_item.tax if taxed else None,
            item=catalog_item,
        )

    # Documents.
    def quote(
        self,
        customer: Customer,
        day: datetime.date,
        lines: Sequence[LineInput],
        *,
        valid_days=30,
        send=True,
        **f,
    ) -> Quote:
        """A quote, sent unless ``send=False``. A quote whose validity is already over gets its expiry date
        after the history is built, so that it could be sent, accepted or declined on its day."""
        expiry = day + datetime.timedelta(days=valid_days)
        quote = quote_create(
            customer=customer,
            date=day,
            lines=lines,
            expiry_date=expiry if expiry >= self.today else None,
            actor=self.actor,
            **f,
        )
        if expiry < self.today:
            self.stamp(quote, expiry_date=expiry)
        if send:
            quote = quote_send(quote=quote, actor=self.actor)
            self.stamp(quote, sent_at=self.moment(day))
        return quote

    def by(self, contact: ContactPerson | None) -> Actor:
        """The contact acting in the portal, or the staff member acting in the office."""
        return Actor.for_contact(contact) if contact is not None else self.actor

    def stamp_news(self, target, day: datetime.date, hour: int = 16) -> None:
        """Backdate the feed entries a contact's action just added about ``target``, read since."""
        news = Notification.objects.filter(
            organization=self.organization,
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
        ).exclude(pk__in=self._news_stamped)
        for notification in news:
            self._news_stamped.add(notification.pk)
            self.stamp(notification, created_at=self.moment(day, hour), read_at=self.moment(day, hour + 1))

    def accept(self, quote: Quote, day: datetime.date, *, contact: ContactPerson | None = None) -> Quote:
        quote = quote_accept(quote=quote, actor=self.by(contact))
        self.stamp(quote, decided_at=self.moment(day, 15))
        self.stamp_news(quote, day)
        return quote

    def decline(self, quote: Quote, day: datetime.date, reason: str, *, contact=None) -> Quote:
        quote = quote_decline(quote=quote, reason=reason, actor=self.by(contact))
        self.stamp(quote, decided_at=self.moment(day, 15))
        self.stamp_news(quote, day)
        return quote

    def expire(self, quote: Quote) -> Quote:
        return quote_mark_expired(quote=quote, actor=self.actor)

    def invoice(
        self, customer: Customer, day: datetime.date, lines: Sequence[LineInput], *, send=True, **f
    ) -> Invoice:
        invoice = invoice_create(customer=customer, date=day, lines=lines, actor=self.actor, **f)
        return self.issue(invoice, day) if send else invoice

    def issue(self, invoice: Invoice, day: datetime.date) -> Invoice:
        invoice = invoice_send(invoice=invoice, actor=self.actor)
        self.stamp(invoice, sent_at=self.moment(day, 11))
        return invoice

    def retainer(
        self, customer: Customer, day: datetime.date, lines: Sequence[LineInput], **f
    ) -> RetainerInvoice:
        retainer = retainer_invoice_create(customer=customer, date=day, lines=lines, actor=self.actor, **f)
        retainer = retainer_invoice_send(retainer=retainer, actor=self.actor)
        self.stamp(retainer, sent_at=self.moment(day, 11))
        return retainer

    def credit_note(
        self, customer: Customer, day: datetime.date, lines: Sequence[LineInput], **f
    ) -> CreditNote:
        credit_note = credit_note_create(customer=customer, date=day, lines=lines, actor=self.actor, **f)
        return credit_note_open(credit_note=credit_note, actor=self.actor)

    def sales_order(
        self, customer: Customer, day: datetime.date, lines: Sequence[LineInput], **f
    ) -> SalesOrder:
        order = sales_order_create(customer=customer, date=day, lines=lines, actor=self.actor, **f)
        return self.confirm(order, day)

    def confirm(self, order: SalesOrder, day: datetime.date) -> SalesOrder:
        order = sales_order_confirm(order=order, actor=self.actor)
        self.stamp(order, sent_at=self.moment(day, 11))
        return order

    def primary(self, customer_key: str) -> ContactPerson:
        """The customer's primary contact person."""
        return self.customers[customer_key].contact_persons.get(is_primary=True)

    def balance(self, document: Invoice | RetainerInvoice) -> Decimal:
        return type(document).objects.values_list("balance_due", flat=True).get(pk=document.pk)

    def pay(
        self,
        customer: Customer,
        day: datetime.date,
        allocations: Sequence[tuple[Invoice | RetainerInvoice, Decimal | str | None]],
        *,
        amount: Decimal | str | None = None,
        mode: str = PaymentMode.BANK_TRANSFER,
        reference: str = "",
        online_by: ContactPerson | None = None,
    ) -> CustomerPayment:
        """Record a payment; an allocation of ``None`` pays the document's whole balance, and an ``amount``
        above the allocations stays on the payment as credit. ``online_by``: a contact paid in the portal
        through the sandbox gateway; otherwise staff recorded an offline payment."""
        parts = [(doc, self.balance(doc) if part is None else Decimal(part)) for doc, part in allocations]
        allocated = sum((part for _doc, part in parts), Decimal(0))
        online = {}
        if online_by is not None:
            online = {
                "is_online": True,
                "gateway": "sandbox",
                "gateway_reference": f"sandbox_{self.rng.getrandbits(64):016x}",
            }
        return payment_record(
            customer=customer,
            amount=Decimal(amount) if amount is not None else allocated,
            date=day,
            mode=mode,
            reference=reference,
            allocations=parts,
            actor=self.by(online_by),
            **online,
        )

    # Activity.
    def comment(
        self, target, day: datetime.date, body: str, *, contact=None, in_portal=False, hour=14
    ) -> Comment:
        comment = comment_add(target=target, body=body, actor=self.by(contact), display_in_portal=in_portal)
        self.stamp(comment, created_at=self.moment(day, hour))
        self.stamp_news(target, day, hour)
        return comment

    def notify(self, day: datetime.date, kind: str, message: str, target) -> Notification:
        notification = notification_create(
            organization=self.organization, kind=kind, message=message, target=target
        )
        self.stamp(notification, created_at=self.moment(day, 16), read_at=self.moment(day, 17))
        return notification


def _user(*, email: str, password: str, full_name: str, is_staff: bool) -> User:
    """The demo's user with that email, created with the demo password if there is none yet."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=password, full_name=full_name, is_staff=is_staff
        )
    return user


def _organization() -> Organization:
    return organization_create(
        name=DEMO_NAME,
        portal_slug=DEMO_SLUG,
        email="hello@northwind.test",
        base_currency="USD",
        timezone="America/New_York",
        phone="+1 718 555 0100",
        website="https://northwind.test",
        address="48 Harbor Street\nBrooklyn, NY 11201\nUnited States",
        tax_id="EIN 12-3456789",
        payment_terms_days=30,
        payment_instructions=(
            "Bank transfer to Northwind Studio LLC\nHarborside Bank, account 000123456789, routing 021000021\n"
            "Checks payable to Northwind Studio LLC, 48 Harbor Street, Brooklyn, NY 11201"
        ),
        portal_show_sales_orders=True,
        portal_show_projects=True,
        portal_banner="Thank you for working with Northwind Studio. Questions? Reply to any document.",
    )


def _catalog(story: _Story) -> None:
    organization = story.organization
    for key, (name, rate) in TAXES.items():
        story.taxes[key] = Tax.objects.create(organization=organization, name=name, rate=rate)
    organization.default_tax = story.taxes["sales"]
    organization.save(update_fields=["default_tax"])
    for key, (name, kind, unit, rate, tax, description) in ITEMS.items():
        story.items[key] = Item.objects.create(
            organization=organization,
            name=name,
            kind=kind,
            unit=unit,
            rate=Decimal(rate),
            tax=story.taxes[tax],
            description=description,
        )


def _customers(story: _Story) -> None:
    joined = story.moment(story.day(365), 9)
    for spec in CUSTOMERS:
        customer = customer_create(
            organization=story.organization,
            display_name=spec.display_name,
            company_name=spec.company_name,
            email=spec.email,
            currency=spec.currency,
            payment_terms_days=spec.payment_terms_days,
            billing_address=spec.billing_address,
            shipping_address=spec.billing_address,
            allow_ach=spec.allow_ach,
            tax_id=spec.tax_id,
            actor=story.actor,
        )
        story.customers[spec.key] = customer
        for position, person in enumerate(spec.contacts):
            story.contacts[person.email] = contact_person_create(
                customer=customer,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                phone=person.phone,
                is_primary=position == 0,
                actor=story.actor,
            )
        story.stamp(customer, created_at=joined)


#: A contact of the demo customer whose invitation is waiting in the mailbox, to follow as a newcomer would.
INVITED_EMAIL = "leo@blueharbor.test"


def _portal_accesses(story: _Story, contact, contact_user) -> None:
    """Maya has signed up to the portal; her colleague Leo has been invited and not yet accepted."""
    _access, token = portal_access_invite(contact=contact, actor=story.actor)
    portal_invitation_accept(raw_token=token, user=contact_user)
    portal_access_invite(contact=story.contacts[INVITED_EMAIL], actor=story.actor)


#: The organization's preferences that email the business about what contacts do.
NOTIFY_PREFERENCES = tuple(
    field.name for field in Organization._meta.get_fields() if field.name.startswith("notify_")
)


def build_demo(*, seed: int = DEFAULT_SEED, today: datetime.date | None = None) -> Demo:
    """Build the demo organization with its staff, customers and a year of history, in one transaction."""
    today = today or timezone.localdate()
    with transaction.atomic():
        staff = _user(email=STAFF_EMAIL, password=STAFF_PASSWORD, full_name=STAFF_NAME, is_staff=True)
        organization = _organization()
        membership_add(organization=organization, user=staff, role=Membership.Role.ADMIN)
        story = _Story(organization=organization, staff=staff, seed=seed, today=today)
        _catalog(story)
        _customers(story)
        # The history is old news: the business's feed gets its entries, its mailbox no emails about them.
        preferences = {name: getattr(organization, name) for name in NOTIFY_PREFERENCES}
        Organization.objects.filter(pk=organization.pk).update(**dict.fromkeys(NOTIFY_PREFERENCES, False))
        for write in STORIES:
            write(story)
        story.play()
        story.finish()
        Organization.objects.filter(pk=organization.pk).update(**preferences)
        contact = story.contacts[CONTACT_EMAIL]
        contact_user = _user(
            email=CONTACT_EMAIL, password=CONTACT_PASSWORD, full_name=contact.full_name, is_staff=False
        )
        _portal_accesses(story, contact, contact_user)
    return Demo(organization=organization, staff=staff, contact=contact, contact_user=contact_user)
