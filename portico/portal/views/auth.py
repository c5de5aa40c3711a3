"""The portal's doors: log in, log out, sign up from an invitation, and reset a forgotten password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from portico.accounts import throttle
from portico.activity.services import audit_record
from portico.actors import Actor
from portico.customers.models import PortalAccess, PortalInvitation
from portico.customers.portal_access import (
    InvitationInvalid,
    portal_invitation_accept,
    portal_invitation_can_be_requested,
    portal_invitation_find,
    portal_invitation_request,
)
from portico.organizations.models import Organization

from ..context import portal_access_choose, portal_context_for, portal_public
from ..forms import (
    InvitationLoginForm,
    PortalLoginForm,
    PortalPasswordResetForm,
    PortalSetPasswordForm,
    SignUpForm,
)
from ..services import portal_access_for_password_reset, portal_password_reset_request

#: Session key holding the token of the invitation being accepted, so it leaves the address bar at once.
SESSION_INVITATION_KEY = "portal_invitation"


def _home(organization: Organization) -> str:
    return reverse("portal:home", kwargs={"slug": organization.portal_slug})


def _safe_next(request: HttpRequest, organization: Organization) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    prefix = f"/portal/{organization.portal_slug}/"
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith(prefix) else _home(organization)


#: How the logo's stored file name ends, and the type it is served as (the back office accepts PNG and JPEG).
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@portal_public
def logo(request: HttpRequest, organization: Organization) -> HttpResponse:
    """The organization's logo, from whatever storage holds it; its URL changes with the file, so it caches long."""
    suffix = "." + organization.logo.name.rsplit(".", 1)[-1].lower() if organization.logo else ""
    if suffix not in LOGO_TYPES:
        raise Http404
    try:
        handle = organization.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=LOGO_TYPES[suffix])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@portal_public
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request: HttpRequest, organization: Organization) -> HttpResponse:
    form = PortalLoginForm(request, data=request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.get_user())  # rotates the session key
        portal = portal_context_for(request, organization)
        if portal is not None:  # None only if staff took the access away this very moment
            portal_access_choose(request, portal.access)
            return redirect(_safe_next(request, organization))
    signed_in_elsewhere = request.user.is_authenticated and portal_context_for(request, organization) is None
    access_ended = signed_in_elsewhere and _access_ended(request.user, organization)
    if request.method == "GET" and request.user.is_authenticated and not signed_in_elsewhere:
        return redirect(_safe_next(request, organization))
    return render(
        request,
        "portal/auth/login.html",
        {
            "organization": organization,
            "form": form,
            "next": _safe_next(request, organization),
            "signed_in_elsewhere": signed_in_elsewhere,
            "access_ended": access_ended,
        },
    )


def _access_ended(user, organization: Organization) -> bool:
    """Whether the person's only access to this portal is one that staff disabled."""
    accesses = PortalAccess.objects.filter(organization=organization, user=user)
    return accesses.exists() and not accesses.exclude(status=PortalAccess.Status.DISABLED).exists()


@portal_public
@require_POST
def logout(request: HttpRequest, organization: Organization) -> HttpResponse:
    auth_logout(request)
    messages.success(request, _("You have logged out."))
    return redirect("portal:login", slug=organization.portal_slug)


@portal_public
@never_cache
def accept(request: HttpRequest, organization: Organization, token: str) -> HttpResponse:
    """The link in the invitation email: keep its token in the session, then show the sign-up page without it."""
    request.session[SESSION_INVITATION_KEY] = token
    return redirect("portal:signup", slug=organization.portal_slug)


def _invitation_for(request: HttpRequest, organization: Organization) -> PortalInvitation:
    token = request.session.get(SESSION_INVITATION_KEY, "")
    invitation = portal_invitation_find(raw_token=token)
    if invitation.access.organization_id != organization.pk:
        raise InvitationInvalid("other_organization")
    return invitation


def _invalid(request: HttpRequest, organization: Organization) -> HttpResponse:
    """The same page for every unusable link: unknown, used, voided, disabled or expired."""
    token = request.session.get(SESSION_INVITATION_KEY, "")
    known = portal_invitation_can_be_requested(raw_token=token, organization=organization)
    return render(
        request,
        "portal/auth/invitation_invalid.html",
        {"organization": organization, "can_ask_again": known, "message": InvitationInvalid.MESSAGE},
        status=410,
    )


@portal_public
@sensitive_post_parameters("password", "password1", "password2")
@csrf_protect
@never_cache
def signup(request: HttpRequest, organization: Organization) -> HttpResponse:
    """Sign up: set a password for a new account, or prove an existing one with its password, then go Home."""
    try:
        invitation = _invitation_for(request, organization)
    except InvitationInvalid:
        return _invalid(request, organization)
    contact = invitation.access.contact
    existing = get_user_model().objects.filter(email__iexact=contact.email).first()
    data = request.POST or None
    if existing is not None:
        form = InvitationLoginForm(request, data=data, organization=organization, email=contact.email)
    else:
        form = SignUpForm(data, email=contact.email, full_name=contact.full_name)
    if request.method == "POST" and form.is_valid():
        token = request.session[SESSION_INVITATION_KEY]
        try:
            if existing is not None:
                access = portal_invitation_accept(raw_token=token, user=form.get_user())
            else:
                access = portal_invitation_accept(raw_token=token, password=form.cleaned_data["password1"])
        except InvitationInvalid:
            return _invalid(request, organization)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            del request.session[SESSION_INVITATION_KEY]
            auth_login(request, access.user, backend="django.contrib.auth.backends.ModelBackend")
            portal_access_choose(request, access)
            messages.success(request, _("Your portal account is ready. You are logged in."))
            return redirect(_home(organization))
    return render(
        request,
        "portal/auth/signup.html",
        {
            "organization": organization,
            "form": form,
            "contact": contact,
            "customer": invitation.access.customer,
            "has_account": existing is not None,
        },
    )


@portal_public
@require_POST
@csrf_protect
def invitation_request(request: HttpRequest, organization: Organization) -> HttpResponse:
    """From an expired or used link: tell the business that the contact would like a new invitation."""
    token = request.session.get(SESSION_INVITATION_KEY, "")
    if not portal_invitation_request(raw_token=token, organization=organization):
        return _invalid(request, organization)
    return render(request, "portal/auth/invitation_requested.html", {"organization": organization})


@portal_public
@csrf_protect
@never_cache
def password_reset(request: HttpRequest, organization: Organization) -> HttpResponse:
    """Forgot password: the same answer, and the same work in the request, whether or not the address has an
    account here; a background task finds the account and sends the link."""
    form = PortalPasswordResetForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        portal_password_reset_request(
            email=form.cleaned_data["email"], organization=organization, ip=throttle.client_ip(request)
        )
        return redirect("portal:password-reset-sent", slug=organization.portal_slug)
    return render(request, "portal/auth/password_reset.html", {"organization": organization, "form": form})


@portal_public
def password_reset_sent(request: HttpRequest, organization: Organization) -> HttpResponse:
    return render(request, "portal/auth/password_reset_sent.html", {"organization": organization})


class _PasswordResetConfirm(PasswordResetConfirmView):
    """Django's reset confirmation (the token leaves the address bar), for accounts that may reset here: with
    active access to this portal, or invited to it with an invitation still open (they then finish signing up)."""

    template_name = "portal/auth/password_reset_confirm.html"
    form_class = PortalSetPasswordForm
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    organization: Organization | None = None  # given per request to as_view()
    reset_access: PortalAccess | None = None

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        self.reset_access = portal_access_for_password_reset(user=user, organization=self.organization)
        return user if self.reset_access is not None else None

    def _finishes_sign_up_here(self) -> bool:
        """Invited, with an account whose password they had forgotten, in the browser that opened the invitation."""
        return self.reset_access.status != PortalAccess.Status.ACTIVE and bool(
            self.request.session.get(SESSION_INVITATION_KEY)
        )

    def get_success_url(self):
        if self.reset_access.status == PortalAccess.Status.ACTIVE:
            return _home(self.organization)
        if self._finishes_sign_up_here():
            return reverse("portal:signup", kwargs={"slug": self.organization.portal_slug})
        # Another browser or device: the invitation's link is in their email, not in this session.
        return reverse("portal:login", kwargs={"slug": self.organization.portal_slug})

    def form_valid(self, form):
        response = super().form_valid(form)
        access = self.reset_access
        portal = portal_context_for(self.request, self.organization)
        if portal is not None:
            portal_access_choose(self.request, portal.access)
            access = portal.access
        audit_record(
            organization=self.organization,
            action="portal.password_reset",
            target=access,
            actor=Actor.for_contact(
                access.contact, user=self.user, ip_address=throttle.client_ip(self.request)
            ),
        )
        if portal is not None:
            messages.success(self.request, _("Your password has been changed. You are logged in."))
        elif self._finishes_sign_up_here():
            messages.success(
                self.request, _("Your password has been changed. Enter it below to accept the invitation.")
            )
        else:
            auth_logout(
                self.request
            )  # logged in to a portal they cannot enter yet: the login page would say so
            messages.success(
                self.request,
                _(
                    "Your password has been changed. To finish signing up, open the invitation email from "
                    "%(organization)s again, click Accept Invitation and enter this password."
                )
                % {"organization": self.organization.name},
            )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organization"] = self.organization
        context["account_email"] = self.user.email if self.user is not None else ""
        return context


@portal_public
def password_reset_confirm(request: HttpRequest, organization: Organization, uidb64: str, token: str):
    view = _PasswordResetConfirm.as_view(organization=organization)
    return view(request, uidb64=uidb64, token=token)
