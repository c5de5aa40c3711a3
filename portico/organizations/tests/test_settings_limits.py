"""Organization settings that would break the books are refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portico.customers.services import customer_create
from portico.organizations.services import organization_update
from portico.testing import SETUP, db_state, make_invoice


def test_payment_terms_longer_than_ten_years_are_refused(org):
    before = db_state(org)
    with pytest.raises(ValidationError) as exc:
        organization_update(actor=SETUP, organization=org, payment_terms_days=99999)
    assert "payment_terms_days" in exc.value.message_dict
    assert db_state(org) == before


def test_a_customers_payment_terms_are_limited_too(org):
    with pytest.raises(ValidationError) as exc:
        customer_create(actor=SETUP, organization=org, display_name="Slow Payer", payment_terms_days=4000)
    assert "payment_terms_days" in exc.value.message_dict


def test_the_base_currency_cannot_change_once_there_are_invoices(org, customer_a):
    make_invoice(customer_a, "10.00")
    with pytest.raises(ValidationError) as exc:
        organization_update(actor=SETUP, organization=org, base_currency="EUR")
    assert "cannot change once invoices" in exc.value.message_dict["base_currency"][0]
    org.refresh_from_db()
    assert org.base_currency == "USD"


def test_a_new_organization_may_still_change_its_base_currency(org):
    organization_update(actor=SETUP, organization=org, base_currency="eur")
    org.refresh_from_db()
    assert org.base_currency == "EUR"
