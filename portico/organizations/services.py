"""Writes for organizations: creating a tenant, adding staff, taking document numbers, changing settings."""

from __future__ import annotations

import string
import zoneinfo

from babel import Locale, UnknownLocaleError
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from portico.activity.services import audit_record
from portico.actors import Actor
from portico.money import check_currency

from .models import (
    DOCUMENT_NUMBER_MAX_LENGTH,
    Membership,
    NumberSeries,
    Organization,
    PortalSlugRedirect,
    slug_validator,
)


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
    organization.portal_slug = portal_slug_check(organization=organization, slug=portal_slug)
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
    return series.format(number)


def number_prefix_check(*, series: NumberSeries, prefix: str) -> str:
    """The prefix as it will be stored, or a ValidationError saying why the series can't have it.

    Numbers appear in the portal's addresses, so a prefix may hold slashes (``INV/2026/``) but not a path that
    a browser would rewrite (a leading or doubled slash, a ``.`` or ``..`` part) or a control character.
    """
    prefix = (prefix or "").strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in prefix):
        raise ValidationError(_("A prefix cannot contain control characters."), code="prefix_characters")
    parts = prefix.split("/")
    if prefix.startswith("/") or "//" in prefix or any(part in (".", "..") for part in parts):
        raise ValidationError(
            _(
                "A prefix can contain slashes, as in INV/2026/, but cannot start with one, have two in a row "
                "or a part that is only “.” or “..”."
            ),
            code="prefix_path",
        )
    clash = NumberSeries.objects.filter(organization_id=series.organization_id, prefix=prefix).exclude(
        pk=series.pk
    )
    if clash.exists():
        raise ValidationError(
            _("Another series already uses this prefix; numbers would collide."), code="prefix_taken"
        )
    return prefix


def number_padding_check(*, prefix: str, padding: int) -> int:
    """Refuse a padding that would make numbers longer than a document number can be."""
    longest = DOCUMENT_NUMBER_MAX_LENGTH - len(prefix)
    if padding > longest:
        raise ValidationError(
            _(
                "A number can be at most %(max)d characters long, so with the prefix “%(prefix)s” the padding "
                "can be at most %(longest)d digits."
            )
            % {"max": DOCUMENT_NUMBER_MAX_LENGTH, "prefix": prefix, "longest": longest},
            code="padding_too_long",
        )
    return padding


def number_series_update(*, series: NumberSeries, prefix: str, padding: int, actor: Actor) -> NumberSeries:
    """Change a series' prefix and padding; the next number only moves when a document takes it."""
    errors = {}
    try:
        prefix = number_prefix_check(series=series, prefix=prefix)
    except ValidationError as exc:
        errors["prefix"] = exc.messages
    else:
        try:
            number_padding_check(prefix=prefix, padding=padding)
        except ValidationError as exc:
            errors["padding"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        series = NumberSeries.objects.select_for_update().get(pk=series.pk)
        old = {"prefix": series.prefix, "padding": series.padding}
        series.prefix, series.padding = prefix, padding
        series.full_clean()
        series.save(update_fields=["prefix", "padding"])
        audit_record(
            organization=series.organization,
            action="number_series.updated",
            target=series,
            actor=actor,
            data={"kind": series.kind, "old": old, "new": {"prefix": prefix, "padding": padding}},
        )
    return series


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
    "payment_instructions",
    "portal_enabled",
    "portal_show_sales_orders",
    "portal_show_projects",
    "portal_allow_reviews",
    "portal_allow_forwarding",
    "portal_banner",
    "portal_slug",
    "logo",
    "portal_invitation_subject",
    "portal_invitation_message",
    "notify_quote_decision",
    "notify_comment",
    "notify_payment",
    "notify_first_view",
    "notify_details_update",
    "notify_timesheet_decision",
)


#: A logo is shown in the portal and in emails: small, and in a format every browser and mail client shows.
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4096
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}

#: The placeholders each part of the invitation email may use; they are filled in when the email is sent.
INVITATION_PLACEHOLDERS = {
    "portal_invitation_subject": ("organization", "contact"),
    "portal_invitation_message": ("organization", "contact", "customer"),
}


def portal_slug_check(*, organization: Organization, slug: str) -> str:
    """The portal address as it will be stored, or a ValidationError saying why the organization can't have it.

    An address another organization uses now or used before is refused: its old links still lead there. An
    organization may take back one of its own old addresses.
    """
    slug = (slug or "").strip().lower()
    slug_validator(slug)
    if Organization.objects.filter(portal_slug=slug).exclude(pk=organization.pk).exists():
        raise ValidationError(
            _("The portal address “%(slug)s” is taken by another organization. Choose another one.")
            % {"slug": slug},
            code="slug_taken",
        )
    if PortalSlugRedirect.objects.filter(slug=slug).exclude(organization_id=organization.pk).exists():
        raise ValidationError(
            _(
                "The portal address “%(slug)s” was used by another organization and its old links still lead "
                "there. Choose another one."
            )
            % {"slug": slug},
            code="slug_used",
        )
    return slug


def logo_check(*, logo) -> str:
    """Refuse a logo that is not a PNG or JPEG image of at most 1 MB and ``LOGO_MAX_SIDE`` pixels a side; return
    the file extension for its format.

    The pixels are limited as well as the bytes: a few kilobytes of PNG can hold an image of billions of pixels,
    which every browser and mail client showing the logo would have to unpack.
    """
    if logo.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s; it can be at most 1 MB. Save it smaller and upload it again.")
            % {"size": filesizeformat(logo.size)},
            code="logo_too_big",
        )
    not_an_image = ValidationError(
        _("The logo must be a PNG or JPEG image, and this file is not one."), code="logo_format"
    )
    try:
        logo.seek(0)
        with Image.open(logo) as image:
            kind, (width, height) = image.format, image.size
            if width <= LOGO_MAX_SIDE and height <= LOGO_MAX_SIDE:
                image.verify()
    except Image.DecompressionBombError:
        width = height = None  # more pixels than Pillow will even open
    except Exception as exc:  # Pillow raises many kinds of errors for a broken or foreign file
        raise not_an_image from exc
    finally:
        logo.seek(0)
    if width is None or width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        raise ValidationError(_logo_too_large_message(width, height), code="logo_too_large")
    if kind not in LOGO_FORMATS:
        raise not_an_image
    return LOGO_FORMATS[kind]


def _logo_too_large_message(width: int | None, height: int | None) -> str:
    limit = {"max": f"{LOGO_MAX_SIDE:,}"}
    if width is None:
        return (
            _(
                "The logo has far too many pixels; it can be at most %(max)s pixels wide and %(max)s high. "
                "Save it smaller and upload it again."
            )
            % limit
        )
    return _(
        "The logo is %(width)s × %(height)s pixels; it can be at most %(max)s pixels wide and %(max)s high. "
        "Save it smaller and upload it again."
    ) % {"width": f"{width:,}", "height": f"{height:,}", **limit}


def invitation_template_check(*, field: str, text: str) -> None:
    """Refuse an invitation subject or message whose placeholders could not be filled in when the email is sent."""
    allowed = INVITATION_PLACEHOLDERS[field]
    names = ", ".join(f"{{{name}}}" for name in allowed)
    try:
        used = {
            name for _text, name, _spec, _conv in string.Formatter().parse(text or "") if name is not None
        }
    except ValueError as exc:
        raise ValidationError(
            _("Braces are kept for placeholders: write %(names)s, and no other braces.") % {"names": names},
            code="template_braces",
        ) from exc
    unknown = sorted(used - set(allowed))
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(unknown)s; you can use %(names)s.")
            % {"unknown": ", ".join(f"{{{name}}}" for name in unknown), "names": names},
            code="template_placeholder",
        )


def _clean_logo(organization: Organization, logo):
    """The value to store for a new, kept or removed logo."""
    if not logo:
        return ""  # removed
    if isinstance(logo, FieldFile):
        return logo  # the stored logo, unchanged
    if not isinstance(logo, File):
        raise ValidationError(_("Upload the logo as an image file."), code="logo_format")
    extension = logo_check(logo=logo)
    # The stored name follows the content, so the file is always served as the image it is.
    logo.name = f"{organization.portal_slug}-logo.{extension}"
    return logo


def _move_portal_slug(organization: Organization, old_slug: str) -> None:
    """Keep the old address leading to the organization, and let it take back one of its own old addresses."""
    PortalSlugRedirect.objects.filter(organization=organization, slug=organization.portal_slug).delete()
    PortalSlugRedirect.objects.get_or_create(slug=old_slug, defaults={"organization": organization})


def _has_transactions(organization: Organization) -> bool:
    """Whether any document or payment was made; each such model says so itself (``is_transaction = True``),
    so this layer needs no import of the layers above."""
    return any(
        model.objects.filter(organization=organization).exists()
        for model in apps.get_models()
        if getattr(model, "is_transaction", False)
    )


def organization_update(*, organization: Organization, actor: Actor, **fields) -> Organization:
    """Change an organization's settings: contact details, currency, time zone, locale, defaults, portal.

    A new portal address keeps the old one leading to the organization (a ``PortalSlugRedirect``); a new logo is
    checked to be a PNG or JPEG of at most 1 MB; the invitation email's subject and message may use only their
    placeholders.
    """
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
    for name in INVITATION_PLACEHOLDERS:
        if name in fields:
            try:
                invitation_template_check(field=name, text=fields[name])
            except ValidationError as exc:
                errors[name] = exc.messages
    if "portal_slug" in fields:
        try:  # checked again under the organization's lock when saving
            fields["portal_slug"] = portal_slug_check(organization=organization, slug=fields["portal_slug"])
        except ValidationError as exc:
            errors["portal_slug"] = exc.messages
    if "logo" in fields:
        try:
            fields["logo"] = _clean_logo(organization, fields["logo"])
        except ValidationError as exc:
            errors["logo"] = exc.messages
    if errors:
        raise ValidationError(errors)
    try:
        return _organization_save(organization, actor, fields)
    except IntegrityError as exc:
        # Another organization took the address between the check and the save.
        if "portal_slug" not in fields:
            raise
        raise ValidationError(
            {
                "portal_slug": [
                    _("This portal address was just taken by another organization. Choose another one.")
                ]
            }
        ) from exc


def _organization_save(organization: Organization, actor, fields: dict) -> Organization:
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        data: dict = {"fields": sorted(fields)}
        old_slug = organization.portal_slug
        if "portal_slug" in fields:
            try:
                fields["portal_slug"] = portal_slug_check(
                    organization=organization, slug=fields["portal_slug"]
                )
            except ValidationError as exc:
                raise ValidationError({"portal_slug": exc.messages}) from exc
        for name, value in fields.items():
            setattr(organization, name, value)
        organization.full_clean()
        if organization.portal_slug != old_slug:
            _move_portal_slug(organization, old_slug)
            data["portal_slug"] = {"old": old_slug, "new": organization.portal_slug}
        organization.save()
        audit_record(
            organization=organization,
            action="organization.updated",
            target=organization,
            actor=actor,
            data=data,
        )
    return organization
