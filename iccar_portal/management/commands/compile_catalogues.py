from django.core.management.base import BaseCommand

from iccar_portal.catalogues import compile_catalogues


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po) into .mo files, without GNU gettext."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Compile even if up to date.")

    def handle(self, *args, force=False, **options):
        written = compile_catalogues(force=force)
        self.stdout.write(f"Compiled {len(written)} catalogue(s).")
