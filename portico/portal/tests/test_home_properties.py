"""Home's figures on random histories made through the back office's services.

Each history is played by :class:`History` through the services the back office calls: invoices, retainer
invoices and credit notes left as drafts, issued or voided; payments allocated to invoices and retainer
invoices or left as credit, redated or deleted; credit and retainer applied to invoices; refunds from credit
notes, payments and retainers; allocations, applications and refunds taken back; quotes sent, accepted,
declined, marked expired, lapsed, revised and invoiced; timesheets sent and decided. ``History`` keeps its own
ledger of what it did, and every figure of the portal's Home is checked three ways: the selectors equal plain
sums over that ledger, and the portal's Home and the back office's customer page both show those sums. Another
customer of the organization has a bit of everything too, none of which may count.

The services stamp "now" and refuse to send a quote past its expiry date, so a quote that lapsed yesterday
can only have been sent yesterday. Instead of editing dates afterwards, the history is played in a time zone
(UTC−12) a day or two behind the organization's (UTC+14): there it is still yesterday, and every quote is
sent on a day it was valid.
"""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from portico.money import format_money
from portico.organizations.services import organization_update
from portico.overview import customer_balances
from portico.payments.services import (
    payment_record,
)
from portico.projects.services import (
    project_create,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_send,
)
from portico.testing import (
    SETUP,
    ContactPersonFactory,
    CustomerFactory,
    make_credit_note,
    make_invoice,
    make_portal_access,
    make_quote,
    make_retainer,
)

from .histories import HISTORY_ZONE, ORGANIZATION_ZONE, Figures, History, Plan

# Plans.


units = st.integers(min_value=1, max_value=400_000)
picks = st.integers(min_value=0, max_value=7)
shares = st.sampled_from([10, 50, 100])
issue_fates = st.sampled_from(["draft", "issued", "issued", "void"])
payments = st.tuples(
    st.just("pay"),
    st.sampled_from([0, 0, 1, 20]),  # same-day payments: the later one is the last payment
    st.sampled_from([0, 2_500]),  # paid beyond what is allocated: credit on the account
    st.lists(st.tuples(st.sampled_from(["invoice", "retainer"]), picks, shares), min_size=1, max_size=3),
)
moves = st.one_of(
    payments,
    payments,  # most moves need money on the account first
    st.tuples(st.just("allocate"), picks, picks, shares),
    st.tuples(st.just("apply"), st.sampled_from(["credit_note", "retainer"]), picks, picks, shares),
    st.tuples(st.just("refund"), st.sampled_from(["credit_note", "payment", "retainer"]), picks, shares),
    st.tuples(st.just("void_one"), st.sampled_from(["invoice", "retainer", "credit_note"]), picks),
    st.tuples(st.just("issue_draft"), picks),
    st.tuples(st.just("take_back"), picks),
    st.tuples(st.just("delete_payment"), picks),
    st.tuples(st.just("redate"), picks, st.sampled_from([0, 1, 20, 30])),
)
plans = st.builds(
    Plan,
    currency=st.sampled_from(["USD", "EUR", "JPY"]),
    locale=st.sampled_from(["en_US", "de_DE", "fr_CH"]),
    show_projects=st.booleans(),
    invoices=st.lists(
        st.tuples(units, st.sampled_from([-30, -1, 0, 1, 30]), issue_fates), min_size=1, max_size=5
    ),
    retainers=st.lists(st.tuples(units, issue_fates), min_size=1, max_size=2),
    credit_notes=st.lists(st.tuples(units, issue_fates), max_size=2),
    quotes=st.lists(
        st.tuples(
            units,
            st.sampled_from([None, -1, 0, 30]),  # -1: lapsed yesterday, though still "sent"
            st.sampled_from(["draft", "sent", "accepted", "declined", "expired", "invoiced", "resent"]),
        ),
        max_size=4,
    ),
    timesheets=st.lists(st.sampled_from(["draft", "pending", "approved", "rejected"]), max_size=3),
    moves=st.lists(moves, min_size=2, max_size=12),
)

#: A history with every kind of document and move, played first on every run.
EVERYTHING = Plan(
    currency="EUR",
    locale="de_DE",
    show_projects=True,
    invoices=[
        (50_000, -30, "issued"),
        (30_000, 0, "issued"),  # due today: not overdue yet
        (20_000, -1, "issued"),
        (9_900, 1, "draft"),
        (7_500, -30, "void"),
    ],
    retainers=[(100_000, "issued"), (40_000, "issued"), (5_000, "void"), (6_000, "draft")],
    credit_notes=[(12_000, "issued"), (8_000, "issued"), (3_000, "draft")],
    quotes=[
        (1_000, -1, "sent"),  # lapsed yesterday
        (1_000, 0, "sent"),  # valid until today
        (1_000, None, "resent"),
        (1_000, 30, "declined"),
        (1_000, 30, "expired"),
        (1_000, 30, "accepted"),
        (4_000, 30, "invoiced"),
        (1_000, 30, "draft"),
    ],
    timesheets=["draft", "pending", "approved", "rejected", "pending"],
    moves=[
        ("pay", 20, 0, [("retainer", 0, 100), ("retainer", 1, 50)]),
        ("pay", 1, 2_500, [("invoice", 0, 50)]),
        ("pay", 1, 0, [("invoice", 1, 10)]),  # same day, recorded later: the last payment
        ("pay", 0, 2_500, [("invoice", 2, 100)]),  # newer, but deleted below
        ("apply", "retainer", 0, 0, 50),
        ("apply", "credit_note", 0, 1, 100),
        ("apply", "credit_note", 1, 0, 50),
        ("refund", "credit_note", 1, 50),
        ("refund", "payment", 0, 50),
        ("refund", "retainer", 0, 10),
        ("allocate", 0, 3, 100),
        ("take_back", 6),
        ("issue_draft", 0),
        ("void_one", "invoice", 0),
        ("delete_payment", 3),
        ("pay", 30, 1_000, [("invoice", 0, 10)]),  # recorded last, dated earliest
        ("redate", 0, 0),
        ("redate", 1, 0),  # now the last payment: the later of the two received today
    ],
)


# What the pages show.


def _text(fragment: str | None) -> str | None:
    return None if fragment is None else html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip(" \n\t")


def home_cards(body: str) -> dict[str, tuple[str, str | None]]:
    """The Home summary's cards: label → (figure, note)."""
    summary = body[body.index('id="summary-title"') :]
    summary = summary[: summary.index("</section>")]
    cards = {}
    for card in re.findall(r'<li class="card[ "][^>]*>(.*?)</li>', summary, re.S):
        spans = dict(re.findall(r'<span class="card-(label|figure|note)">(.*?)</span>', card, re.S))
        cards[_text(spans["label"])] = (_text(spans["figure"]), _text(spans.get("note")))
    return cards


def office_account(body: str) -> dict[str, str]:
    """The back office customer page's Account table: figure → value."""
    panel = re.search(r'<h2 id="panel-\d+">Account</h2>(.*?)</section>', body, re.S).group(1)
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", panel, re.S)
    return {_text(label): _text(value) for label, value in rows}


def expected_cards(figures: Figures, currency: str, locale: str, show_projects: bool) -> dict:
    def money(amount: Decimal) -> str:
        return format_money(amount, currency, locale=locale)

    last = figures.last_payment
    cards = {
        "Outstanding Invoices": (
            money(figures.receivable),
            f"{money(figures.overdue)} overdue" if figures.overdue else None,
        ),
        "Available Credits": (money(figures.available_credits), None),
        "Outstanding Retainer Invoices": (money(figures.outstanding_retainers), None),
        "Available Retainer Payments": (money(figures.available_retainer), None),
        "Last Payment Made": (
            (money(last.amount), format_date(last.date, format="medium", locale=locale))
            if last
            else ("—", "No payments yet")
        ),
        "Quotes": (str(figures.open_quotes), None),
    }
    if show_projects:
        cards["Timesheets"] = (str(figures.pending_approvals), None)
    return cards


def expected_account(figures: Figures, currency: str, locale: str) -> dict:
    def money(amount: Decimal) -> str:
        return format_money(amount, currency, locale=locale)

    last = figures.last_payment
    return {
        "Outstanding receivables": money(figures.receivable),
        "Overdue": money(figures.overdue),
        "Available credits": money(figures.available_credits),
        "Outstanding retainer invoices": money(figures.outstanding_retainers),
        "Available retainer payments": money(figures.available_retainer),
        "Last payment": f"{money(last.amount)} on {formats.localize(last.date)}" if last else "—",
        "Open quotes": str(figures.open_quotes),
        "Timesheets awaiting approval": str(figures.pending_approvals),
    }


# The test.


@pytest.fixture
def neighbour(customer_b, staff):
    """Another customer of the organization, with a bit of everything: none of it may count for ours."""
    invoice = make_invoice(
        customer_b, "700.00", date=datetime.date(2020, 1, 1), due_date=datetime.date(2020, 2, 1)
    )
    retainer = make_retainer(customer_b, "900.00")
    payment_record(
        actor=SETUP,
        customer=customer_b,
        amount="650.00",
        date=timezone.localdate(),
        allocations=[(invoice, "100.00"), (retainer, "400.00")],
    )
    make_credit_note(customer_b, "60.00")
    make_quote(customer_b, "80.00")
    task = task_create(
        actor=SETUP,
        project=project_create(actor=SETUP, customer=customer_b, name="Theirs"),
        name="Work",
        rate="10",
    )
    time_entry_log(actor=SETUP, task=task, date=datetime.date(2020, 1, 1), hours="2", user=staff)
    approval = timesheet_approval_create(
        actor=SETUP,
        project=task.project,
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2020, 1, 1),
    )
    return timesheet_approval_send(actor=SETUP, approval=approval)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans)
@example(plan=EVERYTHING)
def test_home_and_the_customer_page_show_the_figures_the_history_adds_up_to(
    org, staff, staff_client, neighbour, plan
):
    with transaction.atomic():
        # The history is played where it is still a day or two earlier, then the organization moves to where
        # it is already tomorrow: its quotes sent yesterday have expired by its own date.
        organization = organization_update(
            actor=SETUP,
            organization=org,
            timezone=HISTORY_ZONE.key,
            locale=plan.locale,
            portal_show_projects=plan.show_projects,
        )
        customer = CustomerFactory(organization=organization, currency=plan.currency)
        contact = ContactPersonFactory(customer=customer, is_primary=True)
        access = make_portal_access(contact)[0]
        today = timezone.localdate(timezone=ZoneInfo(ORGANIZATION_ZONE))
        history = History(customer=customer, staff=staff, today=today)
        with timezone.override(HISTORY_ZONE):
            assert timezone.localdate() < today  # the history's "now" is before Home's today
            for outcome in history.play(plan):
                event(outcome)
        organization = organization_update(actor=SETUP, organization=organization, timezone=ORGANIZATION_ZONE)
        figures = history.figures()
        balances = customer_balances(customer=customer, today=today)
        portal = Client()
        portal.force_login(access.user)
        home = portal.get(reverse("portal:home", kwargs={"slug": organization.portal_slug}))
        page = staff_client.get(reverse("office:customers_customer_change", args=[customer.pk]))
        # Past midnight in the organization's time zone, the pages counted on another day than the ledger.
        assume(timezone.localdate(timezone=ZoneInfo(ORGANIZATION_ZONE)) == today)

        assert balances.currency == plan.currency
        assert balances.receivable == figures.receivable
        assert balances.overdue == figures.overdue
        assert balances.available_credits == figures.available_credits
        assert balances.outstanding_retainers == figures.outstanding_retainers
        assert balances.available_retainer == figures.available_retainer
        if figures.last_payment is None:
            assert balances.last_payment is None
        else:
            assert balances.last_payment.pk == figures.last_payment.obj.pk
            assert balances.last_payment.amount == figures.last_payment.amount
            assert balances.last_payment.date == figures.last_payment.date
        assert balances.open_quotes == figures.open_quotes
        assert balances.pending_approvals == figures.pending_approvals

        assert home.status_code == 200
        assert home_cards(home.content.decode()) == expected_cards(
            figures, plan.currency, plan.locale, plan.show_projects
        )

        assert page.status_code == 200
        assert office_account(page.content.decode()) == expected_account(figures, plan.currency, plan.locale)
        transaction.set_rollback(True)
