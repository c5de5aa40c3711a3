"""Customers (contacts, in Zoho's words) and their contact persons."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    class PortalStatus(models.TextChoices):
        DISABLED = "disabled", _("Disabled")
        INVITED = "invited", _("Invited")
        ENABLED = "enabled", _("Enabled")

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="customers"
    )
    display_name = models.CharField(_("display name"), max_length=200)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    billing_address = models.TextField(_("billing address"), blank=True)
    shipping_address = models.TextField(_("shipping address"), blank=True)
    tax_id = models.CharField(_("tax registration number"), max_length=60, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        default=30,
        validators=[MaxValueValidator(3650)],
        help_text=_("Days from the invoice date to its due date; at most 3,650 (ten years)."),
    )
    allow_ach = models.BooleanField(
        _("allow this customer to pay via their bank account"),
        default=False,
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["display_name"]
        indexes = [models.Index(fields=["organization", "display_name"], name="customer_org_name")]

    def __str__(self) -> str:
        return self.display_name


class ContactPerson(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="contact_persons"
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contact_persons")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["-is_primary", "first_name", "last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_primary=True),
                name="one_primary_contact_per_customer",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class PortalAccess(models.Model):
    """A contact person's access to their customer's portal: invited, then active, possibly disabled later."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        DISABLED = "disabled", _("Disabled")

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="portal_accesses"
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="portal_accesses")
    contact = models.OneToOneField(ContactPerson, on_delete=models.CASCADE, related_name="portal_access")
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_accesses",
        help_text=_("The account that accepted the invitation; empty until then."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("portal access")
        verbose_name_plural = _("portal accesses")
        indexes = [models.Index(fields=["customer", "status"], name="portal_access_customer_status")]

    def __str__(self) -> str:
        return f"{self.contact} ({self.get_status_display()})"


class PortalInvitation(models.Model):
    """One emailed invitation link. Only the SHA-256 of its token is kept, so the database cannot reveal a link."""

    access = models.ForeignKey(PortalAccess, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, help_text=_("SHA-256 hex digest of the emailed token.")
    )
    email = models.EmailField(
        _("sent to"),
        help_text=_(
            "The address the link was emailed to. The link stops working if the contact's email changes; "
            "invitations from before this field existed have it empty and no longer work."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    voided_at = models.DateTimeField(
        _("voided at"),
        null=True,
        blank=True,
        help_text=_("Set when a newer invitation or disabling replaced it."),
    )

    class Meta:
        verbose_name = _("portal invitation")
        verbose_name_plural = _("portal invitations")

    def __str__(self) -> str:
        return _("Invitation for %(contact)s") % {"contact": self.access.contact}
