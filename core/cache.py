"""Whole-page cache for anonymous readers, with conditional GET.

``PageCacheMiddleware`` stores the full response of an anonymous ``GET``/``HEAD``
for a reader URL in Django's cache (Redis when ``REDIS_URL`` is set, so every
instance shares it) and answers the next identical request from there, adding
an ``ETag`` and ``Last-Modified`` so browsers can revalidate with a 304.
Pages are stored gzipped and sent gzipped to browsers that accept it
(``Vary: Accept-Encoding``; each encoding has its own ``ETag``).

**Invalidation.** One global *content version* lives in the cache. Every save,
delete or many-to-many change of a record of a registered type, one of its
child rows (duties, FAQ, approaches, steps…), a taxonomy (organization types,
role categories), a tag or a tagging bumps it (``connect_cache_signals``,
connected in ``CoreConfig.ready``; the models from ``core.registry``), both
at once and again when the transaction commits.
Each stored page records the version it was rendered at and is served only
while that is still the current version, so the next request after an edit
renders afresh. A hit costs one cache round trip (``get_many`` of the
version, its state and the page).

**Scheduled publishing.** A record whose ``publish_at`` passes becomes visible
without any save. The earliest future ``publish_at`` of a published record is
computed (one indexed query per content type) whenever the version changes and
kept with it; once that moment passes the version is bumped, and no entry is
stored for longer than the time left until it (``page_cache_timeout``).

**What is never cached.** Requests with a session or messages cookie or an
``Authorization`` header (editors and staff previews: a draft can never reach
an anonymous reader, nor the reverse), the admin, ``/healthz`` and
``/readyz``; responses other than 200, streaming responses, responses that set
a cookie (a CSRF token, a session), ``Cache-Control: private/no-store/no-cache``
responses and responses that vary on anything but ``Cookie``.

Settings: ``PAGE_CACHE_ENABLED`` (env ``PAGE_CACHE``; when unset, on only if
the default cache is shared — Redis when ``REDIS_URL`` is set — since a
process-local cache cannot be invalidated across several worker processes;
the test settings' local-memory cache leaves it off), ``PAGE_CACHE_TIMEOUT``
(seconds an entry lives, default 600) and ``PAGE_CACHE_MAX_AGE``
(``Cache-Control: max-age`` sent to browsers, default 0: they revalidate every
time and get a 304).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

logger = logging.getLogger("fieldguide.cache")

VERSION_KEY = "pagecache:version"
STATE_KEY = "pagecache:state"
PAGE_KEY_PREFIX = "pagecache:page:"
CACHE_HEADER = "X-Page-Cache"

# Besides the registered records, their child rows and taxonomies: tags.
WATCHED_EXTRA_APPS = frozenset({"taggit"})

# Cookies whose presence means the request may be a logged-in editor's.
MESSAGES_COOKIE = "messages"
# Paths (without the leading slash) that are never cached besides the admin.
EXEMPT_PATHS = ("healthz", "readyz")
# Response headers that must never be replayed to another client.
UNSAFE_HEADERS = frozenset({"set-cookie", "x-request-id"})
# Smaller pages are stored and sent as they are.
MIN_COMPRESS_LENGTH = 512


# ----------------------------------------------------------------- the version


def _clock() -> float:
    """Epoch seconds (a function, so tests can move time without touching the cache's)."""
    return time.time()


def _initial_version() -> int:
    # Random, so a version evicted from the cache never restarts at a number
    # whose old entries might still be stored.
    return secrets.randbelow(1 << 48) + 1


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _initial_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_content_version() -> int | None:
    """Invalidate every cached page (cheap: one ``INCR``). Never raises."""
    try:
        try:
            return cache.incr(VERSION_KEY)
        except ValueError:  # not set yet (or evicted): any fresh value will do
            cache.add(VERSION_KEY, _initial_version(), timeout=None)
            return cache.get(VERSION_KEY)
    except Exception:  # a cache outage must not break an editor's save
        logger.exception("Could not bump the page cache's content version")
        return None


def next_scheduled_publish(now=None):
    """The earliest ``publish_at`` still in the future of any published record, or None."""
    from django.db.models import Min
    from django.utils import timezone

    from . import registry
    from .models import Status

    now = now or timezone.now()
    moments = []
    for model in registry.record_models():
        moment = (
            model.objects.filter(status=Status.PUBLISHED, publish_at__gt=now)
            .aggregate(first=Min("publish_at"))
            .get("first")
        )
        if moment is not None:
            moments.append(moment)
    return min(moments) if moments else None


def content_state(values: dict | None = None) -> dict:
    """``{"version", "modified", "next_publish"}``, current, from the cache.

    ``modified`` (epoch seconds) is when this version was first seen — the
    pages' ``Last-Modified``; ``next_publish`` (epoch seconds or None) the next
    scheduled publication, after which the version is bumped. ``values`` may
    hold ``VERSION_KEY`` and ``STATE_KEY`` already fetched with ``get_many``.
    """
    if values is None:
        values = cache.get_many([VERSION_KEY, STATE_KEY])
    version = values.get(VERSION_KEY)
    if version is None:
        version = content_version()
    state = values.get(STATE_KEY)
    now = _clock()
    if state is not None and state.get("version") == version:
        upcoming = state.get("next_publish")
        if upcoming is None or now < upcoming:
            return state
        # A scheduled record has just become visible: every page may change.
        version = bump_content_version() or content_version()
    moment = next_scheduled_publish()
    previous = state.get("modified", 0) if state else 0
    state = {
        "version": version,
        # Strictly later than the previous version's, at HTTP dates' 1 s resolution.
        "modified": float(int(max(now, previous + 1))),
        "next_publish": moment.timestamp() if moment is not None else None,
    }
    cache.set(STATE_KEY, state, timeout=None)
    return state


def page_cache_timeout(state: dict, now: float | None = None) -> int:
    """Seconds to keep a page: the configured timeout, never past the next publication."""
    timeout = int(getattr(settings, "PAGE_CACHE_TIMEOUT", 600))
    upcoming = state.get("next_publish")
    if upcoming is not None:
        left = upcoming - (_clock() if now is None else now)
        timeout = min(timeout, max(1, int(left)))
    return timeout


# ------------------------------------------------------------------- signals


def _watched(model) -> bool:
    """Records, their child rows, taxonomies and tags — and the link tables between them."""
    from . import registry

    meta = model._meta
    if meta.app_label in WATCHED_EXTRA_APPS:
        return True
    if meta.auto_created:  # a many-to-many link table: watched with its models
        model = meta.auto_created
    return model in registry.watched_models()


def _bump_soon(using):
    """Bump now (a page rendered from here on sees the change if it reads after it)
    and again on commit (a page rendered from the not yet committed data must not
    survive the commit)."""
    bump_content_version()
    try:
        if connections[using].in_atomic_block:
            transaction.on_commit(bump_content_version, using=using)
    except Exception:  # an unknown alias: the immediate bump stands
        logger.debug("No transaction to wait for on %r", using)


def _saved_or_deleted(sender, using="default", **kwargs):
    if _watched(sender):
        _bump_soon(using)


def _m2m_changed(sender, action, using="default", **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and _watched(sender):
        _bump_soon(using)


def connect_cache_signals():
    """Bump the content version whenever anything a reader page shows changes."""
    post_save.connect(_saved_or_deleted, dispatch_uid="pagecache-save")
    post_delete.connect(_saved_or_deleted, dispatch_uid="pagecache-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="pagecache-m2m")


# ---------------------------------------------------------------- middleware


# Cache backends local to one process: invalidation would not reach the others.
PROCESS_LOCAL_BACKENDS = ("LocMemCache", "DummyCache")


def page_cache_enabled() -> bool:
    """``PAGE_CACHE_ENABLED`` if set; else on only when the default cache is shared."""
    enabled = getattr(settings, "PAGE_CACHE_ENABLED", None)
    if enabled is None:
        backend = settings.CACHES["default"]["BACKEND"]
        return not backend.endswith(PROCESS_LOCAL_BACKENDS)
    return bool(enabled)


def request_is_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.path_info.lstrip("/")
    if path.startswith(settings.ADMIN_URL) or path in EXEMPT_PATHS:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def response_is_cacheable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if response.get("Content-Encoding"):
        return False  # already compressed by something else
    return vary <= {"cookie", "accept-encoding"}


def page_key(request) -> str:
    """One key per absolute URL (scheme, host, path and query); the entry records
    the content version it was rendered at and is used only at that version."""
    url = request.build_absolute_uri()
    digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{PAGE_KEY_PREFIX}{digest}"


def _etag(version, key, encoding) -> str:
    digest = hashlib.sha256(f"{version}:{key}:{encoding}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def accepts_gzip(request) -> bool:
    """Whether ``Accept-Encoding`` allows gzip (``gzip`` or ``*``, without ``q=0``)."""
    for item in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, *params = (part.strip().lower() for part in item.split(";"))
        if coding in ("gzip", "*"):
            refused = any(
                p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params
            )
            return not refused
    return False


def _compressible(response) -> bool:
    content_type = response.get("Content-Type", "").lower()
    return len(response.content) >= MIN_COMPRESS_LENGTH and any(
        kind in content_type for kind in ("text/", "json", "xml", "javascript")
    )


class PageCacheMiddleware:
    """Serve anonymous readers' pages from the cache; see the module docstring.

    Sits after the security, WhiteNoise and CSP middleware (their headers are
    added to every response, cached or not) and before sessions, CSRF and
    authentication, which a cache hit skips. Pages are stored gzipped (once,
    when rendered) and sent that way to browsers that accept it — all of them;
    others get them decompressed. No cached page holds a secret (no CSRF token,
    no session), so compressing them leaks nothing (BREACH needs one).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not page_cache_enabled() or not request_is_cacheable(request):
            return self.get_response(request)
        try:
            key = page_key(request)
            # One round trip for a hit: the version, its state and the page.
            values = cache.get_many([VERSION_KEY, STATE_KEY, key])
            state = content_state(values)
            entry = values.get(key)
            if entry is not None and entry.get("version") != state["version"]:
                entry = None  # rendered before the latest change
        except DisallowedHost:
            return self.get_response(request)
        except Exception:  # the cache or the database is away
            logger.warning("Page cache unavailable; serving uncached", exc_info=True)
            return self.get_response(request)

        gzip_ok = accepts_gzip(request)
        if entry is not None:
            response = HttpResponse(status=entry["status"])
            for name, value in entry["headers"]:
                response[name] = value
            response[CACHE_HEADER] = "hit"
        else:
            response = self.get_response(request)
            if not response_is_cacheable(response):
                return response
            entry = self._to_entry(response, state["version"])
            response[CACHE_HEADER] = "miss"
            try:
                cache.set(key, entry, page_cache_timeout(state))
            except Exception:
                logger.warning("Could not store a page in the cache", exc_info=True)
        encoding = self._set_body(request, response, entry, gzip_ok)

        etag = _etag(state["version"], key, encoding)
        last_modified = int(state["modified"])
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        patch_vary_headers(response, ["Accept-Encoding"])
        patch_cache_control(response, max_age=int(getattr(settings, "PAGE_CACHE_MAX_AGE", 0)))
        conditional = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
        if conditional is not response:
            conditional[CACHE_HEADER] = response[CACHE_HEADER]
        return conditional

    @staticmethod
    def _to_entry(response, version) -> dict:
        gzipped = _compressible(response)
        body = response.content
        return {
            "version": version,
            "status": response.status_code,
            "headers": [
                (name, value)
                for name, value in response.items()
                if name.lower() not in UNSAFE_HEADERS
            ],
            "gzip": gzipped,
            # mtime=0: the same page always compresses to the same bytes.
            "body": gzip.compress(body, compresslevel=6, mtime=0) if gzipped else body,
        }

    @staticmethod
    def _set_body(request, response, entry, gzip_ok) -> str:
        """Put the entry's body on ``response``, gzipped if allowed; returns the encoding."""
        body = entry["body"]
        encoding = "gzip" if entry["gzip"] and gzip_ok else "identity"
        if entry["gzip"] and not gzip_ok:
            body = gzip.decompress(body)
        response.content = b"" if request.method == "HEAD" else body
        if encoding == "gzip":
            response["Content-Encoding"] = "gzip"
        elif "Content-Encoding" in response:
            del response["Content-Encoding"]
        response["Content-Length"] = str(len(body))
        return encoding
