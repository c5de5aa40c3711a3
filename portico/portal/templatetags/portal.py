"""Amounts, hours and dates on portal pages, written the way the organization's locale writes them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from django import template
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from portico.money import format_money, format_unit_price

register = template.Library()


def _locale(context) -> str:
    portal = context.get("portal")
    organization = portal.organization if portal else context.get("organization")
    return getattr(organization, "locale", None) or "en_US"


@register.simple_tag(takes_context=True)
def money(context, amount: Decimal, currency: str) -> str:
    """An amount in the currency's minor unit: $1,234.50 (en_US), 1.234,50 € (de_DE)."""
    return format_money(amount, currency, locale=_locale(context))


@register.simple_tag(takes_context=True)
def unit_price(context, rate: Decimal, currency: str) -> str:
    """A price per unit with the places it has beyond the currency's, up to four: $0.005, $12.50."""
    return format_unit_price(rate, currency, locale=_locale(context))


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


@register.simple_tag(takes_context=True)
def quantity(context, value: Decimal) -> str:
    """A quantity without the trailing zeros of its four stored places: 1.5000 → 1.5 (en_US), 1,5 (de_DE)."""
    return format_decimal(value.normalize(), locale=_locale(context), decimal_quantization=False)


@register.simple_tag(takes_context=True)
def percent(context, value: Decimal) -> str:
    """A stored percentage (8.8750 means 8.875 %) as the locale writes percentages: 8.875% (en_US), 8,875 % (de_DE)."""
    return format_percent(value / 100, locale=_locale(context), decimal_quantization=False)


#: The query parameters of a portal list that a link back to it keeps: its filter, sort and page.
LIST_PARAMETERS = ("type", "status", "sort", "page")


def list_return_url(request: HttpRequest, list_url: str) -> str:
    """Where a document's "All …" link goes: back to the list the contact came from, with its filter, sort and page.

    That is read from the Referer header (sent for same-origin requests, ``SECURE_REFERRER_POLICY``), and used only
    when it names ``list_url`` on this host; the link is rebuilt from the list's own path and the known parameters,
    so nothing of another site's address is ever echoed. Otherwise the plain list.
    """
    referer = request.headers.get("referer", "")
    try:
        parts = urlsplit(referer)
    except ValueError:
        return list_url
    if parts.scheme not in ("http", "https") or parts.netloc != request.get_host() or parts.path != list_url:
        return list_url
    kept = [(name, value) for name, value in parse_qsl(parts.query) if name in LIST_PARAMETERS]
    return f"{list_url}?{urlencode(kept)}" if kept else list_url


@register.simple_tag(takes_context=True)
def back_to_list(context, url_name: str) -> str:
    """The address of a document's "All …" link to the portal list ``url_name`` (see ``list_return_url``)."""
    list_url = reverse(url_name, kwargs={"slug": context["portal"].organization.portal_slug})
    request = context.get("request")
    return list_return_url(request, list_url) if request is not None else list_url
