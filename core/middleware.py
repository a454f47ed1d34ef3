"""Request ids, access logging, and a calm 503 when the database is away."""

import logging
import re
import time
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

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
