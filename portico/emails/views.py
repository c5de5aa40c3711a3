"""The local mailbox: staff read what Portico would have emailed, to follow links such as invitations."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from portico.organizations.selectors import organization_for_staff

from .models import MailboxMessage
from .selectors import mailbox_message_list, mailbox_messages_visible
from .services import mailbox_clear

PAGE_SIZE = 50

# The HTML part of an email is someone else's markup: no script, no plugins, no same-origin access, no
# fetches; its own inline styles and images still show, and a link opens only when the reader clicks it.
HTML_PART_CSP = (
    "sandbox allow-popups allow-top-navigation-by-user-activation; default-src 'none'; "
    "style-src 'unsafe-inline'; img-src 'self' data: http: https:"
)


def mailbox_enabled() -> bool:
    return bool(settings.DEBUG or getattr(settings, "PORTICO_MAILBOX", False))


def mailbox_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """404 unless the mailbox is on; the back-office login for anyone who is not active staff."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not mailbox_enabled():
            raise Http404
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("office:login"))
        return view(request, *args, **kwargs)

    return wrapper


def _reader_scope(request: HttpRequest) -> dict[str, Any]:
    """Whose messages this staff member reads: their organization's; those of none only if a superuser.

    The organization comes from the selector rather than ``request.organization``: the middleware's lazy
    object stands for None without being None, and a filter needs the real value.
    """
    return {
        "organization": organization_for_staff(user=request.user),
        "include_without_organization": request.user.is_superuser,
    }


def get_message_for_staff(request: HttpRequest, pk: int) -> MailboxMessage:
    """The message, if this staff member may read it; 404 otherwise (another organization's looks like none)."""
    return get_object_or_404(mailbox_messages_visible(**_reader_scope(request)), pk=pk)


@mailbox_page
@require_GET
def mailbox_list(request: HttpRequest) -> HttpResponse:
    visible = mailbox_message_list(**_reader_scope(request))
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mailbox/list.html", {"page": page})


@mailbox_page
@require_GET
def mailbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_message_for_staff(request, pk)
    return render(request, "mailbox/detail.html", {"message": message})


@mailbox_page
@require_GET
def mailbox_html(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_message_for_staff(request, pk)
    if not message.html:
        raise Http404
    response = HttpResponse(message.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = HTML_PART_CSP
    response["Referrer-Policy"] = "no-referrer"
    return response


@mailbox_page
@require_http_methods(["GET", "POST"])
def mailbox_clear_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        deleted = mailbox_clear(**_reader_scope(request))
        messages.success(
            request,
            ngettext("Deleted %(count)d message.", "Deleted %(count)d messages.", deleted)
            % {"count": deleted},
        )
        return redirect("mailbox:list")
    count = mailbox_messages_visible(**_reader_scope(request)).count()
    return render(request, "mailbox/clear.html", {"count": count})
