"""Load demo cities and practices, and with DEBUG on, demo accounts. Safe to run again."""

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cities.models import City, Coalition
from demo.loading import DEMO_EDITOR, DEMO_OFFICERS, DEMO_PASSWORD, load_demo
from practices.models import Commitment, Practice, Theme


class Command(BaseCommand):
    help = "Load demo cities and practices (and, with DEBUG on, demo accounts). Idempotent."

    def handle(self, *args, **options):
        cities_created, accounts, practices_created = load_demo(with_accounts=settings.DEBUG)
        self.stdout.write(
            f"Demo data: {Coalition.objects.count()} coalitions, {Theme.objects.count()} themes, "
            f"{Commitment.objects.count()} commitments, {City.objects.count()} cities "
            f"({cities_created} new), {Practice.objects.count()} practices "
            f"({practices_created} new)."
        )
        # The publications are an app on top of this one: reached through its own command.
        if apps.is_installed("publications"):
            call_command("load_demo_publications", stdout=self.stdout)
        if accounts:
            self.stdout.write(
                self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            )
            self.stdout.write(f"  editor:  {DEMO_EDITOR}  → {settings.SITE_URL}/admin/")
            for username, city in DEMO_OFFICERS.items():
                self.stdout.write(f"  officer: {username}  ({city})")
