"""What each middleware costs on the request path (in-process, no network).

    DEBUG=0 .venv/bin/python bench/middleware_cost.py [--rounds 40] [--requests 200]
        [--path /healthz] [--clock wall|cpu] [--no-log] [--seed 1]

Built for a shared, noisy machine:

1. **Stacks, interleaved.** Django's WSGI handler is built once with the
   project's ``MIDDLEWARE`` ("full"), once with none, and once with each
   middleware left out in turn, and the floor: a one-line ``HttpResponse`` view
   with no middleware and a URLconf of its own (``bench/bare_wsgi.py``'s view).
   Every round makes ``--requests`` calls of
   ``--path`` through every stack, the stacks taking turns call by call in a
   fresh random order, so a burst of load from another process hits all stacks
   alike. Each call is timed alone and a round keeps each stack's median call
   (a call during which another process took the CPU is an outlier);
   ``--clock cpu`` counts this process's CPU time instead of the wall clock.
   A middleware's cost is the paired difference *full − without it* within
   each round; the table gives the median over the rounds and the
   interquartile range (p25–p75) as the spread.
2. **Each middleware's own time.** The full stack is built once more with
   every middleware wrapped in a timer (its ``__call__``, and its
   ``process_view`` when it has one); a middleware's own time is its inclusive
   time minus the next one's, per request; the table gives the median over all
   requests (a request disturbed by another process is an outlier a median
   ignores). "URL resolving + view" is what is left inside the innermost one.

The access-log line is emitted as in production (``LOG_LEVEL=INFO``, the JSON
formatter) but written to ``/dev/null``, so its cost is counted; ``--no-log``
leaves it out. Numbers still move with the machine: report ``uptime``'s load
average with them.
"""

from __future__ import annotations

import argparse
import gc
import io
import logging
import os
import random
import statistics
import sys
import time
import types
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-middleware-cost-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "INFO")

import django

# WhiteNoise warns when STATIC_ROOT was never collected; /healthz needs no files.
warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import re_path  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

CLOCKS = {"cpu": time.process_time_ns, "wall": time.perf_counter_ns}
# Timer wrappers live in this fake module so MIDDLEWARE can name them by path.
TIMED = types.ModuleType("bench_timed_middleware")
sys.modules[TIMED.__name__] = TIMED


def environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "HTTP_USER_AGENT": "wrk",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }


def log_to_devnull(enabled: bool) -> None:
    """Keep the production formatter, write its lines nowhere (or log nothing)."""
    devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(devnull)
    if not enabled:
        logging.getLogger("fieldguide.access").setLevel(logging.WARNING)


def build(middleware: list[str], handler_class=WSGIHandler) -> WSGIHandler:
    with override_settings(MIDDLEWARE=middleware):
        return handler_class()  # reads MIDDLEWARE now, never again


def bare(request):
    return HttpResponse("ok")


# The floor, as bench/bare_wsgi.py serves it: a one-line view, no middleware,
# a URLconf of its own (here with the project's apps, signals and settings).
FLOOR = types.ModuleType("bench_floor_urls")
FLOOR.urlpatterns = [re_path(r"", bare)]
sys.modules[FLOOR.__name__] = FLOOR


class FloorHandler(WSGIHandler):
    def get_response(self, request):
        request.urlconf = FLOOR.__name__
        return super().get_response(request)


def call(handler, path: str) -> str:
    statuses = []
    b"".join(handler(environ(path), lambda status, headers: statuses.append(status)))
    return statuses[0]


def run_round(handlers: dict, path: str, requests: int, clock, rng) -> dict[str, float]:
    """One round: ``requests`` calls through every stack, the stacks taking turns
    call by call in a fresh random order, each call timed alone. Returns each
    stack's median call in µs: a call during which another process took the CPU
    is an outlier the median ignores, and a burst of load hits every stack alike."""
    start_response = lambda status, headers: None  # noqa: E731
    env = environ(path)
    labels = list(handlers)
    times: dict[str, list[int]] = {label: [] for label in labels}
    gc.collect()
    for _ in range(requests):
        rng.shuffle(labels)
        for label in labels:
            request_env = dict(env, **{"wsgi.input": io.BytesIO(b"")})
            started = clock()
            b"".join(handlers[label](request_env, start_response))
            times[label].append(clock() - started)
    return {label: statistics.median(values) / 1000 for label, values in times.items()}


def quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def fmt(values: list[float]) -> str:
    q1, q2, q3 = quartiles(values)
    return f"| {q2:.1f} | {q1:.1f}–{q3:.1f} |"


# ------------------------------------------------------------ own time per middleware


def make_timed(index: int, path: str | None, inclusive: list, view_hooks: list):
    """A middleware factory timing ``path``'s middleware (or, with None, nothing:
    the innermost marker, whose inclusive time is URL resolving + views)."""
    real = import_string(path) if path else None

    class Timed:
        def __init__(self, get_response):
            self.inner = real(get_response) if real else get_response
            hook = getattr(self.inner, "process_view", None) if real else None
            if hook is not None:

                def process_view(*args, **kwargs):
                    started = time.perf_counter_ns()
                    try:
                        return hook(*args, **kwargs)
                    finally:
                        view_hooks[index] += time.perf_counter_ns() - started

                self.process_view = process_view
            for name in ("process_exception", "process_template_response"):
                if real and hasattr(self.inner, name):
                    setattr(self, name, getattr(self.inner, name))

        def __call__(self, request):
            started = time.perf_counter_ns()
            response = self.inner(request)
            inclusive[index] = time.perf_counter_ns() - started
            return response

    name = f"Timed{index}"
    setattr(TIMED, name, Timed)
    return f"{TIMED.__name__}.{name}"


def own_times(stack: list[str], path: str, requests: int) -> dict[str, list[float]]:
    n = len(stack)
    inclusive = [0] * (n + 1)
    view_hooks = [0] * n
    timed = [make_timed(i, p, inclusive, view_hooks) for i, p in enumerate(stack)]
    timed.append(make_timed(n, None, inclusive, view_hooks))
    handler = build(timed)
    for _ in range(200):
        call(handler, path)
    samples: dict[str, list[float]] = {name: [] for name in [*stack, "URL resolving + view"]}
    samples["whole stack (inclusive)"] = []
    for _ in range(requests):
        view_hooks[:] = [0] * n
        call(handler, path)
        for i, name in enumerate(stack):
            samples[name].append((inclusive[i] - inclusive[i + 1] + view_hooks[i]) / 1000)
        samples["URL resolving + view"].append((inclusive[n] - sum(view_hooks)) / 1000)
        samples["whole stack (inclusive)"].append(inclusive[0] / 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--requests", type=int, default=200, help="per stack per round")
    parser.add_argument("--path", default="/healthz")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    parser.add_argument("--no-log", action="store_true", help="leave out the access-log line")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    log_to_devnull(not args.no_log)
    clock = CLOCKS[args.clock]
    rng = random.Random(args.seed)

    stack = list(settings.MIDDLEWARE)
    stacks = {"full": stack, "none": [], "floor": []}
    for name in stack:
        stacks[name] = [m for m in stack if m != name]
    handlers, broken = {}, []
    logging.disable(logging.CRITICAL)
    try:
        for label, middleware in stacks.items():
            handler = build(middleware, FloorHandler if label == "floor" else WSGIHandler)
            if call(handler, args.path).startswith("200"):
                handlers[label] = handler
            else:
                broken.append(label)
    finally:
        logging.disable(logging.NOTSET)
    for handler in handlers.values():
        for _ in range(200):
            call(handler, args.path)

    samples: dict[str, list[float]] = {label: [] for label in handlers}
    for _ in range(args.rounds):
        for label, median in run_round(handlers, args.path, args.requests, clock, rng).items():
            samples[label].append(median)

    print(
        f"{args.rounds} rounds × {args.requests} requests of {args.path} per stack, "
        f"interleaved call by call, median call per round; {args.clock} clock; access log "
        f"{'off' if args.no_log else 'on (to /dev/null)'}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
    )
    print(f"| Stack | µs per request ({args.path}), median | p25–p75 |\n| --- | ---: | ---: |")
    print(f"| full ({len(stack)} middleware) {fmt(samples['full'])}")
    print(f"| none {fmt(samples['none'])}")
    print(f"| bare view (as bench/bare_wsgi.py) {fmt(samples['floor'])}")
    diff = [f - b for f, b in zip(samples["full"], samples["none"], strict=True)]
    print(f"| all middleware (paired difference) {fmt(diff)}")
    ratio = [b / f for f, b in zip(samples["full"], samples["floor"], strict=True)]
    q1, q2, q3 = quartiles(ratio)
    print(
        f'| bare view ÷ full, per round (in-process "req/s ratio") | {q2:.2f} | {q1:.2f}–{q3:.2f} |'
    )

    print("\n| Left out | µs saved (median of paired differences) | p25–p75 |")
    print("| --- | ---: | ---: |")
    for name in stack:
        if name in broken:
            print(f"| `{name}` | needed by another middleware | |")
            continue
        saved = [f - w for f, w in zip(samples["full"], samples[name], strict=True)]
        print(f"| `{name}` {fmt(saved)}")

    own = own_times(stack, args.path, args.rounds * args.requests // 4)
    print(
        "\n| Own time (timer around each `__call__`, wall clock) | µs, median | p25–p75 |"
        "\n| --- | ---: | ---: |"
    )
    for name, values in own.items():
        label = f"`{name}`" if name in stack else name
        print(f"| {label} {fmt(values)}")


if __name__ == "__main__":
    main()
