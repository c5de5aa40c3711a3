"""Amounts and dates on portal pages, written the way the organization's locale writes them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from babel.dates import format_date
from django import template

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
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date()
    return format_date(value, format="medium", locale=_locale(context))
