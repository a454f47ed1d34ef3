"""CPU cost of the reader feedback section at the end of every record page.

Run from the repository root against a database with content (``make demo``
fills ``db.sqlite3``)::

    .venv/bin/python bench/feedback_section.py
    DATABASE_URL=postgres://…/fieldguide .venv/bin/python bench/feedback_section.py

For the first published record of every registered type it renders the
section (``feedback.record_pages``: the hook's context and the partial) many
times and prints the CPU time per render, best of five runs: as served (the
forms' fields rendered once per record type and process) and with the fields
rendered through Django's form templates on every view. The section runs no
query either way (``tests/feedback/test_record_pages.py`` checks it). CPU time,
not wall time, so other processes on the machine do not distort it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The test settings: plain static files storage (no collectstatic needed).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'db.sqlite3'}")

RUNS, REPEAT = 5, 200


def cpu_ms(fn, repeat=REPEAT) -> float:
    best = float("inf")
    for _ in range(RUNS):
        started = time.process_time()
        for _ in range(repeat):
            fn()
        best = min(best, (time.process_time() - started) / repeat * 1000)
    return best


def main():
    import django

    django.setup()
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from core import registry
    from feedback import record_pages

    factory = RequestFactory()
    print(f"{'record type':<16} {'as served':>10} {'fields every view':>18}")
    for record_type in registry.record_types():
        try:
            record = record_type.model.objects.published().first()
        except Exception:  # a type whose table this database does not have
            record = None
        if record is None:
            continue
        request = factory.get(record.get_absolute_url())

        def served(record=record, request=request):
            context = record_pages.feedback_context(request, record)
            return render_to_string(record_pages.SECTION_TEMPLATE, context, request=request)

        def unshared(record=record, request=request, model=record_type.model):
            context = record_pages.feedback_context(request, record)
            context["feedback"]["fields"] = {
                kind: record_pages._rendered_fields.__wrapped__(model, kind)
                for kind in context["feedback"]["fields"]
            }
            return render_to_string(record_pages.SECTION_TEMPLATE, context, request=request)

        served()
        print(f"{record_type.slug:<16} {cpu_ms(served):>8.2f} ms {cpu_ms(unshared, 40):>15.2f} ms")


if __name__ == "__main__":
    main()
