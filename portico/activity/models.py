"""What happens around documents: comments, reviews, views, notifications and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommentQuerySet(models.QuerySet):
    def visible_to_customer(self) -> CommentQuerySet:
        """Comments the customer's contacts see: their own, and staff comments marked "Display in portal"."""
        return self.filter(display_in_portal=True)


class Comment(models.Model):
    """A comment on a quote, invoice, sales order, project or timesheet approval."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="comments")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_contact = models.ForeignKey(
        "customers.ContactPerson", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=5000)
    display_in_portal = models.BooleanField(
        _("display in portal"),
        default=False,
        help_text=_("Staff comments are shown to the customer's contacts only when this is on."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="comment_target")]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def author_name(self) -> str:
        if self.author_contact_id:
            return self.author_contact.full_name
        return str(self.author_user) if self.author_user_id else str(_("Deleted user"))


class Review(models.Model):
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="reviews")
    contact = models.ForeignKey(
        "customers.ContactPerson", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    message = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.customer}"


class ViewEvent(models.Model):
    """The "Viewed" marker: who opened a document in the portal first, when, and when it was last opened.

    One marker per version of the document: a quote revised and sent again is a new offer, and its first view
    is news to the business again. Documents without versions keep version 1.
    """

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    first_contact = models.ForeignKey(
        "customers.ContactPerson", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_viewed_at = models.DateTimeField()
    last_contact = models.ForeignKey(
        "customers.ContactPerson", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_viewed_at = models.DateTimeField()
    view_count = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "version"], name="one_view_marker_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"viewed {self.content_type.model} {self.object_id} at {self.first_viewed_at}"


class Notification(models.Model):
    """An entry in the back office's feed; emailed to the organization's primary address when preferences ask."""

    class Kind(models.TextChoices):
        DOCUMENT_VIEWED = "document_viewed", _("Document viewed")
        QUOTE_ACCEPTED = "quote_accepted", _("Quote accepted")
        QUOTE_DECLINED = "quote_declined", _("Quote declined")
        COMMENT_ADDED = "comment_added", _("Comment added")
        PAYMENT_MADE = "payment_made", _("Payment made")
        DETAILS_UPDATED = "details_updated", _("Details updated")
        TIMESHEET_DECIDED = "timesheet_decided", _("Timesheet approved or rejected")
        PORTAL_ACCEPTED = "portal_accepted", _("Portal invitation accepted")
        INVITATION_REQUESTED = "invitation_requested", _("New portal invitation requested")
        REVIEW_ADDED = "review_added", _("Review added")

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.CharField(max_length=500)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="notification_org_feed")]

    def __str__(self) -> str:
        return self.message


class AuditEvent(models.Model):
    """A record of a change: who did what to which record, and when.

    Every event names its actor: a staff member (``actor_user``), a customer's contact person (``actor_contact``,
    with the account they signed in with as ``actor_user``), an API client or a system job (``actor_name``).
    The name is kept as it was, so the trail still reads right after a person is removed.
    """

    class ActorKind(models.TextChoices):
        STAFF = "staff", _("Staff")
        CONTACT = "contact", _("Contact")
        API = "api", _("API client")
        SYSTEM = "system", _("Portico")

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices, default=ActorKind.SYSTEM)
    actor_name = models.CharField(max_length=200, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_contact = models.ForeignKey(
        "customers.ContactPerson", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="audit_org_time")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    @property
    def actor_display(self) -> str:
        """Who acted, as the trail shows it."""
        if self.actor_kind == self.ActorKind.SYSTEM:
            return f"Portico ({self.actor_name})" if self.actor_name else "Portico"
        return self.actor_name or str(self.get_actor_kind_display())
