"""What every kind of document shares: items on lines, history, drafts only deleted, projects of the customer."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from portico.customers.models import Customer
from portico.projects.services import project_create
from portico.sales.models import Invoice, Quote, RetainerInvoice
from portico.testing import SETUP, ItemFactory, make_invoice, make_quote, today

from .conftest import admin_url, formset_data, line


def test_a_line_with_an_item_and_no_description_takes_the_items_name(staff_client, org, customer_a, tax):
    item = ItemFactory(organization=org, name="Audit day", rate=Decimal("900.00"), tax=tax)
    data = {"customer": customer_a.pk, "date": today().isoformat()}
    data.update(formset_data("lines", [line(description="", rate="900.00", item=item.pk)]))

    assert staff_client.post(admin_url(Quote, "add"), data).status_code == 302

    quote_line = Quote.objects.get().lines.get()
    assert (quote_line.description, quote_line.item) == ("Audit day", item)


def test_a_line_without_description_or_item_is_refused(staff_client, customer_a):
    data = {"customer": customer_a.pk, "date": today().isoformat()}
    data.update(formset_data("lines", [line(description="")]))

    response = staff_client.post(admin_url(Quote, "add"), data)

    assert "Line 1 needs a description." in response.content.decode()
    assert not Quote.objects.exists()


def test_a_discount_over_100_percent_is_refused_on_its_line(staff_client, customer_a):
    data = {"customer": customer_a.pk, "date": today().isoformat()}
    data.update(formset_data("lines", [line(discount="150")]))

    response = staff_client.post(admin_url(Quote, "add"), data)

    assert "Discount must be between 0 and 100" in response.content.decode()
    assert not Quote.objects.exists()


def test_a_retainer_for_another_customers_project_is_refused(staff_client, customer_a, customer_b):
    project = project_create(actor=SETUP, customer=customer_b, name="Theirs")
    data = {"customer": customer_a.pk, "date": today().isoformat(), "project": project.pk}
    data.update(formset_data("lines", [line()]))

    response = staff_client.post(admin_url(RetainerInvoice, "add"), data)

    assert "This project belongs to another customer." in response.content.decode()
    assert not RetainerInvoice.objects.exists()


def test_the_history_of_a_document_lists_its_changes(staff_client, customer_a):
    data = {"customer": customer_a.pk, "date": today().isoformat(), "due_date": ""}
    data.update(formset_data("lines", [line()]))
    staff_client.post(admin_url(Invoice, "add"), data)
    invoice = Invoice.objects.get()

    response = staff_client.get(admin_url(invoice, "history"))

    assert response.status_code == 200
    assert "Added." in response.content.decode()


def test_a_draft_quote_shows_a_delete_confirmation_then_is_deleted(staff_client, customer_a):
    quote = make_quote(customer_a, "10.00", send=False)

    confirm = staff_client.get(admin_url(quote, "delete"))
    assert confirm.status_code == 200 and "QT-00001" in confirm.content.decode()
    assert Quote.objects.filter(pk=quote.pk).exists()

    staff_client.post(admin_url(quote, "delete"), {"post": "yes"})
    assert not Quote.objects.filter(pk=quote.pk).exists()


def test_bulk_delete_is_not_offered_for_documents(staff_client, customer_a):
    make_invoice(customer_a, "10.00", send=False)

    response = staff_client.get(admin_url(Invoice, "changelist"))

    assert "delete_selected" not in response.content.decode()


def test_customers_are_deactivated_not_deleted(staff_client, customer_a):
    response = staff_client.post(admin_url(customer_a, "delete"), {"post": "yes"})

    assert response.status_code == 403
    assert Customer.objects.filter(pk=customer_a.pk).exists()


def test_an_overdue_invoice_shows_as_overdue_on_its_page(staff_client, customer_a):
    import datetime

    invoice = make_invoice(customer_a, "10.00", date=today() - datetime.timedelta(days=60))
    Invoice.objects.filter(pk=invoice.pk).update(due_date=today() - datetime.timedelta(days=30))

    html = staff_client.get(admin_url(invoice)).content.decode()

    assert "Overdue" in html


def test_a_line_with_an_item_and_no_rate_takes_the_items_price(staff_client, org, customer_a):
    item = ItemFactory(organization=org, name="Support hour", rate=Decimal("75.00"))
    data = {"customer": customer_a.pk, "date": today().isoformat(), "due_date": ""}
    data.update(formset_data("lines", [line(description="", rate="", quantity="2", item=item.pk)]))

    assert staff_client.post(admin_url(Invoice, "add"), data).status_code == 302

    invoice = Invoice.objects.get()
    assert (invoice.lines.get().rate, invoice.total) == (Decimal("75.00"), Decimal("150.00"))


def test_a_line_with_an_item_and_a_rate_of_0_is_free(staff_client, org, customer_a):
    item = ItemFactory(organization=org, name="Support hour", rate=Decimal("75.00"))
    data = {"customer": customer_a.pk, "date": today().isoformat(), "due_date": ""}
    data.update(formset_data("lines", [line(description="", rate="0", quantity="2", item=item.pk)]))

    assert staff_client.post(admin_url(Invoice, "add"), data).status_code == 302

    invoice = Invoice.objects.get()
    assert (invoice.lines.get().rate, invoice.total) == (Decimal("0"), Decimal("0"))


def test_new_lines_start_with_the_organizations_default_tax(staff_client, org, tax):
    org.default_tax = tax
    org.save(update_fields=["default_tax"])

    response = staff_client.get(reverse("office:sales_invoice_add"))

    tax_select = response.context["inline_admin_formsets"][0].formset.forms[0]["tax"]
    assert tax_select.value() == tax.pk
    assert f'<option value="{tax.pk}" selected>' in str(tax_select)


def test_a_line_without_tax_takes_its_items_tax(staff_client, org, customer_a, tax):
    item = ItemFactory(organization=org, name="Audit day", rate=Decimal("100.00"), tax=tax)
    data = {"customer": customer_a.pk, "date": today().isoformat(), "due_date": ""}
    data.update(formset_data("lines", [line(description="", rate="", item=item.pk)]))

    assert staff_client.post(admin_url(Invoice, "add"), data).status_code == 302

    invoice_line = Invoice.objects.get().lines.get()
    assert (invoice_line.tax, invoice_line.tax_rate, invoice_line.tax_amount) == (
        tax,
        Decimal("20"),
        Decimal("20.00"),
    )
    assert Invoice.objects.get().total == Decimal("120.00")


def test_a_line_that_has_a_tax_keeps_it_when_an_item_is_chosen(staff_client, org, customer_a, tax):
    from portico.testing import TaxFactory

    reduced = TaxFactory(organization=org, name="Reduced", rate=Decimal("5"))
    org.default_tax = reduced
    org.save(update_fields=["default_tax"])
    item = ItemFactory(organization=org, name="Audit day", rate=Decimal("100.00"), tax=tax)
    data = {"customer": customer_a.pk, "date": today().isoformat(), "due_date": ""}
    data.update(formset_data("lines", [line(description="", rate="0", item=item.pk, tax=reduced)]))

    assert staff_client.post(admin_url(Invoice, "add"), data).status_code == 302

    assert Invoice.objects.get().lines.get().tax == reduced


def _foreign_customer(org):
    from portico.testing import CustomerFactory

    return CustomerFactory(organization=org, display_name="Euro Customer", currency="EUR")


def test_an_item_on_a_foreign_currency_document_needs_the_rate_entered(staff_client, org):
    customer = _foreign_customer(org)
    item = ItemFactory(organization=org, name="Support hour", rate=Decimal("75.00"))
    data = {"customer": customer.pk, "date": today().isoformat(), "due_date": ""}
    data.update(formset_data("lines", [line(description="", rate="", item=item.pk)]))

    response = staff_client.post(admin_url(Invoice, "add"), data)

    assert response.status_code == 200
    assert "Support hour is priced in USD and this document is in EUR: enter the rate in EUR." in (
        response.content.decode()
    )
    assert not Invoice.objects.exists()


def test_an_item_on_a_foreign_currency_document_keeps_the_rate_staff_entered(staff_client, org):
    customer = _foreign_customer(org)
    item = ItemFactory(organization=org, name="Support hour", rate=Decimal("75.00"))
    data = {"customer": customer.pk, "date": today().isoformat(), "due_date": ""}
    data.update(formset_data("lines", [line(description="", rate="70.00", quantity="2", item=item.pk)]))

    assert staff_client.post(admin_url(Invoice, "add"), data).status_code == 302

    invoice = Invoice.objects.get()
    assert (invoice.currency, invoice.lines.get().rate, invoice.total) == (
        "EUR",
        Decimal("70.00"),
        Decimal("140.00"),
    )


def test_an_empty_rate_on_a_base_currency_document_takes_the_items_price(staff_client, org, customer_a):
    item = ItemFactory(organization=org, name="Support hour", rate=Decimal("75.00"))
    data = {"customer": customer_a.pk, "date": today().isoformat(), "due_date": ""}
    data.update(formset_data("lines", [line(description="", rate="", item=item.pk)]))

    assert staff_client.post(admin_url(Invoice, "add"), data).status_code == 302

    assert Invoice.objects.get().lines.get().rate == Decimal("75.00")


def test_a_line_without_item_or_rate_is_refused(staff_client, customer_a):
    data = {"customer": customer_a.pk, "date": today().isoformat(), "due_date": ""}
    data.update(formset_data("lines", [line(rate="")]))

    response = staff_client.post(admin_url(Invoice, "add"), data)

    assert "Line 1: enter the rate." in response.content.decode()
    assert not Invoice.objects.exists()
