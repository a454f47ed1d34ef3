"""Whole-page cache for anonymous readers, with conditional GET.

``PageCacheMiddleware`` stores the full response of an anonymous ``GET``/``HEAD``
for a reader URL in Django's cache (Redis when ``REDIS_URL`` is set, so every
instance shares it) and answers the next identical request from there, adding
an ``ETag`` and ``Last-Modified`` so browsers can revalidate with a 304.
Pages are stored gzipped and sent gzipped to browsers that accept it
(``Vary: Accept-Encoding``; each encoding has its own ``ETag``).

**Invalidation by dependency** (``core.dependencies``). While a page renders,
every record, child row, taxonomy term and tag it shows, and every listing of a
record type it runs, is noted as a key; the entry stores them with the moment
its rendering began. A save, delete or many-to-many change stores the time of
the change under the keys it touches (at once and again when the transaction
commits); an entry is served only while none of its keys changed after it was
rendered. So editing one organization re-renders the pages that show it and
the listings of organizations — no other page. A hit costs one round trip to
Redis (``core.redis_cache``: a script reads the state, the page and the newest
of its keys' change times together), two with another backend. One
global *content version* remains for "everything changed" (bulk writers
inside ``core.derived.deferred()``, ``bump_content_version``).

**Scheduled publishing.** A record whose ``publish_at`` passes becomes visible
without any save. The earliest future ``publish_at`` of a published record is
kept in the cache's state (one indexed query per content type when it is
computed); the first request after that moment invalidates the keys of the
records that have just become visible (``publish_due``), as their save would
have, and computes the next moment.

**No miss storm.** The request that finds a page missing or out of date takes
a short lock (``cache.add``, ``PAGE_CACHE_LOCK_SECONDS``) and renders it; the
others meanwhile get the previous version (``X-Page-Cache: stale``) if the
change is at most ``PAGE_CACHE_STALE_SECONDS`` old, or else wait for the
render (polling, at most the lock's time) and get it as a hit.

**Shared caches** (Varnish, a CDN: docs/deployment.md). Every anonymous page
carries ``Cache-Control: max-age=…, s-maxage=…`` and its keys as
``Surrogate-Key`` and ``xkey`` (the same keys, plus ``all``); an invalidation
is sent to the configured purger (``core.purge``), which bans those keys.

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
(seconds an entry lives, default 600), ``PAGE_CACHE_MAX_AGE``
(``Cache-Control: max-age`` sent to browsers, default 0: they revalidate every
time and get a 304), ``PAGE_CACHE_SHARED_MAX_AGE`` (``s-maxage``),
``PAGE_CACHE_LOCK_SECONDS`` (default 5) and ``PAGE_CACHE_STALE_SECONDS``
(default 10).
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
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save
from django.http import HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

from . import dependencies
from .dependencies import STAMP_PREFIX

logger = logging.getLogger("fieldguide.cache")

VERSION_KEY = "pagecache:version"
STATE_KEY = "pagecache:state"
PAGE_KEY_PREFIX = "pagecache:page:"
LOCK_PREFIX = "pagecache:lock:"
PUBLISH_LOCK_KEY = "pagecache:publishing"
# Sent with every page for shared caches: purging it purges everything.
ALL_KEY = "all"
CACHE_HEADER = "X-Page-Cache"
SURROGATE_KEY_HEADER = "Surrogate-Key"  # Fastly and other CDNs
XKEY_HEADER = "xkey"  # Varnish's xkey module

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


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


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
        # Scheduled records have just become visible: forget the pages they touch.
        if not cache.add(PUBLISH_LOCK_KEY, 1, timeout=30):
            return state  # another request is doing it
        try:
            publish_due(state.get("checked"), now)
        finally:
            cache.delete(PUBLISH_LOCK_KEY)
    moment = next_scheduled_publish()
    previous = state.get("modified", 0) if state else 0
    state = {
        "version": version,
        # Strictly later than the previous version's, at HTTP dates' 1 s resolution.
        "modified": float(int(max(now, previous + 1))),
        "next_publish": moment.timestamp() if moment is not None else None,
        "checked": now,
    }
    cache.set(STATE_KEY, state, timeout=None)
    return state


def page_cache_timeout(state: dict, now: float | None = None) -> int:
    """Seconds to keep a page (``PAGE_CACHE_TIMEOUT``). Not bounded by the next
    scheduled publication: ``publish_due`` forgets the pages it touches, on time."""
    return int(getattr(settings, "PAGE_CACHE_TIMEOUT", 600))


# ------------------------------------------------------------ invalidation


def invalidate(keys, *, purge_shared: bool = True) -> None:
    """Mark ``keys`` changed now (pages that show them render anew) and purge them
    from shared caches. Never raises: a cache outage must not break a save."""
    keys = set(keys)
    if not keys:
        return
    stamp = _stamp(_clock())
    try:
        cache.set_many({STAMP_PREFIX + key: stamp for key in keys}, timeout=None)
    except Exception:
        logger.exception("Could not invalidate %d page cache keys", len(keys))
    if purge_shared:
        from . import purge

        purge.purge(keys)


def _invalidate_soon(keys, using) -> None:
    """Now (a page rendered from here on sees the change if it reads after it) and
    again on commit (a page rendered from the not yet committed data must not
    survive the commit). Inside ``core.derived.deferred()`` (bulk writers): the
    global version, once, when the block ends (hook ``rebuild_derived``)."""
    from . import derived

    if derived.is_deferred():
        return
    keys = set(keys)
    try:
        in_transaction = connections[using].in_atomic_block
    except Exception:  # an unknown alias
        in_transaction = False
    if in_transaction:
        invalidate(keys, purge_shared=False)  # shared caches: once, on commit
        transaction.on_commit(lambda: invalidate(keys), using=using)
    else:
        invalidate(keys)


def publish_due(since, now) -> int:
    """Invalidate what the records whose ``publish_at`` fell in ``(since, now]`` touch.

    ``since`` None: the last day. Returns the number of records."""
    import datetime

    from . import registry
    from .models import Status

    end = datetime.datetime.fromtimestamp(now, tz=datetime.UTC)
    start = (
        datetime.datetime.fromtimestamp(since, tz=datetime.UTC)
        if since is not None
        else end - datetime.timedelta(days=1)
    )
    count = 0
    keys: set[str] = set()
    for model in registry.record_models():
        due = model._base_manager.filter(
            status=Status.PUBLISHED, publish_at__gt=start, publish_at__lte=end
        )
        for record in due:
            keys |= dependencies.keys_for_change(record, before={"status": Status.DRAFT})
            count += 1
    if keys:
        invalidate(keys)
    return count


def _before(model, instance) -> dict | None:
    """What the row was before this save: publication and foreign keys (one query)."""
    from . import registry

    if instance.pk is None or instance._state.adding:
        return None
    if registry.for_model(model) is None and registry.parent_of(model) is None:
        return None
    names = [f.attname for f in model._meta.concrete_fields if f.many_to_one]
    if registry.for_model(model) is not None:
        names += ["status", "publish_at"]
    try:
        return model._base_manager.filter(pk=instance.pk).values(*names).first()
    except Exception:
        return None


def _watched(model) -> bool:
    """Records, their child rows, taxonomies and tags — and the link tables between them."""
    from . import registry

    meta = model._meta
    if meta.app_label in WATCHED_EXTRA_APPS:
        return True
    if meta.auto_created:  # a many-to-many link table: watched with its models
        model = meta.auto_created
    return model in registry.watched_models()


def _pre_save(sender, instance, raw=False, **kwargs):
    if not raw and _watched(sender) and not sender._meta.auto_created:
        instance._pagecache_before = _before(sender, instance)


def _saved(sender, instance, using="default", raw=False, **kwargs):
    if _watched(sender) and not sender._meta.auto_created:
        before = instance.__dict__.pop("_pagecache_before", None)
        _invalidate_soon(dependencies.keys_for_change(instance, before=before), using)


def _deleted(sender, instance, using="default", **kwargs):
    if _watched(sender) and not sender._meta.auto_created:
        _invalidate_soon(dependencies.keys_for_change(instance, deleted=True), using)


def _m2m_changed(sender, instance, action, model, pk_set, using="default", **kwargs):
    if action == "pre_clear" and _watched(sender):
        # Which rows are about to be unlinked: read them before they go.
        field = next(
            (f for f in type(instance)._meta.many_to_many if f.remote_field.through is sender),
            None,
        )
        if field is not None:
            instance._pagecache_cleared = set(
                getattr(instance, field.name).values_list("pk", flat=True)
            )
        return
    if action in {"post_add", "post_remove", "post_clear"} and _watched(sender):
        if action == "post_clear":
            pk_set = instance.__dict__.pop("_pagecache_cleared", None) or set()
        _invalidate_soon(dependencies.keys_for_links(instance, model, pk_set), using)


def _initialized(sender, instance, **kwargs):
    if dependencies.is_recording() and _watched(sender):
        dependencies.note_instance(sender, instance)


def _rebuilt(batch_size=500, **kwargs):
    """Hook ``rebuild_derived``: a bulk write ended; every page may have changed."""
    bump_content_version()
    return ("page cache", "every page invalidated")


def connect_cache_signals():
    """Note what pages show (``post_init``) and forget them when it changes."""
    from . import hooks

    pre_save.connect(_pre_save, dispatch_uid="pagecache-pre-save")
    post_save.connect(_saved, dispatch_uid="pagecache-save")
    post_delete.connect(_deleted, dispatch_uid="pagecache-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="pagecache-m2m")
    # Every model (the registry fills after this app's ready()); the receiver
    # returns at once unless a page is being recorded, and notes watched rows only.
    post_init.connect(_initialized, dispatch_uid="pagecache-init")
    hooks.register("rebuild_derived", _rebuilt)


# ---------------------------------------------------------------- middleware


def _stamp(moment: float) -> int:
    """A change time as stored under a key: integer microseconds (the Redis script
    compares them), rounded up so that it is never earlier than the change."""
    return int(moment * 1_000_000) + 1


def _seconds(stamp) -> float:
    """A stored change time in epoch seconds (older releases stored float seconds)."""
    return stamp if isinstance(stamp, float) else stamp / 1_000_000


def _newest_stamp(entry):
    """When the newest of a stored page's keys changed, in epoch seconds, or None
    (one ``get_many``; the Redis backend does it with the page's own read)."""
    deps = entry.get("deps") if entry is not None else None
    if not deps:
        return None
    stamps = cache.get_many([STAMP_PREFIX + dep for dep in deps])
    return max((_seconds(stamp) for stamp in stamps.values()), default=None)


def lookup(key) -> tuple[dict, float | None]:
    """``(values, newest)``: the content version, its state and the page stored
    under ``key`` (``VERSION_KEY``, ``STATE_KEY``, ``key``), and when the newest of
    the page's keys changed (epoch seconds, or None). One round trip with
    ``core.redis_cache.RedisCache``, two with another backend."""
    together = getattr(cache, "get_many_with_newest", None)
    if together is not None:
        values, newest = together([VERSION_KEY, STATE_KEY], key)
        return values, (None if newest is None else _seconds(newest))
    values = cache.get_many([VERSION_KEY, STATE_KEY, key])
    return values, _newest_stamp(values.get(key))


def stored_entry(key):
    """The page stored under ``key`` (or None), whatever the backend's format."""
    return lookup(key)[0].get(key)


def store(key, entry, timeout) -> None:
    """Store a rendered page, with its keys' stamp names where the backend compares them."""
    together = getattr(cache, "set_with_stamps", None)
    if together is not None:
        together(key, entry, [STAMP_PREFIX + dep for dep in entry.get("deps") or ()], timeout)
    else:
        cache.set(key, entry, timeout)


def is_fresh(entry, newest) -> bool:
    """Whether a stored page is still good: none of its keys changed once it began rendering."""
    if entry is None:
        return False
    return newest is None or newest < entry.get("rendered_at", 0)


def shared_max_age() -> int:
    """``s-maxage`` for shared caches: long when a purger forgets pages on change."""
    configured = getattr(settings, "PAGE_CACHE_SHARED_MAX_AGE", None)
    if configured is not None:
        return int(configured)
    return 86400 if getattr(settings, "PAGE_CACHE_PURGER", "") else 0


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
            # The version, its state, the page and when its keys last changed.
            values, changed_at = lookup(key)
            state = content_state(values)
            if state is not values.get(STATE_KEY):
                # Recomputed: scheduled records may just have become visible
                # (``publish_due`` changed their keys), so read the page again.
                values, changed_at = lookup(key)
            entry = values.get(key)
            if entry is not None and entry.get("version") != state["version"]:
                entry = None  # rendered before "everything changed"
            fresh = is_fresh(entry, changed_at)
        except DisallowedHost:
            return self.get_response(request)
        except Exception:  # the cache or the database is away
            logger.warning("Page cache unavailable; serving uncached", exc_info=True)
            return self.get_response(request)

        gzip_ok = accepts_gzip(request)
        if entry is not None and fresh:
            response = self._from_entry(entry, "hit")
        else:
            response, entry = self._render_once(request, key, state, entry, changed_at)
            if entry is None:
                return response  # not cacheable
        encoding = self._set_body(request, response, entry, gzip_ok)

        etag = _etag(entry.get("rendered_at", state["version"]), key, encoding)
        last_modified = int(entry.get("rendered_at") or state["modified"])
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        patch_vary_headers(response, ["Accept-Encoding"])
        patch_cache_control(
            response,
            max_age=int(getattr(settings, "PAGE_CACHE_MAX_AGE", 0)),
            s_maxage=shared_max_age(),
        )
        keys = " ".join([ALL_KEY, *entry.get("deps", ())])
        response[SURROGATE_KEY_HEADER] = keys
        response[XKEY_HEADER] = keys
        conditional = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
        if conditional is not response:
            conditional[CACHE_HEADER] = response[CACHE_HEADER]
        return conditional

    def _from_entry(self, entry, how: str):
        response = HttpResponse(status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response[CACHE_HEADER] = how
        return response

    def _render(self, request, key, state):
        """Render, noting what the page shows; store it. ``(response, entry or None)``."""
        started = _clock()
        with dependencies.recording() as deps:
            response = self.get_response(request)  # templates render in here
        if not response_is_cacheable(response):
            return response, None
        entry = self._to_entry(response, state["version"])
        entry["rendered_at"] = started
        entry["deps"] = sorted(deps)
        response[CACHE_HEADER] = "miss"
        try:
            store(key, entry, page_cache_timeout(state))
        except Exception:
            logger.warning("Could not store a page in the cache", exc_info=True)
        return response, entry

    def _render_once(self, request, key, state, previous, changed_at):
        """A miss: one request renders (under a short lock); the others get the
        previous version while the change is recent, or wait for the render."""
        lock = LOCK_PREFIX + key
        lock_seconds = float(getattr(settings, "PAGE_CACHE_LOCK_SECONDS", 5))
        try:
            locked = cache.add(lock, 1, timeout=max(1, int(lock_seconds)))
        except Exception:
            locked = True  # no lock to be had: render
        if locked:
            try:
                return self._render(request, key, state)
            finally:
                try:
                    cache.delete(lock)
                except Exception:
                    logger.debug("Could not release %s", lock)
        stale_seconds = float(getattr(settings, "PAGE_CACHE_STALE_SECONDS", 10))
        recent = changed_at is not None and _clock() - changed_at <= stale_seconds
        if previous is not None and recent:
            return self._from_entry(previous, "stale"), previous
        # Nothing to serve meanwhile: wait for the render in progress.
        deadline = _clock() + lock_seconds
        while _clock() < deadline:
            _sleep(0.02)
            try:
                values, newest = lookup(key)
                entry = values.get(key)
                if entry is not None and entry is not previous:
                    fresh = is_fresh(entry, newest)
                    if fresh and entry.get("rendered_at") != (previous or {}).get("rendered_at"):
                        return self._from_entry(entry, "hit"), entry
                if not cache.get(lock):
                    break  # the render ended (or failed): render ourselves
            except Exception:
                break
        return self._render(request, key, state)

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
