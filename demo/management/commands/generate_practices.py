"""Generate synthetic published practices, and the cities they belong to, for load tests.

    python manage.py generate_practices --count 100000 [--seed 1] [--cities 300]
    python manage.py generate_practices --clear

Everything generated is marked: practices' and cities' slugs start with "synthetic-", and
``--clear`` deletes exactly those rows (and their classifications and translations). Running the
command again adds more practices after the ones already there, so a database can be grown in
steps (1,000 → 10,000 → 100,000); the same seed on the same database gives the same data. The
data is made by demo.synthetic and written by demo.writers.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from demo.progress import Progress
from demo.synthetic.generator import Generator
from demo.synthetic.places import ensure_cities
from demo.synthetic.store import clear_synthetic, finish, next_index
from demo.writers import write_all

BATCH_SIZE = 2000
DEFAULT_CITIES = 300


class Command(BaseCommand):
    help = (
        "Generate synthetic published practices (slugs 'synthetic-…') and cities for load tests; "
        "--clear deletes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=0, help="Practices to add.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument(
            "--cities",
            type=int,
            default=None,
            help=f"Synthetic cities to create if there are none yet (default: {DEFAULT_CITIES}, "
            "fewer for small counts).",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="Database connections writing at once (default: 2 on PostgreSQL, else 1).",
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Delete every synthetic practice and city first (then generate --count, if any).",
        )

    def handle(self, *args, count, seed, cities, batch_size, clear, jobs, **options):
        if count < 0 or batch_size < 1:
            raise CommandError("--count must be positive and --batch-size at least 1.")
        if not clear and not count:
            raise CommandError("Give --count N to generate, or --clear to delete.")
        if clear:
            practices, city_count = clear_synthetic()
            self.stdout.write(f"Deleted {practices:,} synthetic practices and {city_count} cities.")
        if not count:
            return
        started = time.monotonic()
        if cities is None:
            cities = min(DEFAULT_CITIES, max(10, count // 3))
        created_cities = ensure_cities(seed, cities)
        generator = Generator(seed)
        first = next_index()
        progress = Progress(count, "Practices", getattr(self.stderr, "_out", None))
        write_all(generator, first, count, batch_size, progress, jobs)
        progress.finish()
        finish()
        self.stdout.write(
            f"Generated {count:,} published practices (seed {seed}, {created_cities} new cities) "
            f"in {time.monotonic() - started:.1f}s."
        )
