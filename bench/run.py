"""Site benchmark: synthetic data in PostgreSQL, gunicorn, wrk from a second process.

Run from the repository root (PostgreSQL and Redis reachable on 127.0.0.1)::

    .venv/bin/python bench/run.py                  # full scale: ~8-10 minutes
    .venv/bin/python bench/run.py --scale 0.1      # a quick look
    .venv/bin/python bench/run.py --reuse          # keep the generated database

What it does:

1. drops and creates the database ``fieldguide_bench_site`` (``--database``;
   its name must contain "bench"), migrates it and fills it with
   ``manage.py generate_synthetic_content --scale S`` (10,000 organizations,
   5,000 roles, 20,000 papers… at scale 1), then counts each page's SQL
   queries in-process (page cache off);
2. collects static files into a temporary ``STATIC_ROOT``;
3. for each mode — ``cached`` (``REDIS_URL`` set: the page cache is on, Redis
   database 9 is flushed first) and ``uncached`` (``PAGE_CACHE=0``) — starts
   gunicorn with the repository's ``config/gunicorn.py`` and production
   settings (``DEBUG=0``; HTTPS redirect off for loopback) on 127.0.0.1:8100,
   2 workers × 2 threads (gthread), worker recycling off so memory can be read
   after every page type; warms each URL with 2 s of load, then runs
   ``wrk -t1 -c8 -d4s`` per URL (a new connection per request, see
   ``bench/pages.lua``; ``BENCH_KEEPALIVE=1`` keeps connections) in 3 rounds
   over all URLs (the median round is reported: on a shared machine a burst
   of outside load then spoils one round of each page, not all of one page)
   and reads every worker's
   ``VmRSS``/``VmHWM``;
4. optionally (``--scale-out``) runs a few pages against one instance and then
   two instances (ports 8100 and 8101, one worker each, one wrk per instance,
   throughput summed);
5. prints markdown tables (requests/s, p50, p99, throughput as a ratio to the
   trivial ``/healthz`` view of the same run, queries, size) and the budget
   checks, and writes everything as JSON (``--json``).

Pages: the home page, a role's detail page, the organization listing filtered
by type, the agenda comparison, page 50 of the paper listing and a search —
next to ``/healthz`` (a Django view doing nothing: the framework's floor) and a
hashed static file served by WhiteNoise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
WRK = shutil.which("wrk")
LUA = str(ROOT / "bench" / "pages.lua")

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/fieldguide_bench_site"
DEFAULT_REDIS = "redis://127.0.0.1:6379/9"

# (key, label, path or a placeholder filled in by the probe)
PAGES = [
    ("healthz", "Trivial view (/healthz)", "/healthz"),
    ("static", "Static file (WhiteNoise)", "{static}"),
    ("home", "Home page", "/"),
    ("role", "Role detail", "{role}"),
    ("orgs", "Organizations, filtered by type", "/organizations/?type=frontier-lab"),
    ("compare", "Agenda comparison", "/agendas/compare/"),
    ("papers", "Papers, page 50", "/papers/?page={paper_page}"),
    ("search", "Search", "/search/?q=interpretability+evaluation"),
]
HTML_PAGES = ["home", "role", "orgs", "compare", "papers", "search"]
# (page, mode): cached pages share one Redis; uncached, the two lightest pages
# (the heavy ones complete too few requests in a short window on 2 cores).
SCALE_OUT_PAGES = [
    ("healthz", "uncached"),
    ("home", "cached"),
    ("role", "cached"),
    ("compare", "uncached"),
    ("search", "uncached"),
]

P99_BUDGET_MS = 100
CACHED_RATIO_BUDGET = 0.5
WORKER_RSS_BUDGET_MB = 150
# Issue 16: a miss, one request at a time, page cache off.
MISS_BUDGET_MS = {"detail": 20, "listing": 30}
QUERY_BUDGET = 10


# --------------------------------------------------------------------- helpers


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(cmd, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, **kwargs)


def base_env(args, static_root: str) -> dict:
    env = dict(os.environ)
    for name in ("REDIS_URL", "PAGE_CACHE", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="bench-" + secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=args.database,
        CONN_MAX_AGE="600",
        STATIC_ROOT=static_root,
        LOG_LEVEL=args.log_level,
        PYTHONUNBUFFERED="1",
    )
    return env


def prepare_database(args, env) -> dict:
    import psycopg

    parsed = urlparse(args.database)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the benchmark database name must contain 'bench'")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    log(f"migrating {name}")
    run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    log(f"generating synthetic content, scale {args.scale}")
    started = time.perf_counter()
    out = run(
        [PY, "manage.py", "generate_synthetic_content", "--scale", str(args.scale)],
        env,
        capture_output=True,
    ).stdout
    print(out, end="")
    match = re.search(
        r"Generated ([\d,]+) rows in ([\d.]+) s; peak memory \(ru_maxrss\) (\d+) MB", out
    )
    return {
        "rows": int(match.group(1).replace(",", "")) if match else None,
        "seconds": float(match.group(2)) if match else time.perf_counter() - started,
        "peak_rss_mb": int(match.group(3)) if match else None,
    }


PROBE = r"""
import json, os, statistics, time
import django
django.setup()
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from careers.models import Role
from guides.models import Paper
from organizations.models import Organization

roles = Role.objects.published().order_by("pk")
role = roles[roles.count() // 2]
paths = json.loads(os.environ["BENCH_PATHS"])
papers = Paper.objects.published().count()
fill = {
    "role": role.get_absolute_url(),
    "static": staticfiles_storage.url("css/site.css"),
    # Page 50 (24 a page); the last page when there are fewer (small --scale).
    "paper_page": max(1, min(50, -(-papers // 24))),
}
client = Client(HTTP_HOST="127.0.0.1")
result = {"paths": {}, "queries": {}, "status": {}, "bytes": {}, "counts": {
    "organizations": Organization.objects.count(),
    "roles": Role.objects.count(),
    "papers": Paper.objects.count(),
}}
for key, path in paths.items():
    path = path.format(**fill)
    result["paths"][key] = path
    if key == "static":
        continue
    client.get(path)  # warm (imports, template loaders)
    walls, sqls = [], []
    for _ in range(5):  # one request at a time: what a cache miss costs, unqueued
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(path)
            walls.append((time.perf_counter() - started) * 1000)
        sqls.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    result["queries"][key] = len(ctx.captured_queries)
    result["status"][key] = response.status_code
    result["bytes"][key] = len(response.content)
    result.setdefault("alone", {})[key] = {
        "wall_ms": round(statistics.median(walls), 1),
        "sql_ms": round(statistics.median(sqls), 1),
    }

# Every reader page type, one request at a time (issue 16's miss targets:
# detail pages <= 20 ms, listings and search <= 30 ms, page cache off).
from careers.models import Background, Program
from guides.models import Crux, FailureMode, Guide, ResearchAgenda
from taggit.models import Tag


def middle(queryset):
    count = queryset.count()
    return queryset[count // 2] if count else None


detail_models = {
    "organization": Organization, "role": Role, "program": Program, "background": Background,
    "agenda": ResearchAgenda, "paper": Paper, "failure mode": FailureMode, "guide": Guide,
    "crux": Crux,
}
every = {}
for name, model in detail_models.items():
    record = middle(model.objects.published().order_by("pk"))
    if record is not None:
        every[("detail", name)] = record.get_absolute_url()
tag = Tag.objects.filter(taggit_taggeditem_items__isnull=False).order_by("pk").first()
if tag is not None:
    every[("detail", "tag")] = f"/tags/{tag.slug}/"
for name, path in {
    "home": "/", "organizations": "/organizations/",
    "organizations by type": "/organizations/?type=frontier-lab", "roles": "/roles/",
    "programs": "/programs/", "backgrounds": "/backgrounds/", "agendas": "/agendas/",
    "agenda comparison": "/agendas/compare/", "papers": "/papers/",
    "papers, page 50": f"/papers/?page={fill['paper_page']}",
    "failure modes": "/failure-modes/", "cruxes": "/cruxes/", "guides": "/guides/",
    "tags": "/tags/", "search": "/search/?q=interpretability+evaluation",
    "find your direction": "/find-your-direction/",
}.items():
    every[("listing", name)] = path
answers = ["hours=10", "where=online", "paid=on"]
for key, model in (("background", Background), ("bet", ResearchAgenda), ("concern", FailureMode)):
    record = model.objects.published().order_by("pk").first()
    if record is not None:
        answers.append(f"{key}={record.slug}")
every[("listing", "find your direction, answered")] = "/find-your-direction/?" + "&".join(answers)
misses = []
for (kind, name), path in every.items():
    client.get(path)  # warm
    walls, counts = [], []
    for _ in range(int(os.environ.get("BENCH_MISS_REPEATS", "15"))):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(path)
            walls.append((time.perf_counter() - started) * 1000)
        counts.append(len(ctx.captured_queries))
    walls.sort()
    misses.append({
        "kind": kind, "name": name, "path": path, "status": response.status_code,
        "queries": max(counts), "p50_ms": round(statistics.median(walls), 1),
        "p90_ms": round(walls[int(len(walls) * 0.9) - 1], 1),
    })
result["misses"] = misses
print("PROBE " + json.dumps(result))
"""


def probe(env) -> dict:
    probe_env = dict(env, PAGE_CACHE="0", BENCH_PATHS=json.dumps({k: p for k, _l, p in PAGES}))
    out = run([PY, "-c", PROBE], probe_env, capture_output=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("PROBE "))
    return json.loads(line[len("PROBE ") :])


# -------------------------------------------------------------------- gunicorn


class Server:
    def __init__(self, env, port: int, workers: int, threads: int, log_path: Path):
        self.port = port
        self.log_path = log_path
        server_env = dict(
            env,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=str(workers),
            GUNICORN_THREADS=str(threads),
            # No recycling during the run: memory is read after every page type.
            GUNICORN_MAX_REQUESTS="0",
            GUNICORN_MAX_REQUESTS_JITTER="0",
        )
        self.log_file = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [GUNICORN, "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=ROOT,
            env=server_env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"gunicorn exited ({self.proc.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        sys.exit(f"gunicorn on :{self.port} not ready after {timeout:.0f} s; see {self.log_path}")

    def workers(self) -> list[int]:
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.proc.pid:
                children.append(int(entry.name))
        return sorted(children)

    def memory(self) -> dict:
        def status(pid):
            fields = {}
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    name, _, value = line.partition(":")
                    if name in ("VmRSS", "VmHWM"):
                        fields[name] = round(int(value.split()[0]) / 1024, 1)
            except OSError:
                pass
            return fields

        return {
            "master": status(self.proc.pid),
            "workers": {str(pid): status(pid) for pid in self.workers()},
        }

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log_file.close()


def fetch(url: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, br"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def wrk_command(url: str, seconds: int, connections: int) -> list[str]:
    options = ["-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    return [WRK, *options, "-s", LUA, url]


def parse_wrk(out: str, url: str) -> dict:
    line = next((line for line in out.splitlines() if line.startswith("BENCH-RESULT ")), None)
    if line is None:
        sys.exit(f"wrk printed no result for {url}:\n{out}")
    return json.loads(line[len("BENCH-RESULT ") :])


def drain(url: str, timeout: float = 120) -> None:
    """Wait until the server has finished the requests wrk left in flight.

    wrk stops sending when its time is up, but the server still works through
    what it accepted; without this the next measurement would queue behind
    the previous page's slowest requests.
    """
    base = url.split("/", 3)
    healthz = f"{base[0]}//{base[2]}/healthz"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        fetch(healthz)
        if time.monotonic() - started < 0.05:
            return


def wrk(url: str, seconds: int, connections: int) -> dict:
    command = wrk_command(url, seconds, connections)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    drain(url)
    return parse_wrk(out, url)


def wrk_parallel(urls: list[str], seconds: int, connections: int) -> list[dict]:
    """One wrk process per URL, all at once; returns their results."""
    procs = [
        subprocess.Popen(wrk_command(url, seconds, connections), stdout=subprocess.PIPE, text=True)
        for url in urls
    ]
    results = [parse_wrk(proc.communicate()[0], url) for proc, url in zip(procs, urls, strict=True)]
    for url in urls:
        drain(url)
    return results


# ---------------------------------------------------------------------- modes


def _median(values):
    return statistics.median(values) if values else 0


def combine(parts: list[dict]) -> dict:
    """Rounds of one URL: the median round's throughput and latencies, all errors."""
    median = _median

    return {
        "rps": median([part["rps"] for part in parts]),
        "requests": sum(part["requests"] for part in parts),
        "bytes": sum(part["bytes"] for part in parts),
        "non_2xx_3xx": sum(part["non_2xx_3xx"] for part in parts),
        "socket_errors": sum(part["socket_errors"] for part in parts),
        "latency_ms": {
            "p50": median([part["latency_ms"]["p50"] for part in parts]),
            "p99": median([part["latency_ms"]["p99"] for part in parts]),
            "worst_p99": max(part["latency_ms"]["p99"] for part in parts),
            "max": max(part["latency_ms"]["max"] for part in parts),
        },
        "rounds": parts,
    }


def run_mode(mode: str, args, env, paths: dict, workdir: Path) -> dict:
    mode_env = dict(env)
    if mode == "cached":
        mode_env["REDIS_URL"] = args.redis
        mode_env["PAGE_CACHE"] = "1"
        import redis

        redis.Redis.from_url(args.redis).flushdb()
    else:
        mode_env["PAGE_CACHE"] = "0"
    log(f"[{mode}] starting gunicorn: {args.workers} workers x {args.threads} threads")
    server = Server(
        mode_env, args.port, args.workers, args.threads, workdir / f"gunicorn-{mode}.log"
    )
    results: dict = {"pages": {}, "headers": {}}
    try:
        for key, _label, _path in PAGES:
            url = server.base + paths[key]
            status, headers = fetch(url)
            if status != 200:
                sys.exit(f"[{mode}] {url} answered {status}")
            results["headers"][key] = {
                name: headers.get(name)
                for name in (
                    "Cache-Control",
                    "ETag",
                    "Last-Modified",
                    "X-Page-Cache",
                    "Content-Encoding",
                    "Vary",
                )
                if headers.get(name)
            }
        for key, _label, _path in PAGES:
            wrk(server.base + paths[key], args.warmup, args.connections)
        # Rounds over every URL in turn, so a burst of load from elsewhere on a
        # shared machine hits one round of each page rather than all of one page.
        rounds: dict[str, list[dict]] = {key: [] for key, _l, _p in PAGES}
        for number in range(1, args.rounds + 1):
            for key, label, _path in PAGES:
                result = wrk(server.base + paths[key], args.duration, args.connections)
                rounds[key].append(result)
                lat = result["latency_ms"]
                log(
                    f"[{mode}] round {number} {label:<34} {result['rps']:8.1f} req/s"
                    f"  p50 {lat['p50']:7.2f} ms  p99 {lat['p99']:7.2f} ms"
                    f"  non-2xx {result['non_2xx_3xx']}  errors {result['socket_errors']}"
                )
        results["pages"] = {key: combine(parts) for key, parts in rounds.items()}
        results["memory"] = server.memory()
    finally:
        server.stop()
    return results


def run_scale_out(args, env, paths: dict, workdir: Path) -> dict:
    """One instance against two, each instance 1 worker × threads.

    Two instances (ports 8100 and 8101) run throughout, sharing one PostgreSQL
    and, with the page cache on, one Redis. "1 instance" drives only the first
    (the second sits idle), "2 instances" drives both at once, one wrk each
    with half the connections, throughput summed. The two are measured in
    alternation, ``--rounds`` times, and the median round is reported, so
    outside load on a shared machine affects both alike.
    """
    import redis

    results: dict = {}
    for mode in ("cached", "uncached"):
        mode_env = dict(env, PAGE_CACHE="1" if mode == "cached" else "0")
        if mode == "cached":
            mode_env["REDIS_URL"] = args.redis
            redis.Redis.from_url(args.redis).flushdb()
        keys = [key for key, page_mode in SCALE_OUT_PAGES if page_mode == mode]
        log(f"[scale-out] {mode}: 2 instances, 1 worker x {args.threads} threads each")
        servers = [
            Server(
                mode_env, args.port + n, 1, args.threads, workdir / f"gunicorn-scale-{mode}-{n}.log"
            )
            for n in range(2)
        ]
        try:
            for key in keys:
                for server in servers:
                    wrk(server.base + paths[key], args.warmup, args.connections)
            rounds: dict = {key: {1: [], 2: []} for key in keys}
            for _number in range(args.rounds):
                for key in keys:
                    for instances in (1, 2):
                        urls = [server.base + paths[key] for server in servers[:instances]]
                        parts = wrk_parallel(urls, args.duration, args.connections // instances)
                        rounds[key][instances].append(
                            {
                                "rps": sum(part["rps"] for part in parts),
                                "p99": max(part["latency_ms"]["p99"] for part in parts),
                                "requests": sum(part["requests"] for part in parts),
                                "non_2xx_3xx": sum(part["non_2xx_3xx"] for part in parts),
                            }
                        )
            for key in keys:
                for instances in (1, 2):
                    parts = rounds[key][instances]
                    combined = {
                        "mode": mode,
                        "rps": _median([part["rps"] for part in parts]),
                        "p99": _median([part["p99"] for part in parts]),
                        "requests": sum(part["requests"] for part in parts),
                        "non_2xx_3xx": sum(part["non_2xx_3xx"] for part in parts),
                        "rounds": parts,
                    }
                    results.setdefault(key, {})[instances] = combined
                    log(
                        f"[scale-out] {key:<8} x{instances}: {combined['rps']:8.1f} req/s"
                        f"  p99 {combined['p99']:.1f} ms"
                    )
        finally:
            for server in servers:
                server.stop()
    return results


# -------------------------------------------------------------------- report


def report(data: dict) -> str:
    labels = {key: label for key, label, _path in PAGES}
    lines = []
    counts = data["probe"]["counts"]
    lines.append(
        f"Data: {counts['organizations']:,} organizations, {counts['roles']:,} roles, "
        f"{counts['papers']:,} papers (scale {data['scale']})."
    )
    gen = data.get("generate")
    if gen:
        lines.append(
            f"Generator: {gen['rows']:,} rows in {gen['seconds']:.0f} s, "
            f"peak memory (ru_maxrss) {gen['peak_rss_mb']} MB."
        )
    lines.append(
        f"Load average before the run: {data['loadavg_before']}; after: {data['loadavg_after']}."
    )
    lines.append("")
    modes = [m for m in ("cached", "uncached") if m in data["modes"]]
    if modes:
        header = "| Page | URL |"
        rule = "| --- | --- |"
        for mode in modes:
            header += f" {mode} req/s | p50 ms | p99 ms | × floor |"
            rule += " ---: | ---: | ---: | ---: |"
        header += " queries | KB | KB sent |"
        rule += " ---: | ---: | ---: |"
        lines += [header, rule]
        for key, _label, _path in PAGES:
            row = f"| {labels[key]} | `{data['probe']['paths'][key]}` |"
            for mode in modes:
                pages = data["modes"][mode]["pages"]
                floor = pages["healthz"]["rps"]
                result = pages[key]
                lat = result["latency_ms"]
                if not result["requests"]:
                    row += " 0 | – | – | 0 |"
                    continue
                ratio = result["rps"] / floor if floor else 0
                row += (
                    f" {result['rps']:,.0f} | {lat['p50']:.1f} | {lat['p99']:.1f} | {ratio:.2f} |"
                )
            queries = data["probe"]["queries"].get(key, "–")
            size = data["probe"]["bytes"].get(key)
            row += f" {queries} | {size / 1024:.0f} |" if size else f" {queries} | – |"
            # Bytes per response on the wire (headers included) in the first mode.
            first = data["modes"][modes[0]]["pages"][key]
            row += f" {first['bytes'] / max(first['requests'], 1) / 1024:.1f} |"
            lines.append(row)
        lines.append("")
        lines.append("Response headers (first mode):")
        for key in ("static", "home"):
            headers = data["modes"][modes[0]]["headers"].get(key, {})
            shown = "; ".join(f"{name}: {value}" for name, value in headers.items())
            lines.append(f"- {labels[key]}: {shown}")
        lines.append("")
        lines.append("| Mode | worker | VmRSS MB | VmHWM MB |")
        lines.append("| --- | --- | ---: | ---: |")
        for mode in modes:
            for pid, mem in data["modes"][mode]["memory"]["workers"].items():
                lines.append(
                    f"| {mode} | {pid} | {mem.get('VmRSS', '?')} | {mem.get('VmHWM', '?')} |"
                )
    alone = data["probe"].get("alone", {})
    if alone:
        lines.append("")
        lines.append("One request at a time, page cache off (Django test client, median of 5):")
        lines.append("")
        lines.append("| Page | wall ms | SQL ms | rest (Python) ms |")
        lines.append("| --- | ---: | ---: | ---: |")
        for key in HTML_PAGES:
            if key in alone:
                wall, sql = alone[key]["wall_ms"], alone[key]["sql_ms"]
                lines.append(f"| {labels[key]} | {wall:.0f} | {sql:.0f} | {wall - sql:.0f} |")
    misses = data["probe"].get("misses", [])
    if misses:
        lines.append("")
        lines.append(
            "Every page type, one request at a time, page cache off (test client,"
            " median and 90th percentile of BENCH_MISS_REPEATS=15):"
        )
        lines.append("")
        lines.append("| Kind | Page | URL | p50 ms | p90 ms | budget | queries |")
        lines.append("| --- | --- | --- | ---: | ---: | ---: | ---: |")
        for miss in misses:
            budget = MISS_BUDGET_MS[miss["kind"]]
            lines.append(
                f"| {miss['kind']} | {miss['name']} | `{miss['path']}` | {miss['p50_ms']:.1f} |"
                f" {miss['p90_ms']:.1f} | {budget} | {miss['queries']} |"
            )
    if data.get("scale_out"):
        lines.append("")
        lines.append(
            "| Page | mode | 1 instance req/s | p99 ms | 2 instances req/s | p99 ms | gain |"
        )
        lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for key, by_n in data["scale_out"].items():
            one, two = by_n[1], by_n[2]
            gain = f"{two['rps'] / one['rps']:.2f}×" if one["rps"] else "–"
            lines.append(
                f"| {labels[key]} | {one['mode']} | {one['rps']:,.0f} | {one['p99']:.1f} | "
                f"{two['rps']:,.0f} | {two['p99']:.1f} | {gain} |"
            )
    lines.append("")
    lines.append("Budgets:")
    for check, ok in budget_checks(data):
        lines.append(f"- {'PASS' if ok else 'FAIL'}: {check}")
    return "\n".join(lines)


def budget_checks(data: dict) -> list[tuple[str, bool]]:
    checks = []
    labels = {key: label for key, label, _path in PAGES}
    for miss in data["probe"].get("misses", []):
        budget = MISS_BUDGET_MS[miss["kind"]]
        checks.append(
            (
                f"miss, alone: {miss['kind']} {miss['name']} p50 {miss['p50_ms']:.1f} ms"
                f" <= {budget} ms (HTTP {miss['status']})",
                miss["p50_ms"] <= budget and miss["status"] == 200,
            )
        )
        checks.append(
            (
                f"queries: {miss['kind']} {miss['name']} {miss['queries']} <= {QUERY_BUDGET}",
                miss["queries"] <= QUERY_BUDGET,
            )
        )
    for mode, results in data["modes"].items():
        pages = results["pages"]
        floor = pages["healthz"]["rps"]
        for key in HTML_PAGES:
            if not pages[key]["requests"]:
                checks.append((f"{mode}: {labels[key]} completed no request at all", False))
                continue
            p99 = pages[key]["latency_ms"]["p99"]
            checks.append(
                (
                    f"{mode}: {labels[key]} p99 {p99:.1f} ms < {P99_BUDGET_MS} ms",
                    p99 < P99_BUDGET_MS,
                )
            )
            if mode == "cached":
                ratio = pages[key]["rps"] / floor if floor else 0
                checks.append(
                    (
                        f"cached: {labels[key]} at {ratio:.2f}× the trivial view"
                        f" (≥ {CACHED_RATIO_BUDGET})",
                        ratio >= CACHED_RATIO_BUDGET,
                    )
                )
            bad = pages[key]["non_2xx_3xx"] + pages[key]["socket_errors"]
            if bad:
                checks.append((f"{mode}: {labels[key]} had {bad} errors", False))
        for pid, mem in results["memory"]["workers"].items():
            hwm = mem.get("VmHWM", 0)
            checks.append(
                (
                    f"{mode}: worker {pid} peak RSS {hwm} MB < {WORKER_RSS_BUDGET_MB} MB",
                    hwm < WORKER_RSS_BUDGET_MB,
                )
            )
    return checks


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the database generated last time."
    )
    parser.add_argument("--modes", default="cached,uncached")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--duration", type=int, default=4, help="Seconds of load per URL and round."
    )
    parser.add_argument("--rounds", type=int, default=3, help="Rounds over every URL.")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of warm-up load per URL.")
    parser.add_argument("--scale-out", action="store_true", help="Also compare 1 and 2 instances.")
    parser.add_argument(
        "--log-level", default="INFO", help="The app's LOG_LEVEL (access lines at INFO)."
    )
    parser.add_argument("--json", help="Write the raw results to this file.")
    args = parser.parse_args()
    if WRK is None:
        sys.exit("wrk is not installed: run `make bench-deps` (Debian's wrk package).")

    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="fieldguide-bench-"))
    static_root = workdir / "static"
    env = base_env(args, str(static_root))
    data: dict = {"scale": args.scale, "loadavg_before": loadavg(), "workdir": str(workdir)}
    log(f"work directory {workdir}; load average {data['loadavg_before']}")

    if not args.reuse:
        data["generate"] = prepare_database(args, env)
    else:
        log(f"migrating {urlparse(args.database).path.lstrip('/')} (reused)")
        run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    log("collecting static files")
    run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    log("counting queries per page")
    data["probe"] = probe(env)
    paths = data["probe"]["paths"]

    data["modes"] = {}
    for mode in [m for m in args.modes.split(",") if m]:
        data["modes"][mode] = run_mode(mode, args, env, paths, workdir)
    if args.scale_out:
        data["scale_out"] = run_scale_out(args, env, paths, workdir)
    data["loadavg_after"] = loadavg()
    data["elapsed_s"] = round(time.perf_counter() - started)

    text = report(data)
    print()
    print(text)
    print()
    print(f"Whole run: {data['elapsed_s']} s. Server logs in {workdir}.")
    if args.json:
        Path(args.json).write_text(json.dumps(data, indent=2))
    shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
