"""Crawl a running site the way a reader would and record what every URL answers.

    python bench/crawl.py http://127.0.0.1:8000 --out crawl.json [--save-bodies DIR]
    python bench/crawl.py --compare before.json after.json

Starts at the home page, ``/sitemap.xml``, ``/robots.txt``, ``/feed.atom`` and
``/api/schema/``, follows every same-site link in HTML (``href``/``src``), in
Atom feeds and sitemaps and every URL in the API's JSON (``page_url``,
``next``…), and records each URL's status code and content type (and, with
``--save-bodies``, the body). Query strings are kept (facet links), so a
listing's filters are crawled too, up to ``--max-params`` parameters at once;
``--limit`` bounds the number of URLs.

``--compare`` lists the URLs that answered 200 in the first crawl and do not
answer 200 in the second: the check behind "every URL still works" for a
refactor. The admin is not crawled.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

SEEDS = ("/", "/sitemap.xml", "/robots.txt", "/feed.atom", "/api/schema/", "/api/v1/roles/")
SKIP_PREFIXES = ("/admin/", "/static/")
URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>]+")


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value and tag != "form":
                self.links.append(value)


def links_in(body: str, content_type: str) -> list[str]:
    if "html" in content_type:
        parser = LinkParser()
        parser.feed(body)
        return parser.links
    if "xml" in content_type or "json" in content_type or "atom" in content_type:
        found = [m.rstrip(",.;)]}\\") for m in URL_IN_TEXT.findall(body)]
        found += re.findall(r'href="([^"]+)"', body)
        return found
    return []


def crawl(base: str, limit: int, save: Path | None, max_params: int = 2) -> dict[str, dict]:
    base = base.rstrip("/")
    host = urllib.parse.urlsplit(base).netloc
    queue = deque(base + seed for seed in SEEDS)
    seen = set(queue)
    results: dict[str, dict] = {}
    while queue and len(results) < limit:
        url = queue.popleft()
        path = url[len(base) :] or "/"
        request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, raw = error.code, error.headers, error.read()
        content_type = headers.get("Content-Type", "")
        body = raw.decode("utf-8", "replace")
        results[path] = {
            "status": status,
            "type": content_type.split(";")[0],
            "sha256": hashlib.sha256(raw).hexdigest(),
        }
        if save is not None:
            name = hashlib.sha256(path.encode()).hexdigest()[:20]
            (save / name).write_bytes(raw)
            results[path]["file"] = name
        if status != 200:
            continue
        for link in links_in(body, content_type):
            absolute = urllib.parse.urljoin(url, link.replace("&amp;", "&"))
            parts = urllib.parse.urlsplit(absolute)
            if parts.netloc != host or parts.scheme not in ("http", "https"):
                continue
            if parts.path.startswith(SKIP_PREFIXES):
                continue
            if len(urllib.parse.parse_qsl(parts.query)) > max_params:
                continue  # facet combinations multiply; a few parameters cover every filter
            clean = urllib.parse.urlunsplit(
                (parts.scheme, parts.netloc, parts.path, parts.query, "")
            )
            if clean not in seen:
                seen.add(clean)
                queue.append(clean)
    return results


def compare(before: dict, after: dict) -> list[str]:
    return sorted(
        f"{path}: {after.get(path, {}).get('status', 'not crawled')}"
        for path, row in before.items()
        if row["status"] == 200 and after.get(path, {}).get("status") != 200
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", help="The site, e.g. http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--limit", type=int, default=20_000)
    parser.add_argument("--save-bodies", type=Path)
    parser.add_argument(
        "--max-params", type=int, default=2, help="Skip URLs with more query parameters."
    )
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(p.read_text()) for p in args.compare)
        missing = compare(before, after)
        ok = sum(1 for row in before.values() if row["status"] == 200)
        print(f"{ok} URLs answered 200 before; {len(missing)} of them do not now.")
        for line in missing:
            print("  " + line)
        return 1 if missing else 0
    if not args.base:
        parser.error("give the site's base URL or --compare")
    if args.save_bodies:
        args.save_bodies.mkdir(parents=True, exist_ok=True)
    results = crawl(args.base, args.limit, args.save_bodies, args.max_params)
    statuses: dict[int, int] = {}
    for row in results.values():
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    print(f"{len(results)} URLs: " + ", ".join(f"{n}×{s}" for s, n in sorted(statuses.items())))
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
