"""No screen of the back office ever shows, offers or touches another organization's records."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portico.activity.models import Review, ViewEvent
from portico.activity.notifications import notification_create
from portico.activity.services import comment_add
from portico.actors import Actor
from portico.catalog.models import Item
from portico.office.site import office_site
from portico.organizations.models import NumberSeries, Organization
from portico.payments.credits import credit_apply
from portico.payments.services import payment_record, refund_create
from portico.projects.services import project_create, task_create, time_entry_log, timesheet_approval_create
from portico.sales.models import Invoice
from portico.sales.services.quotes import quote_convert_to_sales_order
from portico.testing import (
    SETUP,
    ItemFactory,
    TaxFactory,
    make_credit_note,
    make_invoice,
    make_quote,
    make_retainer,
    today,
)

from .conftest import action_url, admin_url

SECRETS = (
    "Acme Consulting",
    "Customer A",
    "Secret",
    "alice@customer-a.test",
    "staff@acme.test",
    "INV-00001",
    "QT-00001",
    "SO-00001",
    "CN-00001",
    "RET-00001",
    "PAY-00001",
    "RF-00001",
    "PRJ-00001",
    "TS-00001",
    "Secret review",
)


@pytest.fixture
def acme_records(org, other_org, staff, customer_a, contact_a, tax):
    """One record of every kind in ``org``, made through the services.

    The other organization's series get other prefixes, so that ``org``'s numbers can be looked for.
    """
    for series in NumberSeries.objects.filter(organization=other_org):
        series.prefix = f"{series.kind[:3].upper()}#"
        series.save()
    item = ItemFactory(organization=org, name="Secret Widget", tax=tax)
    invoice = make_invoice(customer_a, "300.00", tax=tax)
    quote = make_quote(customer_a, "120.00")
    order = quote_convert_to_sales_order(actor=SETUP, quote=quote)
    credit_note = make_credit_note(customer_a, "30.00")
    credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount="10.00")
    retainer = make_retainer(customer_a, "50.00")
    payment = payment_record(
        actor=SETUP,
        customer=customer_a,
        amount="200.00",
        date=today(),
        allocations=[(invoice, "100.00"), (retainer, "50.00")],
    )
    refund = refund_create(actor=SETUP, source=credit_note, amount="5.00", date=today())
    project = project_create(actor=SETUP, customer=customer_a, name="Secret Project", rate="80")
    task = task_create(actor=SETUP, project=project, name="Secret Task", rate="80")
    entry = time_entry_log(
        actor=SETUP, task=task, date=today(), hours="2.5", user=staff, notes="Secret notes"
    )
    approval = timesheet_approval_create(
        actor=SETUP, project=project, period_start=today(), period_end=today()
    )
    comment = comment_add(
        actor=Actor.staff(staff), target=invoice, body="Secret comment", display_in_portal=True
    )
    notification = notification_create(
        organization=org, kind="payment_made", message="Secret notification", target=invoice
    )
    review = Review.objects.create(
        organization=org, customer=customer_a, contact=contact_a, rating=5, message="Secret review"
    )
    marker = ViewEvent.objects.create(
        organization=org,
        customer=customer_a,
        content_type=ContentType.objects.get_for_model(invoice),
        object_id=invoice.pk,
        first_contact=contact_a,
        first_viewed_at=timezone.now(),
        last_contact=contact_a,
        last_viewed_at=timezone.now(),
    )
    return [
        org,
        tax,
        item,
        customer_a,
        invoice,
        quote,
        order,
        credit_note,
        retainer,
        payment,
        refund,
        project,
        entry,
        approval,
        comment,
        notification,
        review,
        marker,
        org.memberships.get(),
        org.number_series.first(),
    ]


def test_other_organizations_staff_sees_none_of_it_in_any_list(other_client, acme_records, other_customer):
    for model in office_site._registry:
        response = other_client.get(admin_url(model, "changelist"), follow=True)
        html = response.content.decode()
        assert response.status_code == 200, model
        for secret in SECRETS:
            assert secret not in html, (model, secret)


def test_other_organizations_staff_gets_404_for_each_record(other_client, acme_records):
    for record in acme_records:
        for view in ("change", "history", "delete"):
            response = other_client.get(admin_url(record, view))
            assert response.status_code == 404, (record, view)
            for secret in SECRETS:
                assert secret not in response.content.decode(), (record, view, secret)


def test_other_organizations_staff_cannot_act_on_records(other_client, acme_records):
    invoice = next(r for r in acme_records if isinstance(r, Invoice))
    invoice.refresh_from_db()
    balance = invoice.balance_due

    assert other_client.post(action_url(invoice, "void")).status_code == 404
    assert (
        other_client.post(
            reverse("office:sales_invoice_comment", args=[invoice.pk]), {"body": "x"}
        ).status_code
        == 404
    )
    assert (
        other_client.get(
            reverse("office:payments_customerpayment_record", args=[invoice.customer_id])
        ).status_code
        == 404
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTIALLY_PAID
    assert invoice.balance_due == balance


def test_search_never_finds_another_organizations_records(other_client, acme_records):
    response = other_client.get(admin_url(Invoice, "changelist"), {"q": "Customer A"})

    assert list(response.context["cl"].result_list) == []


def test_dropdowns_offer_only_the_organizations_own_rows(
    staff_client, org, other_org, tax, customer_a, other_customer
):
    TaxFactory(organization=other_org, name="Foreign Tax")
    ItemFactory(organization=org, name="Own Widget")
    ItemFactory(organization=other_org, name="Foreign Widget")

    html = staff_client.get(admin_url(Invoice, "add")).content.decode()

    assert "VAT" in html and "Own Widget" in html
    assert "Foreign Tax" not in html and "Foreign Widget" not in html
    settings_html = staff_client.get(admin_url(org)).content.decode()
    assert "VAT" in settings_html and "Foreign Tax" not in settings_html


def test_customer_autocomplete_offers_only_the_organizations_customers(
    staff_client, customer_a, other_customer
):
    response = staff_client.get(
        reverse("office:autocomplete"),
        {"app_label": "sales", "model_name": "invoice", "field_name": "customer", "term": "Customer"},
    )

    names = [result["text"] for result in response.json()["results"]]
    assert names == ["Customer A"]


def test_posting_another_organizations_customer_or_tax_is_refused(
    staff_client, other_customer, other_org, customer_a
):
    from .conftest import formset_data, line

    foreign_tax = TaxFactory(organization=other_org, name="Foreign Tax")
    data = {"customer": other_customer.pk, "date": today().isoformat(), "due_date": ""}
    data.update(formset_data("lines", [line(tax=foreign_tax)]))

    response = staff_client.post(admin_url(Invoice, "add"), data)

    assert response.status_code == 200
    errors = response.context["errors"]
    assert any("Select a valid choice" in str(e) for e in errors)
    assert not Invoice.objects.exists()


def test_staff_edits_only_their_own_organization(staff_client, org, other_org):
    assert staff_client.get(admin_url(other_org)).status_code == 404
    response = staff_client.get(admin_url(Organization, "changelist"))
    assert response.status_code == 302
    assert response["Location"] == admin_url(org)


def test_item_of_another_organization_is_not_listed(staff_client, other_org):
    ItemFactory(organization=other_org, name="Foreign Widget")

    response = staff_client.get(admin_url(Item, "changelist"))

    assert "Foreign Widget" not in response.content.decode()


@pytest.mark.parametrize("model_name", ["invoice", "quote", "creditnote", "retainerinvoice", "salesorder"])
def test_document_list_runs_the_same_number_of_queries_for_5_and_50_documents(
    staff_client, customer_a, customer_b, model_name
):
    from portico.sales.services.documents import KINDS, document_create
    from portico.testing import lines

    model = next(m for m in KINDS if m._meta.model_name == model_name)
    url = admin_url(model, "changelist")

    def make(count):
        for index in range(count):
            customer = customer_a if index % 2 else customer_b
            document_create(
                model=model,
                customer=customer,
                date=today() - datetime.timedelta(days=index),
                lines=lines(Decimal("10.00") + index),
                **{"actor": SETUP, **({"due_date": today()} if model is Invoice else {})},
            )

    staff_client.get(url)  # warm up caches (content types, session)
    make(5)
    with CaptureQueriesContext(connection) as five:
        assert staff_client.get(url).status_code == 200
    make(45)
    with CaptureQueriesContext(connection) as fifty:
        response = staff_client.get(url)
    assert len(response.context["cl"].result_list) == 50
    assert len(fifty) == len(five), [q["sql"] for q in fifty.captured_queries]


def test_payment_and_time_entry_lists_run_the_same_number_of_queries_for_few_and_many_rows(
    staff_client, customer_a, customer_b, staff
):
    from portico.payments.models import CustomerPayment
    from portico.projects.models import TimeEntry

    project = project_create(actor=SETUP, customer=customer_a, name="Website")
    task = task_create(actor=SETUP, project=project, name="Design")

    def make(count):
        for index in range(count):
            payment_record(
                actor=SETUP, customer=customer_a if index % 2 else customer_b, amount="10.00", date=today()
            )
            time_entry_log(actor=SETUP, task=task, date=today(), hours="1", user=staff)

    counts = []
    for batch in (3, 17):
        make(batch)
        row = []
        for model in (CustomerPayment, TimeEntry):
            with CaptureQueriesContext(connection) as queries:
                assert staff_client.get(admin_url(model, "changelist")).status_code == 200
            row.append(len(queries))
        counts.append(row)
    assert counts[0] == counts[1]


def test_the_admins_view_on_site_shortcut_is_gone(other_client, staff_client, acme_records, org):
    """Django's ``r/<content type>/<id>/`` looks records up in every organization: the office has no such address."""
    from django.urls import NoReverseMatch

    from portico.customers.models import Customer

    with pytest.raises(NoReverseMatch):
        reverse("office:view_on_site", args=[1, 1])
    customer = Customer.objects.filter(organization=org).first()
    customer_type = ContentType.objects.get_for_model(Customer)
    task_type = ContentType.objects.get(app_label="django_tasks_database", model="dbtaskresult")
    organization_type = ContentType.objects.get_for_model(Organization)
    for client in (other_client, staff_client):
        assert client.get(f"/office/r/{customer_type.pk}/{customer.pk}/").status_code == 404
        assert client.get(f"/office/r/{organization_type.pk}/{org.pk}/").status_code == 404
        assert client.get(f"/office/r/{task_type.pk}/not-a-uuid/").status_code == 404
