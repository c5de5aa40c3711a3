"""Writes for customers and their contact persons."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portico.activity.services import audit_record
from portico.money import check_currency

from .models import ContactPerson, Customer


def customer_create(
    *, organization, display_name: str, currency: str | None = None, actor=None, **fields
) -> Customer:
    """Create a customer in the organization; its currency defaults to the organization's."""
    customer = Customer(
        organization=organization,
        display_name=(display_name or "").strip(),
        currency=check_currency(currency or organization.base_currency),
        **fields,
    )
    customer.full_clean()
    with transaction.atomic():
        customer.save()
        audit_record(organization=organization, action="customer.created", target=customer, actor_user=actor)
    return customer


def contact_person_save(*, contact: ContactPerson, actor=None) -> ContactPerson:
    """Create or update a contact person. An email is required: it is how they reach the portal.

    Making a contact primary takes the flag from the customer's previous primary contact.
    """
    contact.email = (contact.email or "").strip().lower()
    if not contact.email:
        raise ValidationError({"email": _("A contact person needs an email address.")})
    if contact.customer.organization_id != contact.organization_id:
        raise ValidationError(_("The contact person and the customer belong to different organizations."))
    contact.full_clean()
    duplicate = ContactPerson.objects.filter(customer=contact.customer, email__iexact=contact.email)
    if contact.pk:
        duplicate = duplicate.exclude(pk=contact.pk)
    if duplicate.exists():
        raise ValidationError({"email": _("This customer already has a contact person with this email.")})
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=contact.customer_id).first()
        if contact.is_primary:
            ContactPerson.objects.filter(customer=contact.customer, is_primary=True).exclude(
                pk=contact.pk
            ).update(is_primary=False)
        elif not ContactPerson.objects.filter(customer=contact.customer).exclude(pk=contact.pk).exists():
            contact.is_primary = True  # the only contact is the primary one
        created = contact.pk is None
        contact.save()
        audit_record(
            organization=contact.organization,
            action="contact.created" if created else "contact.updated",
            target=contact,
            actor_user=actor,
            customer=contact.customer,
        )
    return contact


def contact_person_create(
    *, customer: Customer, first_name: str, email: str, actor=None, **fields
) -> ContactPerson:
    contact = ContactPerson(
        organization=customer.organization, customer=customer, first_name=first_name, email=email, **fields
    )
    return contact_person_save(contact=contact, actor=actor)
