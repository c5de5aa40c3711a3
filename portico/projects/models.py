"""Projects, their tasks and time entries, and timesheet approvals sent to customers."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portico.fields import MoneyField


class Project(models.Model):
    #: Rates in the customer's currency: it cannot change under them.
    in_customer_currency = True

    class BillingMethod(models.TextChoices):
        FIXED = "fixed", _("Fixed cost for project")
        PROJECT_HOURS = "project_hours", _("Based on project hours")
        TASK_HOURS = "task_hours", _("Based on task hours")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="projects"
    )
    number = models.CharField(_("project code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    billing_method = models.CharField(
        _("billing method"), max_length=20, choices=BillingMethod.choices, default=BillingMethod.PROJECT_HOURS
    )
    rate = MoneyField(_("rate"), help_text=_("Fixed cost, or hourly rate for project hours."))
    budget_hours = models.DecimalField(
        _("budget hours"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="project_number_unique"),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="project_rate_not_negative"),
        ]
        indexes = [models.Index(fields=["customer", "status", "name"], name="project_customer_status")]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rate = MoneyField(_("hourly rate"))
    is_billable = models.BooleanField(_("billable"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="task_name_unique")]

    def __str__(self) -> str:
        return self.name


class TimesheetApprovalQuerySet(models.QuerySet):
    def visible_to_customer(self) -> TimesheetApprovalQuerySet:
        """Approvals the business has sent: every status but draft (a filter on the status index)."""
        return self.filter(status__in=TimesheetApproval.CUSTOMER_STATUSES)

    def pending(self) -> TimesheetApprovalQuerySet:
        """Awaiting the customer's decision."""
        return self.filter(status=TimesheetApproval.Status.PENDING)


class TimesheetApproval(models.Model):
    """A set of time entries sent to the customer for approval.

    ``total_hours`` is the hours of its entries when they were gathered. An entry of a draft, pending or
    approved approval cannot change (the services refuse it), so for those the entries always add up to it; a
    rejected approval keeps the hours it was rejected with while its entries are corrected and gathered again.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    #: What a customer may see: every status but draft.
    CUSTOMER_STATUSES = (Status.PENDING, Status.APPROVED, Status.REJECTED)
    #: Statuses whose entries no longer change: their total is final.
    LOCKED_STATUSES = (Status.DRAFT, Status.PENDING, Status.APPROVED)

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="timesheet_approvals"
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="approvals")
    number = models.CharField(_("approval number"), max_length=32)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    total_hours = models.DecimalField(
        _("total hours"), max_digits=9, decimal_places=2, default=Decimal("0"), editable=False
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        "customers.ContactPerson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    rejection_reason = models.TextField(_("reason for rejecting"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TimesheetApprovalQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="approval_number_unique"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="approval_period_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status", "-period_end"], name="approval_customer_status"),
            models.Index(fields=["customer", "-period_end", "-id"], name="approval_customer_period"),
        ]

    def __str__(self) -> str:
        return self.number

    def can_send(self) -> bool:
        return self.status == self.Status.DRAFT

    def can_decide(self) -> bool:
        """Approved or rejected (by a contact, or by staff on their word): a pending approval."""
        return self.status == self.Status.PENDING

    def can_delete(self) -> bool:
        return self.status == self.Status.DRAFT


class TimeEntryQuerySet(models.QuerySet):
    def unbilled(self) -> TimeEntryQuerySet:
        """Billable time not yet on an invoice (whatever its approval)."""
        return self.filter(is_billable=True, billing_status=TimeEntry.BillingStatus.UNBILLED)

    def billable(self) -> TimeEntryQuerySet:
        """Unbilled billable time that may be invoiced now: not gathered for approval, or approved."""
        return self.unbilled().filter(
            models.Q(approval__isnull=True) | models.Q(approval__status=TimesheetApproval.Status.APPROVED)
        )

    def gatherable(self) -> TimeEntryQuerySet:
        """Unbilled billable time that may be gathered for approval: in no approval, or in a rejected one."""
        return self.unbilled().filter(
            models.Q(approval__isnull=True) | models.Q(approval__status=TimesheetApproval.Status.REJECTED)
        )


class TimeEntry(models.Model):
    class BillingStatus(models.TextChoices):
        UNBILLED = "unbilled", _("Unbilled")
        BILLED = "billed", _("Billed")

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="time_entries")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="time_entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("24"))],
    )
    notes = models.TextField(_("notes"), blank=True)
    is_billable = models.BooleanField(_("billable"), default=True)
    billing_status = models.CharField(
        _("billing status"), max_length=10, choices=BillingStatus.choices, default=BillingStatus.UNBILLED
    )
    approval = models.ForeignKey(
        TimesheetApproval, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    invoice = models.ForeignKey(
        "sales.Invoice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="time_entries",
        editable=False,
        help_text=_("The invoice this time was billed on."),
    )
    invoice_line = models.ForeignKey(
        "sales.InvoiceLine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="time_entries",
        editable=False,
        help_text=_("The invoice line this time was billed on: removing the line unbills the time."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("time entries")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=24), name="time_entry_hours_in_day"
            ),
        ]
        indexes = [models.Index(fields=["project", "-date"], name="time_entry_project_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.task}: {self.hours} h"

    @property
    def is_open(self) -> bool:
        """Whether it may still be corrected or deleted: not billed, and not in a draft, pending or approved
        approval (those total it)."""
        if self.billing_status == self.BillingStatus.BILLED:
            return False
        return not (self.approval_id and self.approval.status in TimesheetApproval.LOCKED_STATUSES)
