"""Send the e-mails that could not be sent at once (run it every few minutes from cron)."""

from django.core.management.base import BaseCommand

from practices.models import OutgoingEmail
from practices.notifications import MAX_ATTEMPTS, send_queued


class Command(BaseCommand):
    help = "Send queued e-mails that have not gone out yet."

    def handle(self, *args, **options):
        sent = send_queued()
        waiting = OutgoingEmail.objects.filter(sent_at__isnull=True)
        given_up = waiting.filter(attempts__gte=MAX_ATTEMPTS).count()
        self.stdout.write(
            f"Sent {sent}; {waiting.count() - given_up} waiting; {given_up} given up."
        )
