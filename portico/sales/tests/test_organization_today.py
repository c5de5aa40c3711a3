"""Due, overdue and expired go by the organization's own date, in the services, the portal and the office.

The organization is in Pacific/Kiritimati (UTC+14) while the process runs at UTC−12: 26 hours apart, so the
organization's date is always one or two days after the process's, whatever the time of day the tests run.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portico.overview import customer_balances
from portico.sales.models import Invoice, Quote
from portico.sales.services.quotes import quote_accept, quote_revise, quote_send
from portico.testing import SETUP, make_invoice, make_quote

PROCESS_ZONE = "Etc/GMT+12"  # UTC−12 (POSIX signs are inverted)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def kiritimati(org):
    org.timezone = "Pacific/Kiritimati"
    org.save(update_fields=["timezone"])
    with timezone.override(PROCESS_ZONE):
        assert timezone.localdate() < org.today()  # it is already tomorrow where the organization is
        yield org


@pytest.fixture
def process_today(kiritimati):
    return timezone.localdate()


def _quote_expiring(customer, day) -> Quote:
    """A quote sent while it was valid, whose expiry date is ``day``."""
    quote = make_quote(customer, "100", expiry_date=customer.organization.today() + DAY)
    Quote.objects.filter(pk=quote.pk).update(expiry_date=day, date=day)
    return Quote.objects.get(pk=quote.pk)


def _invoice_due(customer, day) -> Invoice:
    invoice = make_invoice(customer, "100", date=day, due_date=day)
    return Invoice.objects.get(pk=invoice.pk)


def test_organization_today_is_its_own_date_and_now_is_in_its_zone(kiritimati):
    assert kiritimati.now().tzinfo.key == "Pacific/Kiritimati"
    assert kiritimati.now().date() == kiritimati.today()
    assert kiritimati.today() > timezone.localdate()


def test_a_quote_expiring_on_the_processs_date_is_expired_for_the_services(customer_a, process_today):
    quote = _quote_expiring(customer_a, process_today)

    with pytest.raises(ValidationError, match="expired"):
        quote_accept(actor=SETUP, quote=quote)
    assert quote_revise(actor=SETUP, quote=quote).status == Quote.Status.DRAFT


def test_a_draft_expiring_on_the_processs_date_cannot_be_sent(customer_a, process_today):
    quote = make_quote(customer_a, "100", send=False, expiry_date=process_today)
    Quote.objects.filter(pk=quote.pk).update(date=process_today)

    with pytest.raises(ValidationError, match="already expired"):
        quote_send(actor=SETUP, quote=Quote.objects.get(pk=quote.pk))


def test_an_invoice_due_on_the_processs_date_is_overdue_in_the_customers_balances(customer_a, process_today):
    _invoice_due(customer_a, process_today)

    assert customer_balances(customer=customer_a).overdue == 100
    assert customer_balances(customer=customer_a).open_quotes == 0


def test_the_portal_shows_them_expired_and_overdue_by_the_organizations_date(
    kiritimati, customer_a, process_today, portal_client
):
    quote = _quote_expiring(customer_a, process_today)
    invoice = _invoice_due(customer_a, process_today)
    slug = kiritimati.portal_slug

    page = portal_client.get(reverse("portal:quote-detail", kwargs={"slug": slug, "number": quote.number}))
    assert page.context["shown_status"][0] == Quote.Status.EXPIRED
    assert page.context["can_decide"] is False
    page = portal_client.get(
        reverse("portal:invoice-detail", kwargs={"slug": slug, "number": invoice.number})
    )
    assert page.context["status"] == Invoice.Status.OVERDUE
    listing = portal_client.get(reverse("portal:invoices", kwargs={"slug": slug}) + "?status=overdue")
    assert [row.number for row in listing.context["listing"].rows] == [invoice.number]


def test_the_office_shows_them_expired_and_overdue_by_the_organizations_date(
    kiritimati, customer_a, process_today, staff_client
):
    quote = _quote_expiring(customer_a, process_today)
    invoice = _invoice_due(customer_a, process_today)

    page = staff_client.get(reverse("office:sales_quote_change", args=[quote.pk]))
    offered = {item["action"].name for item in page.context["office_actions"]}
    assert "revise" in offered and "accept" not in offered
    listing = staff_client.get(reverse("office:sales_invoice_changelist") + "?status=overdue")
    assert [row.pk for row in listing.context["cl"].result_list] == [invoice.pk]
    listing = staff_client.get(reverse("office:sales_quote_changelist") + "?status=expired")
    assert [row.pk for row in listing.context["cl"].result_list] == [quote.pk]
