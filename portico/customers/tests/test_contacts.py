"""Contact persons: an email each, one primary contact per customer, no duplicate emails."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.customers.models import ContactPerson
from portico.customers.services import contact_person_create, contact_person_save
from portico.testing import SETUP, ContactPersonFactory, audit_actions, db_state


def test_staff_adds_a_contact_and_the_first_one_is_primary(customer_a, staff):
    contact = contact_person_create(
        actor=Actor.staff(staff),
        customer=customer_a,
        first_name="Ann",
        email=" Ann@Example.TEST ",
    )
    contact.refresh_from_db()
    assert (contact.email, contact.is_primary, contact.organization) == (
        "ann@example.test",
        True,
        customer_a.organization,
    )
    assert audit_actions(contact) == ["contact.created"]
    event = AuditEvent.objects.get(action="contact.created")
    assert (event.customer, event.actor_user) == (customer_a, staff)


def test_a_contact_without_an_email_is_refused_with_a_clear_message(customer_a):
    before = db_state(customer_a)
    with pytest.raises(ValidationError) as exc:
        contact_person_create(actor=SETUP, customer=customer_a, first_name="Nobody", email="  ")
    assert exc.value.message_dict == {"email": ["A contact person needs an email address."]}
    assert db_state(customer_a) == before


def test_a_contact_with_an_invalid_email_is_refused(customer_a):
    before = db_state(customer_a)
    with pytest.raises(ValidationError) as exc:
        contact_person_create(actor=SETUP, customer=customer_a, first_name="Bad", email="not-an-email")
    assert exc.value.message_dict == {"email": ["Enter a valid email address."]}
    assert db_state(customer_a) == before


def test_a_second_contact_is_not_primary_unless_asked(customer_a):
    first = contact_person_create(actor=SETUP, customer=customer_a, first_name="Ann", email="ann@a.test")
    second = contact_person_create(actor=SETUP, customer=customer_a, first_name="Ben", email="ben@a.test")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (True, False)


def test_making_a_contact_primary_takes_the_flag_from_the_previous_one(customer_a, staff):
    first = contact_person_create(actor=SETUP, customer=customer_a, first_name="Ann", email="ann@a.test")
    second = contact_person_create(
        actor=SETUP, customer=customer_a, first_name="Ben", email="ben@a.test", is_primary=True
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    assert ContactPerson.objects.filter(customer=customer_a, is_primary=True).count() == 1

    first.is_primary = True
    contact_person_save(
        actor=Actor.staff(staff),
        contact=first,
    )
    second.refresh_from_db()
    assert list(ContactPerson.objects.filter(customer=customer_a, is_primary=True)) == [first]
    assert audit_actions(first) == ["contact.created", "contact.updated"]


def test_a_duplicate_email_for_the_same_customer_is_refused(customer_a):
    contact_person_create(actor=SETUP, customer=customer_a, first_name="Ann", email="ann@a.test")
    before = db_state(customer_a)
    with pytest.raises(ValidationError) as exc:
        contact_person_create(actor=SETUP, customer=customer_a, first_name="Annie", email="ANN@a.test")
    assert exc.value.message_dict == {
        "email": ["This customer already has a contact person with this email."]
    }
    assert db_state(customer_a) == before


def test_the_same_person_may_be_a_contact_of_two_customers(customer_a, customer_b):
    contact_person_create(actor=SETUP, customer=customer_a, first_name="Ann", email="ann@a.test")
    other = contact_person_create(actor=SETUP, customer=customer_b, first_name="Ann", email="ann@a.test")
    assert other.customer == customer_b
    assert ContactPerson.objects.filter(email="ann@a.test").count() == 2


def test_a_contact_of_another_organization_than_its_customer_is_refused(customer_a, other_org):
    contact = ContactPersonFactory.build(customer=customer_a, organization=other_org, email="x@a.test")
    before = db_state(customer_a)
    with pytest.raises(ValidationError) as exc:
        contact_person_save(actor=SETUP, contact=contact)
    assert exc.value.messages == ["The contact person and the customer belong to different organizations."]
    assert db_state(customer_a) == before


def test_a_customer_takes_the_organizations_currency_unless_given_one(org, staff):
    from portico.customers.services import customer_create

    default = customer_create(
        actor=Actor.staff(staff),
        organization=org,
        display_name=" Plain ",
    )
    yen = customer_create(actor=SETUP, organization=org, display_name="Tokyo", currency="jpy")
    default.refresh_from_db()
    yen.refresh_from_db()
    assert (default.display_name, default.currency, yen.currency) == ("Plain", "USD", "JPY")
    assert audit_actions(default) == ["customer.created"]


def test_a_customer_with_an_unknown_currency_is_refused(org):
    from portico.customers.services import customer_create

    before = db_state()
    with pytest.raises(ValidationError) as exc:
        customer_create(actor=SETUP, organization=org, display_name="X", currency="ABC")
    assert exc.value.messages == ["“ABC” is not a known currency code."]
    assert db_state() == before
