"""Reads for customers and their portal access."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Customer, PortalAccess


def customer_portal_status(*, customer: Customer) -> str:
    """The customer's portal status as shown in the back office: enabled, invited or disabled."""
    statuses = set(PortalAccess.objects.filter(customer=customer).values_list("status", flat=True))
    if PortalAccess.Status.ACTIVE in statuses:
        return Customer.PortalStatus.ENABLED
    if PortalAccess.Status.INVITED in statuses:
        return Customer.PortalStatus.INVITED
    return Customer.PortalStatus.DISABLED


def portal_accesses_for_user(*, user) -> QuerySet[PortalAccess]:
    """The user's active portal accesses, for the portal's switcher between customers and organizations.

    Only those the portal lets in: of an active customer, in an organization whose portal is turned on.
    """
    return (
        PortalAccess.objects.filter(
            user=user,
            status=PortalAccess.Status.ACTIVE,
            customer__is_active=True,
            organization__portal_enabled=True,
        )
        .select_related("organization", "customer", "contact")
        .order_by("organization__name", "customer__display_name", "pk")
    )
