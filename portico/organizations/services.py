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


#: Organization settings staff may change in the back office.
ORGANIZATION_SETTINGS_FIELDS = (
    "name",
    "email",
    "phone",
    "website",
    "address",
    "tax_id",
    "base_currency",
    "timezone",
    "locale",
    "default_tax",
    "payment_terms_days",
    "portal_enabled",
    "portal_show_sales_orders",
    "portal_show_projects",
    "portal_allow_reviews",
    "portal_allow_forwarding",
    "portal_banner",
    "notify_quote_decision",
    "notify_comment",
    "notify_payment",
    "notify_first_view",
    "notify_details_update",
    "notify_timesheet_decision",
)


def _has_transactions(organization: Organization) -> bool:
    from portico.payments.models import CustomerPayment
    from portico.sales.models import CreditNote, Invoice, Quote, RetainerInvoice, SalesOrder

    return any(
        model.objects.filter(organization=organization).exists()
        for model in (Invoice, Quote, RetainerInvoice, CreditNote, SalesOrder, CustomerPayment)
    )


def organization_update(*, organization: Organization, actor=None, **fields) -> Organization:
    """Change an organization's settings: contact details, currency, time zone, locale, defaults, portal."""
    import zoneinfo

    from babel import Locale, UnknownLocaleError

    from portico.activity.services import audit_record

    unknown = set(fields) - set(ORGANIZATION_SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(
            _("These settings cannot be changed here: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    errors = {}
    if "base_currency" in fields:
        try:
            fields["base_currency"] = check_currency(fields["base_currency"])
        except ValidationError as exc:
            errors["base_currency"] = exc.messages
        else:
            if fields["base_currency"] != organization.base_currency and _has_transactions(organization):
                errors["base_currency"] = [
                    _(
                        "The base currency cannot change once invoices, quotes or payments exist: item prices "
                        "and reports are kept in %(currency)s."
                    )
                    % {"currency": organization.base_currency}
                ]
    if "timezone" in fields and fields["timezone"] not in zoneinfo.available_timezones():
        errors["timezone"] = [_("“%(name)s” is not a known time zone.") % {"name": fields["timezone"]}]
    if "locale" in fields:
        try:
            Locale.parse(fields["locale"])
        except (UnknownLocaleError, ValueError, TypeError):
            errors["locale"] = [_("“%(name)s” is not a known locale.") % {"name": fields["locale"]}]
    tax = fields.get("default_tax")
    if tax is not None and tax.organization_id != organization.pk:
        errors["default_tax"] = [_("Choose one of your organization's taxes.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        for name, value in fields.items():
            setattr(organization, name, value)
        organization.full_clean()
        organization.save()
        audit_record(
            organization=organization,
            action="organization.updated",
            target=organization,
            actor_user=actor,
            data={"fields": sorted(fields)},
        )
    return organization
