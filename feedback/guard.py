"""Abuse checks for reader posts: fill time, rate limit, client hash, CSRF.

* **Fill time.** Every form carries ``started``: the record it belongs to and
  the moment its page was rendered, signed (``django.core.signing``, salted,
  keyed by ``SECRET_KEY``). A post sooner than ``FEEDBACK_MIN_FILL_SECONDS``
  after that, later than ``FEEDBACK_FORM_MAX_AGE``, for another record or with
  a forged value is not stored (``feedback.forms`` turns this into a message
  and shows the form again). Record pages come from the page cache for up to
  ``PAGE_CACHE_TIMEOUT`` seconds, so their moment may be older than the
  reader's visit: the check can only be more lenient, never stricter, than the
  real fill time.
* **Rate limit.** At most ``FEEDBACK_RATE_LIMIT`` posts per client in
  ``FEEDBACK_RATE_WINDOW`` seconds, counted in Django's default cache (Redis
  when ``REDIS_URL`` is set, so every instance shares the count). The window
  starts at a client's first post. Every post counts, stored or not. When the
  cache cannot be reached, posts are refused (``RateLimitUnavailable``)
  rather than let through uncounted.
* **Client hash.** The client is identified only by ``client_hash(request)``:
  HMAC-SHA256 of its address (``core.middleware.client_ip``, which honours
  ``TRUSTED_PROXY_COUNT``) under a key derived from ``SECRET_KEY``. Cache keys
  and stored submissions carry the hash, never the address.
* **CSRF.** Record pages are cached and shared, so their forms carry no CSRF
  token (one would set a cookie, and the page cache refuses such pages). The
  submit view is exempt from the middleware and runs the same check itself
  (``csrf_problem``): a post from another origin is refused with the CSRF
  page; a same-origin post without a valid token (no JavaScript: the token is
  fetched by ``feedback.js`` otherwise) is stored *only* after the reader
  confirms it on a page that does carry a token.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.crypto import salted_hmac

from core.middleware import client_ip

START_SALT = "feedback.form-started"
CLIENT_SALT = "feedback.client-address"
RATE_KEY_PREFIX = "feedback:rate:"


def _now() -> float:
    """Epoch seconds (a function, so tests can move time)."""
    return time.time()


# ------------------------------------------------------------------ fill time


def record_key(record_type, pk) -> str:
    return f"{record_type.slug}:{pk}"


def start_token(key: str, at: float | None = None) -> str:
    """The signed ``started`` value for a form about the record ``key``."""
    moment = int(_now() if at is None else at)
    return signing.Signer(salt=START_SALT).sign(f"{key}|{moment}")


def started_at(token: str, key: str) -> int | None:
    """When the form was rendered, or ``None`` if ``token`` is forged or for another record."""
    if not token or len(token) > 300:
        return None
    try:
        value = signing.Signer(salt=START_SALT).unsign(token)
    except signing.BadSignature:
        return None
    signed_key, _sep, moment = value.rpartition("|")
    if signed_key != key or not moment.isdigit():
        return None
    return int(moment)


def fill_problem(token: str, key: str) -> str | None:
    """``None`` when the fill time is plausible; else "missing", "too_fast" or "expired"."""
    moment = started_at(token, key)
    if moment is None:
        return "missing"
    age = _now() - moment
    if age < settings.FEEDBACK_MIN_FILL_SECONDS:
        return "too_fast"
    if age > settings.FEEDBACK_FORM_MAX_AGE:
        return "expired"
    return None


# ----------------------------------------------------------------- rate limit


class RateLimitUnavailable(Exception):
    """The shared cache could not be asked: refuse rather than count nothing."""


def client_hash(request) -> str:
    address = client_ip(request) or "unknown"
    return salted_hmac(CLIENT_SALT, address, algorithm="sha256").hexdigest()


def take(hashed: str) -> tuple[bool, int]:
    """Count one post for the client ``hashed``: ``(allowed, seconds until the window ends)``."""
    window = settings.FEEDBACK_RATE_WINDOW
    limit = settings.FEEDBACK_RATE_LIMIT
    count_key = f"{RATE_KEY_PREFIX}{hashed}:count"
    start_key = f"{RATE_KEY_PREFIX}{hashed}:start"
    now = _now()
    try:
        if cache.add(count_key, 0, timeout=window):
            cache.set(start_key, now, timeout=window)
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between add and incr: a new window
            cache.set(count_key, 1, timeout=window)
            cache.set(start_key, now, timeout=window)
            count = 1
        started = cache.get(start_key, now) if count > limit else now
    except Exception as exc:
        raise RateLimitUnavailable from exc
    retry_after = max(1, int(started + window - now))
    return count <= limit, retry_after


# ------------------------------------------------------------------------ CSRF


class _CsrfCheck(CsrfViewMiddleware):
    """Django's own CSRF check, answering with the reason instead of a 403 page."""

    def _reject(self, request, reason):
        return reason


def _protected(request):  # a view that is not csrf_exempt, for the check
    raise AssertionError("never called")


def csrf_problem(request) -> tuple[str, str] | None:
    """``None`` if the post passes Django's CSRF check, else ``(kind, reason)``.

    ``kind`` is ``"origin"`` (sent from another site: refuse) or ``"token"``
    (same site, no valid token: ask the reader to confirm).
    """
    reason = _CsrfCheck(lambda request: None).process_view(request, _protected, (), {})
    if reason is None:
        return None
    kind = "origin" if reason.startswith(("Origin checking", "Referer checking")) else "token"
    return kind, reason
