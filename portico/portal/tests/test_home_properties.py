"""Home's figures on random histories: each one is what the selectors say, and the selectors agree with the
documents themselves (receivable = open balances, credits = credit notes' and payments' unused amounts)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portico.money import ZERO, format_money
from portico.payments.services import payment_record
from portico.sales.models import CreditNote, Invoice
from portico.sales.selectors import customer_balances
from portico.testing import (
    ContactPersonFactory,
    CustomerFactory,
    make_credit_note,
    make_invoice,
    make_portal_access,
    make_retainer,
    today,
)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    invoices=st.lists(amounts, min_size=0, max_size=4),
    paid_shares=st.lists(st.sampled_from([0, 25, 50, 100, 130]), min_size=4, max_size=4),
    credit=st.one_of(st.none(), amounts),
    retainer=st.one_of(st.none(), amounts),
)
def test_home_shows_the_selectors_figures_and_they_match_the_documents(
    org, invoices, paid_shares, credit, retainer
):
    with transaction.atomic():
        customer = CustomerFactory(organization=org)
        contact = ContactPersonFactory(customer=customer, is_primary=True)
        access = make_portal_access(contact)[0]
        for amount, share in zip(invoices, paid_shares, strict=False):
            invoice = make_invoice(customer, amount)
            paid = (amount * share / 100).quantize(Decimal("0.01"))
            if paid:
                applied = min(paid, invoice.balance_due)
                payment_record(customer=customer, date=today(), amount=paid, allocations=[(invoice, applied)])
        if credit is not None:
            make_credit_note(customer, credit)
        if retainer is not None:
            make_retainer(customer, retainer)

        balances = customer_balances(customer=customer, today=today())
        open_balances = sum(
            (
                i.balance_due
                for i in Invoice.objects.filter(customer=customer).exclude(status=Invoice.Status.VOID)
            ),
            ZERO,
        )
        assert balances.receivable == open_balances
        credit_notes = sum((c.balance for c in CreditNote.objects.filter(customer=customer)), ZERO)
        unused = sum((p.unused_amount for p in customer.payments.all()), ZERO)
        assert balances.available_credits == credit_notes + unused

        client = Client()
        client.force_login(access.user)
        body = client.get(reverse("portal:home", kwargs={"slug": org.portal_slug})).content.decode()
        for figure in (
            balances.receivable,
            balances.available_credits,
            balances.outstanding_retainers,
            balances.available_retainer,
        ):
            assert format_money(figure, customer.currency, org.locale) in body
        transaction.set_rollback(True)
