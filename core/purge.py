"""Purging shared caches (Varnish, a CDN) by surrogate key when content changes.

Every anonymous page carries its dependency keys (``core.cache``:
``Surrogate-Key`` and ``xkey``); ``purge(keys)`` asks the configured purger to
drop every stored page with any of them. Settings:

* ``PAGE_CACHE_PURGER`` — dotted path of a class with ``purge(keys)``
  (``core.purge.VarnishPurger``; empty: no shared cache, nothing to purge);
* ``PAGE_CACHE_PURGE_URL`` — where the Varnish purger sends ``PURGE`` requests
  (e.g. ``http://127.0.0.1:6081/``);
* ``PAGE_CACHE_PURGE_ASYNC`` — send from a background thread (default on), so a
  slow or dead purge endpoint never delays an editor's save.

A failed purge never fails the save: it is logged, retried (``PURGE_ATTEMPTS``
times, with a pause), and the keys still not purged are kept in the cache
(``PENDING_KEY``) and sent again with the next purge. ``retry_pending()``
sends them on demand.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

logger = logging.getLogger("fieldguide.cache")

PENDING_KEY = "pagecache:purge:pending"
PURGE_ATTEMPTS = 3
RETRY_PAUSE = 0.5  # seconds, doubled after each failed attempt
# Keys per request (xkey headers stay well under Varnish's 8 KB header limit).
BATCH = 100

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


class VarnishPurger:
    """``PURGE`` with the keys in an ``xkey-purge`` header (deploy/varnish/default.vcl)."""

    def __init__(self, url: str | None = None, timeout: float = 2.0):
        self.url = url or getattr(settings, "PAGE_CACHE_PURGE_URL", "")
        self.timeout = timeout

    def purge(self, keys) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError("PAGE_CACHE_PURGE_URL must be an http(s) URL")
        keys = sorted(keys)
        for start in range(0, len(keys), BATCH):
            request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
                self.url,
                method="PURGE",
                headers={"xkey-purge": " ".join(keys[start : start + BATCH])},
            )
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if response.status >= 400:
                    raise OSError(f"purge answered {response.status}")


@functools.cache
def _purger_for(path: str):
    return import_string(path)()


def get_purger():
    path = getattr(settings, "PAGE_CACHE_PURGER", "")
    return _purger_for(path) if path else None


def _pending() -> set[str]:
    try:
        return set(cache.get(PENDING_KEY) or ())
    except Exception:
        return set()


def _send(purger, keys: set[str]) -> bool:
    pause = RETRY_PAUSE
    for attempt in range(1, PURGE_ATTEMPTS + 1):
        try:
            purger.purge(keys)
            return True
        except Exception as error:
            logger.warning(
                "Purging %d keys from the shared cache failed (attempt %d of %d): %s",
                len(keys),
                attempt,
                PURGE_ATTEMPTS,
                error,
            )
            if attempt < PURGE_ATTEMPTS:
                time.sleep(pause)
                pause *= 2
    return False


def _run(purger, keys: set[str]) -> None:
    with _lock:
        keys = keys | _pending()
        if _send(purger, keys):
            try:
                cache.delete(PENDING_KEY)
            except Exception:
                logger.debug("Could not clear the pending purges")
            return
        logger.error("Shared cache purge failed; %d keys kept to retry", len(keys))
        try:
            cache.set(PENDING_KEY, sorted(keys), timeout=None)
        except Exception:
            logger.exception("Could not keep the keys of a failed purge")


def purge(keys) -> None:
    """Purge ``keys`` (and any left from a failed purge) from the shared cache."""
    purger = get_purger()
    if purger is None:
        return
    keys = set(keys)
    if not getattr(settings, "PAGE_CACHE_PURGE_ASYNC", True):
        _run(purger, keys)
        return
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="purge")
    _executor.submit(_run, purger, keys)


def retry_pending() -> int:
    """Send the keys left from failed purges now; returns how many were pending."""
    purger = get_purger()
    keys = _pending()
    if purger is not None and keys:
        _run(purger, set())
    return len(keys)
