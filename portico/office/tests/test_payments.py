"""Recording payments over several invoices, and a payment's page: apply its credit, refund it, delete it."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from portico.overview import customer_available_credits
from portico.payments.models import CustomerPayment, Refund
from portico.payments.services import payment_record
from portico.sales.models import Invoice
from portico.testing import SETUP, db_state, make_invoice, make_retainer, today

from .conftest import action_url, admin_url, assert_refused, messages_of


def record_url(customer, **query):
    url = reverse("office:payments_customerpayment_record", args=[customer.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def payment_data(amount, **allocations):
    return {
        "date": today().isoformat(),
        "amount": amount,
        "bank_charges": "0",
        "mode": "bank_transfer",
        "reference": "WIRE-7",
        "notes": "",
        **allocations,
    }


def test_adding_a_payment_starts_by_choosing_the_customer(staff_client, customer_a, other_customer):
    page = staff_client.get(admin_url(CustomerPayment, "add"))
    chosen = staff_client.get(admin_url(CustomerPayment, "add"), {"customer": customer_a.pk})

    html = page.content.decode()
    assert "Customer A" in html and "Other Org Customer" not in html
    assert chosen["Location"] == record_url(customer_a)


def test_the_record_payment_screen_lists_the_customers_open_invoices_and_retainers(
    staff_client, customer_a, customer_b
):
    mine = make_invoice(customer_a, "100.00")
    draft = make_invoice(customer_a, "5.00", send=False)
    retainer = make_retainer(customer_a, "40.00")
    theirs = make_invoice(customer_b, "70.00")

    html = staff_client.get(record_url(customer_a)).content.decode()

    assert f'name="invoice_{mine.pk}"' in html
    assert f'name="retainer_{retainer.pk}"' in html
    assert f'name="invoice_{draft.pk}"' not in html
    assert f'name="invoice_{theirs.pk}"' not in html


def test_a_payment_pays_several_invoices_and_leaves_the_excess_as_credit(staff_client, customer_a):
    first = make_invoice(customer_a, "100.00")
    second = make_invoice(customer_a, "50.00")
    retainer = make_retainer(customer_a, "30.00")

    response = staff_client.post(
        record_url(customer_a),
        payment_data(
            "200.00",
            **{
                f"invoice_{first.pk}": "100.00",
                f"invoice_{second.pk}": "20.00",
                f"retainer_{retainer.pk}": "30.00",
            },
        ),
        follow=True,
    )

    payment = CustomerPayment.objects.get()
    assert response.redirect_chain[-1][0] == admin_url(payment)
    assert "Payment PAY-00001 of $200.00 was recorded." in messages_of(response)
    first.refresh_from_db()
    second.refresh_from_db()
    retainer.refresh_from_db()
    assert (first.status, first.balance_due) == (Invoice.Status.PAID, Decimal("0"))
    assert (second.status, second.balance_due) == (Invoice.Status.PARTIALLY_PAID, Decimal("30.00"))
    assert retainer.retainer_available == Decimal("30.00")
    assert payment.unused_amount == Decimal("50.00")
    assert payment.reference == "WIRE-7"
    assert customer_available_credits(customer=customer_a) == Decimal("50.00")
    html = response.content.decode()
    assert first.number in html and second.number in html and "$50.00" in html


def test_the_invoice_page_prefills_the_payment_with_its_balance(staff_client, customer_a):
    invoice = make_invoice(customer_a, "123.45")

    invoice_page = staff_client.get(admin_url(invoice)).content.decode()
    response = staff_client.get(record_url(customer_a, invoice=invoice.pk))

    assert record_url(customer_a, invoice=invoice.pk) in invoice_page
    form = response.context["form"]
    assert form[f"invoice_{invoice.pk}"].initial == Decimal("123.45")
    assert form["amount"].initial == Decimal("123.45")


def test_overpaying_an_invoice_is_refused_and_nothing_is_recorded(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")
    before = db_state(invoice)

    response = staff_client.post(
        record_url(customer_a), payment_data("150.00", **{f"invoice_{invoice.pk}": "150.00"})
    )

    assert response.status_code == 200
    assert "is more than the" in response.content.decode()
    assert db_state(invoice) == before


def test_allocating_more_than_the_payment_is_refused(staff_client, customer_a):
    first = make_invoice(customer_a, "100.00")
    second = make_invoice(customer_a, "100.00")
    before = db_state(first, second)

    response = staff_client.post(
        record_url(customer_a),
        payment_data("50.00", **{f"invoice_{first.pk}": "40.00", f"invoice_{second.pk}": "40.00"}),
    )

    assert "more than the" in response.content.decode()
    assert db_state(first, second) == before


def test_paying_another_customers_invoice_is_refused(staff_client, customer_a, customer_b):
    theirs = make_invoice(customer_b, "100.00")
    before = db_state(theirs)

    response = staff_client.post(
        record_url(customer_a), payment_data("100.00", **{f"invoice_{theirs.pk}": "100.00"})
    )

    assert response.status_code == 200
    assert "belongs to another customer" in response.content.decode()
    assert db_state(theirs) == before


def test_paying_another_organizations_invoice_is_refused(staff_client, customer_a, other_customer):
    foreign = make_invoice(other_customer, "100.00")
    before = db_state(foreign)

    response = staff_client.post(
        record_url(customer_a), payment_data("100.00", **{f"invoice_{foreign.pk}": "100.00"})
    )

    assert "One of the chosen invoices does not exist." in response.content.decode()
    assert db_state(foreign) == before


def test_a_negative_amount_is_refused(staff_client, customer_a):
    response = staff_client.post(record_url(customer_a), payment_data("-5.00"))

    assert response.status_code == 200
    assert not CustomerPayment.objects.exists()


def test_payment_list_shows_amounts_and_unused_credit(staff_client, customer_a):
    payment_record(actor=SETUP, customer=customer_a, amount="75.00", date=today(), reference="CHK-9")

    html = staff_client.get(admin_url(CustomerPayment, "changelist")).content.decode()

    assert "PAY-00001" in html and "Customer A" in html and "$75.00" in html and "CHK-9" in html


def test_staff_applies_a_payments_unused_credit_to_an_invoice(staff_client, customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="80.00", date=today())
    invoice = make_invoice(customer_a, "50.00")

    page = staff_client.get(action_url(payment, "apply")).content.decode()
    staff_client.post(action_url(payment, "apply"), {f"invoice_{invoice.pk}": "50.00"})

    assert f'name="invoice_{invoice.pk}"' in page
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.unused_amount == Decimal("30.00")
    assert invoice.status == Invoice.Status.PAID


def test_applying_more_credit_than_unused_is_refused(staff_client, customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="20.00", date=today())
    invoice = make_invoice(customer_a, "50.00")
    before = db_state(payment, invoice)

    response = staff_client.post(action_url(payment, "apply"), {f"invoice_{invoice.pk}": "30.00"})

    assert "more than the" in response.content.decode()
    assert db_state(payment, invoice) == before


def test_staff_refunds_a_payments_unused_amount(staff_client, customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="80.00", date=today())

    staff_client.post(
        action_url(payment, "refund"), {"amount": "30.00", "date": today().isoformat(), "mode": "cash"}
    )

    payment.refresh_from_db()
    assert payment.unused_amount == Decimal("50.00")
    assert Refund.objects.get().payment == payment


def test_refunding_more_than_unused_is_refused(staff_client, customer_a):
    payment = payment_record(actor=SETUP, customer=customer_a, amount="80.00", date=today())
    before = db_state(payment)

    response = staff_client.post(
        action_url(payment, "refund"), {"amount": "90.00", "date": today().isoformat(), "mode": "cash"}
    )

    assert "available to refund" in response.content.decode()
    assert db_state(payment) == before


def test_deleting_a_payment_asks_for_confirmation_and_reopens_its_invoices(staff_client, customer_a):
    invoice = make_invoice(customer_a, "100.00")
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="100.00", date=today(), allocations=[(invoice, "100.00")]
    )

    confirm = staff_client.get(action_url(payment, "delete"))
    assert "Are you sure?" in confirm.content.decode()
    assert CustomerPayment.objects.filter(pk=payment.pk).exists()

    response = staff_client.post(action_url(payment, "delete"), follow=True)

    assert not CustomerPayment.objects.filter(pk=payment.pk).exists()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (Invoice.Status.SENT, Decimal("100.00"))
    assert response.redirect_chain[-1][0] == admin_url(CustomerPayment, "changelist")


def test_deleting_a_refunded_payment_is_refused(staff_client, customer_a):
    from portico.payments.services import refund_create

    payment = payment_record(actor=SETUP, customer=customer_a, amount="80.00", date=today())
    refund_create(actor=SETUP, source=payment, amount="10.00", date=today())
    payment.refresh_from_db()
    before = db_state(payment)

    response = staff_client.post(action_url(payment, "delete"), follow=True)

    assert_refused(response, "refunded")
    assert db_state(payment) == before


def test_the_payment_page_shows_its_allocations_each_with_a_remove_button(staff_client, customer_a):
    invoice = make_invoice(customer_a, "60.00")
    payment = payment_record(
        actor=SETUP, customer=customer_a, amount="100.00", date=today(), allocations=[(invoice, "60.00")]
    )

    html = staff_client.get(admin_url(payment)).content.decode()

    allocation = payment.allocations.get()
    assert invoice.number in html and "$60.00" in html and "$40.00" in html
    assert (
        reverse("office:payments_customerpayment_row", args=[payment.pk, "unallocate", allocation.pk]) in html
    )
    assert staff_client.post(admin_url(payment, "delete"), {"post": "yes"}).status_code == 403


def test_an_online_payments_page_is_read_only(staff_client, customer_a):
    payment = payment_record(
        actor=SETUP,
        customer=customer_a,
        amount="100.00",
        date=today(),
        is_online=True,
        gateway="sandbox",
        reference="ch_1",
    )

    html = staff_client.get(admin_url(payment)).content.decode()
    response = staff_client.post(admin_url(payment), {"reference": "forged", "date": today().isoformat()})

    assert 'name="_save"' not in html
    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.reference == "ch_1"
