"""Changing a customer's details, and removing contact persons."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.customers.models import ContactPerson
from portico.customers.services import contact_person_create, contact_person_delete, customer_update
from portico.projects.services import project_create, task_create
from portico.testing import SETUP, audit_actions, db_state, make_invoice


def test_staff_changes_a_customers_name_terms_and_currency_before_any_document(customer_a, staff):
    customer_update(
        actor=Actor.staff(staff),
        customer=customer_a,
        display_name="  Customer Alpha ",
        payment_terms_days=15,
        currency="eur",
    )

    customer_a.refresh_from_db()
    assert (customer_a.display_name, customer_a.payment_terms_days, customer_a.currency) == (
        "Customer Alpha",
        15,
        "EUR",
    )
    event = AuditEvent.objects.get(action="customer.updated")
    assert (event.object_id, event.actor_user, event.customer) == (customer_a.pk, staff, customer_a)


def test_a_customers_currency_cannot_change_once_it_has_documents(customer_a):
    make_invoice(customer_a, "10.00")
    before = db_state(customer_a)
    with pytest.raises(ValidationError) as exc:
        customer_update(actor=SETUP, customer=customer_a, currency="EUR")
    assert exc.value.message_dict == {
        "currency": [
            "This customer already has documents, payments or projects in USD; the currency cannot change."
        ]
    }
    assert db_state(customer_a) == before
    customer_a.refresh_from_db()
    assert customer_a.currency == "USD"


def test_a_customers_currency_cannot_change_under_the_rates_of_its_projects(customer_a):
    task_create(
        actor=SETUP,
        project=project_create(actor=SETUP, customer=customer_a, name="Website", rate="80"),
        name="Build",
        rate="90",
    )
    with pytest.raises(ValidationError) as exc:
        customer_update(actor=SETUP, customer=customer_a, currency="JPY")
    assert "projects in USD" in exc.value.message_dict["currency"][0]
    customer_a.refresh_from_db()
    assert customer_a.currency == "USD"


def test_the_office_says_why_a_customers_currency_is_fixed(customer_a, staff_client):
    project_create(actor=SETUP, customer=customer_a, name="Website", rate="80")
    page = staff_client.get(reverse("office:customers_customer_change", args=[customer_a.pk]))
    assert "it cannot change, so an amount entered in it always keeps its meaning" in page.content.decode()


def test_a_customers_organization_cannot_be_changed(customer_a, other_org):
    before = db_state(customer_a)
    # The service has no such argument: the call itself is refused, before anything is read or written.
    with pytest.raises(TypeError, match="organization"):
        customer_update(actor=SETUP, customer=customer_a, organization=other_org)
    assert db_state(customer_a) == before


def test_deleting_the_primary_contact_makes_the_next_one_primary(customer_a, staff):
    first = contact_person_create(actor=SETUP, customer=customer_a, first_name="Ann", email="ann@a.test")
    second = contact_person_create(actor=SETUP, customer=customer_a, first_name="Bob", email="bob@a.test")

    contact_person_delete(
        actor=Actor.staff(staff),
        contact=first,
    )

    second.refresh_from_db()
    assert not ContactPerson.objects.filter(pk=first.pk).exists()
    assert second.is_primary
    assert audit_actions(first) == ["contact.created", "contact.deleted"]
    event = AuditEvent.objects.get(action="contact.deleted")
    assert (event.actor_user, event.customer, event.data) == (staff, customer_a, {"email": "ann@a.test"})


def test_a_contact_already_deleted_cannot_be_deleted_again(customer_a):
    contact = contact_person_create(actor=SETUP, customer=customer_a, first_name="Ann", email="ann@a.test")
    contact_person_delete(actor=SETUP, contact=contact)
    before = db_state(customer_a)
    with pytest.raises(ContactPerson.DoesNotExist):
        contact_person_delete(actor=SETUP, contact=contact)
    assert db_state(customer_a) == before
