"""Fill the database with realistic synthetic data for benchmarks: notices, complaints with their events, and
reception days, in both languages, deterministic for a seed.

Each app adds its part through portal.registry.register_volume_generator; this command runs them in order and
times them. Rows are written with PostgreSQL's COPY, never one save() per row.
"""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from portal import pagecache, registry
from portal.volume import ensure_postgresql


class Command(BaseCommand):
    help = "Generate volume data (notices, complaints with events, reception days) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--notices", type=int, default=0)
        parser.add_argument("--complaints", type=int, default=0)
        parser.add_argument("--reception-days", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until", type=date.fromisoformat, default=None, help="Last day of the five years covered (today)."
        )

    def handle(self, *args, **options):
        try:
            ensure_postgresql()
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        if min(options["notices"], options["complaints"], options["reception_days"]) < 0:
            raise CommandError("Counts must be zero or more.")
        settings = {
            "notices": options["notices"],
            "complaints": options["complaints"],
            "reception_days": options["reception_days"],
            "seed": options["seed"],
            "until": options["until"] or timezone.localdate(),
        }
        started = time.perf_counter()
        for generator in registry.volume_generators:
            step = time.perf_counter()
            with transaction.atomic():
                generator.generate(settings, self.stdout)
            self.stdout.write(f"  {generator.name}: {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()
        with connection.cursor() as cursor:
            # Fresh statistics, so that the planner knows the new sizes at once; outside a transaction also the
            # visibility map, so that reports can read covering indexes alone, as on a database that has settled.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(f"  vacuum and analyze: {time.perf_counter() - step:.1f} s")
        # COPY sends no save signals: end every cached page, fragment and count by hand.
        pagecache.invalidate()
        self.stdout.write(self.style.SUCCESS(f"Volume data generated in {time.perf_counter() - started:.1f} s."))
