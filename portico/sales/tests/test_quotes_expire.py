"""``manage.py quotes_expire`` marks expired the sent quotes past their expiry date, by each organization's date."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command

from portico.sales.models import Quote
from portico.sales.services.quotes import quote_accept
from portico.testing import SETUP, CustomerFactory, audit_actions, make_quote

DAY = datetime.timedelta(days=1)


def _expiring(quote: Quote, day: datetime.date) -> Quote:
    """The quote as it is once ``day`` is its expiry date (it was sent while still valid)."""
    Quote.objects.filter(pk=quote.pk).update(expiry_date=day, date=day - 30 * DAY)
    return Quote.objects.get(pk=quote.pk)


def test_quotes_expire_marks_sent_quotes_past_their_expiry_date_expired(org, other_org, customer_a):
    today = org.today()
    past = _expiring(make_quote(customer_a, "100"), today - DAY)
    due_today = _expiring(make_quote(customer_a, "100"), today)
    without_expiry = make_quote(customer_a, "100")
    accepted = _expiring(quote_accept(actor=SETUP, quote=make_quote(customer_a, "100")), today - DAY)
    draft = _expiring(make_quote(customer_a, "100", send=False), today - DAY)
    elsewhere = _expiring(make_quote(CustomerFactory(organization=other_org), "100"), other_org.today() - DAY)
    out = io.StringIO()

    call_command("quotes_expire", stdout=out)

    assert "2 quote(s) marked expired." in out.getvalue()
    statuses = {q.pk: q.status for q in Quote.objects.all()}
    assert statuses[past.pk] == statuses[elsewhere.pk] == Quote.Status.EXPIRED
    assert statuses[due_today.pk] == statuses[without_expiry.pk] == Quote.Status.SENT
    assert statuses[accepted.pk] == Quote.Status.ACCEPTED
    assert statuses[draft.pk] == Quote.Status.DRAFT
    assert "quote.expired" in audit_actions(past)


def test_quotes_expire_goes_by_each_organizations_date(org, customer_a):
    org.timezone = "Pacific/Kiritimati"
    org.save(update_fields=["timezone"])
    quote = _expiring(make_quote(customer_a, "100"), org.today() - DAY)

    call_command("quotes_expire", stdout=io.StringIO())
    call_command("quotes_expire", stdout=io.StringIO())  # a second run changes nothing

    quote.refresh_from_db()
    assert quote.status == Quote.Status.EXPIRED
    assert audit_actions(quote).count("quote.expired") == 1
