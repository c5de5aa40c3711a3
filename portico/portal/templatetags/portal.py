"""Amounts, hours and dates on portal pages, written the way the organization's locale writes them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from django import template
from django.utils import timezone

from portico.money import format_money

register = template.Library()


def _locale(context) -> str:
    portal = context.get("portal")
    organization = portal.organization if portal else context.get("organization")
    return getattr(organization, "locale", None) or "en_US"


@register.simple_tag(takes_context=True)
def money(context, amount: Decimal, currency: str) -> str:
    return format_money(amount, currency, _locale(context))


@register.simple_tag(takes_context=True)
def day(context, value: datetime.date | datetime.datetime | None) -> str:
    """A date (a moment's date in the active time zone, the organization's): Nov 26, 2026 / 26.11.2026."""
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return format_date(value, format="medium", locale=_locale(context))


@register.simple_tag(takes_context=True)
def moment(context, value: datetime.datetime | None) -> str:
    """A moment in the active time zone (the organization's), date and time as the organization's locale
    writes them: Nov 26, 2026, 5:55 PM (en_US) / 26.11.2026, 17:55 (de_DE)."""
    if value is None:
        return "—"
    locale = _locale(context)
    local = timezone.localtime(value)
    return format_datetime(local, format=_MOMENT_FORMAT.get(locale) or _moment_format(locale), locale=locale)


#: The pattern of a moment per locale, filled as they are asked for.
_MOMENT_FORMAT: dict[str, str] = {}


def _moment_format(locale: str) -> str:
    """The locale's medium date and short time, joined the way the locale joins them."""
    data = Locale.parse(locale)
    pattern = str(data.datetime_formats["medium"]).replace("{1}", data.date_formats["medium"].pattern)
    pattern = pattern.replace("{0}", data.time_formats["short"].pattern)
    _MOMENT_FORMAT[locale] = pattern
    return pattern


@register.simple_tag(takes_context=True)
def hours(context, value: Decimal | None) -> str:
    """Hours to the hundredth, as the locale writes numbers: 7.50 (en_US), 7,50 (de_DE)."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.00", locale=_locale(context))
