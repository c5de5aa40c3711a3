from decimal import Decimal

from portico.payments.services import payment_record
from portico.sales.selectors import customer_available_credits, customer_receivable
from portico.testing import make_invoice


def test_payment_pays_two_invoices_and_leaves_excess_as_credit(customer_a):
    first = make_invoice(customer_a, "100.00")
    second = make_invoice(customer_a, "50.00", "25.50")

    payment_record(
        customer=customer_a,
        amount="200.00",
        date=first.date,
        allocations=[(first, "100.00"), (second, "75.50")],
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.balance_due) == ("paid", Decimal("0"))
    assert (second.status, second.balance_due) == ("paid", Decimal("0"))
    assert customer_receivable(customer=customer_a) == Decimal("0")
    assert customer_available_credits(customer=customer_a) == Decimal("24.50")
