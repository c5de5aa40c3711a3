"""``manage.py demo_setup``: what ``make run`` calls. Loads the demo into an empty database and prints the logins."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from portico.demo.builder import build_demo, demo_organization
from portico.organizations.models import Organization

from ._logins import DEFAULT_BASE_URL, write_logins, write_url_only


class Command(BaseCommand):
    help = (
        "If the database has no organization, load the demo organization (a few seconds). "
        "Then print the back office's address and the demo logins. Existing data is never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default=DEFAULT_BASE_URL, help="Where Portico answers.")

    def handle(self, *args, **options):
        base_url = options["base_url"]
        if not Organization.objects.exists():
            started = time.monotonic()
            demo = build_demo()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the demo organization “{demo.organization.name}” "
                    f"in {time.monotonic() - started:.1f} s."
                )
            )
        elif demo_organization() is None:
            self.stdout.write("This database already has organizations; the demo was not loaded.")
            write_url_only(self.stdout, base_url=base_url)
            return
        else:
            self.stdout.write("The demo organization is already loaded; nothing was changed.")
        write_logins(self.stdout, self.style, base_url=base_url)
