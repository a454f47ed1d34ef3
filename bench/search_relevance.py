"""Search relevance: success@1, success@3 and MRR over a judged query set.

The judged queries are in ``bench/search_judgments.json``: each query lists the
results a reader expects first ([record type, title]). The demo content
(``demo/content/``) is loaded into a scratch database and every query runs
through ``search.query.search()``, the code the search page uses.

Run from the repository root::

    .venv/bin/python bench/search_relevance.py                      # SQLite matcher
    .venv/bin/python bench/search_relevance.py --postgresql          # PostgreSQL matcher

``--postgresql`` uses ``BENCH_DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/fieldguide_relevance_bench``), dropped and
recreated each run. ``--misses`` lists the queries whose first result is not
an expected one, with what came first.

The suite runs the same judgments (``tests/search/test_relevance.py``) at a
floor below the measured figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
JUDGMENTS = Path(__file__).resolve().parent / "search_judgments.json"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/fieldguide_relevance_bench"


def load_judgments(path: Path = JUDGMENTS) -> list[dict]:
    return json.loads(path.read_text())["queries"]


@dataclass
class Outcome:
    query: str
    rank: int | None  # 1-based rank of the first expected result; None if not in the top 10
    first: tuple[str, str] | None


@dataclass
class Report:
    outcomes: list[Outcome]

    def success_at(self, k: int) -> float:
        return sum(1 for o in self.outcomes if o.rank and o.rank <= k) / len(self.outcomes)

    @property
    def mrr(self) -> float:
        return sum(1 / o.rank for o in self.outcomes if o.rank) / len(self.outcomes)

    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.rank != 1]

    def summary(self) -> str:
        return (
            f"{len(self.outcomes)} queries: success@1 {self.success_at(1):.3f}, "
            f"success@3 {self.success_at(3):.3f}, MRR {self.mrr:.3f}"
        )


def evaluate(judgments: list[dict], depth: int = 10) -> Report:
    """Run every judged query through ``search.query.search`` (needs a loaded database)."""
    from search import query as search

    outcomes = []
    for judgment in judgments:
        expected = {tuple(item) for item in judgment["expect"]}
        results = search.search(search.clean_query(judgment["q"]).text)
        top = [(e.record_type, e.title) for e in results.entries[:depth]]
        rank = next((i for i, hit in enumerate(top, 1) if hit in expected), None)
        outcomes.append(Outcome(judgment["q"], rank, top[0] if top else None))
    return Report(outcomes)


def _recreate_pg_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to use {name!r}: the benchmark database name must contain 'bench'")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgresql", action="store_true", help="use the PostgreSQL matcher")
    parser.add_argument("--misses", action="store_true", help="list the queries not first")
    args = parser.parse_args()

    scratch = None
    if args.postgresql:
        url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL)
        _recreate_pg_database(url)
    else:
        handle, scratch = tempfile.mkstemp(suffix=".sqlite3")
        os.close(handle)
        url = f"sqlite:///{scratch}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0, interactive=False)
        with open(os.devnull, "w") as quiet:
            call_command("load_demo_content", verbosity=0, stdout=quiet)
        call_command("rebuild_search_index", verbosity=0)
        report = evaluate(load_judgments())
        print(f"{connection.vendor}: {report.summary()}")
        if args.misses:
            for outcome in report.misses():
                print(f"  {outcome.query!r}: expected at {outcome.rank}; first {outcome.first}")
    finally:
        connection.close()
        if scratch is not None:
            Path(scratch).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
