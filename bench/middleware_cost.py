"""What each middleware costs on the request path (in-process, no network).

    DEBUG=0 .venv/bin/python bench/middleware_cost.py [--requests 3000] [--path /healthz]

Builds Django's WSGI handler with the project's ``MIDDLEWARE`` and then with
each middleware left out in turn, and times ``--requests`` calls of ``--path``
through each (median of 5 runs). The difference is that middleware's cost per
request. Run it on a quiet machine; the numbers move with the load.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-middleware-cost-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.test.utils import override_settings  # noqa: E402


def environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }


def time_stack(middleware: list[str], path: str, requests: int) -> float | None:
    """µs per request through ``middleware``; None if the stack does not work
    without the one left out (another middleware needs it)."""
    with override_settings(MIDDLEWARE=middleware):
        handler = WSGIHandler()
        statuses = []
        start_response = lambda status, headers: statuses.append(status)  # noqa: E731
        logging.disable(logging.CRITICAL)
        try:
            b"".join(handler(environ(path), start_response))
        finally:
            logging.disable(logging.NOTSET)
        if not statuses[0].startswith("200"):
            return None
        for _ in range(200):  # warm
            b"".join(handler(environ(path), start_response))
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(requests):
                b"".join(handler(environ(path), start_response))
            runs.append((time.perf_counter() - started) / requests * 1e6)
        return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--path", default="/healthz")
    args = parser.parse_args()
    stack = list(settings.MIDDLEWARE)
    full = time_stack(stack, args.path, args.requests)
    bare = time_stack([], args.path, args.requests)
    print(f"| Stack | µs per request ({args.path}) |\n| --- | ---: |")
    print(f"| full ({len(stack)} middleware) | {full:.1f} |")
    print(f"| none | {bare:.1f} |")
    print("\n| Left out | µs saved |\n| --- | ---: |")
    for name in stack:
        without = time_stack([m for m in stack if m != name], args.path, args.requests)
        saved = "needed by another middleware" if without is None else f"{full - without:.1f}"
        print(f"| `{name}` | {saved} |")


if __name__ == "__main__":
    main()
