"""``manage.py demo_data [--invoices N] [--seed S]``: the demo organization, plus volume for measurements."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from portico.demo.builder import DEFAULT_SEED, DEMO_SLUG, build_demo, build_volume, demo_organization
from portico.organizations.models import Organization

from ._logins import write_logins


class Command(BaseCommand):
    help = (
        "Load the demo organization if the database has no organization; with --invoices N, add N invoices "
        "(with customers, payments and quotes) to the demo organization."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--invoices", type=int, default=0, help="How many invoices to add (default: none)."
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Seed of the random choices.")

    def handle(self, *args, **options):
        invoices, seed = options["invoices"], options["seed"]
        if invoices < 0:
            raise CommandError("--invoices cannot be negative.")
        built = False
        if not Organization.objects.exists():
            started = time.monotonic()
            build_demo(seed=seed)
            built = True
            self.stdout.write(f"Loaded the demo organization in {time.monotonic() - started:.1f} s.")
        elif not invoices:
            self.stdout.write("The database already has organizations; nothing was loaded.")
        if invoices:
            organization = demo_organization()
            if organization is None:
                raise CommandError(
                    f"There is no demo organization (portal address “{DEMO_SLUG}”) to add invoices to; "
                    "run this command on an empty database."
                )
            started = time.monotonic()
            summary = build_volume(organization, invoices=invoices, seed=seed)
            self.stdout.write(
                f"Added {summary.invoices} invoices, {summary.payments} payments, {summary.quotes} quotes and "
                f"{summary.customers} customers to {organization.name} in {time.monotonic() - started:.1f} s."
            )
        if built:
            write_logins(self.stdout, self.style)
