"""Shared fixtures: an organization with staff and two customers, and another organization beside it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portico.testing import (
    SETUP,
    ContactPersonFactory,
    CustomerFactory,
    MembershipFactory,
    OrganizationFactory,
    TaxFactory,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests that log users in don't need it (test_settings checks Portico uses it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme Consulting", portal_slug="acme")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Other Business", portal_slug="other")


@pytest.fixture
def staff(org):
    """A staff user of ``org``'s back office."""
    return MembershipFactory(organization=org, user__email="staff@acme.test").user


@pytest.fixture
def other_staff(other_org):
    """A staff user of the other organization."""
    return MembershipFactory(organization=other_org, user__email="staff@other.test").user


@pytest.fixture
def tax(org):
    return TaxFactory(organization=org, name="VAT", rate=Decimal("20"))


@pytest.fixture
def customer_a(org):
    return CustomerFactory(organization=org, display_name="Customer A")


@pytest.fixture
def customer_b(org):
    return CustomerFactory(organization=org, display_name="Customer B")


@pytest.fixture
def other_customer(other_org):
    """A customer of the other organization."""
    return CustomerFactory(organization=other_org, display_name="Other Org Customer")


@pytest.fixture
def contact_a(customer_a):
    return ContactPersonFactory(customer=customer_a, email="alice@customer-a.test", is_primary=True)


@pytest.fixture
def contact_b(customer_b):
    return ContactPersonFactory(customer=customer_b, email="bob@customer-b.test", is_primary=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# Portal personas: a contact of customer A with active access, one of customer B, one of the other
# organization, a contact whose access was disabled, and clients logged in as each.


@pytest.fixture
def access_a(contact_a):
    """Customer A's contact, invited and signed up: the person whose portal is being looked at."""
    from portico.testing import make_portal_access

    return make_portal_access(contact_a)[0]


@pytest.fixture
def access_b(contact_b):
    from portico.testing import make_portal_access

    return make_portal_access(contact_b)[0]


@pytest.fixture
def other_org_access(other_customer):
    from portico.testing import make_portal_access

    contact = ContactPersonFactory(customer=other_customer, email="olga@other-customer.test", is_primary=True)
    return make_portal_access(contact)[0]


@pytest.fixture
def disabled_access(customer_a):
    """A second contact of customer A who had access until staff took it away."""
    from portico.customers.portal_access import portal_access_disable
    from portico.testing import make_portal_access

    contact = ContactPersonFactory(customer=customer_a, email="dora@customer-a.test")
    access = make_portal_access(contact)[0]
    return portal_access_disable(actor=SETUP, access=access)


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def portal_client(access_a):
    """A browser logged in as customer A's contact."""
    return _client_for(access_a.user)


@pytest.fixture
def portal_client_b(access_b):
    return _client_for(access_b.user)
