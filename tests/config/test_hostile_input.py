"""Hostile input: random and malicious query strings, XSS in every editor field, bad posts.

* Every reader URL (listings, filters, search, pagination, feeds, detail pages)
  gets random and malicious query strings from hypothesis: none may answer 5xx,
  and no payload is reflected as live HTML.
* A corpus of XSS payloads goes into every text and Markdown field an editor
  can fill (and into tags); no reader page then contains live markup from it.
* Oversized and malformed admin posts get field errors or a 400 page, never a 500.
"""

import inspect
import json
import os
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import django_filters
import factory
import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories

# HOSTILE_FULL=1 sends every value to every parameter separately and every XSS
# payload to every field (slow; run it before a release). The default sends the
# sharpest values, all parameters at once, and a quarter of the payload rounds.
FULL = os.environ.get("HOSTILE_FULL", "").strip().lower() in {"1", "true", "yes"}
MAX_EXAMPLES = int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "150"))
SKIPPED_PREFIXES = ("admin", "healthz", "readyz", "static", "media", "api/schema")

XSS_PAYLOADS = [
    '<script>alert("xss-1")</script>',
    '"><script>alert("xss-2")</script>',
    "'><img src=x onerror=alert('xss-3')>",
    '<svg onload=alert("xss-4")>',
    '<iframe src="javascript:alert(`xss-5`)"></iframe>',
    '[click](javascript:alert("xss-6"))',
    '[click](JaVaScRiPt:alert("xss-7"))',
    "<a href='javascript:alert(8)'>xss-8</a>",
    '<img src="x" onerror="alert(9)">',
    '</script><script>alert("xss-10")</script>',
    '<style>body{background:url("javascript:alert(11)")}</style>',
    '<body onload=alert("xss-12")>',
    "![img](javascript:alert(13))",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert("xss-14")>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxNSk8L3NjcmlwdD4=">xss-15</a>',
    '{{ 7|add:"xss-16" }}{% debug %}',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(18)">',
    "<object data=javascript:alert(19)></object>",
    '<form action="javascript:alert(20)"><button>xss-20</button></form>',
    "\u202e<script>alert(21)</script>",
    "<<script>script>alert(22)<</script>/script>",
]

HOSTILE_VALUES = [
    *XSS_PAYLOADS,
    "' OR '1'='1",
    "1; DROP TABLE organizations_organization; --",
    "1 UNION SELECT password FROM auth_user",
    "../../../../etc/passwd",
    "%00",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: hacked=1",
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 40,
    "-" + "9" * 40,
    "x" * 5000,
    "%s%s%s%n",
    "{}",
    "[]",
    "null",
    "true",
    "\\",
    "'",
    '"',
    "*",
    "?",
    "&&&",
    "💥🔥",
    "\ufeff",
    "\u0000\u0001\u0002\u001f",
    "ＡＢＣ",
    "İ",
    " ",
    "",
]

RAW_QUERY_STRINGS = [
    "%",
    "%%",
    "%zz",
    "q=%ff%fe",
    "page=%00",
    "q=%00&page=%00",
    "&&&",
    "=",
    "==&==",
    "q",
    "page",
    "page=",
    "page=1&page=2&page=x",
    "q=1&q=2",
    ";;;",
    "a[b]=c&q[]=x",
    "page=9999999999999999999999",
    "page=-5",
    "page=0",
    "page=last",
    "page=1.0",
    "q=" + "%41" * 3000,
    "type=" + "&type=".join(["x"] * 200),
    "q=%E2%80%AE%3Cscript%3E",
    "q=%C0%BCscript%C0%BE",
    "%C0%AE%C0%AE%2F",
    "q=%uFF1C",
    "utm_source=x&fbclid=y",
]

COMMON_PARAMS = [
    "q",
    "page",
    "type",
    "agenda",
    "country",
    "status",
    "tag",
    "category",
    "level",
    "kind",
    "format",
    "cost",
    "year",
    "sort",
    "order",
    "o",
    "per_page",
    "organization",
    "organizer",
    "role",
    "program",
    "compare",
    "a",
    "b",
    "ids",
    "remote",
    "employer_type",
    "salary",
    "salary_min",
    "experience",
    "region",
    "deadline",
]


def filter_param_names() -> list[str]:
    """Every parameter any FilterSet in the project accepts, plus common ones."""
    names = set(COMMON_PARAMS)
    stack = list(django_filters.FilterSet.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in {"core", "organizations", "careers", "guides"}:
            names.update(cls.base_filters)
    return sorted(names)


def reader_urls() -> list[str]:
    """Every URL pattern without parameters, outside the admin and health checks."""
    urls = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern).removeprefix("^").removesuffix("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                if "<" in route or "(" in route or route.startswith(SKIPPED_PREFIXES):
                    continue
                urls.append("/" + route)

    walk(get_resolver().url_patterns)
    return sorted(set(urls))


# --- Content --------------------------------------------------------------------


def model_factories() -> dict[type[models.Model], type[factory.django.DjangoModelFactory]]:
    found = {}
    for _name, obj in inspect.getmembers(factories, inspect.isclass):
        if issubclass(obj, factory.django.DjangoModelFactory) and not obj._meta.abstract:
            found[obj._meta.model] = obj
    return found


@pytest.fixture
def site_content(db):
    """A small cross-linked set of published records of every type, with tags."""
    made = {}
    for model, model_factory in model_factories().items():
        made[model] = model_factory()
    role = next((o for m, o in made.items() if m.__name__ == "Role"), None)
    for obj in made.values():
        if hasattr(obj, "tags"):
            obj.tags.add("evals", "interpretability")
    for model, obj in made.items():
        # Link records so that detail pages have related sections to render.
        for field in model._meta.many_to_many:
            target = made.get(field.related_model)
            if target is not None and field.name != "tags":
                getattr(obj, field.name).add(target)
    if role is not None:
        role.save()
    return made


def detail_urls(made) -> list[str]:
    urls = []
    for obj in made.values():
        if hasattr(obj, "get_absolute_url"):
            try:
                urls.append(obj.get_absolute_url())
            except Exception:  # noqa: S112 - a model without a reader page
                continue
    return sorted(set(urls))


# --- Live-HTML detection ---------------------------------------------------------

DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "style"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


class LiveMarkupFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._script_type = None
        self._script_body = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value or "") for name, value in attrs}
        if tag == "script":
            self._script_type = attrs.get("type", "")
            self._script_body = []
            src = attrs.get("src", "")
            if src and not src.startswith("/static/"):
                self.problems.append(f"<script src={src!r}>")
            elif not src and self._script_type != "application/ld+json":
                self.problems.append(f"inline <script type={self._script_type!r}>")
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "link" and not attrs.get("href", "").startswith(("/", "http")):
            self.problems.append(f"<link href={attrs.get('href')!r}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name in URL_ATTRIBUTES:
                cleaned = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if cleaned.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"{name}={value[:40]!r} on <{tag}>")

    def handle_data(self, data):
        if self._script_type is not None:
            self._script_body.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script_type is not None:
            body = "".join(self._script_body)
            if self._script_type == "application/ld+json":
                try:
                    json.loads(body)
                except ValueError:
                    self.problems.append("JSON-LD block is not valid JSON")
            self._script_type = None


def live_markup(html: str) -> list[str]:
    finder = LiveMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def assert_safe_response(response, url):
    assert response.status_code < 500, f"{url} answered {response.status_code}"
    content_type = response.get("Content-Type", "")
    if "text/html" not in content_type or response.streaming:
        return
    html = response.content.decode("utf-8", errors="replace")
    problems = live_markup(html)
    assert not problems, f"{url}: {sorted(set(problems))}"
    for payload in XSS_PAYLOADS:
        if "<" in payload:
            assert payload not in html, f"{url} reflects {payload!r} unescaped"


# --- Query strings ----------------------------------------------------------------

SHARP_VALUES = [
    XSS_PAYLOADS[1],
    XSS_PAYLOADS[2],
    XSS_PAYLOADS[9],
    "' OR '1'='1",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: hacked=1",
    "-1",
    "9" * 40,
    "1e309",
    "NaN",
    "x" * 5000,
    "💥🔥\u202e",
    "",
]
SHARP_RAW = RAW_QUERY_STRINGS if FULL else RAW_QUERY_STRINGS[::2]


def with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


def view_params(url: str) -> list[str]:
    """The parameters the view behind ``url`` reads: its filters plus the common ones."""
    from django.urls import resolve

    names = {"q", "page", "type", "sort", "order", "a", "b"}
    view_class = getattr(resolve(url.split("?")[0]).func, "view_class", None)
    filterset_class = getattr(view_class, "filterset_class", None)
    if filterset_class is not None:
        names.update(filterset_class.base_filters)
    return sorted(names)


@pytest.mark.django_db
def test_every_listing_survives_the_hostile_corpus(client, site_content):
    urls = reader_urls()
    assert len(urls) >= 8, urls
    values = HOSTILE_VALUES if FULL else SHARP_VALUES
    for url in urls:
        params = view_params(url)
        for value in values:
            if FULL:
                queries = [urlencode({name: value}) for name in params]
            else:
                everything = urlencode({name: value for name in params if name != "page"})
                queries = [everything, urlencode({"page": value})]
            for query in queries:
                response = client.get(with_query(url, query))
                assert_safe_response(response, with_query(url, query[:80]))
        for raw in SHARP_RAW:
            response = client.get(with_query(url, raw))
            assert_safe_response(response, with_query(url, raw[:80]))


@pytest.mark.django_db
def test_detail_pages_ignore_hostile_query_strings(client, site_content):
    for url in detail_urls(site_content):
        for raw in RAW_QUERY_STRINGS[:: 1 if FULL else 5]:
            response = client.get(with_query(url, raw))
            assert_safe_response(response, with_query(url, raw[:80]))


def text_values():
    safe_text = st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=60
    )
    return st.one_of(st.sampled_from(HOSTILE_VALUES), safe_text, st.integers().map(str))


def query_strings():
    params = filter_param_names()
    key = st.one_of(st.sampled_from(params), st.text(min_size=1, max_size=12).filter(str.strip))
    pairs = st.lists(st.tuples(key, text_values()), min_size=0, max_size=6)
    encoded = pairs.map(lambda items: urlencode(items))
    raw = st.sampled_from(RAW_QUERY_STRINGS)
    return st.one_of(encoded, encoded, raw)


@pytest.mark.django_db
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_query_strings_never_cause_a_server_error(client, site_content, data):
    urls = reader_urls() + detail_urls(site_content)
    url = data.draw(st.sampled_from(urls), label="url")
    query = data.draw(query_strings(), label="query")
    response = client.get(with_query(url, query))
    assert_safe_response(response, with_query(url, query[:200]))


@pytest.mark.django_db
@settings(
    max_examples=max(40, MAX_EXAMPLES // 3),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    prefix=st.sampled_from(["/", "/roles/", "/organizations/", "/search/", "/papers/", "/tags/"]),
    segment=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
)
def test_random_paths_never_cause_a_server_error(client, site_content, prefix, segment):
    url = prefix + quote(segment, safe="")
    response = client.get(url)
    assert_safe_response(response, url)


@pytest.mark.django_db
def test_hostile_request_headers_are_harmless(client, site_content):
    headers = {
        "HTTP_ACCEPT_LANGUAGE": "';--<script>" * 50,
        "HTTP_USER_AGENT": XSS_PAYLOADS[0] * 20,
        "HTTP_REFERER": "javascript:alert(1)",
        "HTTP_X_FORWARDED_FOR": "not-an-ip, <script>",
        "HTTP_X_REQUEST_ID": "\r\n<script>",
        "HTTP_IF_MODIFIED_SINCE": "yesterday-ish",
        "HTTP_IF_NONE_MATCH": '"' * 100,
        "HTTP_COOKIE": "sessionid=<script>; csrftoken=%00",
        "HTTP_ACCEPT": "*/*;q=bogus",
    }
    for url in reader_urls():
        response = client.get(url, **headers)
        assert_safe_response(response, url)


@pytest.mark.django_db
def test_unexpected_methods_are_refused_cleanly(client, site_content):
    for url in reader_urls():
        for method in ("post", "put", "patch", "delete", "options"):
            response = getattr(client, method)(url, data="x=1", content_type="text/plain")
            assert response.status_code < 500, (method, url, response.status_code)


# --- XSS through every editor field ------------------------------------------------


def editable_text_fields(model) -> list[models.Field]:
    fields = []
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False) or not getattr(field, "editable", False):
            continue
        if isinstance(field, models.SlugField | models.URLField | models.EmailField):
            continue
        if isinstance(field, models.CharField | models.TextField) and not field.choices:
            fields.append(field)
    return fields


def fill_with_payloads(made, round_number):
    """Put a payload in every editor text field; the payload differs per field and round."""
    filled = 0
    for index, (model, obj) in enumerate(made.items()):
        for offset, field in enumerate(editable_text_fields(model)):
            payload = XSS_PAYLOADS[(round_number + index + offset) % len(XSS_PAYLOADS)]
            max_length = getattr(field, "max_length", None)
            if max_length and len(payload) > max_length:
                payload = payload[:max_length]
            setattr(obj, field.attname, payload)
            filled += 1
        obj.save()
    return filled


@pytest.mark.django_db
@pytest.mark.parametrize("round_number", range(0, len(XSS_PAYLOADS), 1 if FULL else 4))
def test_xss_in_editor_fields_never_reaches_readers_as_html(client, site_content, round_number):
    from taggit.models import Tag

    assert fill_with_payloads(site_content, round_number) >= 20
    tag_payload = XSS_PAYLOADS[round_number % len(XSS_PAYLOADS)][:100]
    Tag.objects.filter(name="evals").update(name=tag_payload)

    urls = reader_urls() + detail_urls(site_content)
    urls += ["/search/?" + urlencode({"q": q}) for q in ("alert", "xss", "script", "Record")]
    shown = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            assert_safe_response(response, url)
            shown += b"alert(" in response.content
    # The payloads did reach readers' pages — as text.
    assert shown >= len(detail_urls(site_content)) // 2, shown


def test_the_live_markup_detector_catches_what_it_should():
    assert live_markup('<p>fine</p><script type="application/ld+json">{}</script>') == []
    assert live_markup('<link rel="stylesheet" href="/static/css/site.css">') == []
    for html in (
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href=" javascript:alert(1)">x</a>',
        "<iframe src=/></iframe>",
        '<p style="color:red">x</p>',
        "<style>p{}</style>",
        '<script type="application/ld+json">{"a": 1}</script><script>alert(1)</script>',
        '<script type="application/ld+json">{"broken": </script>',
        '<meta http-equiv="refresh" content="0;url=/">',
        '<form action="javascript:alert(1)"></form>',
    ):
        assert live_markup(html), html


def test_editors_cannot_save_dangerous_urls():
    from django.core.exceptions import ValidationError
    from django.forms import URLField

    field = URLField(assume_scheme="https")
    for value in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        " javascript:alert(1)",
    ):
        with pytest.raises(ValidationError):
            field.clean(value)


# --- Admin posts --------------------------------------------------------------------


def admin_form_data(client, url) -> dict:
    """The data an empty admin add form would post, management forms included."""
    response = client.get(url)
    assert response.status_code == 200
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        initial = form.get_initial_for_field(field, name)
        if initial not in (None, "") and not isinstance(initial, list | tuple):
            data[name] = (
                field.widget.format_value(initial)
                if hasattr(field.widget, "format_value")
                else initial
            )
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return {k: v for k, v in data.items() if isinstance(v, str | int)}


@pytest.mark.django_db
def test_oversized_and_malformed_admin_fields_get_field_errors(editor_client, site_content):
    from organizations.models import Organization

    url = reverse("admin:organizations_organization_add")
    data = admin_form_data(editor_client, url)
    data.update(
        {
            "name": "N" * 10_000,
            "slug": "not a slug <script>",
            "summary": "S" * 5_000,
            "type": "99999999",
            "website": "javascript:alert(1)",
            "careers_url": "http://" + "x" * 3000 + ".com",
            "founded_year": "nineteen-ninety",
            "closed_year": "-5",
            "country": "XX",
            "status": "hacked",
            "operating_status": "<script>",
            "publish_at_0": "31/31/2024",
            "publish_at_1": "25:61",
            "last_reviewed": "yesterday",
            "headquarters": "\x00",
        }
    )
    before = Organization.objects.count()
    response = editor_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    for field in (
        "name",
        "slug",
        "summary",
        "type",
        "website",
        "founded_year",
        "country",
        "status",
        "operating_status",
        "last_reviewed",
        "headquarters",
    ):
        assert field in errors, (field, errors)
    assert Organization.objects.count() == before
    assert "errornote" in response.content.decode()


@pytest.mark.django_db
def test_admin_rejects_constraint_breaking_values_as_field_errors(editor_client, site_content):
    url = reverse("admin:organizations_organization_add")
    data = admin_form_data(editor_client, url)
    org_type = site_content[next(m for m in site_content if m.__name__ == "OrganizationType")]
    data.update(
        {
            "name": "Backwards",
            "slug": "backwards",
            "type": str(org_type.pk),
            "founded_year": "2020",
            "closed_year": "2010",
            "status": "draft",
            "operating_status": "defunct",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    assert form.errors, "a closed year before the founding year must be refused"


@pytest.mark.django_db
def test_oversized_admin_post_gets_the_400_page(editor_client, settings):
    url = reverse("admin:organizations_organization_add")
    body = "name=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = editor_client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "We couldn’t understand that request" in response.content.decode()


@pytest.mark.django_db
def test_admin_post_with_too_many_fields_gets_the_400_page(editor_client, settings):
    url = reverse("admin:organizations_organization_add")
    body = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = editor_client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


@pytest.mark.django_db
def test_admin_post_with_too_many_files_gets_the_400_page(editor_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("admin:organizations_organization_add")
    files = {
        f"file{i}": SimpleUploadedFile(f"f{i}.txt", b"x")
        for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    }
    response = editor_client.post(url, files)
    assert response.status_code == 400


@pytest.mark.django_db
def test_malformed_multipart_admin_post_is_not_a_server_error(editor_client):
    url = reverse("admin:organizations_organization_add")
    for content_type, body in (
        ("multipart/form-data; boundary=", b"--\r\n\r\n"),
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nContent-Disposition: form-data\r\n"),
        ("multipart/form-data", b"garbage"),
        ("application/x-www-form-urlencoded", b"%%%&&&==\xff\xfe"),
        ("application/json", b"{not json"),
    ):
        response = editor_client.generic("POST", url, body, content_type=content_type)
        assert response.status_code < 500, (content_type, response.status_code)


def test_anonymous_admin_posts_redirect_to_login(db):
    client = Client()
    response = client.post(reverse("admin:organizations_organization_add"), {"name": "x"})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
