from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutgoingEmail(models.Model):
    """An e-mail written in the same transaction as the change it reports, then sent.

    If sending fails the row stays, with the error, and `send_queued_emails` tries again.
    """

    to = models.EmailField(pgettext_lazy("the recipient of an e-mail", "to"))
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    kind = models.CharField(_("kind"), max_length=40)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["sent_at", "attempts"], name="email_unsent")]

    def __str__(self):
        return f"{self.subject} → {self.to}"
