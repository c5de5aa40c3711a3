"""``manage.py quotes_expire``: mark expired the sent quotes whose expiry date has passed, in every organization.

Run it daily. Until it runs, a sent quote past its expiry date already shows and behaves as expired (the quote's
predicates decide by the organization's date); the command makes the stored status agree, for the office's
status filter, the customer's Home and anything that reads the status column.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portico.organizations.models import Organization
from portico.sales.services.quotes import quotes_expire_due


class Command(BaseCommand):
    help = "Mark expired the sent quotes whose expiry date has passed (run daily)."

    def handle(self, *args, **options) -> None:
        total = 0
        for organization in Organization.objects.order_by("pk"):
            total += quotes_expire_due(organization=organization)
        self.stdout.write(f"{total} quote(s) marked expired.")
