"""The demo's year of history, one function per customer, each step on its day (``@story.on(days_ago)``).

Between them the customers show every state a document can be in: quotes drafted, sent, accepted,
declined with a reason, expired and invoiced; invoices paid, partly paid, overdue, open, void and draft; a
retainer paid and partly applied; credit notes partly applied, and applied and refunded; sales orders open
and invoiced; a payment that pays several invoices and leaves credit; a project with time entries and
timesheet approvals, approved and pending; comments shown in the portal and kept internal.
Blue Harbor Coffee, whose primary contact is the demo contact, has a bit of everything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from portico.activity.models import Notification
from portico.actors import Actor
from portico.money import format_money, round_money
from portico.payments.credits import credit_apply
from portico.payments.models import PaymentMode
from portico.payments.services import refund_create
from portico.projects.services import (
    project_create,
    project_invoice_time,
    task_create,
    time_entry_log,
    timesheet_approval_create,
    timesheet_approval_decide,
    timesheet_approval_send,
)
from portico.sales.services.documents import LineInput
from portico.sales.services.invoices import invoice_void
from portico.sales.services.quotes import quote_convert_to_invoice, quote_convert_to_sales_order
from portico.sales.services.salesorders import sales_order_convert_to_invoice

if TYPE_CHECKING:
    from .builder import _Story

N = Notification.Kind


def part_of(amount: Decimal, share: str, currency: str = "USD") -> Decimal:
    """A share of an amount, rounded to the currency (a partial payment)."""
    return round_money(amount * Decimal(share), currency)


def blue_harbor(s: _Story) -> None:
    c = s.customers["blueharbor"]
    maya = s.primary("blueharbor")
    d = s.docs

    @s.on(330)
    def identity_quote(day):
        d["bh_identity"] = s.quote(
            c,
            day,
            [s.line("workshop", 2), s.line("design", 40), s.line("copy", 12)],
            reference="Brand identity",
            notes="Two workshop days on site, then logo, palette and type system.",
        )

    @s.on(326)
    def identity_accepted(day):
        s.accept(d["bh_identity"], day, contact=maya)

    @s.on(320)
    def identity_invoiced(day):
        d["bh_identity_invoice"] = s.issue(
            quote_convert_to_invoice(quote=d["bh_identity"], date=day, actor=s.actor), day
        )

    @s.on(292)
    def identity_paid(day):
        s.pay(c, day, [(d["bh_identity_invoice"], None)], reference="ACH 20391", mode=PaymentMode.ACH)

    @s.on(210)
    def retainer(day):
        advance = LineInput(
            description="Advance for the spring menu and brand refresh", rate=Decimal("4000.00")
        )
        d["bh_retainer"] = s.retainer(c, day, [advance], reference="Spring refresh advance")

    @s.on(204)
    def retainer_paid(day):
        s.pay(c, day, [(d["bh_retainer"], None)], mode=PaymentMode.CHECK, reference="Check 1042")

    @s.on(150)
    def menu_design(day):
        invoice = s.invoice(
            c, day, [s.line("design", 28), s.line("photo", 1)], reference="Spring menu design"
        )
        credit_apply(
            source=d["bh_retainer"], invoice=invoice, amount=Decimal("2500.00"), date=day, actor=s.actor
        )
        d["bh_menu_design"] = invoice

    @s.on(130)
    def packaging_quote(day):
        d["bh_packaging"] = s.quote(
            c, day, [s.line("design", 24), s.line("panels", 10)], reference="Seasonal packaging"
        )

    @s.on(128)
    def menu_design_paid(day):
        s.pay(c, day, [(d["bh_menu_design"], None)], reference="ACH 20877", mode=PaymentMode.ACH)

    @s.on(108)
    def menu_boards_quote(day):
        boards = s.line("panels", 6, description="Menu boards, downtown store")
        d["bh_boards"] = s.quote(c, day, [boards, s.line("design", 10)], reference="Downtown menu boards")

    @s.on(104)
    def menu_boards_accepted(day):
        s.accept(d["bh_boards"], day)

    @s.on(100)
    def menu_boards_ordered(day):
        s.expire(d["bh_packaging"])
        order = quote_convert_to_sales_order(quote=d["bh_boards"], date=day, actor=s.actor)
        d["bh_boards_order"] = s.confirm(order, day)

    @s.on(80)
    def loyalty_quote(day):
        d["bh_loyalty"] = s.quote(
            c, day, [s.line("design", 60), s.line("copy", 10)], reference="Loyalty app mockups"
        )

    @s.on(74)
    def loyalty_declined(day):
        s.decline(
            d["bh_loyalty"],
            day,
            "We're putting the loyalty app on hold until next year; the rest of the plan stays.",
            contact=maya,
        )

    @s.on(72)
    def menu_boards_invoiced(day):
        invoice = sales_order_convert_to_invoice(order=d["bh_boards_order"], date=day, actor=s.actor)
        d["bh_boards_invoice"] = s.issue(invoice, day)

    @s.on(60)
    def care_quarter(day):
        d["bh_care"] = s.invoice(c, day, [s.line("care", 3, description="Website care plan, one quarter")])

    @s.on(55)
    def photography(day):
        d["bh_photo"] = s.invoice(
            c, day, [s.line("photo", 1), s.line("design", 6)], reference="Summer menu shoot"
        )

    @s.on(45)
    def damaged_boards(day):
        boards = s.line("panels", 2, description="Two menu boards arrived damaged")
        d["bh_credit"] = s.credit_note(
            c, day, [boards], invoice=d["bh_boards_invoice"], reason="Damaged in delivery"
        )

    @s.on(44)
    def damaged_boards_credited(day):
        credit_apply(
            source=d["bh_credit"],
            invoice=d["bh_photo"],
            amount=Decimal("100.00"),
            date=day,
            actor=s.actor,
        )

    @s.on(38)
    def one_payment_for_two_invoices(day):
        invoices = [d["bh_boards_invoice"], d["bh_care"]]
        owed = sum((s.balance(invoice) for invoice in invoices), Decimal(0))
        payment = s.pay(
            c,
            day,
            [(invoice, None) for invoice in invoices],
            amount=owed + Decimal("250.00"),
            reference="Wire 88123",
        )
        s.comment(
            d["bh_care"],
            day,
            f"Thanks! Your wire also covered more than was due: {format_money(payment.unused_amount, 'USD')} "
            "stays on your account as credit for the next invoice.",
            in_portal=True,
        )

    @s.on(34)
    def phase_two_quote(day):
        d["bh_phase2"] = s.quote(
            c,
            day,
            [s.line("workshop", 1), s.line("design", 48, discount="5"), s.line("panels", 12)],
            reference="Brand refresh, phase 2",
        )

    @s.on(31)
    def phase_two_accepted(day):
        s.accept(d["bh_phase2"], day, contact=maya)

    @s.on(30)
    def phase_two_ordered(day):
        s.confirm(quote_convert_to_sales_order(quote=d["bh_phase2"], date=day, actor=s.actor), day)

    @s.on(25)
    def photography_overdue(day):
        s.comment(
            d["bh_photo"],
            day,
            "Friendly reminder: this invoice is now past due. Reply here if anything is unclear.",
            in_portal=True,
        )

    @s.on(21)
    def photography_call(day):
        s.comment(
            d["bh_photo"],
            day,
            "Called Leo: their payment run is on the 15th; this one should be in it.",
            in_portal=False,
        )

    @s.on(20)
    def march_hours(day):
        d["bh_hours"] = s.invoice(c, day, [s.line("design", 18), s.line("copy", 6)], reference="Design hours")

    @s.on(10)
    def march_hours_part_paid(day):
        invoice = d["bh_hours"]
        payment = s.pay(
            c, day, [(invoice, part_of(s.balance(invoice), "0.4"))], mode=PaymentMode.CARD, online_by=maya
        )
        amount = format_money(payment.amount, payment.currency)
        s.notify(day, N.PAYMENT_MADE, f"Maya Chen paid {amount} online ({payment.number}).", payment)

    @s.on(6)
    def catering_quote(day):
        d["bh_catering"] = s.quote(
            c, day, [s.line("design", 16), s.line("copy", 4), s.line("panels", 3)], reference="Catering menu"
        )

    @s.on(5)
    def catering_conversation(day):
        quote = d["bh_catering"]
        s.comment(quote, day, "Could we add a version for the new kiosk as well?", contact=maya, hour=9)
        s.comment(
            quote,
            day,
            "Yes, happily. The kiosk version is one more board; I'll send a revised quote if you want it.",
            in_portal=True,
            hour=11,
        )
        s.comment(quote, day, "Kiosk board: reuse the downtown template to keep it quick.", hour=12)

    @s.on(4)
    def latest_invoice(day):
        s.invoice(c, day, [s.line("design", 8), s.line("copy", 3)], reference="Social posts")

    @s.on(1)
    def gift_cards_draft(day):
        s.quote(
            c, day, [s.line("design", 10), s.line("panels", 40)], send=False, reference="Holiday gift cards"
        )


def blue_harbor_project(s: _Story) -> None:
    """A project billed on task hours, time logged on weekdays, one approval approved and one pending."""
    c = s.customers["blueharbor"]
    maya = s.primary("blueharbor")
    tasks = {}

    @s.on(66)
    def project(day):
        s.docs["bh_project"] = project_create(
            customer=c,
            name="Spring menu and brand refresh",
            description="New menus, boards and social templates for all four stores.",
            billing_method="task_hours",
            budget_hours=Decimal("160"),
            actor=s.actor,
        )
        for name, rate, billable in (
            ("Art direction", "150.00", True),
            ("Illustration", "120.00", True),
            ("Menu copy", "95.00", True),
            ("Project management", "0", False),
        ):
            tasks[name] = task_create(
                project=s.docs["bh_project"], name=name, rate=rate, is_billable=billable, actor=s.actor
            )

    notes = {
        "Art direction": ["Moodboard review", "Layout pass", "Colour proofs", "Store visit"],
        "Illustration": ["Coffee bean motifs", "Pastry icons", "Board illustrations", "Revisions"],
        "Menu copy": ["Menu descriptions", "Seasonal specials copy", "Proofreading"],
        "Project management": ["Weekly check-in", "Printer coordination"],
    }
    hours = ["0.50", "0.75", "1.00", "1.50", "2.00", "2.50", "3.00", "4.00"]
    for days_ago in range(63, 0, -1):
        if s.day(days_ago).weekday() >= 5:
            continue

        @s.on(days_ago)
        def log(day):
            for _entry in range(s.rng.choice([1, 1, 2, 2, 3])):
                name = s.rng.choice(list(tasks))
                time_entry_log(
                    actor=s.actor,
                    task=tasks[name],
                    date=day,
                    hours=Decimal(s.rng.choice(hours)),
                    user=s.staff,
                    notes=s.rng.choice(notes[name]),
                )

    @s.on(34)
    def first_timesheet(day):
        approval = timesheet_approval_create(
            project=s.docs["bh_project"], period_start=s.day(63), period_end=s.day(35), actor=s.actor
        )
        approval = timesheet_approval_send(approval=approval, actor=s.actor)
        s.stamp(approval, sent_at=s.moment(day, 11))
        s.docs["bh_timesheet_1"] = approval

    @s.on(33)
    def first_timesheet_approved(day):
        approval = timesheet_approval_decide(
            approval=s.docs["bh_timesheet_1"], approve=True, actor=Actor.for_contact(maya)
        )
        s.stamp_news(approval, day)
        s.stamp(approval, decided_at=s.moment(day, 15))

    @s.on(32)
    def approved_time_invoiced(day):
        approval = s.docs["bh_timesheet_1"]
        invoice = project_invoice_time(
            project=s.docs["bh_project"], date=day, up_to=approval.period_end, actor=s.actor
        )
        s.docs["bh_time_invoice"] = s.issue(invoice, day)

    @s.on(12)
    def time_invoice_paid(day):
        s.pay(maya.customer, day, [(s.docs["bh_time_invoice"], None)], reference="Transfer 20417")

    @s.on(20)
    def project_note(day):
        s.comment(
            s.docs["bh_project"],
            day,
            "Round two of the illustrations is in the shared folder; the pastry icons are final.",
            in_portal=True,
        )

    @s.on(7)
    def second_timesheet(day):
        approval = timesheet_approval_create(
            project=s.docs["bh_project"], period_start=s.day(34), period_end=s.day(8), actor=s.actor
        )
        approval = timesheet_approval_send(approval=approval, actor=s.actor)
        s.stamp(approval, sent_at=s.moment(day, 11))
        s.comment(approval, day, "Hours for the last four weeks, mostly illustration rounds.", in_portal=True)


def lumen(s: _Story) -> None:
    """A monthly care plan paid by card, one duplicate voided, the last two still owed."""
    c = s.customers["lumen"]
    for month in range(12):
        days_ago = 345 - 30 * month

        @s.on(days_ago)
        def care(day, month=month):
            lines = [s.line("care", 1)]
            if s.rng.random() < 0.3:
                lines.append(s.line("design", s.rng.choice([2, 3, 4, 6]), description="Website updates"))
            invoice = s.invoice(c, day, lines, reference=f"Care plan {day:%B %Y}")
            if month < 10:
                s.docs[f"lumen_care_{month}"] = invoice

        if month < 10:

            @s.on(days_ago - 9)
            def paid(day, month=month):
                s.pay(c, day, [(s.docs[f"lumen_care_{month}"], None)], mode=PaymentMode.CARD)

    @s.on(285)
    def duplicate(day):
        invoice = s.invoice(c, day, [s.line("care", 1)], reference="Care plan (duplicate)")
        s.comment(invoice, day, "Sent twice by mistake; voided.", in_portal=False)
        invoice_void(invoice=invoice, actor=s.actor)

    @s.on(12)
    def forms_quote(day):
        s.quote(c, day, [s.line("design", 14), s.line("copy", 5)], reference="New patient forms")


def atlas(s: _Story) -> None:
    """A slow payer: one invoice paid late, one partly paid, one not paid at all."""
    c = s.customers["atlas"]
    d = s.docs

    @s.on(240)
    def livery_quote(day):
        d["atlas_livery"] = s.quote(
            c, day, [s.line("workshop", 1), s.line("design", 36)], reference="Fleet livery"
        )

    @s.on(236)
    def livery_accepted(day):
        s.accept(d["atlas_livery"], day)

    @s.on(235)
    def livery_invoiced(day):
        d["atlas_livery_invoice"] = s.issue(
            quote_convert_to_invoice(quote=d["atlas_livery"], date=day, actor=s.actor), day
        )

    @s.on(200)
    def wayfinding_quote(day):
        d["atlas_wayfinding"] = s.quote(
            c, day, [s.line("design", 30), s.line("panels", 24)], reference="Warehouse wayfinding"
        )

    @s.on(169)
    def wayfinding_expired(day):
        s.expire(d["atlas_wayfinding"])

    @s.on(160)
    def livery_paid(day):
        s.pay(c, day, [(d["atlas_livery_invoice"], None)], mode=PaymentMode.CHECK, reference="Check 55120")

    @s.on(140)
    def trucks(day):
        d["atlas_trucks"] = s.invoice(
            c, day, [s.line("design", 20), s.line("panels", 16)], reference="Truck decals"
        )

    @s.on(90)
    def brochure(day):
        d["atlas_brochure"] = s.invoice(
            c, day, [s.line("design", 14), s.line("copy", 8)], reference="Brochure"
        )

    @s.on(70)
    def trucks_part_paid(day):
        invoice = d["atlas_trucks"]
        s.pay(c, day, [(invoice, part_of(s.balance(invoice), "0.5"))], mode=PaymentMode.CHECK)


def greenfield(s: _Story) -> None:
    """A library: a credit note partly applied and the rest refunded; a declined quote; an open order."""
    c = s.customers["greenfield"]
    samuel = s.primary("greenfield")
    d = s.docs

    @s.on(260)
    def summer_campaign(day):
        d["gf_summer"] = s.invoice(
            c,
            day,
            [
                s.line("workshop", 1),
                s.line("panels", 20, description="Summer reading posters", discount="10"),
            ],
            reference="Summer reading campaign",
        )

    @s.on(240)
    def summer_paid(day):
        s.pay(c, day, [(d["gf_summer"], None)], mode=PaymentMode.CHECK, reference="Check 7781")

    @s.on(238)
    def returned_posters(day):
        posters = s.line("panels", 5, description="Summer reading posters, returned", discount="10")
        d["gf_credit"] = s.credit_note(
            c, day, [posters], invoice=d["gf_summer"], reason="Five posters returned"
        )

    @s.on(180)
    def autumn(day):
        invoice = s.invoice(c, day, [s.line("design", 16)], reference="Autumn programme")
        credit_apply(
            source=d["gf_credit"], invoice=invoice, amount=Decimal("300.00"), date=day, actor=s.actor
        )
        d["gf_autumn"] = invoice

    @s.on(174)
    def credit_refunded(day):
        credit = d["gf_credit"]
        credit.refresh_from_db()
        refund_create(source=credit, amount=credit.balance, date=day, mode=PaymentMode.CHECK, actor=s.actor)

    @s.on(160)
    def autumn_paid(day):
        s.pay(c, day, [(d["gf_autumn"], None)], mode=PaymentMode.CHECK, reference="Check 7904")

    @s.on(50)
    def card_quote(day):
        d["gf_cards"] = s.quote(c, day, [s.line("design", 20), s.line("panels", 4)], reference="Library card")

    @s.on(46)
    def card_declined(day):
        s.decline(
            d["gf_cards"],
            day,
            "The board chose to postpone the redesign to the next budget year.",
            contact=samuel,
        )

    @s.on(15)
    def winter_order(day):
        s.sales_order(
            c,
            day,
            [s.line("panels", 30, description="Winter reading posters"), s.line("design", 6)],
            reference="Winter reading",
            expected_shipment_date=s.day(-10),
        )


def kestrel(s: _Story) -> None:
    """A customer in euros (no US sales tax): one invoice paid, one overdue, one partly paid."""
    c = s.customers["kestrel"]
    d = s.docs

    def eur(item: str, quantity, rate: str, description: str = ""):
        return s.line(item, quantity, rate=rate, description=description, taxed=False)

    @s.on(190)
    def catalogue_quote(day):
        d["kb_catalogue"] = s.quote(
            c,
            day,
            [
                eur("design", 40, "110.00", "Catalogue layout"),
                eur("photo", 2, "880.00", "Product photography"),
            ],
            reference="Katalog 2026",
        )

    @s.on(185)
    def catalogue_accepted(day):
        s.accept(d["kb_catalogue"], day, contact=s.primary("kestrel"))

    @s.on(184)
    def catalogue_invoiced(day):
        d["kb_catalogue_invoice"] = s.issue(
            quote_convert_to_invoice(quote=d["kb_catalogue"], date=day, actor=s.actor), day
        )

    @s.on(170)
    def catalogue_paid(day):
        s.pay(c, day, [(d["kb_catalogue_invoice"], None)], reference="SEPA 2026-0412")

    @s.on(30)
    def dealer_kit(day):
        s.invoice(c, day, [eur("design", 12, "110.00", "Dealer kit layout")], reference="Dealer kit")

    @s.on(9)
    def trade_show(day):
        d["kb_show"] = s.invoice(c, day, [eur("photo", 1, "880.00", "Trade show photography")])

    @s.on(3)
    def trade_show_part_paid(day):
        s.pay(c, day, [(d["kb_show"], Decimal("400.00"))], reference="SEPA 2026-1187")


def orchard(s: _Story) -> None:
    """An architecture practice: a sales order invoiced and paid, an open invoice, a draft, a sent quote."""
    c = s.customers["orchard"]
    d = s.docs

    @s.on(120)
    def brochure_order(day):
        d["op_order"] = s.sales_order(
            c,
            day,
            [s.line("design", 24), s.line("panels", 8, description="Exhibition boards")],
            reference="Studio brochure",
        )

    @s.on(95)
    def brochure_invoiced(day):
        invoice = sales_order_convert_to_invoice(order=d["op_order"], date=day, actor=s.actor)
        d["op_invoice"] = s.issue(invoice, day)

    @s.on(80)
    def brochure_paid(day):
        s.pay(c, day, [(d["op_invoice"], None)], mode=PaymentMode.CHECK, reference="Check 3310")

    @s.on(25)
    def website_quote(day):
        s.quote(
            c,
            day,
            [s.line("design", 40), s.line("copy", 12), s.line("care", 12)],
            reference="Website refresh",
        )

    @s.on(8)
    def site_photos(day):
        s.invoice(c, day, [s.line("photo", 1, description="Photography, Mill Street project")])

    @s.on(2)
    def draft_invoice(day):
        s.invoice(c, day, [s.line("design", 10)], send=False, reference="Competition entry")


STORIES = (blue_harbor, blue_harbor_project, lumen, atlas, greenfield, kestrel, orchard)
