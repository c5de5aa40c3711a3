"""A payment's stored unused amount, recomputed from its allocations and refunds. Callers hold its row lock."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from portico.money import ZERO, format_money

from .models import CustomerPayment


def payment_settle(payment: CustomerPayment) -> CustomerPayment:
    """Unused amount = amount − allocations − refunds; never below zero."""
    used = (payment.allocations.aggregate(s=Sum("amount"))["s"] or ZERO) + (
        payment.refunds.aggregate(s=Sum("amount"))["s"] or ZERO
    )
    unused = payment.amount - used
    if unused < 0:
        raise ValidationError(
            _("The allocations (%(used)s) are more than the payment of %(amount)s.")
            % {
                "used": format_money(used, payment.currency, payment.organization.locale),
                "amount": format_money(payment.amount, payment.currency, payment.organization.locale),
            }
        )
    payment.unused_amount = unused
    payment.save(update_fields=["unused_amount"])
    return payment
