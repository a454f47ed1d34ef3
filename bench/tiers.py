"""The cache tiers, keep-alive: the bare-Django floor, /healthz, page-cache hits,
Varnish hits, an edit seen through Varnish, a miss storm, worker memory.

Needs the database ``bench/run.py`` builds (run it once, or with ``--reuse``),
Redis, wrk and Varnish (Debian ``varnish`` + ``varnish-modules``)::

    .venv/bin/python bench/tiers.py                       # wrk -t2 -c16, 8 s per URL
    .venv/bin/python bench/tiers.py --duration 3          # a quick look

1. gunicorn (``config/gunicorn.py``, 2 workers × 2 threads) serves
   ``bench/bare_wsgi.py`` — a one-line ``HttpResponse`` with no middleware —
   on port 8102: the floor every other number is divided by;
2. the site on 8100 with the Redis page cache and ``PAGE_CACHE_PURGER`` =
   ``core.purge.VarnishPurger`` pointing at Varnish on 6081
   (``deploy/varnish/default.vcl``, backend port rewritten);
3. ``wrk -t2 -c16`` with keep-alive (``BENCH_KEEPALIVE=1``) on the floor,
   ``/healthz``, cached pages through Django, and the same pages through
   Varnish;
4. **edit visible**: a role page is fetched through Varnish (a hit), the
   role's summary is saved as an editor would (``manage.py shell``: a model
   ``save()``, which purges its keys), and the next request through Varnish
   must show the new summary;
5. **storm**: the role is saved again and 16 requests for its page are sent at
   once to Django; ``X-Page-Cache`` counts how many rendered it (``miss``)
   and how many got the previous version (``stale``) or waited (``hit``);
6. every worker's memory (``VmRSS``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench

VARNISHD = "/usr/sbin/varnishd"
VCL = bench.ROOT / "deploy" / "varnish" / "default.vcl"


def _popen_app(self_module):
    original = subprocess.Popen

    def popen(cmd, *args, **kwargs):
        if cmd and cmd[-1] == "config.wsgi":
            cmd = [*cmd[:-1], self_module]
        return original(cmd, *args, **kwargs)

    return popen


def start_app(env, port, args, log_path, module="config.wsgi"):
    if module == "config.wsgi":
        return bench.Server(env, port, args.workers, args.threads, log_path)
    real = subprocess.Popen
    subprocess.Popen = _popen_app(module)
    try:
        return bench.Server(env, port, args.workers, args.threads, log_path)
    finally:
        subprocess.Popen = real


def start_varnish(workdir: Path, backend_port: int, port: int):
    workdir.chmod(0o755)  # varnishd reads the VCL as its own user
    vcl = workdir / "default.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8000"', f'.port = "{backend_port}"'))
    vcl.chmod(0o644)
    name = workdir / "varnish"
    subprocess.run(
        [
            VARNISHD,
            "-n",
            str(name),
            "-a",
            f"127.0.0.1:{port}",
            "-f",
            str(vcl),
            "-s",
            "malloc,128m",
            "-p",
            "thread_pools=1",
        ],
        check=True,
    )
    for _ in range(50):
        try:
            bench.fetch(f"http://127.0.0.1:{port}/healthz")
            break
        except OSError:
            time.sleep(0.2)
    return name


def stop_varnish(name: Path) -> None:
    pid_file = name / "_.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 15)


def get(url: str) -> tuple[int, dict, str]:
    request = urllib.request.Request(url)  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read().decode()


def shell(env, code: str) -> str:
    out = subprocess.run(
        [bench.PY, "manage.py", "shell", "-c", code],
        env=env,
        cwd=bench.ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def measure(url: str, args) -> dict:
    os.environ["BENCH_KEEPALIVE"] = "1"
    command = [
        bench.WRK,
        f"-t{args.wrk_threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        bench.LUA,
        url,
    ]
    subprocess.run(
        [*command[:1], "-t1", "-c2", "-d1s", url], capture_output=True, check=False
    )  # warm
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return bench.parse_wrk(out, url)


def measure_into(results: dict, label: str, url: str, args) -> None:
    """Fetch ``url`` once, measure it with wrk and record it under ``label``."""
    get(url)
    result = measure(url, args)
    results["rps"][label] = result["rps"]
    results["latency_ms"][label] = result["latency_ms"]
    bench.log(
        f"{label:<24} {result['rps']:9.1f} req/s  p99 {result['latency_ms']['p99']:.2f} ms"
        f"  non-2xx {result['non_2xx_3xx']}"
    )


def detail_path(env, key: str) -> str:
    """The URL of a published record in the middle of its table."""
    model = {"org": "organizations.models.Organization"}[key]
    module, name = model.rsplit(".", 1)
    code = (
        f"from {module} import {name} as M; qs = M.objects.published().order_by('pk');"
        "print(qs[qs.count() // 2].get_absolute_url())"
    )
    return shell(env, code).strip().splitlines()[-1]


def budget_checks(results: dict) -> list[tuple[str, bool]]:
    """Issue 16's targets for the tiers, as (statement, met) pairs."""
    ratio, latency = results["ratio"], results["latency_ms"]
    checks = [
        (f"/healthz at {ratio['/healthz']:.2f}× the bare view (≥ 0.8)", ratio["/healthz"] >= 0.8)
    ]
    for label in ("home, page-cache hit", "role, page-cache hit"):
        p99 = latency[label]["p99"]
        checks.append(
            (f"{label} at {ratio[label]:.2f}× the bare view (≥ 0.7)", ratio[label] >= 0.7)
        )
        checks.append((f"{label} p99 {p99:.1f} ms (< 25 ms)", p99 < 25))
    for label in ("home, Varnish hit", "role, Varnish hit"):
        checks.append((f"{label} at {ratio[label]:.2f}× the bare view (≥ 5)", ratio[label] >= 5))
    for label in ("role, cache off", "organization, cache off"):
        checks.append(
            (
                f"{label}, 16 connections, at {ratio[label]:.3f}× the bare view (≥ 0.05)",
                ratio[label] >= 0.05,
            )
        )
    edit = results.get("edit_visible", {})
    checks.append(
        ("an edit is visible through Varnish on the next request", bool(edit.get("visible")))
    )
    storm = results.get("storm", {})
    checks.append((f"16 requests after an edit rendered once: {storm}", storm.get("miss", 0) == 1))
    for pid, mem in results.get("memory", {}).get("workers", {}).items():
        hwm = mem.get("VmHWM", 0)
        checks.append((f"worker {pid} peak RSS {hwm} MB (< 150 MB)", 0 < hwm < 150))
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE_URL", bench.DEFAULT_DATABASE)
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", bench.DEFAULT_REDIS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--json")
    args = parser.parse_args()
    if bench.WRK is None:
        sys.exit("wrk is not installed")
    workdir = Path(tempfile.mkdtemp(prefix="bench-tiers-"))
    static_root = workdir / "static"
    env = bench.base_env(args, str(static_root))
    bench.run([bench.PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    paths = bench.probe(env)["paths"]
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    site_env = dict(
        env,
        REDIS_URL=args.redis,
        PAGE_CACHE="1",
        PAGE_CACHE_PURGER="core.purge.VarnishPurger",
        PAGE_CACHE_PURGE_URL="http://127.0.0.1:6081/",
    )
    results: dict = {"loadavg": bench.loadavg(), "rps": {}, "latency_ms": {}}
    floor = start_app(env, 8102, args, workdir / "floor.log", module="bench.bare_wsgi")
    site = varnish = None
    try:
        site = start_app(site_env, 8100, args, workdir / "site.log")
        varnish = start_varnish(workdir, 8100, 6081)
        targets = {
            "bare Django view": "http://127.0.0.1:8102/",
            "/healthz": "http://127.0.0.1:8100/healthz",
            "home, page-cache hit": "http://127.0.0.1:8100/",
            "role, page-cache hit": "http://127.0.0.1:8100" + paths["role"],
            "home, Varnish hit": "http://127.0.0.1:6081/",
            "role, Varnish hit": "http://127.0.0.1:6081" + paths["role"],
        }
        for label, url in targets.items():
            measure_into(results, label, url, args)
        # Misses under load: the same site with the page cache off (port 8103).
        uncached = start_app(dict(env, PAGE_CACHE="0"), 8103, args, workdir / "uncached.log")
        try:
            for label, key in (("role, cache off", "role"), ("organization, cache off", "org")):
                url = "http://127.0.0.1:8103" + (paths.get(key) or detail_path(env, key))
                measure_into(results, label, url, args)
        finally:
            uncached.stop()
        floor_rps = results["rps"]["bare Django view"] or 1
        results["ratio"] = {k: round(v / floor_rps, 4) for k, v in results["rps"].items()}

        # An edit, seen through Varnish on the next request.
        role_url = "http://127.0.0.1:6081" + paths["role"]
        slug = paths["role"].rstrip("/").rsplit("/", 1)[-1]
        _s, headers, _b = get(role_url)
        marker = f"Edited for the bench {time.time():.0f}"
        code = (
            "from careers.models import Role;"
            f"r = Role.objects.get(slug={slug!r}); r.summary = {marker!r}; r.save();"
            "import core.purge as p, time; time.sleep(1.5)"
        )
        shell(site_env, code)
        _s, after_headers, body = get(role_url)
        results["edit_visible"] = {
            "before": headers.get("X-Varnish-Cache"),
            "after": after_headers.get("X-Varnish-Cache"),
            "visible": marker in body,
        }
        bench.log(f"edit visible through Varnish on the next request: {results['edit_visible']}")

        # A miss storm: 16 requests at once for a page that was just invalidated.
        django_role = "http://127.0.0.1:8100" + paths["role"]
        get(django_role)
        shell(site_env, code.replace("Edited for", "Edited again for"))
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda _i: get(django_role)[1].get("X-Page-Cache"), range(16)))
        results["storm"] = {state: answers.count(state) for state in set(answers)}
        bench.log(f"16 requests after an edit: {results['storm']} (miss = rendered)")
        results["memory"] = site.memory()
        bench.log(f"worker memory: {results['memory']}")
        results["budgets"] = budget_checks(results)
    finally:
        if varnish is not None:
            stop_varnish(varnish)
        if site is not None:
            site.stop()
        floor.stop()
    print(json.dumps(results, indent=2))
    print("\nBudgets (issue 16):")
    for check, ok in results.get("budgets", []):
        print(f"- {'PASS' if ok else 'FAIL'}: {check}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
