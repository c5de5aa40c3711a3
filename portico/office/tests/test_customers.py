"""Customers with their contact persons, and the customer's account page."""

from __future__ import annotations

import datetime
from decimal import Decimal

from portico.activity.models import AuditEvent
from portico.customers.models import ContactPerson, Customer
from portico.payments.services import payment_record
from portico.testing import SETUP, ContactPersonFactory, make_invoice, make_quote, today

from .conftest import admin_url, formset_data


def contact(first_name="Ada", email="ada@example.test", is_primary=False, **extra):
    row = {"first_name": first_name, "last_name": "", "email": email, "phone": ""}
    if is_primary:
        row["is_primary"] = "on"
    row.update(extra)
    return row


def customer_data(name="Initech", currency="USD", contacts=(), initial=0, **fields):
    data = {
        "display_name": name,
        "company_name": f"{name} Inc",
        "email": "",
        "phone": "",
        "website": "",
        "currency": currency,
        "billing_address": "",
        "shipping_address": "",
        "tax_id": "",
        "payment_terms_days": "15",
        "notes": "",
        "is_active": "on",
        **fields,
    }
    data.update(formset_data("contact_persons", list(contacts), initial=initial))
    return data


def test_staff_creates_a_customer_with_contacts(staff_client, org):
    response = staff_client.post(
        admin_url(Customer, "add"),
        customer_data(contacts=[contact(), contact("Bob", "bob@example.test", is_primary=True)]),
    )

    assert response.status_code == 302
    customer = Customer.objects.get(display_name="Initech")
    assert customer.organization == org and customer.payment_terms_days == 15
    assert sorted(customer.contact_persons.values_list("email", "is_primary")) == [
        ("ada@example.test", False),
        ("bob@example.test", True),
    ]
    assert AuditEvent.objects.filter(action="customer.created", object_id=customer.pk).exists()


def test_a_contact_person_needs_an_email(staff_client):
    response = staff_client.post(admin_url(Customer, "add"), customer_data(contacts=[contact(email="")]))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Customer.objects.exists()


def test_two_primary_contacts_are_refused(staff_client):
    response = staff_client.post(
        admin_url(Customer, "add"),
        customer_data(
            contacts=[contact(is_primary=True), contact("Bob", "bob@example.test", is_primary=True)]
        ),
    )

    assert "Only one contact person can be the primary contact." in response.content.decode()
    assert not Customer.objects.exists()


def test_an_unknown_currency_is_refused(staff_client):
    response = staff_client.post(admin_url(Customer, "add"), customer_data(currency="XYZ"))

    assert "is not a known currency code" in response.content.decode()
    assert not Customer.objects.exists()


def test_staff_edits_a_customer_and_adds_a_contact(staff_client, customer_a, contact_a):
    data = customer_data(
        name="Customer A renamed",
        contacts=[
            contact(
                contact_a.first_name,
                contact_a.email,
                is_primary=True,
                id=contact_a.pk,
                customer=customer_a.pk,
            ),
            contact("Carol", "carol@example.test"),
        ],
        initial=1,
    )

    response = staff_client.post(admin_url(customer_a), data)

    assert response.status_code == 302
    customer_a.refresh_from_db()
    assert customer_a.display_name == "Customer A renamed"
    assert customer_a.contact_persons.count() == 2
    assert AuditEvent.objects.filter(action="customer.updated").exists()


def test_the_currency_of_a_customer_with_invoices_cannot_change(staff_client, customer_a):
    make_invoice(customer_a, "10.00")

    response = staff_client.post(
        admin_url(customer_a), customer_data(name="Customer A", currency="EUR"), follow=True
    )

    customer_a.refresh_from_db()
    assert customer_a.currency == "USD"
    assert any("cannot change" in str(m) for m in response.context["messages"])


def test_deleting_the_primary_contact_promotes_another(staff_client, customer_a, contact_a):
    other = ContactPersonFactory(customer=customer_a, email="second@customer-a.test")
    data = customer_data(
        name="Customer A",
        contacts=[
            contact(
                contact_a.first_name,
                contact_a.email,
                True,
                id=contact_a.pk,
                customer=customer_a.pk,
                DELETE="on",
            ),
            contact(other.first_name, other.email, id=other.pk, customer=customer_a.pk),
        ],
        initial=2,
    )

    assert staff_client.post(admin_url(customer_a), data).status_code == 302

    assert list(customer_a.contact_persons.values_list("email", "is_primary")) == [
        ("second@customer-a.test", True)
    ]
    assert not ContactPerson.objects.filter(pk=contact_a.pk).exists()


def test_customer_list_and_search(staff_client, customer_a, customer_b):
    response = staff_client.get(admin_url(Customer, "changelist"), {"q": '"Customer B"'})

    assert list(response.context["cl"].result_list) == [customer_b]


def test_customer_page_shows_the_account_figures_and_recent_documents(staff_client, customer_a):
    invoice = make_invoice(customer_a, "500.00")
    make_quote(customer_a, "80.00")
    payment_record(
        actor=SETUP, customer=customer_a, amount="300.00", date=today(), allocations=[(invoice, "200.00")]
    )

    html = staff_client.get(admin_url(customer_a)).content.decode()

    assert "Outstanding receivables" in html and "$300.00" in html  # 500 − 200
    assert "Available credits" in html and "$100.00" in html  # 300 − 200 unused
    assert "Last payment" in html
    assert "INV-00001" in html and "QT-00001" in html and "PAY-00001" in html
    assert "Open quotes" in html
    assert invoice.balance_due == Decimal("500.00")  # the page changed nothing


def test_customer_page_shows_an_overdue_invoice_as_overdue(staff_client, customer_a):

    past = today() - datetime.timedelta(days=40)
    make_invoice(customer_a, "80.00", date=past, due_date=past + datetime.timedelta(days=10))

    html = staff_client.get(admin_url(customer_a)).content.decode()

    recent = html[html.index("Recent documents") :]
    assert "Overdue" in recent
    assert ">Sent<" not in recent
