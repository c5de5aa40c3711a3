"""Changing an organization's settings."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.organizations.services import organization_update
from portico.testing import SETUP, TaxFactory, db_state


def test_staff_changes_the_organizations_details_and_defaults(org, staff, tax):
    organization_update(
        actor=Actor.staff(staff),
        organization=org,
        name="Acme Partners",
        timezone="Europe/Paris",
        locale="fr_FR",
        default_tax=tax,
        payment_terms_days=45,
    )

    org.refresh_from_db()
    assert (org.name, org.timezone, org.locale, org.default_tax, org.payment_terms_days) == (
        "Acme Partners",
        "Europe/Paris",
        "fr_FR",
        tax,
        45,
    )
    event = AuditEvent.objects.get(action="organization.updated")
    assert (event.object_id, event.actor_user, event.data) == (
        org.pk,
        staff,
        {"fields": ["default_tax", "locale", "name", "payment_terms_days", "timezone"]},
    )


def test_fields_outside_the_settings_cannot_be_changed(org):
    before = db_state(org)
    with pytest.raises(ValidationError) as exc:
        organization_update(actor=SETUP, organization=org, created_at=None)
    assert exc.value.messages == ["These settings cannot be changed here: created_at."]
    assert db_state(org) == before


def test_another_organizations_tax_and_an_unknown_time_zone_are_refused(org, other_org):
    foreign_tax = TaxFactory(organization=other_org)
    before = db_state(org)
    with pytest.raises(ValidationError) as exc:
        organization_update(actor=SETUP, organization=org, default_tax=foreign_tax, timezone="Mars/Olympus")
    assert exc.value.message_dict == {
        "default_tax": ["Choose one of your organization's taxes."],
        "timezone": ["“Mars/Olympus” is not a known time zone."],
    }
    assert db_state(org) == before
    org.refresh_from_db()
    assert (org.default_tax, org.timezone) != (foreign_tax, "Mars/Olympus")
