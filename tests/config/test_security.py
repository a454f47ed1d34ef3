"""Security headers, deploy checks, admin protection, error pages, request ids, logs."""

import io
import json
import logging
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import include, path, reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "fieldguide.example.org",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def production_env(**overrides) -> dict:
    """This process's environment minus test-only and security variables, plus production."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "ADMIN_", "AXES_", "DJANGO_"))
    }
    return env | PRODUCTION_ENV | overrides


def run_python(code: str, **env_overrides) -> subprocess.CompletedProcess:
    env = production_env()
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- Production settings ---------------------------------------------------------


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_are_https_only():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.AXES_ENABLED, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['upgrade-insecure-requests'])"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"] * 7


def test_local_development_keeps_plain_http():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    result = run_python(code, DEBUG="1", SECRET_KEY="", ALLOWED_HOSTS="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "0"]


def test_tls_at_a_proxy_is_configurable():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = run_python(
        code, SECURE_SSL_REDIRECT="0", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_secret_key_fallbacks_come_from_the_environment():
    old = secrets.token_urlsafe(50)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(len(s.SECRET_KEY_FALLBACKS), s.SECRET_KEY_FALLBACKS[0][:8])"
    )
    result = run_python(code, SECRET_KEY_FALLBACKS=old)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", old[:8]]


@pytest.mark.django_db
def test_security_headers_on_a_real_response(client):
    response = client.get("/", secure=True)
    assert response.status_code == 200

    csp = response["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert "upgrade-insecure-requests" in directives
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    hsts = response["Strict-Transport-Security"]
    assert re.search(r"max-age=(\d+)", hsts) and int(re.search(r"max-age=(\d+)", hsts)[1]) >= (
        31536000
    )
    assert "includeSubDomains" in hsts
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/roles/?q=x")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/roles/?q=x"


@pytest.mark.django_db
def test_error_pages_carry_the_security_headers_too(client):
    response = client.get("/no-such-page/", secure=True)
    assert response.status_code == 404
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


# --- No inline scripts or styles (the CSP would block them) -----------------------


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP blocks: inline scripts, <style>, style="", on*= handlers."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/ld+json":
            self.problems.append(f"inline <script> {attrs}")
        if tag == "style":
            self.problems.append("<style> element")
        for name in attrs:
            if name == "style":
                self.problems.append(f'style="" on <{tag}>')
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name in {"href", "src", "action"} and (attrs[name] or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL on <{tag}>")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_admin_pages_need_no_inline_code(superuser_client):
    from django.contrib import admin

    from tests import factories

    factories.RoleFactory()
    factories.OrganizationFactory()
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        instance = model._default_manager.first()
        if instance is not None:
            urls.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
            )
    problems = {}
    for url in urls:
        response = superuser_client.get(url)
        assert response.status_code in {200, 403}, url
        found = inline_code(response.content.decode())
        if found:
            problems[url] = sorted(set(found))
    assert not problems, problems


@pytest.mark.django_db
def test_admin_login_page_needs_no_inline_code(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert inline_code(response.content.decode()) == []


# --- Admin protection -----------------------------------------------------------


def test_admin_path_is_configurable():
    code = (
        "import django; django.setup(); from django.urls import reverse; "
        "print(reverse('admin:index'))"
    )
    result = run_python(code, ADMIN_URL="/editors-7f3a/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/editors-7f3a/"


def test_a_bad_admin_path_is_refused():
    result = run_python("import django; django.setup()", ADMIN_URL="../x y")
    assert result.returncode != 0
    assert "ADMIN_URL" in result.stderr


def _login(client, username, password, ip="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
    )


@pytest.mark.django_db
def test_repeated_failed_logins_are_locked_out(client, editor, settings):
    settings.AXES_ENABLED = True
    limit = settings.AXES_FAILURE_LIMIT
    assert 3 <= limit <= 10
    for _ in range(limit - 1):
        response = _login(client, "editor", "wrong-password")
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()

    response = _login(client, "editor", "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed login attempts" in page
    assert f"after {limit} failed attempts" in page
    assert "15 minutes" in page
    assert response["Retry-After"] == str(15 * 60)

    # Locked out even with the right password …
    response = _login(client, "editor", "editor-password-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    # … but only that username from that address.
    other = Client()
    response = _login(other, "editor", "editor-password-123", ip="198.51.100.9")
    assert response.status_code == 302
    assert "_auth_user_id" in other.session


def test_lockout_uses_the_client_address_behind_trusted_proxies(settings):
    from core.middleware import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = type("R", (), {})()
    request.META = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}
    assert client_ip(request) == "203.0.113.7"  # the spoofable left entry is ignored
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"


@pytest.mark.django_db
def test_staff_sessions_expire(editor_client, settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    session = editor_client.session
    assert session.get_expire_at_browser_close()
    assert 0 < session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


# --- Error pages ----------------------------------------------------------------


def boom(request):
    raise RuntimeError("secret internals: DATABASE_PASSWORD=hunter2")


def forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied("internal reason")


def bad(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("internal reason")


urlpatterns = [
    path("test-boom/", boom),
    path("test-forbidden/", forbidden),
    path("test-bad/", bad),
    path("", include(settings.ROOT_URLCONF)),
]
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"


@pytest.fixture
def log_stream():
    """The configured console handler (JSON, request-id filter), writing into a buffer."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


def json_lines(buffer) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@pytest.mark.django_db
def test_500_is_friendly_and_logged_with_the_request_id(log_stream, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/test-boom/")
    assert response.status_code == 500
    page = response.content.decode()
    request_id = response["X-Request-ID"]
    assert request_id in page
    assert "Something went wrong" in page
    assert 'class="site-header"' in page and "css/site.css" in page
    for leak in ("hunter2", "RuntimeError", "Traceback", "secret internals"):
        assert leak not in page

    records = json_lines(log_stream)
    errors = [r for r in records if r["level"] == "ERROR" and r["logger"] == "django.request"]
    assert errors and errors[0]["request_id"] == request_id
    assert "RuntimeError" in errors[0]["exception"]
    access = [r for r in records if r["logger"] == "fieldguide.access"]
    assert access[-1] | {"duration_ms": 0} == access[-1] | {
        "method": "GET",
        "path": "/test-boom/",
        "status": 500,
        "request_id": request_id,
        "duration_ms": 0,
    }


@pytest.mark.django_db
def test_500_page_renders_even_when_context_processors_fail(settings):
    settings.ROOT_URLCONF = __name__
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": ["tests.test_security.broken_context_processor"],
            },
        }
    ]
    client = Client(raise_request_exception=False)
    response = client.get("/test-boom/")
    assert response.status_code == 500
    assert response["X-Request-ID"] in response.content.decode()


def broken_context_processor(request):
    raise RuntimeError("context processor failed")


@pytest.mark.django_db
def test_403_and_400_pages_are_friendly(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/test-forbidden/")
    assert response.status_code == 403
    assert "You don’t have access to this page" in response.content.decode()
    assert "internal reason" not in response.content.decode()

    response = client.get("/test-bad/")
    assert response.status_code == 400
    assert "We couldn’t understand that request" in response.content.decode()
    assert "internal reason" not in response.content.decode()


@pytest.mark.django_db
def test_404_page_has_the_site_look_and_no_internals(client):
    response = client.get("/roles/no-such-role/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We couldn’t find that page" in page
    assert 'class="site-header"' in page
    assert "No Role matches" not in page and "matches the given query" not in page
    assert '<meta name="robots" content="noindex">' in page


@pytest.mark.django_db
def test_bad_host_gets_the_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "We couldn’t understand that request" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_gets_a_friendly_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


# --- Request ids ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("lb-4f2a9c1e-77", True),
        ("0af7651916cd43dd8448eb211c80319c", True),
        ("abc def", False),
        ("x" * 200, False),
        ("evil\r\nSet-Cookie: a=b", False),
        ('"><script>', False),
        ("", False),
    ],
)
def test_incoming_request_id_is_honoured_only_if_sane(client, incoming, kept):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    if kept:
        assert response["X-Request-ID"] == incoming
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_every_request_logs_one_json_line(client, log_stream):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="probe-123")
    records = json_lines(log_stream)
    access = [r for r in records if r["logger"] == "fieldguide.access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "probe-123" == response["X-Request-ID"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_records_outside_requests_have_a_placeholder_id(log_stream):
    logging.getLogger("fieldguide.test").warning("hello %s", "world")
    (record,) = json_lines(log_stream)
    assert record["message"] == "hello world"
    assert record["request_id"] == "-"


@pytest.mark.django_db
def test_djangos_own_4xx_lines_carry_the_request_id(client, log_stream):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    records = json_lines(log_stream)
    warning = next(r for r in records if r["logger"] == "django.request")
    assert warning["request_id"] == response["X-Request-ID"]
    # …and the id does not leak into whatever is logged after the request.
    logging.getLogger("fieldguide.test").info("between requests")
    assert json_lines(log_stream)[-1]["request_id"] == "-"
