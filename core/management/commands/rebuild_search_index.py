"""Rebuild the site-wide search index from every record.

Signals keep the index current as editors work; run this after loading data
with ``bulk_create``, ``QuerySet.update`` or raw SQL, or after a deploy that
changes what is indexed.
"""

import time

from django.core.management.base import BaseCommand

from core.search import RECORD_TYPES, rebuild_index


class Command(BaseCommand):
    help = "Rebuild the site-wide search index (core.SearchEntry) from every record."

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = rebuild_index()
        elapsed = time.perf_counter() - started
        if options["verbosity"] < 1:
            return
        for slug, count in counts.items():
            self.stdout.write(f"  {RECORD_TYPES[slug].plural}: {count}")
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {sum(counts.values())} records in {elapsed:.1f} s.")
        )
