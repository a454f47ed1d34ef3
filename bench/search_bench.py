"""Search latency benchmark: p50/p99 of site-wide search at 10,000+ records.

Run from the repository root (PostgreSQL must be reachable)::

    .venv/bin/python bench/search_bench.py

It creates (or reuses) a separate database, ``fieldguide_bench`` by default
(``BENCH_DATABASE_URL`` overrides it), migrates it, fills it with ``--records``
generated records across all seven types (``bulk_create``, ~10 % drafts), runs
``rebuild_search_index``, then times ~200 varied queries — common and rare
words, several words, phrases, exclusions, misspellings, no-match words and
type filters — through the same code the view uses:

* ``search``: ``search.query.search()`` + the first page + its snippets
  (facet counts, ranked page, ``SearchHeadline``; spelling fallback when needed);
* ``page``: the whole ``GET /search/?q=…`` response, template rendering included.

Each query runs ``--rounds`` times after one warm-up pass; the report gives
p50/p95/p99/max in milliseconds and the query plan of a typical search.
"""

import argparse
import logging
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fieldguide_bench"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
os.environ.setdefault("CONN_MAX_AGE", "600")


def wordlist(text: str) -> list[str]:
    return text.split()


# Share of each type in the generated corpus.
MIX = {
    "paper": 0.25,
    "organization": 0.15,
    "role": 0.15,
    "agenda": 0.12,
    "program": 0.13,
    "failure-mode": 0.10,
    "guide": 0.10,
}

TOPICS = wordlist("""interpretability alignment robustness oversight evaluation governance
corrigibility deception sycophancy honesty superposition features circuits probing
steering activations transformers scaling forecasting compute policy security
red-teaming jailbreaks backdoors control monitoring debate amplification reward
specification hacking misgeneralization power-seeking situational awareness agents
autonomy cyber biosecurity watermarking provenance unlearning distillation
pretraining finetuning preferences feedback constitutional verification proofs
formal benchmarks capabilities elicitation sandbagging collusion coordination
incentives economics labour compute-governance export chips datacenters standards
audits liability insurance treaties""")

FILLER = wordlist("""the a of and to in for on with as by at from that this these those is are
was were be been being have has had model models system systems research work team
teams people field study studies paper results method methods data training human
humans risk risks future safe safety approach approaches question questions problem
problems early late large small new open hard simple general specific practical
theoretical empirical technical careful useful important recent current long short
term across between within without through over under about more less most least
learn learning build building measure measuring understand understanding test
testing show shows find finds propose proposes argue argues""")

ADJECTIVES = wordlist("""Scalable Mechanistic Practical Robust Empirical Formal Open Applied
Frontier Adversarial Automated Cooperative Sparse Interpretable Honest Safe
Global Technical Strategic Long-term""")
NOUNS = wordlist("""Lab Institute Project Program Fellowship Review Agenda Survey Guide Method
Benchmark Framework Study Report Initiative Centre Network Workshop Handbook""")

# Queries: common and rare topics, several words, phrases, exclusions, typos, misses.
TYPOS = [
    "interpretabilty",
    "alignmnet",
    "robustnes",
    "corrigibilty",
    "sycophncy",
    "goverance",
    "evalution",
    "oversigth",
    "decpetion",
    "misgeneralisation",
]
MISSES = ["zyzzogeton", "quixotry", "flibbertigibbet", "xylograph", "qwertyuiop"]


# Query mix: (category, share). "broad" words occur in most records, "topic" words
# in 1–60 % of them, "typo" queries need the spelling fallback, "miss" match nothing.
def build_queries(rng: random.Random, count: int) -> list[tuple[str, str, str | None]]:
    types = [None] * 6 + list(MIX)
    broad = TOPICS[:3]
    queries: list[tuple[str, str, str | None]] = []
    while len(queries) < count:
        kind = rng.random()
        if kind < 0.08:
            category, text = "broad", rng.choice(broad)
        elif kind < 0.35:
            category, text = "topic", rng.choice(TOPICS)
        elif kind < 0.55:
            category, text = "2 words", " ".join(rng.sample(TOPICS, 2))
        elif kind < 0.63:
            category, text = "3 words", " ".join(rng.sample(TOPICS, 3))
        elif kind < 0.70:
            category, text = "phrase", f'"{rng.choice(ADJECTIVES).lower()} {rng.choice(TOPICS)}"'
        elif kind < 0.76:
            category, text = "exclude", f"{rng.choice(TOPICS)} -{rng.choice(TOPICS)}"
        elif kind < 0.90:
            category, text = "typo", rng.choice(TYPOS)
        else:
            category, text = "miss", rng.choice(MISSES)
        queries.append((category, text, rng.choice(types)))
    return queries


class Corpus:
    """Body text: stop words plus a Zipf-distributed vocabulary of ~3,000 words.

    The topic words sit at ranks 3, 10, 17… so the first few occur in most records
    and the last in a few per cent, as words do in real text.
    """

    SYLLABLES = wordlist(
        "ba be bi bo bu da de di do du fa fe fi fo ga ge go ka ke ki ko ku la le li lo lu "
        "ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so ta te ti to "
        "va ve vi vo za ze zi zo"
    )

    def __init__(self, rng: random.Random, size: int = 3_000):
        self.rng = rng
        vocab: list[str] = []
        seen = set(TOPICS)
        while len(vocab) < size - len(TOPICS):
            word = "".join(rng.choices(self.SYLLABLES, k=rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                vocab.append(word)
        for index, topic in enumerate(TOPICS):
            vocab.insert(3 + 7 * index, topic)
        self.vocab = vocab
        total, self.cum_weights = 0.0, []
        for rank in range(len(vocab)):
            total += 1 / (rank + 1)
            self.cum_weights.append(total)

    def words(self, n: int) -> str:
        content = self.rng.choices(self.vocab, cum_weights=self.cum_weights, k=n)
        return " ".join(
            word if self.rng.random() < 0.55 else self.rng.choice(FILLER) for word in content
        )


def ensure_database(url: str, fresh: bool) -> None:
    """Create the benchmark database (dropping it first when ``fresh``)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to use {name!r}: the benchmark database name must contain 'bench'")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def generate(total: int, rng: random.Random) -> None:
    from django.db import transaction
    from django.utils import timezone

    from careers.models import Program, Role, RoleCategory
    from core.models import Status
    from guides.models import FailureMode, Guide, Paper, ResearchAgenda
    from organizations.models import Organization, OrganizationType

    now = timezone.now()
    corpus = Corpus(rng)

    def common(i: int, prefix: str) -> dict:
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(TOPICS)} {rng.choice(NOUNS)} {i}"
        return {
            "name": title[:200],
            "slug": f"{prefix}-{i}",
            "summary": corpus.words(18).capitalize() + ".",
            "status": Status.DRAFT if rng.random() < 0.1 else Status.PUBLISHED,
            "publish_at": now - timezone.timedelta(days=rng.randint(1, 900)),
        }

    def body(n=None) -> str:
        paragraphs = [corpus.words(rng.randint(40, 90)) for _ in range(n or rng.randint(2, 5))]
        return "\n\n".join(p.capitalize() + "." for p in paragraphs)

    counts = {slug: int(total * share) for slug, share in MIX.items()}
    counts["paper"] += total - sum(counts.values())
    with transaction.atomic():
        org_types = [
            OrganizationType.objects.get_or_create(slug=f"bench-type-{i}", name=f"Type {i}")[0]
            for i in range(6)
        ]
        categories = [
            RoleCategory.objects.get_or_create(slug=f"bench-cat-{i}", name=f"Category {i}")[0]
            for i in range(5)
        ]
        orgs = Organization.objects.bulk_create(
            Organization(**common(i, "org"), type=rng.choice(org_types), description=body())
            for i in range(counts["organization"])
        )
        batches = {
            Paper: (
                Paper(
                    **common(i, "paper"),
                    authors="A. Author, B. Author",
                    year=rng.randint(2000, 2025),
                    description=body(),
                )
                for i in range(counts["paper"])
            ),
            Role: (
                Role(
                    **common(i, "role"),
                    category=rng.choice(categories),
                    overview=body(),
                    career_outlook=body(2),
                )
                for i in range(counts["role"])
            ),
            ResearchAgenda: (
                ResearchAgenda(
                    **common(i, "agenda"), goal=corpus.words(20), description=body(), order=i
                )
                for i in range(counts["agenda"])
            ),
            Program: (
                Program(
                    **common(i, "program"),
                    kind=Program.Kind.FELLOWSHIP,
                    format=Program.Format.ONLINE,
                    cost=Program.Cost.FREE,
                    organizer=rng.choice(orgs),
                    description=body(),
                )
                for i in range(counts["program"])
            ),
            FailureMode: (
                FailureMode(**common(i, "fm"), body=body(), why_it_matters=body(1))
                for i in range(counts["failure-mode"])
            ),
            Guide: (
                Guide(**common(i, "guide"), intro=body(), order=i) for i in range(counts["guide"])
            ),
        }
        for model, objects in batches.items():
            model.objects.bulk_create(objects, batch_size=1000)


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summarize(name: str, samples: list[float]) -> str:
    return (
        f"{name:<20} n={len(samples):<4} p50={percentile(samples, 50):7.2f} ms  "
        f"p95={percentile(samples, 95):7.2f} ms  p99={percentile(samples, 99):7.2f} ms  "
        f"max={max(samples):7.2f} ms  mean={statistics.fmean(samples):7.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=12_000, help="records to generate")
    parser.add_argument("--queries", type=int, default=200, help="distinct queries")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each query")
    parser.add_argument(
        "--fresh", action="store_true", help="drop and recreate the benchmark database"
    )
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--skip-page", action="store_true", help="time search() only, not the rendered page"
    )
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"], args.fresh)
    import django

    django.setup()
    logging.disable(logging.INFO)  # no access log line per request
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from core.views import SafePaginator
    from search import query as search
    from search.models import SearchEntry
    from search.views import SearchView

    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0, interactive=False)
    if SearchEntry.objects.count() < args.records:
        if SearchEntry.objects.exists():
            sys.exit("the benchmark database holds other data: run with --fresh")
        started = time.perf_counter()
        generate(args.records, rng)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        call_command("rebuild_search_index", verbosity=0)
        print(f"generated {args.records} records in {generated:.1f} s; ", end="")
        print(f"indexed in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    total = SearchEntry.objects.count()
    published = SearchEntry.objects.published().count()
    print(f"index: {total} entries ({published} published); PostgreSQL {connection.pg_version}")

    queries = build_queries(rng, args.queries)

    def run_search(text, record_type):
        cleaned = search.clean_query(text)
        results = search.search(cleaned.text, record_type)
        paginator = SafePaginator(results.entries, SearchView.paginate_by)
        paginator.count = results.count
        results.hits(paginator.page(1).object_list)
        return results

    client = Client()

    def run_page(text, record_type):
        params = {"q": text, **({"type": record_type} if record_type else {})}
        response = client.get("/search/", params)
        assert response.status_code == 200, response.status_code

    # Warm-up (connection, caches, plans), then timed rounds.
    matched = defaultdict(list)
    corrected = 0
    for category, text, record_type in queries:
        results = run_search(text, record_type)
        matched[category].append(results.count)
        corrected += results.corrected_from is not None
        if not args.skip_page:
            run_page(text, record_type)
    timings = defaultdict(list)
    for _ in range(args.rounds):
        for category, text, record_type in queries:
            started = time.perf_counter()
            run_search(text, record_type)
            elapsed = (time.perf_counter() - started) * 1000
            timings["search"].append(elapsed)
            timings[f"  {category}"].append(elapsed)
            if not args.skip_page:
                started = time.perf_counter()
                run_page(text, record_type)
                timings["page"].append((time.perf_counter() - started) * 1000)

    print(
        f"{len(queries)} queries x {args.rounds} rounds; "
        f"{corrected} answered through a spelling correction; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(summarize("search", timings.pop("search")))
    if "page" in timings:
        print(summarize("page", timings.pop("page")))
    print("by kind of query (search only; median results per query in brackets):")
    for name, samples in sorted(timings.items()):
        category = name.strip()
        label = f"{name} [{statistics.median(matched[category]):.0f}]"
        print(summarize(label, samples))

    broad = search.get_backend().matches(SearchEntry.objects.published(), TOPICS[0])
    print(f"\nplan of the ranked page query for {TOPICS[0]!r} (the broadest word):")
    print(broad.only("title")[:20].explain(analyze=True))


if __name__ == "__main__":
    main()
