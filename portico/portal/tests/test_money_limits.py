"""The portal's figures at the maximum amount: sums of several documents at it are shown, never a server error."""

from __future__ import annotations

from django.urls import reverse

from portico.money import MAX_AMOUNT, format_money
from portico.testing import make_invoice


def test_pay_now_and_home_show_a_receivable_of_several_invoices_at_the_maximum(
    org, portal_client, customer_a
):
    for _ in range(3):
        make_invoice(customer_a, MAX_AMOUNT)
    owed = format_money(3 * MAX_AMOUNT, "USD", locale="en_US")
    assert owed == "$2,700,000,000,000,000.00"

    pay = portal_client.get(reverse("portal:pay", kwargs={"slug": org.portal_slug}))
    home = portal_client.get(reverse("portal:home", kwargs={"slug": org.portal_slug}))

    assert pay.status_code == home.status_code == 200
    assert owed in pay.content.decode()
    assert owed in home.content.decode()
