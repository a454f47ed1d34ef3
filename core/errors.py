"""Error pages: 400, 403 (and CSRF failures), 404, 500 and 503.

400/403/404 extend ``base.html`` and render with the full request context.
500 and 503 are standalone templates rendered *without* context processors, so
they still work when the database, a context processor or ``base.html`` is
what broke; if even that fails, a fixed HTML string is served. No page shows
internals (exception text, paths, settings); 500 and 503 show the request id
that the log line carries, so a reader's report can be matched to the log.
"""

import logging
import sys

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.html import escape
from django.views.decorators.csrf import requires_csrf_token

from .logging import get_request_id

logger = logging.getLogger("fieldguide.errors")

# Seconds a client (or a proxy) should wait before retrying during an outage.
RETRY_AFTER_SECONDS = 30

FALLBACK_HTML = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"
    "<h1>{title}</h1><p>{message}</p><p>Reference: <code>{request_id}</code></p>"
    '<p><a href="/">Go to the home page</a></p></html>'
)


def is_database_unavailable(exception: BaseException) -> bool:
    """Refused or dropped connection, server shutting down, lock timeout: transient."""
    return isinstance(exception, OperationalError | InterfaceError)


def _request_id(request) -> str:
    return getattr(request, "id", None) or get_request_id()


def _standalone(template_name, status, title, message, request=None):
    """Render a page with no context processors and no database access."""
    request_id = _request_id(request)
    context = {"SITE_NAME": settings.SITE_NAME, "request_id": request_id}
    try:
        body = loader.get_template(template_name).render(context)
    except Exception:
        logger.exception("Could not render %s; serving the plain fallback", template_name)
        body = FALLBACK_HTML.format(
            title=escape(title), message=escape(message), request_id=escape(request_id)
        )
    return HttpResponse(body, status=status)


def _page(request, template_name, status, context=None, *, with_request=True):
    """Render an error page that extends ``base.html``, falling back to a standalone one."""
    context = {"request_id": _request_id(request), **(context or {})}
    try:
        if not with_request:
            raise _SkipRequestContext
        body = loader.get_template(template_name).render(context, request)
    except Exception as exc:
        if not isinstance(exc, _SkipRequestContext):
            logger.exception("Could not render %s with the request context", template_name)
        try:
            body = loader.get_template(template_name).render(
                {"SITE_NAME": settings.SITE_NAME, **context}
            )
        except Exception:
            logger.exception("Could not render %s at all", template_name)
            return server_error(request)
    return HttpResponse(body, status=status)


class _SkipRequestContext(Exception):
    pass


@requires_csrf_token
def bad_request(request, exception=None):
    # A request for a host not in ALLOWED_HOSTS cannot build absolute URLs, which
    # context processors do: render without them rather than fail again.
    return _page(request, "400.html", 400, with_request=not isinstance(exception, DisallowedHost))


@requires_csrf_token
def permission_denied(request, exception=None):
    return _page(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _page(request, "404.html", 404, {"request_path": request.path})


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes ``AXES_LOCKOUT_CALLABLE``: a clear "too many attempts" page (429)."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    logger.warning("Login locked out after repeated failures")
    response = _page(
        request,
        "403.html",
        429,
        {"failure_limit": get_failure_limit(request, credentials), "cooloff_minutes": minutes},
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def csrf_failure(request, reason=""):
    """A form was sent without a valid CSRF token (expired page, blocked cookies).

    Apps may answer it first (hook ``csrf_failure``; ``editorial`` keeps an
    editor's own form and sends them back to it); otherwise the 403 page.
    Nothing here acts on the request: a hook may only keep input for later.
    """
    from . import hooks

    for answer in hooks.run("csrf_failure", request=request, reason=reason):
        if answer is not None:
            return answer
    return _page(request, "403.html", 403, {"csrf_failure": True})


def server_error(request=None):
    """handler500. A database outage gets the 503 page instead."""
    exception = sys.exc_info()[1]
    if exception is not None and is_database_unavailable(exception):
        return service_unavailable(request)
    return _standalone(
        "500.html",
        500,
        "Something went wrong",
        "An unexpected error stopped this page from loading. It has been logged.",
        request,
    )


def service_unavailable(request=None):
    response = _standalone(
        "503.html",
        503,
        "Temporarily unavailable",
        "The site cannot reach its database right now. Please try again in a minute.",
        request,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
