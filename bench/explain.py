"""EXPLAIN (ANALYZE) every query the listing pages run, for each filter and ordering.

Run from the repository root against the benchmark database (filled by
``bench/run.py`` or ``manage.py generate_synthetic_content``)::

    .venv/bin/python bench/explain.py                 # summary: one line per query
    .venv/bin/python bench/explain.py --plans         # and every full plan
    .venv/bin/python bench/explain.py --only papers   # URLs containing "papers"

Each listing URL below is requested through Django's test client (page cache
off) and every ``SELECT`` it runs is captured and re-run under
``EXPLAIN (ANALYZE, BUFFERS)`` — the real SQL of the real views, not a copy.
For each query the summary gives PostgreSQL's execution time, the indexes the
plan uses and any sequential scan of a table with more than ``--big`` rows
(10,000 by default: a listing's filter or ordering that reads a whole large
table is what an index is for). Counts and facet aggregates over *every*
published row legitimately read the whole table (they count it); those are
marked "aggregate".
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fieldguide_bench_site"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "explain-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["PAGE_CACHE"] = "0"
# Pages link hashed static names: collect them into a throwaway STATIC_ROOT.
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="fieldguide-explain-static-"))


def listing_urls() -> list[str]:
    from taggit.models import Tag

    from careers.models import Role
    from guides.models import Paper, ResearchAgenda
    from organizations.models import Organization

    agenda = ResearchAgenda.objects.published().order_by("pk").first()
    org = (
        Organization.objects.published().filter(papers__isnull=False).order_by("pk").first()
        or Organization.objects.published().order_by("pk").first()
    )
    role = Role.objects.published().order_by("pk").first()
    tag = Tag.objects.order_by("pk").first()
    year = Paper.objects.published().order_by("-year").values_list("year", flat=True).first()
    urls = [
        "/",
        "/organizations/",
        "/organizations/?type=frontier-lab",
        "/organizations/?country=GB",
        "/organizations/?status=defunct",
        "/organizations/?runs_program=yes",
        "/organizations/?page=50",
        "/roles/",
        "/roles/?category=research",
        "/roles/?salary=150k-200k",
        "/roles/?employer=frontier-lab",
        "/roles/?sort=salary",
        "/roles/?sort=-salary",
        "/roles/?sort=-title",
        "/programs/",
        "/programs/?kind=fellowship&format=online&cost=funded",
        "/programs/?stage=early-career&status=open&sort=deadline",
        "/programs/?hours=10-19&cadence=yearly",
        "/backgrounds/",
        "/cruxes/",
        "/agendas/compare/?sort=fte",
        "/papers/",
        "/papers/?page=50",
        "/papers/?kind=book",
        "/agendas/",
        "/agendas/compare/",
        "/failure-modes/",
        "/guides/",
    ]
    if agenda:
        urls += [f"/organizations/?agenda={agenda.slug}", f"/papers/?agenda={agenda.slug}"]
    if tag:
        urls.append(f"/organizations/?tag={tag.slug}")
    if role:
        urls.append(f"/organizations/?role={role.slug}")
    if org:
        urls.append(f"/papers/?organization={org.slug}")
    if year:
        urls.append(f"/papers/?year={year}")
    return urls


PLAN_INDEX_RE = re.compile(
    r"(?:Index Only Scan|Index Scan)(?: Backward)? using (\w+) on \w+|Bitmap Index Scan on (\w+)"
)
PLAN_SEQ_RE = re.compile(r"Seq Scan on (\w+)")
EXEC_RE = re.compile(r"Execution Time: ([\d.]+) ms")
ROWS_RE = re.compile(r"Seq Scan on (\w+).*?actual time=[\d.]+\.\.[\d.]+ rows=(\d+)")


def table_sizes(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE schemaname = 'public'"
        )
        return dict(cursor.fetchall())


def explain(connection, sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", action="store_true", help="Print every full plan.")
    parser.add_argument("--only", help="Only URLs containing this text.")
    parser.add_argument("--big", type=int, default=10_000, help="A big table has this many rows.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        sys.exit("EXPLAIN (ANALYZE) needs PostgreSQL: set BENCH_DATABASE_URL.")
    sizes = table_sizes(connection)
    big = {name for name, rows in sizes.items() if rows >= args.big}
    print(f"Tables with at least {args.big:,} rows: " + ", ".join(sorted(big)))
    client = Client(HTTP_HOST="127.0.0.1")
    problems = []
    for url in listing_urls():
        if args.only and args.only not in url:
            continue
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        print(f"\n## {url} — {response.status_code}, {len(ctx.captured_queries)} queries")
        for number, query in enumerate(ctx.captured_queries, start=1):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            plan = explain(connection, sql)
            ms = float(EXEC_RE.search(plan).group(1))
            indexes = sorted({a or b for a, b in PLAN_INDEX_RE.findall(plan)})
            seq_big = sorted({t for t in PLAN_SEQ_RE.findall(plan) if t in big})
            aggregate = "count(" in sql.lower() or " group by " in sql.lower()
            kind = "aggregate" if aggregate else "rows"
            used = ", ".join(indexes) or "—"
            note = ""
            if seq_big:
                note = f"  SEQ SCAN of {', '.join(seq_big)}"
                if not aggregate:
                    problems.append((url, number, seq_big))
            print(f"{number:>3}. {ms:8.2f} ms  {kind:<9} indexes: {used}{note}")
            if args.plans:
                print("     " + sql[:400] + ("…" if len(sql) > 400 else ""))
                print("\n".join("     | " + line for line in plan.splitlines()))
    print()
    if problems:
        print("Row queries that read a whole big table:")
        for url, number, tables in problems:
            print(f"  {url} query {number}: {', '.join(tables)}")
    else:
        print("Every row query (filter, ordering, page) on a big table uses an index.")


if __name__ == "__main__":
    main()
