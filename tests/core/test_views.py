"""Home page, tag pages and the site chrome (header, breadcrumbs, no inline code)."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Status
from tests.budgets import per_record_type
from tests.factories import (
    FailureModeFactory,
    GuideFactory,
    OrganizationFactory,
    PaperFactory,
    ProgramFactory,
    ResearchAgendaFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

ALL_FACTORIES = [
    RoleFactory,
    ResearchAgendaFactory,
    OrganizationFactory,
    GuideFactory,
    PaperFactory,
    ProgramFactory,
    FailureModeFactory,
]


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def jsonld_blocks(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def assert_no_inline_code(html: str):
    """Ready for a strict CSP: no style attributes, <style> or executable <script>."""
    assert not re.search(r"<[^>]+\sstyle=", html), "inline style attribute"
    assert "<style" not in html
    for match in re.finditer(r"<script([^>]*)>(.*?)</script>", html, re.S):
        attributes, body = match.groups()
        if 'type="application/ld+json"' in attributes:
            continue  # data, not code
        # Otherwise only a static file (progressive enhancement), with nothing inline.
        assert re.search(r'\ssrc="/static/[^"]+"', attributes), match.group(0)
        assert not body.strip(), match.group(0)
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


# ------------------------------------------------------------------------ home


def test_home_page(client):
    RoleFactory(name="Published role")
    RoleFactory(name="Draft role", status=Status.DRAFT)
    OrganizationFactory.create_batch(3)
    PaperFactory(name="Future paper", publish_at="2999-01-01T00:00:00Z")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert h1_count(html) == 1
    assert "Published role" in html
    assert "Draft role" not in html
    assert "Future paper" not in html
    counts = {s["heading"]: s["count"] for s in response.context["sections"]}
    assert counts["Roles"] == 1
    assert counts["Organizations"] == 3
    assert counts["Papers and books"] == 0
    for name in [
        "careers:role_list",
        "guides:agenda_list",
        "organizations:organization_list",
        "guides:guide_list",
        "guides:paper_list",
        "careers:program_list",
        "guides:failuremode_list",
    ]:
        assert f'href="{reverse(name)}"' in html
    # The home page's title is the site's own, not "… · site name".
    assert "<title>AI Safety Field Guide — " in html
    assert_no_inline_code(html)


def test_home_recently_updated_mixes_types_newest_first(client):
    old = RoleFactory(name="Old role")
    paper = PaperFactory(name="New paper")
    type(old).objects.filter(pk=old.pk).update(updated="2020-01-01T00:00:00Z")
    recent = client.get("/").context["recently_updated"]
    assert recent[0] == paper
    assert recent[-1] == old


def test_home_query_count_is_constant(client):
    def measure(n):
        for factory in ALL_FACTORIES:
            factory.create_batch(n)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    assert measure(5) == measure(55) <= 2 * per_record_type()  # a count and the newest


# ------------------------------------------------------------------------ tags


@pytest.fixture
def tagged():
    return {
        "role": RoleFactory(name="Tagged role", tags=["interpretability"]),
        "org": OrganizationFactory(name="Tagged org", tags=["interpretability", "evals"]),
        "paper": PaperFactory(name="Tagged paper", tags=["interpretability"]),
        "draft": ProgramFactory(name="Draft program", tags=["interpretability"], status="draft"),
        "secret": RoleFactory(name="Secret", tags=["secret-topic"], status="draft"),
    }


def test_tag_detail_groups_published_records_by_type(client, tagged):
    response = client.get(reverse("core:tag_detail", args=["interpretability"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert h1_count(html) == 1
    headings = [group["heading"] for group in response.context["groups"]]
    assert headings == ["Roles", "Organizations", "Papers and books"]
    for name in ["Tagged role", "Tagged org", "Tagged paper"]:
        assert name in html
    assert "Draft program" not in html
    assert response.context["total"] == 3
    crumbs = next(b for b in jsonld_blocks(html) if b["@type"] == "BreadcrumbList")
    assert [item["name"] for item in crumbs["itemListElement"]] == [
        "Home",
        "Topics",
        "interpretability",
    ]
    assert_no_inline_code(html)


def test_unknown_or_draft_only_tag_is_404(client, tagged):
    assert client.get(reverse("core:tag_detail", args=["no-such-tag"])).status_code == 404
    assert client.get(reverse("core:tag_detail", args=["secret-topic"])).status_code == 404


def test_tag_list_counts_published_records(client, tagged):
    response = client.get(reverse("core:tag_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert h1_count(html) == 1
    counts = {tag.slug: tag.record_count for tag in response.context["tags"]}
    assert counts == {"interpretability": 3, "evals": 1}
    assert "secret-topic" not in html


def test_tag_pages_query_count_is_constant(client):
    def measure(n):
        for factory in ALL_FACTORIES:
            factory.create_batch(n, tags=["shared", f"t{n}"])
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("core:tag_detail", args=["shared"])).status_code == 200
        detail = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("core:tag_list")).status_code == 200
        return detail, len(ctx.captured_queries)

    small, large = measure(5), measure(40)
    assert small == large
    # The tag, then one query per record type (the tag list: its counts likewise).
    assert small[0] <= 2 + per_record_type() and small[1] <= 2 + per_record_type()


# ------------------------------------------------------------------ site chrome


def test_header_marks_current_section_and_search_form(client):
    RoleFactory(slug="some-role")
    html = client.get(reverse("careers:role_detail", args=["some-role"])).content.decode()
    assert f'<a href="{reverse("careers:role_list")}" aria-current="true">Roles</a>' in html
    listing = client.get(reverse("careers:role_list")).content.decode()
    assert f'<a href="{reverse("careers:role_list")}" aria-current="page">Roles</a>' in listing
    assert f'action="{reverse("search:search")}"' in html
    assert '<label class="visually-hidden" for="site-search-q">' in html
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html


@pytest.mark.parametrize(
    "url_name",
    [
        "core:home",
        "core:tag_list",
        "organizations:organization_list",
        "careers:role_list",
        "careers:program_list",
    ],
)
def test_reader_pages_have_meta_and_no_inline_code(url_name):
    OrganizationFactory(tags=["x"])
    html = Client().get(reverse(url_name)).content.decode()
    assert '<meta name="description" content="' in html
    assert '<meta property="og:title" content="' in html
    assert '<link rel="canonical" href="http://testserver' in html
    assert_no_inline_code(html)


def test_detail_pages_have_no_inline_code(client):
    role = RoleFactory(cover_letter="Hi", overview='<p style="color:red">x</p>')
    role.related_roles.add(RoleFactory(category=role.category))
    for record in [role, OrganizationFactory(), ProgramFactory()]:
        response = client.get(record.get_absolute_url())
        assert response.status_code == 200
        assert_no_inline_code(response.content.decode())


def test_stylesheet_is_linked_and_defines_accessibility_helpers(client):
    html = client.get("/").content.decode()
    assert re.search(r'<link rel="stylesheet" href="/static/css/site\.css', html)
    from django.contrib.staticfiles import finders

    with open(finders.find("css/site.css"), encoding="utf-8") as handle:
        css = handle.read()
    for selector in [".visually-hidden", ".skip-link:focus", ":focus-visible", "@media (min-width"]:
        assert selector in css


@pytest.mark.django_db
def test_home_has_breadcrumb_structured_data(client):
    html = client.get("/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    types = [json.loads(block)["@type"] for block in blocks]
    assert "BreadcrumbList" in types
