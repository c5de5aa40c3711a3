"""Factories and helpers for Portico's tests (and nothing else): objects are kept in one organization."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from decimal import Decimal

import factory
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from portico.accounts.models import User
from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.catalog.models import Item, Tax
from portico.customers.models import ContactPerson, Customer
from portico.customers.portal_access import portal_access_invite, portal_invitation_accept
from portico.organizations.models import Membership, NumberSeries, Organization
from portico.sales.services.documents import LineInput
from portico.sales.services.invoices import (
    credit_note_create,
    credit_note_open,
    invoice_create,
    invoice_send,
    retainer_invoice_create,
    retainer_invoice_send,
)
from portico.sales.services.quotes import quote_create, quote_send

TEST_PASSWORD = "correct horse battery staple"

#: The actor of a test's arrangement: documents and payments made before what the test is about.
SETUP = Actor.system("test setup")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Business {n}")
    portal_slug = factory.Sequence(lambda n: f"business-{n}")
    email = factory.Sequence(lambda n: f"owner{n}@business.test")
    base_currency = "USD"

    @factory.post_generation
    def number_series(self, create, extracted, **kwargs):
        if create:
            for kind, prefix in NumberSeries.DEFAULT_PREFIXES.items():
                NumberSeries.objects.get_or_create(organization=self, kind=kind, defaults={"prefix": prefix})


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory, is_staff=True)
    role = Membership.Role.ADMIN


class TaxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tax

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Tax {n}")
    rate = Decimal("10")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Item {n}")
    rate = Decimal("100.00")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    organization = factory.SubFactory(OrganizationFactory)
    display_name = factory.Sequence(lambda n: f"Customer {n}")
    company_name = factory.LazyAttribute(lambda o: f"{o.display_name} Ltd")
    email = factory.Sequence(lambda n: f"billing{n}@customer.test")
    currency = factory.LazyAttribute(lambda o: o.organization.base_currency)
    billing_address = "1 Main Street\nSpringfield"


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    customer = factory.SubFactory(CustomerFactory)
    organization = factory.LazyAttribute(lambda o: o.customer.organization)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"contact{n}@customer.test")


def lines(*amounts: Decimal | str | int, tax: Tax | None = None) -> list[LineInput]:
    """One line of quantity 1 per amount: ``lines("100", "50.25")``."""
    return [
        LineInput(description=f"Service {i}", quantity=1, rate=Decimal(str(a)), tax=tax)
        for i, a in enumerate(amounts)
    ]


def today() -> datetime.date:
    return timezone.localdate()


def make_invoice(customer: Customer, *amounts, send: bool = True, tax: Tax | None = None, **fields):
    """An invoice for the customer with one line per amount, sent unless ``send=False``."""
    invoice = invoice_create(
        customer=customer,
        date=fields.pop("date", today()),
        lines=lines(*amounts, tax=tax),
        **{"actor": SETUP, **fields},
    )
    return invoice_send(actor=SETUP, invoice=invoice) if send else invoice


def make_retainer(customer: Customer, amount, *, send: bool = True):
    retainer = retainer_invoice_create(actor=SETUP, customer=customer, date=today(), lines=lines(amount))
    return retainer_invoice_send(actor=SETUP, retainer=retainer) if send else retainer


def make_credit_note(customer: Customer, amount, *, open_it: bool = True):
    credit_note = credit_note_create(actor=SETUP, customer=customer, date=today(), lines=lines(amount))
    return credit_note_open(actor=SETUP, credit_note=credit_note) if open_it else credit_note


def make_quote(customer: Customer, *amounts, send: bool = True, **fields):
    quote = quote_create(customer=customer, date=today(), lines=lines(*amounts), **{"actor": SETUP, **fields})
    return quote_send(actor=SETUP, quote=quote) if send else quote


def audit_actions(target=None) -> list[str]:
    """The audit trail's actions, oldest first; only those about ``target`` when one is given."""
    events = AuditEvent.objects.order_by("id")
    if target is not None:
        events = events.filter(content_type=ContentType.objects.get_for_model(target), object_id=target.pk)
    return list(events.values_list("action", flat=True))


_STATE_FIELDS = (
    "status",
    "total",
    "balance_due",
    "balance",
    "unused_amount",
    "retainer_available",
    "version",
)
_STATE_APPS = ("customers", "catalog", "sales", "payments", "projects", "activity", "organizations")


def db_state(*objects) -> dict:
    """Row counts of every domain table, the number series, and the stored balances of ``objects``.

    Equal before and after a refused operation means the operation wrote nothing.
    """
    counts = {
        model._meta.label: model.objects.count()
        for label in _STATE_APPS
        for model in apps.get_app_config(label).get_models()
    }
    series = list(NumberSeries.objects.order_by("id").values_list("organization_id", "kind", "next_number"))
    stored = []
    for obj in objects:
        fresh = type(obj).objects.get(pk=obj.pk)
        stored.append({field: getattr(fresh, field) for field in _STATE_FIELDS if hasattr(fresh, field)})
    return {"counts": counts, "series": series, "objects": stored}


def make_portal_access(contact: ContactPerson, *, accept: bool = True, user: User | None = None):
    """Invite the contact to the portal and, unless ``accept=False``, accept with ``TEST_PASSWORD`` (or ``user``).

    Returns the access and the raw invitation token.
    """
    access, raw_token = portal_access_invite(actor=SETUP, contact=contact)
    if accept:
        access = portal_invitation_accept(raw_token=raw_token, password=TEST_PASSWORD, user=user)
    return access, raw_token


def run_together(*works: Callable[[], object], timeout: float = 60) -> list[tuple[str, object]]:
    """Run each callable in its own thread, with its own database connection, released at once.

    Returns ("ok", result) or ("error", exception) for each, in order: what parallel requests would get.
    """
    barrier = threading.Barrier(len(works))
    outcomes: list[tuple[str, object] | None] = [None] * len(works)

    def target(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[i] = ("ok", works[i]())
        except Exception as exc:  # collected and asserted on by the test
            outcomes[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert all(outcome is not None for outcome in outcomes), "a thread did not finish"
    return outcomes  # type: ignore[return-value]
