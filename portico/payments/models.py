"""Customer payments, their allocations to invoices, refunds, and saved payment methods (tokens only)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portico.fields import MoneyField
from portico.money import format_money


class PaymentMode(models.TextChoices):
    CASH = "cash", _("Cash")
    CHECK = "check", _("Check")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Credit or debit card")
    ACH = "ach", _("Bank account (ACH)")
    OTHER = "other", _("Other")


class CustomerPayment(models.Model):
    """Money received from a customer, online or offline. What is not allocated is available credit."""

    #: Amounts in the customer's currency (it cannot change under them), and a transaction of the organization.
    in_customer_currency = True
    is_transaction = True

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    number = models.CharField(_("payment number"), max_length=32)
    date = models.DateField(_("date"))
    amount = MoneyField(_("amount received"))
    currency = models.CharField(_("currency"), max_length=3)
    bank_charges = MoneyField(_("bank charges"))
    mode = models.CharField(
        _("payment mode"), max_length=20, choices=PaymentMode.choices, default=PaymentMode.BANK_TRANSFER
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_online = models.BooleanField(_("paid online"), default=False, editable=False)
    gateway = models.CharField(_("gateway"), max_length=30, blank=True, editable=False)
    gateway_reference = models.CharField(_("gateway reference"), max_length=100, blank=True, editable=False)
    unused_amount = MoneyField(
        _("unused amount"),
        editable=False,
        help_text=_("Not allocated to invoices nor refunded: available credit."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer payment")
        verbose_name_plural = _("customer payments")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="payment_number_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(unused_amount__gte=0), name="payment_unused_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(unused_amount__lte=models.F("amount")), name="payment_unused_within_amount"
            ),
            models.CheckConstraint(
                condition=models.Q(bank_charges__gte=0), name="payment_charges_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-date", "-id"], name="payment_customer_date"),
            models.Index(fields=["organization", "-date", "-id"], name="payment_org_date"),
        ]

    def __str__(self) -> str:
        return self.number


class PaymentAllocation(models.Model):
    """The part of a payment that pays one invoice or one retainer invoice."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(CustomerPayment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(
        "sales.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="payment_allocations"
    )
    retainer_invoice = models.ForeignKey(
        "sales.RetainerInvoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_allocations",
    )
    amount = MoneyField(_("amount"))
    date = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(
                condition=(
                    models.Q(invoice__isnull=False, retainer_invoice__isnull=True)
                    | models.Q(invoice__isnull=True, retainer_invoice__isnull=False)
                ),
                name="allocation_one_target",
            ),
        ]

    def __str__(self) -> str:
        amount = format_money(self.amount, self.payment.currency, locale=self.organization.locale)
        return f"{self.payment} → {self.invoice or self.retainer_invoice}: {amount}"

    @property
    def document(self):
        return self.invoice or self.retainer_invoice


class Refund(models.Model):
    """Money paid back to a customer from a credit note, an unused payment or an unused retainer."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="refunds")
    number = models.CharField(_("refund number"), max_length=32)
    date = models.DateField(_("date"))
    amount = MoneyField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    mode = models.CharField(
        _("payment mode"), max_length=20, choices=PaymentMode.choices, default=PaymentMode.BANK_TRANSFER
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    credit_note = models.ForeignKey(
        "sales.CreditNote", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(
        CustomerPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    retainer_invoice = models.ForeignKey(
        "sales.RetainerInvoice", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="refund_number_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=(
                    models.Q(credit_note__isnull=False, payment__isnull=True, retainer_invoice__isnull=True)
                    | models.Q(credit_note__isnull=True, payment__isnull=False, retainer_invoice__isnull=True)
                    | models.Q(credit_note__isnull=True, payment__isnull=True, retainer_invoice__isnull=False)
                ),
                name="refund_one_source",
            ),
        ]
        indexes = [models.Index(fields=["customer", "-date"], name="refund_customer_date")]

    def __str__(self) -> str:
        return self.number

    @property
    def source(self):
        return self.credit_note or self.payment or self.retainer_invoice


class SavedPaymentMethod(models.Model):
    """A gateway's token for a card or bank account. Never a card number or a CVV."""

    class Kind(models.TextChoices):
        CARD = "card", _("Card")
        BANK_ACCOUNT = "bank_account", _("Bank account")

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="payment_methods"
    )
    gateway = models.CharField(_("gateway"), max_length=30)
    token = models.CharField(_("gateway token"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.CARD)
    brand = models.CharField(_("brand"), max_length=30, blank=True)
    last4 = models.CharField(_("last four digits"), max_length=4)
    exp_month = models.PositiveSmallIntegerField(_("expiry month"), null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(_("expiry year"), null=True, blank=True)
    billing_address = models.TextField(_("billing address"), blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "token"], name="saved_method_token_unique"),
            models.CheckConstraint(
                condition=models.Q(last4__regex=r"^[0-9]{4}$"), name="saved_method_last4_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand or self.get_kind_display()} •••• {self.last4}"
