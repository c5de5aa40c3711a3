"""The contact's own account: their details, their password, and which customer they work for."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from portico.accounts import throttle
from portico.activity.services import audit_record
from portico.actors import Actor
from portico.customers.models import PortalAccess

from ..context import PortalContext, portal_access_choose, portal_page
from ..forms import PortalPasswordChangeForm


@portal_page
def profile(request: HttpRequest, portal: PortalContext) -> HttpResponse:
    return render(request, "portal/account/profile.html", {"portal": portal})


@portal_page
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password_change(request: HttpRequest, portal: PortalContext) -> HttpResponse:
    """Change Password: a wrong old password counts as a failed login, and a locked account may not try."""
    form = PortalPasswordChangeForm(request.user, request.POST or None, ip=throttle.client_ip(request))
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # stay logged in here; other sessions end
        audit_record(
            organization=portal.organization,
            action="portal.password_changed",
            target=portal.access,
            actor=Actor.for_contact(portal.contact, user=user, ip_address=throttle.client_ip(request)),
        )
        messages.success(request, _("Your password has been changed."))
        return redirect("portal:home", slug=portal.organization.portal_slug)
    return render(request, "portal/account/password_change.html", {"portal": portal, "form": form})


@portal_page
@require_POST
def switch(request: HttpRequest, portal: PortalContext) -> HttpResponse:
    """Work as another of the person's accesses in this organization's portal (another customer)."""
    try:
        access_id = int(request.POST.get("access", ""))
    except ValueError:
        raise Http404 from None
    access = (
        PortalAccess.objects.filter(
            pk=access_id,
            organization=portal.organization,
            user=request.user,
            status=PortalAccess.Status.ACTIVE,
            customer__is_active=True,
        )
        .select_related("customer")
        .first()
    )
    if access is None:
        raise Http404
    portal_access_choose(request, access)
    messages.success(request, _("You are now working for %(customer)s.") % {"customer": access.customer})
    return redirect("portal:home", slug=portal.organization.portal_slug)
