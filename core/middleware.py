"""Request ids, access logging, a calm 503 when the database is away, and lighter
stand-ins for library middleware on the request path (the CSP header, message
storage, simple_history's request) that send the same headers under the same rules."""

import contextlib
import logging
import re
import time
import uuid

from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware as BaseMessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import request_finished, setting_changed
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject, empty

from .errors import is_database_unavailable, service_unavailable
from .logging import NO_REQUEST, request_id_var

access_logger = logging.getLogger("fieldguide.access")
logger = logging.getLogger("fieldguide")

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is kept only if it is short and plain: no spaces, quotes or
# control characters that could forge log lines or headers.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def incoming_request_id(request) -> str | None:
    value = request.META.get("HTTP_X_REQUEST_ID", "")
    return value if SANE_REQUEST_ID.fullmatch(value) else None


class RequestIDMiddleware:
    """Gives every request an id, returns it as ``X-Request-ID`` and logs one line.

    The id is the incoming ``X-Request-ID`` (set by a proxy or load balancer)
    when it looks sane, else a fresh uuid4. It is available as ``request.id``
    and, through ``core.logging``, on every log record made while the request
    is handled. Put this middleware first so its line covers the whole stack.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_request_id(request) or uuid.uuid4().hex
        request.id = request_id
        # Not reset on the way out: Django logs 4xx/5xx responses after the
        # middleware chain returns. ``request_finished`` clears it instead.
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        access_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


@receiver(request_finished, dispatch_uid="core.middleware.clear_request_id")
def clear_request_id(sender, **kwargs):
    request_id_var.set(NO_REQUEST)


# What django-csp's decorators (@csp, @csp_update, @csp_replace) leave on a response.
CSP_OVERRIDES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
CSP_SETTINGS = {False: "CONTENT_SECURITY_POLICY", True: "CONTENT_SECURITY_POLICY_REPORT_ONLY"}
# report_only -> (header value or "", excluded path prefixes), built from the settings.
_csp_policies: dict[bool, tuple[str, tuple[str, ...]]] = {}


@receiver(setting_changed, dispatch_uid="core.middleware.forget_csp_policies")
def forget_csp_policies(setting, **kwargs):
    if setting in CSP_SETTINGS.values():
        _csp_policies.clear()


def settings_csp_policy(report_only: bool) -> tuple[str, tuple[str, ...]]:
    """The policy the settings alone give (no nonce, no per-view change), built once."""
    try:
        return _csp_policies[report_only]
    except KeyError:
        config = getattr(settings, CSP_SETTINGS[report_only], None) or {}
        prefixes = tuple(config.get("EXCLUDE_URL_PREFIXES", None) or ())
        policy = _csp_policies[report_only] = (build_policy(report_only=report_only), prefixes)
        return policy


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware with the header built once instead of per response.

    django-csp rebuilds the policy string from the settings on every response
    (about a sixth of a ``/healthz`` request). The string depends only on the
    settings unless a nonce was asked for (``request.csp_nonce`` used) or a view
    changed the policy with django-csp's decorators; those responses go through
    django-csp unchanged. Otherwise the same headers are set under the same rules
    (``@csp_exempt``, ``EXCLUDE_URL_PREFIXES``, a header the view set itself,
    Django's debug 404/500 pages) from the policy built once per settings value.
    """

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in CSP_OVERRIDES
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for report_only, header, exempt in (
            (False, CSP_HEADER, "_csp_exempt"),
            (True, CSP_HEADER_REPORT_ONLY, "_csp_exempt_ro"),
        ):
            policy, excluded = settings_csp_policy(report_only)
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class MessageMiddleware(BaseMessageMiddleware):
    """Django's message middleware, with the storage made when it is first used.

    Django makes the storage (a cookie storage with its signer, a session
    storage behind it) for every request, though reader pages and ``/healthz``
    never show or add a message. Here ``request._messages`` makes it on first
    use (``messages.success()``, the admin's templates), and the response
    updates it only if it was made: a storage nobody touched has nothing to
    store, so Django's ``update()`` would have done nothing either.
    """

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:
            return response
        return super().process_response(request, response)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class HistoryRequestMiddleware:
    """simple_history's ``HistoryRequestMiddleware``, for the requests where it can matter.

    simple_history reads the request it keeps (``HistoricalRecords.context``)
    only to take an *authenticated* ``request.user`` as a record's author.
    Users are authenticated by session only, and nothing logs in on a safe
    method, so a ``GET``/``HEAD`` without a session cookie (every reader) has
    an anonymous user throughout and its records, if any were saved, would get
    no author either way. Those requests skip setting the request on
    asgiref's ``Local`` (about 15 µs); every other request sets it as
    simple_history does.
    """

    def __init__(self, get_response):
        from simple_history.models import HistoricalRecords  # a models module: not at import

        self.get_response = get_response
        self.context = HistoricalRecords.context

    def __call__(self, request):
        if request.method in SAFE_METHODS and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        self.context.request = request
        try:
            return self.get_response(request)
        finally:
            with contextlib.suppress(AttributeError):
                del self.context.request


class DatabaseUnavailableMiddleware:
    """Turns "cannot reach the database" into a 503 page instead of a 500.

    Only operational failures count (``OperationalError``: refused or dropped
    connection, server shutting down, lock timeout; ``InterfaceError``: a
    closed connection). The next request reconnects by itself
    (``CONN_HEALTH_CHECKS``), so the site recovers as soon as the database is
    back. Other database errors (integrity, programming) are bugs: still 500s.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            logger.warning("Database unavailable: %s", type(exception).__name__)
            return service_unavailable(request)
        return None


def client_ip(request) -> str | None:
    """The client's address for login throttling (``AXES_CLIENT_IP_CALLABLE``).

    Behind ``TRUSTED_PROXY_COUNT`` proxies that each append to
    ``X-Forwarded-For``, the client is that many entries from the right;
    anything further left was sent by the client and cannot be trusted.
    """
    from django.conf import settings

    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")
