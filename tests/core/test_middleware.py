"""The request path's own middleware (core.middleware): the same headers as the
libraries they stand in for, under the same rules."""

import json
import logging

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, NONE, SELF
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils.functional import empty
from simple_history.models import HistoricalRecords

from core.logging import JSONFormatter
from core.middleware import CSPMiddleware, HistoryRequestMiddleware, MessageMiddleware

rf = RequestFactory()


def plain(request):
    return HttpResponse("ok")


def through(middleware_class, view, path="/x/"):
    request = rf.get(path)
    response = middleware_class(view)(request)
    return request, response


def both(view, path="/x/"):
    """The project's and django-csp's headers for the same view."""
    _, ours = through(CSPMiddleware, view, path)
    _, theirs = through(DjangoCSPMiddleware, view, path)
    return (
        (ours.get(HEADER), ours.get(HEADER_REPORT_ONLY)),
        (theirs.get(HEADER), theirs.get(HEADER_REPORT_ONLY)),
    )


def directives(header):
    return sorted(part.strip() for part in header.split(";"))


def test_csp_header_is_django_csps_own():
    ours, theirs = both(plain)
    assert ours[0] and directives(ours[0]) == directives(theirs[0])
    assert ours[1] is theirs[1] is None  # no report-only policy configured
    assert "default-src 'self'" in ours[0]


def test_csp_header_follows_a_settings_change():
    policy = {"DIRECTIVES": {"default-src": [NONE], "img-src": [SELF]}}
    report_only = {"DIRECTIVES": {"script-src": [SELF]}, "EXCLUDE_URL_PREFIXES": ["/skip/"]}
    through(CSPMiddleware, plain)  # the default policy is built (and kept) first
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only
    ):
        ours, theirs = both(plain)
        assert (
            directives(ours[0]) == directives(theirs[0]) == ["default-src 'none'", "img-src 'self'"]
        )
        assert "script-src 'self'" in ours[1]
        assert directives(ours[1]) == directives(theirs[1])
        ours, theirs = both(plain, "/skip/page/")
        assert ours == theirs
        assert ours[1] is None and ours[0]
    ours, _ = both(plain)
    assert "default-src 'self'" in ours[0]


@pytest.mark.parametrize(
    "view",
    [
        csp_update({"img-src": ["https://images.example"]})(plain),
        csp_replace({"script-src": ["https://scripts.example"]})(plain),
        csp_exempt()(plain),
    ],
    ids=["update", "replace", "exempt"],
)
def test_per_view_policies_are_honoured(view):
    ours, theirs = both(view)
    assert [h and directives(h) for h in ours] == [h and directives(h) for h in theirs]


def test_a_header_set_by_the_view_is_kept():
    def own(request):
        response = HttpResponse("ok")
        response[HEADER] = "default-src 'none'"
        return response

    ours, theirs = both(own)
    assert ours == theirs == ("default-src 'none'", None)


@override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [SELF, NONCE]}})
def test_a_nonce_asked_for_during_the_view_is_in_the_header():
    def with_nonce(request):
        return HttpResponse(str(request.csp_nonce))

    for middleware in (CSPMiddleware, DjangoCSPMiddleware):
        _, response = through(middleware, with_nonce)
        nonce = response.content.decode()
        assert f"script-src 'self' 'nonce-{nonce}'" in response[HEADER]
    _, response = through(CSPMiddleware, plain)  # no nonce asked for: none in the header
    assert "nonce-" not in response[HEADER]


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    request, _ = through(CSPMiddleware, plain)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_debug_error_pages_have_no_csp_as_with_django_csp(settings):
    settings.DEBUG = True

    def missing(request):
        return HttpResponse("no", status=404)

    ours, theirs = both(missing)
    assert ours == theirs == (None, None)


# --- Messages: the storage made on first use ----------------------------------


def with_session(request):
    request.session = SessionStore()
    return request


@pytest.mark.parametrize(
    "middleware", [MessageMiddleware, DjangoMessageMiddleware], ids=["project", "django"]
)
def test_a_message_added_in_a_view_is_stored_as_django_does(middleware):
    def adds(request):
        messages.success(request, "Saved.")
        return HttpResponse("ok")

    request = with_session(rf.post("/x/"))
    response = middleware(adds)(request)
    assert "messages" in response.cookies  # the cookie storage took it
    follow = rf.get("/y/")
    follow.COOKIES["messages"] = response.cookies["messages"].value
    follow = with_session(follow)
    shown = []
    middleware(lambda r: shown.extend(str(m) for m in messages.get_messages(r)) or HttpResponse())(
        follow
    )
    assert shown == ["Saved."]


def test_a_request_that_never_touches_messages_never_makes_a_storage():
    request = with_session(rf.get("/x/"))
    response = MessageMiddleware(plain)(request)
    assert request._messages._wrapped is empty
    assert not response.cookies
    assert not request.session.accessed


# --- simple_history's request: kept where an authenticated user can save -------


@pytest.mark.parametrize(
    ("method", "cookies", "kept"),
    [
        ("get", {}, False),
        ("head", {}, False),
        ("get", {"sessionid": "x"}, True),
        ("post", {}, True),
    ],
)
def test_history_request_is_kept_where_a_user_can_be_authenticated(method, cookies, kept):
    seen = []

    def view(request):
        seen.append(getattr(HistoricalRecords.context, "request", None))
        return HttpResponse("ok")

    request = getattr(rf, method)("/x/")
    request.COOKIES.update(cookies)
    HistoryRequestMiddleware(view)(request)
    assert seen == [request if kept else None]
    assert getattr(HistoricalRecords.context, "request", None) is None  # cleared afterwards


def test_history_request_is_cleared_when_the_view_raises():
    def boom(request):
        raise RuntimeError

    with pytest.raises(RuntimeError):
        HistoryRequestMiddleware(boom)(rf.post("/x/"))
    assert getattr(HistoricalRecords.context, "request", None) is None


# --- The access line's formatter ------------------------------------------------


def test_json_line_has_the_extras_in_order_and_strings_for_the_rest():
    logger = logging.getLogger("fieldguide.test")
    record = logger.makeRecord(
        logger.name,
        logging.INFO,
        __file__,
        1,
        "%s %s",
        ("GET", "/x/"),
        None,
        extra={"path": "/x/", "status": 200, "obj": ["a"], "_private": 1, "request": object()},
    )
    line = JSONFormatter().format(record)
    payload = json.loads(line)
    assert list(payload) == [
        *["time", "level", "logger", "message", "request_id"],
        *["path", "status", "obj"],
    ]
    assert payload["message"] == "GET /x/"
    assert payload["status"] == 200 and payload["obj"] == "['a']"
    assert payload["request_id"] == "-"
    assert "\n" not in line
