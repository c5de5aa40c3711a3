"""Writes for organizations: creating a tenant, adding staff, and taking document numbers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portico.money import check_currency

from .models import Membership, NumberSeries, Organization


def organization_create(
    *, name: str, portal_slug: str, email: str, base_currency: str = "USD", timezone: str = "UTC", **fields
) -> Organization:
    """Create an organization with its number series."""
    organization = Organization(
        name=name,
        portal_slug=portal_slug,
        email=email,
        base_currency=check_currency(base_currency),
        timezone=timezone,
        **fields,
    )
    organization.full_clean(exclude=["default_tax"])
    with transaction.atomic():
        organization.save()
        NumberSeries.objects.bulk_create(
            NumberSeries(organization=organization, kind=kind, prefix=prefix)
            for kind, prefix in NumberSeries.DEFAULT_PREFIXES.items()
        )
    return organization


def membership_add(*, organization: Organization, user, role: str = Membership.Role.STAFF) -> Membership:
    """Give a user access to the organization's back office."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    membership, _created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    return membership


def number_next(*, organization: Organization, kind: str) -> str:
    """Take the next number of a series. The counter row is locked, so parallel callers never share a number.

    Runs inside the caller's transaction: if the caller rolls back, the number is given back too.
    """
    if kind not in NumberSeries.Kind.values:
        raise ValidationError(_("Unknown number series “%(kind)s”.") % {"kind": kind})
    with transaction.atomic():
        series = NumberSeries.objects.select_for_update().filter(organization=organization, kind=kind).first()
        if series is None:
            series, _created = NumberSeries.objects.get_or_create(
                organization=organization,
                kind=kind,
                defaults={"prefix": NumberSeries.DEFAULT_PREFIXES[NumberSeries.Kind(kind)]},
            )
            series = NumberSeries.objects.select_for_update().get(pk=series.pk)
        number = series.next_number
        series.next_number = number + 1
        series.save(update_fields=["next_number"])
    return f"{series.prefix}{number:0{series.padding}d}"
