"""The local mailbox: messages kept in the database instead of being sent, for development and the demo."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MailboxMessage(models.Model):
    """One message as ``MailboxBackend`` received it, kept for the organization it was sent on behalf of."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mailbox_messages",
        verbose_name=_("organization"),
        help_text=_(
            "The organization the message was sent for; only its staff read it. Messages without one "
            "(sent by Portico itself, or queued before messages carried it) are for superusers only."
        ),
    )
    from_email = models.CharField(_("from"), max_length=500)
    to = models.TextField(_("to"), help_text=_("Recipients, separated by commas."))
    reply_to = models.TextField(_("reply to"), blank=True)
    subject = models.CharField(_("subject"), max_length=1000, blank=True)
    text = models.TextField(_("text part"), blank=True)
    html = models.TextField(_("HTML part"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("mailbox message")
        verbose_name_plural = _("mailbox messages")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
