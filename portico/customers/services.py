"""Writes for customers and their contact persons."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from portico.activity.services import audit_record
from portico.actors import Actor
from portico.money import check_currency
from portico.unset import UNSET, Unset, given

from .models import ContactPerson, Customer, PortalAccess
from .portal_access import portal_access_disable

#: Portal access that ends when its contact's email changes or the contact is deleted.
_OPEN_ACCESS = (PortalAccess.Status.INVITED, PortalAccess.Status.ACTIVE)


def customer_create(
    *, organization, display_name: str, currency: str | None = None, actor: Actor, **fields
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
        audit_record(
            organization=organization,
            action="customer.created",
            target=customer,
            actor=actor,
            customer=customer,
        )
    return customer


def contact_person_save(*, contact: ContactPerson, actor: Actor) -> ContactPerson:
    """Create or update a contact person. An email is required: it is how they reach the portal.

    Making a contact primary takes the flag from the customer's previous primary contact. Changing the email of
    a contact who is invited to the portal or uses it disables that access and voids its links: the invitation
    went to the old address, and the account is the old address's. The business invites the new address again.
    """
    contact.email = (contact.email or "").strip().lower()
    if not contact.email:
        raise ValidationError({"email": _("A contact person needs an email address.")})
    if contact.customer.organization_id != contact.organization_id:
        raise ValidationError(_("The contact person and the customer belong to different organizations."))
    # The one-primary-contact constraint is not checked here: the flag moves below, under the customer's lock.
    contact.full_clean(validate_constraints=False)
    duplicate = ContactPerson.objects.filter(customer=contact.customer, email__iexact=contact.email)
    if contact.pk:
        duplicate = duplicate.exclude(pk=contact.pk)
    if duplicate.exists():
        raise ValidationError({"email": _("This customer already has a contact person with this email.")})
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=contact.customer_id).first()
        old_email = None
        if contact.pk is not None:
            old_email = (
                ContactPerson.objects.select_for_update()
                .filter(pk=contact.pk)
                .values_list("email", flat=True)
                .first()
            )
        if contact.is_primary:
            ContactPerson.objects.filter(customer=contact.customer, is_primary=True).exclude(
                pk=contact.pk
            ).update(is_primary=False)
        elif not ContactPerson.objects.filter(customer=contact.customer).exclude(pk=contact.pk).exists():
            contact.is_primary = True  # the only contact is the primary one
        created = contact.pk is None
        contact.save()
        email_changed = old_email is not None and old_email.lower() != contact.email
        audit_record(
            organization=contact.organization,
            action="contact.created" if created else "contact.updated",
            target=contact,
            actor=actor,
            customer=contact.customer,
            data={"old_email": old_email, "email": contact.email} if email_changed else None,
        )
        if email_changed:
            _contact_portal_access_end(contact, actor=actor, reason="email_changed")
    return contact


def _contact_portal_access_end(contact: ContactPerson, *, actor, reason: str) -> None:
    """Disable the contact's invited or active portal access, in the caller's transaction."""
    # Locked before its status is read: a reinvite running now is waited for, then its invitation voided.
    access = PortalAccess.objects.select_for_update().filter(contact=contact).first()
    if access is not None and access.status in _OPEN_ACCESS:
        portal_access_disable(access=access, actor=actor, reason=reason)


def contact_person_create(
    *, customer: Customer, first_name: str, email: str, actor: Actor, **fields
) -> ContactPerson:
    contact = ContactPerson(
        organization=customer.organization, customer=customer, first_name=first_name, email=email, **fields
    )
    return contact_person_save(contact=contact, actor=actor)


#: Customer fields the back office may change after the customer was created.
CUSTOMER_EDITABLE_FIELDS = (
    "display_name",
    "company_name",
    "email",
    "phone",
    "website",
    "currency",
    "billing_address",
    "shipping_address",
    "tax_id",
    "payment_terms_days",
    "allow_ach",
    "notes",
    "is_active",
)


def records_in_customer_currency() -> list[type[models.Model]]:
    """The models whose amounts or rates are in their customer's currency: documents, payments, projects.

    Each says so itself (``in_customer_currency = True``), so this layer needs no import of the layers above.
    """
    return [model for model in apps.get_models() if getattr(model, "in_customer_currency", False)]


def customer_update(
    *,
    customer: Customer,
    actor: Actor,
    display_name: str | Unset = UNSET,
    company_name: str | Unset = UNSET,
    email: str | Unset = UNSET,
    phone: str | Unset = UNSET,
    website: str | Unset = UNSET,
    currency: str | Unset = UNSET,
    billing_address: str | Unset = UNSET,
    shipping_address: str | Unset = UNSET,
    tax_id: str | Unset = UNSET,
    payment_terms_days: int | Unset = UNSET,
    allow_ach: bool | Unset = UNSET,
    notes: str | Unset = UNSET,
    is_active: bool | Unset = UNSET,
) -> Customer:
    """Change the customer's details given; the others stay. The currency is fixed once documents, payments or
    projects (whose rates are in it) were made in it: an amount entered in a currency keeps its meaning."""
    fields = given(
        display_name=display_name,
        company_name=company_name,
        email=email,
        phone=phone,
        website=website,
        currency=currency,
        billing_address=billing_address,
        shipping_address=shipping_address,
        tax_id=tax_id,
        payment_terms_days=payment_terms_days,
        allow_ach=allow_ach,
        notes=notes,
        is_active=is_active,
    )
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if "currency" in fields:
            currency = check_currency(fields["currency"])
            fields["currency"] = currency
            if currency != customer.currency and any(
                model.objects.filter(customer=customer).exists() for model in records_in_customer_currency()
            ):
                raise ValidationError(
                    {
                        "currency": _(
                            "This customer already has documents, payments or projects in %(currency)s; the "
                            "currency cannot change."
                        )
                        % {"currency": customer.currency}
                    }
                )
        for name, value in fields.items():
            setattr(customer, name, value.strip() if name == "display_name" else value)
        customer.full_clean()
        customer.save()
        audit_record(
            organization=customer.organization,
            action="customer.updated",
            target=customer,
            actor=actor,
            customer=customer,
        )
    return customer


def contact_person_delete(*, contact: ContactPerson, actor: Actor) -> None:
    """Remove a contact person; if it was the primary contact, the next contact becomes primary.

    Their portal access goes with them (the delete cascades); it is first recorded as disabled, so the audit
    trail shows when the access ended and why.
    """
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=contact.customer_id).first()
        contact = ContactPerson.objects.select_for_update().get(pk=contact.pk)
        customer = contact.customer
        was_primary = contact.is_primary
        _contact_portal_access_end(contact, actor=actor, reason="contact_deleted")
        audit_record(
            organization=contact.organization,
            action="contact.deleted",
            target=contact,
            actor=actor,
            customer=customer,
            data={"email": contact.email},
        )
        contact.delete()
        if was_primary:
            successor = ContactPerson.objects.filter(customer=customer).order_by("created_at", "id").first()
            if successor is not None:
                successor.is_primary = True
                successor.save(update_fields=["is_primary"])
