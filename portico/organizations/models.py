"""The tenant: an organization, its staff and its document number series."""

from __future__ import annotations

import datetime
import hashlib
import zoneinfo

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    _("Use 1–50 lower-case letters, digits and hyphens, not starting or ending with a hyphen."),
)


class Organization(models.Model):
    """A business using Portico. Every business row carries one."""

    name = models.CharField(_("name"), max_length=200)
    portal_slug = models.CharField(
        _("portal address"),
        max_length=50,
        unique=True,
        validators=[slug_validator],
        help_text=_("The last part of the portal’s web address, as in /portal/northwind/."),
    )
    base_currency = models.CharField(_("base currency"), max_length=3, default="USD")
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    locale = models.CharField(_("locale"), max_length=16, default="en_US")
    email = models.EmailField(_("primary email"), help_text=_("Receives notifications."))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)
    tax_id = models.CharField(_("tax registration number"), max_length=60, blank=True)
    default_tax = models.ForeignKey(
        "catalog.Tax",
        verbose_name=_("default tax"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payment_instructions = models.TextField(
        _("how to pay offline"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Shown to customers on the portal's Pay page: bank account details, where to send a check, or whom to "
            "call."
        ),
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("default payment terms (days)"),
        default=30,
        validators=[MaxValueValidator(3650)],
        help_text=_("Days from the invoice date to its due date; at most 3,650 (ten years)."),
    )

    # Portal preferences.
    portal_enabled = models.BooleanField(_("customer portal enabled"), default=True)
    portal_show_sales_orders = models.BooleanField(_("show sales orders in the portal"), default=False)
    portal_show_projects = models.BooleanField(_("show projects and timesheets in the portal"), default=False)
    portal_allow_reviews = models.BooleanField(_("let contacts write reviews"), default=True)
    portal_allow_forwarding = models.BooleanField(_("let contacts forward documents"), default=True)
    portal_banner = models.CharField(_("portal banner text"), max_length=300, blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        help_text=_("Shown in the portal and in emails. PNG or JPEG, at most 1 MB."),
    )
    portal_invitation_subject = models.CharField(
        _("invitation email subject"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty for the standard subject. {organization} and {contact} are filled in."),
    )
    portal_invitation_message = models.TextField(
        _("invitation email message"),
        max_length=5000,
        blank=True,
        help_text=_(
            "Leave empty for the standard message. {organization}, {contact} and {customer} are filled in; "
            "the Accept Invitation button is added below it."
        ),
    )
    notify_quote_decision = models.BooleanField(_("email when a quote is accepted or declined"), default=True)
    notify_comment = models.BooleanField(_("email when a contact comments"), default=True)
    notify_payment = models.BooleanField(_("email when a contact pays"), default=True)
    notify_first_view = models.BooleanField(
        _("email when a document is viewed the first time"), default=False
    )
    notify_details_update = models.BooleanField(_("email when a contact updates their details"), default=True)
    notify_timesheet_decision = models.BooleanField(
        _("email when a timesheet is approved or rejected"), default=True
    )

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The organization's time zone; an unknown name (never saved by the office's form) counts as UTC."""
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def now(self) -> datetime.datetime:
        """The current moment, aware, in the organization's time zone."""
        return timezone.now().astimezone(self.zone)

    def today(self) -> datetime.date:
        """Today's date where the organization is: the one "today" of every rule (due, overdue, expired),
        whatever time zone the process or the request runs in."""
        return self.now().date()

    @property
    def logo_url(self) -> str:
        """Where the portal and emails load the logo from; it changes when the logo does, so it can be cached."""
        if not self.logo:
            return ""
        from django.urls import reverse

        version = hashlib.sha256(self.logo.name.encode()).hexdigest()[:12]
        return reverse("portal:logo", kwargs={"slug": self.portal_slug}) + f"?v={version}"


class PortalSlugRedirect(models.Model):
    """A portal address an organization used before; requests to it are sent on to the current one."""

    slug = models.CharField(max_length=50, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="old_portal_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"/portal/{self.slug}/ → {self.organization}"


class Membership(models.Model):
    """A staff user's place in an organization's back office."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        STAFF = "staff", _("Staff")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


#: How long a document number (prefix and digits) can be: the ``number`` field of every numbered model.
DOCUMENT_NUMBER_MAX_LENGTH = 32


class NumberSeries(models.Model):
    """The next number of one kind of document in one organization, taken under a row lock."""

    class Kind(models.TextChoices):
        QUOTE = "quote", _("Quote")
        INVOICE = "invoice", _("Invoice")
        RETAINER_INVOICE = "retainer_invoice", _("Retainer invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")
        SALES_ORDER = "sales_order", _("Sales order")
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        PROJECT = "project", _("Project")
        TIMESHEET_APPROVAL = "timesheet_approval", _("Timesheet approval")

    DEFAULT_PREFIXES = {
        Kind.QUOTE: "QT-",
        Kind.INVOICE: "INV-",
        Kind.RETAINER_INVOICE: "RET-",
        Kind.CREDIT_NOTE: "CN-",
        Kind.SALES_ORDER: "SO-",
        Kind.PAYMENT: "PAY-",
        Kind.REFUND: "RF-",
        Kind.PROJECT: "PRJ-",
        Kind.TIMESHEET_APPROVAL: "TS-",
    }

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="number_series")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    prefix = models.CharField(max_length=10)
    next_number = models.PositiveIntegerField(default=1)
    padding = models.PositiveSmallIntegerField(default=5)

    class Meta:
        verbose_name_plural = _("number series")
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="number_series_unique")]

    def __str__(self) -> str:
        return f"{self.organization}: {self.format(self.next_number)}"

    def format(self, number: int) -> str:
        """The document number ``number`` of this series: the prefix, then the number padded with zeros."""
        return f"{self.prefix}{str(number).rjust(self.padding or 0, '0')}"
