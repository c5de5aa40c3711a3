"""The portal's doors: log in, log out, sign up from an invitation, and reset a forgotten password."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from portico.activity.models import Notification
from portico.activity.services import audit_record, notification_create
from portico.customers.access import (
    InvitationInvalid,
    portal_invitation_accept,
    portal_invitation_find,
    token_hash,
)
from portico.customers.models import PortalAccess, PortalInvitation
from portico.emails.services import email_enqueue
from portico.organizations.models import Organization

from ..context import portal_access_choose, portal_context_for, portal_public
from ..forms import (
    InvitationLoginForm,
    PortalLoginForm,
    PortalPasswordResetForm,
    SignUpForm,
    has_portal_access,
)

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


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


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
    known = (
        bool(token)
        and PortalInvitation.objects.filter(
            token_hash=token_hash(token), access__organization=organization
        ).exists()
    )
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


#: A contact can ask for a new invitation from one link at most this often.
INVITATION_REQUEST_INTERVAL = datetime.timedelta(hours=1)


@portal_public
@require_POST
@csrf_protect
def invitation_request(request: HttpRequest, organization: Organization) -> HttpResponse:
    """From an expired or used link: tell the business that the contact would like a new invitation."""
    token = request.session.get(SESSION_INVITATION_KEY, "")
    invitation = (
        PortalInvitation.objects.select_related("access__contact", "access__customer")
        .filter(token_hash=token_hash(token), access__organization=organization)
        .first()
        if token
        else None
    )
    if invitation is None:
        return _invalid(request, organization)
    access = invitation.access
    recently = Notification.objects.filter(
        organization=organization,
        kind=Notification.Kind.INVITATION_REQUESTED,
        object_id=access.pk,
        created_at__gte=timezone.now() - INVITATION_REQUEST_INTERVAL,
    ).exists()
    if not recently:
        contact, customer = access.contact, access.customer
        notification_create(
            organization=organization,
            kind=Notification.Kind.INVITATION_REQUESTED,
            message=_("%(contact)s of %(customer)s asked for a new portal invitation.")
            % {"contact": contact.full_name, "customer": customer.display_name},
            target=access,
            customer=customer,
        )
        base = getattr(settings, "PORTICO_BASE_URL", "").rstrip("/")
        email_enqueue(
            to=organization.email,
            subject=_("%(contact)s asked for a new portal invitation") % {"contact": contact.full_name},
            template="invitation_requested",
            context={
                "organization": organization,
                "contact": contact,
                "customer": customer,
                "office_url": base + reverse("office:customers_customer_change", args=[customer.pk]),
            },
            organization=organization,
        )
    return render(
        request,
        "portal/auth/invitation_requested.html",
        {"organization": organization},
    )


@portal_public
@csrf_protect
@never_cache
def password_reset(request: HttpRequest, organization: Organization) -> HttpResponse:
    """Forgot password: the same answer whether or not the address has an account."""
    form = PortalPasswordResetForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        base = getattr(settings, "PORTICO_BASE_URL", "").rstrip("/")
        for user in form.get_users(form.cleaned_data["email"]):
            path = reverse(
                "portal:password-reset-confirm",
                kwargs={
                    "slug": organization.portal_slug,
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            email_enqueue(
                to=user.email,
                subject=_("Reset your password for the portal of %(organization)s")
                % {"organization": organization.name},
                template="password_reset",
                context={
                    "organization": organization,
                    "user": user,
                    "reset_url": base + path,
                    "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
                },
                organization=organization,
                reply_to=[organization.email],
            )
        return redirect("portal:password-reset-sent", slug=organization.portal_slug)
    return render(request, "portal/auth/password_reset.html", {"organization": organization, "form": form})


@portal_public
def password_reset_sent(request: HttpRequest, organization: Organization) -> HttpResponse:
    return render(request, "portal/auth/password_reset_sent.html", {"organization": organization})


class _PasswordResetConfirm(PasswordResetConfirmView):
    """Django's reset confirmation (the token leaves the address bar), for accounts with access to this portal."""

    template_name = "portal/auth/password_reset_confirm.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    organization: Organization | None = None  # given per request to as_view()

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not has_portal_access(user, self.organization):
            return None
        return user

    def get_success_url(self):
        return _home(self.organization)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.label_suffix = ""
        form.fields["new_password1"].label = _("New password")
        form.fields["new_password2"].label = _("Confirm password")
        return form

    def form_valid(self, form):
        response = super().form_valid(form)
        portal = portal_context_for(self.request, self.organization)
        if portal is not None:
            portal_access_choose(self.request, portal.access)
            audit_record(
                organization=self.organization,
                action="portal.password_reset",
                target=portal.access,
                actor_user=self.user,
                actor_contact=portal.contact,
                ip_address=client_ip(self.request),
            )
        messages.success(self.request, _("Your password has been changed. You are logged in."))
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
