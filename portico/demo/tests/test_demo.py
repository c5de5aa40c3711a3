"""The demo organization's content, and volume added to it. The demo is built once for this module."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from portico.accounts.models import User
from portico.activity.models import Comment, Notification
from portico.customers.models import ContactPerson, Customer
from portico.demo.builder import (
    CONTACT_EMAIL,
    CONTACT_PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    build_demo,
    build_volume,
)
from portico.organizations.models import Membership
from portico.payments.models import CustomerPayment
from portico.projects.models import TimeEntry, TimesheetApproval
from portico.sales.models import CreditNote, Invoice, Quote, RetainerInvoice, SalesOrder
from portico.sales.services.invoices import invoice_create
from portico.testing import SETUP, lines

from . import invariants


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, built once inside a transaction that is rolled back after the module's tests."""
    hashers = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    hashers.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_demo()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            hashers.disable()
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    hashers.disable()


@pytest.fixture
def org(demo, db):
    return demo.organization


def statuses(model, organization) -> dict[str, int]:
    rows = model.objects.filter(organization=organization).values_list("status").annotate(n=Count("id"))
    return dict(rows)


def test_demo_has_an_organization_with_taxes_items_and_staff(org):
    assert org.name == "Northwind Studio"
    assert org.base_currency == "USD"
    assert org.default_tax is not None
    assert org.taxes.count() >= 2
    assert org.items.filter(tax__isnull=False).count() >= 4
    staff = User.objects.get(email=STAFF_EMAIL)
    assert staff.is_staff
    assert staff.check_password(STAFF_PASSWORD)
    assert Membership.objects.filter(organization=org, user=staff, role=Membership.Role.ADMIN).exists()


def test_every_customer_has_contacts_with_emails_and_one_is_in_euros(org):
    customers = Customer.objects.filter(organization=org)
    assert customers.count() >= 5
    assert customers.filter(currency="EUR").exists()
    for customer in customers:
        contacts = list(customer.contact_persons.all())
        assert contacts, customer.display_name
        assert all(contact.email for contact in contacts)
        assert sum(contact.is_primary for contact in contacts) == 1


def test_demo_contact_has_a_login_and_is_a_primary_contact(org):
    contact = ContactPerson.objects.get(organization=org, email=CONTACT_EMAIL)
    assert contact.is_primary
    user = User.objects.get(email=CONTACT_EMAIL)
    assert user.check_password(CONTACT_PASSWORD)
    assert not user.is_staff


def test_quotes_are_in_every_status(org):
    counts = statuses(Quote, org)
    assert set(counts) == set(Quote.Status.values)
    declined = Quote.objects.filter(organization=org, status=Quote.Status.DECLINED)
    assert all(quote.decline_reason for quote in declined)
    assert all(
        quote.invoice_id for quote in Quote.objects.filter(organization=org, status=Quote.Status.INVOICED)
    )
    today = timezone.localdate()
    for quote in Quote.objects.filter(organization=org, status=Quote.Status.EXPIRED):
        assert quote.expiry_date < today
    for quote in Quote.objects.filter(organization=org, status=Quote.Status.SENT):
        assert quote.expiry_date >= today  # still open to the customer's decision


def test_invoices_are_paid_partly_paid_overdue_open_and_void(org):
    counts = statuses(Invoice, org)
    assert counts[Invoice.Status.PAID] >= 5
    assert counts[Invoice.Status.PARTIALLY_PAID] >= 2
    assert counts[Invoice.Status.VOID] == 1
    today = timezone.localdate()
    open_invoices = Invoice.objects.filter(organization=org, status__in=Invoice.OPEN_STATUSES)
    shown = [invoice.display_status(today) for invoice in open_invoices]
    assert shown.count(Invoice.Status.OVERDUE) >= 2
    assert shown.count(Invoice.Status.SENT) >= 1  # open and not yet due
    assert shown.count(Invoice.Status.PARTIALLY_PAID) >= 1


def test_a_retainer_is_paid_and_partly_applied_to_an_invoice(org):
    retainer = RetainerInvoice.objects.get(organization=org)
    assert retainer.status == RetainerInvoice.Status.PAID
    applied = sum(application.amount for application in retainer.applications.all())
    assert 0 < applied < retainer.total
    assert retainer.retainer_available == retainer.total - applied


def test_a_credit_note_is_partly_applied_and_another_applied_and_refunded(org):
    partly = CreditNote.objects.get(organization=org, status=CreditNote.Status.OPEN)
    assert partly.applications.exists()
    assert 0 < partly.balance < partly.total
    closed = CreditNote.objects.get(organization=org, status=CreditNote.Status.CLOSED)
    assert closed.applications.exists()
    assert closed.refunds.exists()


def test_sales_orders_are_open_and_invoiced(org):
    counts = statuses(SalesOrder, org)
    assert counts[SalesOrder.Status.OPEN] >= 1
    assert counts[SalesOrder.Status.INVOICED] >= 1
    for order in SalesOrder.objects.filter(organization=org, status=SalesOrder.Status.INVOICED):
        assert order.invoices.get().total == order.total


def test_a_payment_pays_several_invoices_and_leaves_credit(org):
    payment = (
        CustomerPayment.objects.filter(organization=org, unused_amount__gt=0)
        .annotate(n=Count("allocations"))
        .get(n__gte=2)
    )
    assert all(allocation.invoice.status == Invoice.Status.PAID for allocation in payment.allocations.all())
    assert payment.unused_amount == payment.amount - sum(a.amount for a in payment.allocations.all())


def test_project_has_time_entries_and_approvals_approved_and_pending(org):
    counts = statuses(TimesheetApproval, org)
    assert counts == {TimesheetApproval.Status.APPROVED: 1, TimesheetApproval.Status.PENDING: 1}
    entries = TimeEntry.objects.filter(organization=org)
    assert entries.count() >= 40
    assert entries.filter(approval__isnull=True, is_billable=True).exists()  # this week's, not sent yet
    approved = TimesheetApproval.objects.get(organization=org, status=TimesheetApproval.Status.APPROVED)
    assert approved.decided_by.email == CONTACT_EMAIL
    assert approved.total_hours == sum(entry.hours for entry in approved.entries.all())


def test_staff_comments_are_shown_in_the_portal_or_kept_internal(org):
    staff_comments = Comment.objects.filter(organization=org, author_user__isnull=False)
    assert staff_comments.filter(display_in_portal=True).exists()
    assert staff_comments.filter(display_in_portal=False).exists()
    assert Comment.objects.filter(organization=org, author_contact__isnull=False).exists()
    assert Notification.objects.filter(organization=org).values("kind").distinct().count() >= 4


def test_history_spreads_over_the_past_year(org):
    today = timezone.localdate()
    dates = list(Invoice.objects.filter(organization=org).values_list("date", flat=True))
    dates += Quote.objects.filter(organization=org).values_list("date", flat=True)
    assert min(dates) >= today - datetime.timedelta(days=366)
    assert min(dates) <= today - datetime.timedelta(days=300)
    assert max(dates) <= today
    sent = Invoice.objects.filter(organization=org, sent_at__isnull=False).order_by("date").first()
    assert timezone.localdate(sent.sent_at) <= sent.date + datetime.timedelta(days=1)  # sent on its day


def test_demo_numbers_follow_dates(org):
    numbers = list(
        Invoice.objects.filter(organization=org).order_by("date", "number").values_list("number", flat=True)
    )
    assert numbers == sorted(numbers)


def test_money_invariants_hold_on_the_demo(org):
    assert invariants.check_document_totals(org) >= 50
    assert invariants.check_invoice_balances(org) >= 25
    assert invariants.check_payments(org) >= 15
    invariants.check_credits(org)
    assert invariants.check_receivables(org) >= 5
    invariants.check_numbers(org)


def test_volume_adds_exactly_that_many_invoices_keeping_the_invariants(org):
    before = Invoice.objects.filter(organization=org).count()
    customers_before = Customer.objects.filter(organization=org).count()
    summary = build_volume(org, invoices=300, seed=7)
    assert summary.invoices == 300
    assert Invoice.objects.filter(organization=org).count() == before + 300
    assert (
        Customer.objects.filter(organization=org).count()
        == customers_before + summary.customers
        == customers_before + 6
    )
    assert Quote.objects.filter(organization=org).count() >= 30
    invariants.check_all(org)


def test_volume_has_paid_partly_paid_overdue_and_open_invoices_over_years(org):
    last = Invoice.objects.filter(organization=org).order_by("-pk").values_list("pk", flat=True).first()
    build_volume(org, invoices=300, seed=11)
    added = Invoice.objects.filter(organization=org, pk__gt=last)
    today = timezone.localdate()
    shown = {invoice.display_status(today) for invoice in added}
    assert {
        Invoice.Status.PAID,
        Invoice.Status.PARTIALLY_PAID,
        Invoice.Status.OVERDUE,
        Invoice.Status.SENT,
    } <= shown
    dates = [invoice.date for invoice in added]
    assert (max(dates) - min(dates)).days > 2 * 365
    payments = CustomerPayment.objects.filter(organization=org, allocations__invoice__in=added).distinct()
    assert payments.count() > 150
    assert (
        payments.annotate(n=Count("allocations")).filter(n__gte=2).exists()
    )  # one payment, several invoices
    assert payments.filter(unused_amount__gt=0).exists()  # paid more than owed: credit


def test_numbers_continue_after_the_volume(org):
    build_volume(org, invoices=50, seed=3)
    highest = max(
        int(n[4:]) for n in Invoice.objects.filter(organization=org).values_list("number", flat=True)
    )
    customer = Customer.objects.filter(organization=org).first()
    invoice = invoice_create(actor=SETUP, customer=customer, date=timezone.localdate(), lines=lines("10.00"))
    assert int(invoice.number[4:]) == highest + 1


def test_volume_of_the_same_seed_gives_the_same_documents(org):
    last = Invoice.objects.filter(organization=org).order_by("-pk").values_list("pk", flat=True).first()
    with transaction.atomic():
        build_volume(org, invoices=40, seed=5)
        first = _snapshot(org, last)
        transaction.set_rollback(True)
    build_volume(org, invoices=40, seed=5)
    second = _snapshot(org, last)
    assert len(first) == 40
    assert second == first


def _snapshot(org, last_pk):
    return list(
        Invoice.objects.filter(organization=org, pk__gt=last_pk)
        .order_by("number")
        .values_list("number", "date", "status", "total", "balance_due", "customer__display_name")
    )


def test_approved_time_is_billed_and_the_rest_waits(org):
    approved = TimesheetApproval.objects.get(organization=org, status=TimesheetApproval.Status.APPROVED)
    billed = TimeEntry.objects.filter(organization=org, billing_status=TimeEntry.BillingStatus.BILLED)
    assert set(billed.values_list("pk", flat=True)) == set(
        approved.entries.filter(is_billable=True).values_list("pk", flat=True)
    )
    invoice = billed.first().invoice
    assert invoice.status == Invoice.Status.PAID
    pending = TimesheetApproval.objects.get(organization=org, status=TimesheetApproval.Status.PENDING)
    assert not pending.entries.filter(billing_status=TimeEntry.BillingStatus.BILLED).exists()
