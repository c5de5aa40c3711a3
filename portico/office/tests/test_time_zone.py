"""The back office works in the organization's time zone: its "today" and the times it shows."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portico.office.middleware import OfficeOrganizationMiddleware


def seen_time_zone(request) -> str:
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    OfficeOrganizationMiddleware(view)(request)
    return seen["zone"]


def test_office_requests_run_in_the_organizations_time_zone(org, staff):
    org.timezone = "Pacific/Auckland"
    org.save(update_fields=["timezone"])
    request = RequestFactory().get(reverse("office:index"))
    request.user = staff

    assert seen_time_zone(request) == "Pacific/Auckland"
    assert timezone.get_current_timezone_name() != "Pacific/Auckland"  # and only during the request


def test_other_requests_keep_the_servers_time_zone(org, staff):
    org.timezone = "Pacific/Auckland"
    org.save(update_fields=["timezone"])
    request = RequestFactory().get("/static/office/office.css")
    request.user = staff

    assert seen_time_zone(request) == timezone.get_default_timezone_name()
