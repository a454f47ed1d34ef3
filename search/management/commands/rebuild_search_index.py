"""Rebuild the site-wide search index and every other table derived from the records.

Signals keep the index (and the Markdown link table behind "What links here",
and the topic list's counts) current as editors work; run this after loading
data with ``bulk_create``, ``QuerySet.update`` or raw SQL, or after a deploy
that changes what is indexed.
Every table registered through ``core.derived`` is rebuilt.
"""

import time

from django.core.management.base import BaseCommand

from core import derived, progress, registry


class Command(BaseCommand):
    help = (
        "Rebuild the site-wide search index (search.SearchEntry), the Markdown links "
        'behind "What links here" (links.MarkdownLink) and the topic counts '
        "(core.TopicCount) from every record."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        with progress.reporting(self, options["verbosity"]):
            results = derived.rebuild_all()
        elapsed = time.perf_counter() - started
        if options["verbosity"] < 1:
            return
        counts = results.get("search", {})
        for slug, count in counts.items():
            self.stdout.write(f"  {registry.get(slug).display_plural}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {sum(counts.values())} records, {results.get('links', 0)} "
                f"Markdown links and {results.get('topic counts', 0)} topic counts "
                f"in {elapsed:.1f} s."
            )
        )
