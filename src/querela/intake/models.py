"""Inbound mail as received (raw, kept), IMAP mailbox settings, and outbound mail state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from querela.core.fields import TenantForeignKey, TenantOneToOneField
from querela.core.models import TenantModel


class InboundStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be processed")
    REGISTERED = "registered", _("Registered as a new complaint")
    ATTACHED = "attached", _("Added to an existing complaint")
    AUTO = "auto", _("Automatic message (no reply sent)")
    HELD = "held", _("Held: over the intake limit, waiting for a person")
    QUARANTINED = "quarantined", _("Could not be processed: needs a person")


class InboundMessage(TenantModel):
    """One received message per tenant. Stored before the sender is told 250, so nothing is lost."""

    message_id = models.CharField(max_length=255)
    mailbox = models.EmailField()
    source = models.CharField(max_length=10)  # smtp, imap
    raw = models.FileField(upload_to="mail/%Y/%m/")
    raw_sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    mail_from = models.CharField(max_length=320, blank=True)
    received_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=InboundStatus.choices, default=InboundStatus.PENDING)
    complaint = TenantForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_messages"
    )
    subject = models.CharField(max_length=500, blank=True)
    from_address = models.CharField(max_length=320, blank=True)  # as written
    sender_key = models.CharField(max_length=320, blank=True)  # lower-case: counts mail per sender
    # Route-independent digest of what the sender wrote (From, Date, Subject, body): a second copy of a
    # message (another route, a retry) has the same one; a reused Message-ID with other content does not.
    content_sha256 = models.CharField(max_length=64, blank=True)
    reused_message_id = models.BooleanField(default=False)
    # The From was authenticated (our MTA's DMARC/DKIM/SPF result, or a reply quoting our Message-ID).
    sender_verified = models.BooleanField(default=False)
    released = models.BooleanField(default=False)  # a person let a held message through the limits
    problem = models.TextField(blank=True)  # why a person must look at it
    attempts = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "message_id", "content_sha256"], name="inbound_once_per_tenant_content"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "received_at"], name="inbound_tenant_status"),
            models.Index(fields=["tenant", "sender_key", "received_at"], name="inbound_tenant_sender"),
            models.Index(fields=["tenant", "received_at"], name="inbound_tenant_received"),
            models.Index(fields=["tenant", "complaint"], name="inbound_tenant_complaint"),
        ]
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.mailbox}"


class ImapMailbox(TenantModel):
    """A tenant's existing mailbox that Querela polls instead of (or besides) its own SMTP address."""

    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    use_ssl = models.BooleanField(default=True)
    username = models.CharField(max_length=255)
    auth = models.CharField(max_length=10, choices=[("password", "password"), ("xoauth2", "XOAUTH2")])
    secret = models.TextField(help_text=_("Password or OAuth2 access token."))
    # OAuth2 (Microsoft 365, Gmail): access tokens live about an hour; with a refresh token the poller
    # gets a new one from the provider's token endpoint before the old one runs out.
    oauth_token_url = models.URLField(blank=True)
    oauth_client_id = models.CharField(max_length=255, blank=True)
    oauth_client_secret = models.TextField(blank=True)
    oauth_refresh_token = models.TextField(blank=True)
    oauth_expires_at = models.DateTimeField(null=True, blank=True)
    folder = models.CharField(max_length=255, default="INBOX")
    done_folder = models.CharField(max_length=255, blank=True, help_text=_("Move processed mail here; empty: flag it."))
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta(TenantModel.Meta):
        indexes = [models.Index(fields=["tenant", "is_active"], name="imap_tenant_active")]

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed — will be retried")
    GAVE_UP = "gave_up", _("Failed — needs a person")


class OutboundEmail(TenantModel):
    """An e-mail to the customer: its headers thread replies back to the complaint."""

    complaint = TenantForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="outbound_emails")
    entry = TenantOneToOneField(
        "complaints.TimelineEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="email"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=500)
    body = models.TextField()
    message_id = models.CharField(max_length=255)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    automatic = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)  # when a worker took it to send
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "message_id"], name="outbound_message_id")]
        indexes = [
            models.Index(fields=["tenant", "status", "created_at"], name="outbound_tenant_status"),
            models.Index(fields=["tenant", "complaint"], name="outbound_tenant_complaint"),
        ]

    def __str__(self) -> str:
        return self.message_id
