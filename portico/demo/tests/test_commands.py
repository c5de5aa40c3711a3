"""``manage.py demo_setup`` and ``manage.py demo_data`` on an empty database and on one with data."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction

from portico.accounts.models import User
from portico.customers.models import Customer
from portico.demo.builder import (
    CONTACT_EMAIL,
    CONTACT_PASSWORD,
    CUSTOMERS,
    DEMO_SLUG,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    build_demo,
)
from portico.organizations.models import Organization
from portico.payments.models import CustomerPayment, PaymentAllocation
from portico.projects.models import TimeEntry
from portico.sales.models import Invoice, InvoiceLine, Quote
from portico.testing import OrganizationFactory

from . import invariants

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_demo_setup_loads_the_demo_into_an_empty_database_once_and_prints_the_logins_each_time(db):
    assert not Organization.objects.exists()
    first = run("demo_setup")
    organization = Organization.objects.get()
    assert organization.portal_slug == DEMO_SLUG
    assert Invoice.objects.filter(organization=organization).count() >= 25
    invariants.check_all(organization)
    before = row_counts()

    second = run("demo_setup")

    assert row_counts() == before  # the second run created (and deleted) nothing
    assert "Loaded the demo organization" in first
    assert "already loaded" in second
    for output in (first, second):
        assert "http://127.0.0.1:8000/office/" in output
        assert f"{STAFF_EMAIL}  password: {STAFF_PASSWORD}" in output
        assert f"{CONTACT_EMAIL}  password: {CONTACT_PASSWORD}" in output
        assert "demo passwords" in output


def loaded_demo_stand_in() -> Organization:
    """An organization at the demo's address with the demo's users: what the commands look for."""
    User.objects.create_user(email=STAFF_EMAIL, password=STAFF_PASSWORD, is_staff=True)
    User.objects.create_user(email=CONTACT_EMAIL, password=CONTACT_PASSWORD)
    return OrganizationFactory(name="Northwind Studio", portal_slug=DEMO_SLUG)


def test_demo_setup_says_so_when_a_demo_password_was_changed(db):
    loaded_demo_stand_in()
    user = User.objects.get(email=CONTACT_EMAIL)
    user.set_password("something else entirely")
    user.save()
    output = run("demo_setup")
    assert CONTACT_PASSWORD not in output
    assert "password changed" in output
    assert f"{STAFF_EMAIL}  password: {STAFF_PASSWORD}" in output


def test_demo_setup_leaves_a_database_with_other_organizations_alone(db, org, customer_a):
    before = row_counts()
    output = run("demo_setup")
    assert row_counts() == before
    assert not Organization.objects.filter(portal_slug=DEMO_SLUG).exists()
    assert "not loaded" in output
    assert STAFF_PASSWORD not in output


def test_demo_data_loads_the_demo_and_adds_the_volume(db):
    output = run("demo_data", "--invoices", "120", "--seed", "9")
    organization = Organization.objects.get(portal_slug=DEMO_SLUG)
    story_customers = [spec.display_name for spec in CUSTOMERS]
    added = Invoice.objects.filter(organization=organization).exclude(
        customer__display_name__in=story_customers
    )
    assert added.count() == 120
    assert Invoice.objects.filter(customer__display_name__in=story_customers).count() >= 25
    assert "Added 120 invoices" in output
    assert STAFF_EMAIL in output
    invariants.check_all(organization)


def test_demo_data_adds_volume_to_an_existing_demo_without_rebuilding_it(db):
    organization = loaded_demo_stand_in()
    before = row_counts()
    output = run("demo_data", "--invoices", "60")
    assert Organization.objects.get() == organization
    assert Invoice.objects.filter(organization=organization).count() == 60
    assert Customer.objects.filter(organization=organization).count() == 2
    assert row_counts()["accounts.User"] == before["accounts.User"]
    assert "Added 60 invoices" in output
    invariants.check_all(organization)


def test_demo_data_refuses_volume_without_the_demo_organization(db, org):
    with pytest.raises(CommandError, match="no demo organization"):
        run("demo_data", "--invoices", "10")
    assert not Invoice.objects.exists()


def test_two_builds_on_the_same_day_give_the_same_data(db):
    with transaction.atomic():
        build_demo(seed=4)
        first = _snapshot()
        transaction.set_rollback(True)
    assert not Organization.objects.exists()
    build_demo(seed=4)
    assert _snapshot() == first
    assert len(first["invoices"]) >= 25


def _snapshot() -> dict[str, list]:
    return {
        "invoices": list(
            Invoice.objects.order_by("number").values_list(
                "number", "date", "due_date", "status", "total", "balance_due", "customer__display_name"
            )
        ),
        "lines": list(
            InvoiceLine.objects.order_by("document__number", "position").values_list(
                "document__number", "description", "quantity", "rate", "amount", "tax_amount"
            )
        ),
        "quotes": list(Quote.objects.order_by("number").values_list("number", "date", "status", "total")),
        "payments": list(
            CustomerPayment.objects.order_by("number").values_list(
                "number", "date", "amount", "unused_amount"
            )
        ),
        "allocations": sorted(
            PaymentAllocation.objects.values_list("payment__number", "invoice__number", "amount"),
            key=str,
        ),
        "time": sorted(TimeEntry.objects.values_list("date", "task__name", "hours", "notes"), key=str),
    }
