"""Rebuild the site-wide search index and the Markdown link table from every record.

Signals keep the index current as editors work; run this after loading data
with ``bulk_create``, ``QuerySet.update`` or raw SQL, or after a deploy that
changes what is indexed.
"""

import time

from django.core.management.base import BaseCommand

from core.search import RECORD_TYPES
from core.signals import rebuild_derived_tables


class Command(BaseCommand):
    help = (
        "Rebuild the site-wide search index (core.SearchEntry) and the Markdown links "
        'behind "What links here" (core.MarkdownLink) from every record.'
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts, links = rebuild_derived_tables()
        elapsed = time.perf_counter() - started
        if options["verbosity"] < 1:
            return
        for slug, count in counts.items():
            self.stdout.write(f"  {RECORD_TYPES[slug].plural}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {sum(counts.values())} records and {links} Markdown links "
                f"in {elapsed:.1f} s."
            )
        )
