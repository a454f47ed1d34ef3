"""Home page, tag pages and the site chrome (header, breadcrumbs, no inline code)."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from careers.models import Role
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


def test_home_recently_updated_is_the_newest_of_every_type_together(client):
    """Each type's newest few are read first (one ``LIMIT`` per type on
    PostgreSQL): the result must still be the newest of all, in order."""
    import datetime

    from django.utils import timezone

    from guides.models import Paper

    start = timezone.now() - datetime.timedelta(days=30)
    roles = RoleFactory.create_batch(12)
    papers = PaperFactory.create_batch(3)
    draft = PaperFactory(status=Status.DRAFT)
    # Roles take the newest and the oldest moments; papers fall in between.
    moments = {role.pk: start + datetime.timedelta(hours=100 + n) for n, role in enumerate(roles)}
    moments[roles[0].pk] = start  # the oldest of all
    for role in roles:
        Role.objects.filter(pk=role.pk).update(updated=moments[role.pk])
    for n, paper in enumerate(papers):
        moment = start + datetime.timedelta(hours=105 + n, minutes=30)
        Paper.objects.filter(pk=paper.pk).update(updated=moment)
    Paper.objects.filter(pk=draft.pk).update(updated=timezone.now())
    recent = client.get("/").context["recently_updated"]
    everything = [*Role.objects.published(), *Paper.objects.published()]
    expected = sorted(everything, key=lambda record: record.updated, reverse=True)[: len(recent)]
    assert [(type(r), r.pk) for r in recent] == [(type(r), r.pk) for r in expected]
    assert len(recent) == 8 and draft not in recent and roles[0] not in recent
    assert any(isinstance(record, Paper) for record in recent)


def test_home_query_count_is_constant(client):
    def measure(n):
        for factory in ALL_FACTORIES:
            factory.create_batch(n)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    assert measure(5) == measure(55) <= 1 + per_record_type()  # the counts and the newest


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
    """Drafts and records scheduled for later are not counted; records of
    different types that share an id are each counted once."""
    RoleFactory(
        name="Scheduled", tags=["evals"], publish_at=timezone.now() + datetime.timedelta(days=2)
    )
    response = client.get(reverse("core:tag_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert h1_count(html) == 1
    counts = {tag.slug: tag.record_count for tag in response.context["tags"]}
    assert counts == {"interpretability": 3, "evals": 1}
    assert "secret-topic" not in html


def test_a_topic_whose_name_is_not_ascii_has_its_pages(client):
    """taggit keeps letters outside ASCII in a slug ("Sécurité" → "sécurité",
    "安全" → "安全"): the topic list, the topic's page and the tagged record's
    page all work with it, and its links lead to the topic."""
    role = RoleFactory(name="Role with a French topic", tags=["Sécurité", "安全"])
    listing = client.get(reverse("core:tag_list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    links = re.findall(r'<a href="(/tags/[^"]+)">', html)
    assert len(links) == 2
    for link in links:
        page = client.get(link)
        assert page.status_code == 200
        assert "Role with a French topic" in page.content.decode()
    record = client.get(role.get_absolute_url())
    assert record.status_code == 200
    assert set(re.findall(r'href="(/tags/[^"]+)"', record.content.decode())) == set(links)


def test_a_topic_without_a_letter_or_digit_still_gets_a_page(client):
    """A topic named "🔥" or "—" slugifies to nothing: it gets a slug made from
    its characters, so the record's page, the topic list and the topic's page work."""
    role = RoleFactory(name="Role with an emoji topic", tags=["🔥", "—"])
    slugs = set(Tag.objects.values_list("slug", flat=True))
    assert len(slugs) == 2 and "" not in slugs
    record = client.get(role.get_absolute_url())
    assert record.status_code == 200
    links = set(re.findall(r'href="(/tags/[^"]+)"', record.content.decode()))
    assert len(links) == 2
    listing = client.get(reverse("core:tag_list")).content.decode()
    for link in links:
        assert f'href="{link}"' in listing
        assert "Role with an emoji topic" in client.get(link).content.decode()


def test_a_topic_saved_with_an_empty_slug_before_is_given_one_by_the_migration(client):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("core.migrations.0008_topic_slugs")
    RoleFactory(name="Role with an old emoji topic", tags=["🔥"])
    Tag.objects.update(slug="")  # as taggit saved it before
    migration.slug_empty_topics(apps, None)
    assert list(Tag.objects.values_list("slug", flat=True)) == ["topic-1f525"]
    assert client.get("/tags/topic-1f525/").status_code == 200


@pytest.fixture
def crowded(monkeypatch):
    """A topic with long groups (roles: paged here; organizations: the listing
    filters by topic) and a short one (papers), with small limits."""
    from core.views import TagDetailView

    monkeypatch.setattr(TagDetailView, "group_limit", 3, raising=False)
    monkeypatch.setattr(TagDetailView, "per_page", 2, raising=False)
    return {
        "roles": RoleFactory.create_batch(5, tags=["big"]),
        "orgs": OrganizationFactory.create_batch(4, tags=["big"]),
        "papers": PaperFactory.create_batch(2, tags=["big"]),
        "draft": RoleFactory(name="Draft big role", tags=["big"], status="draft"),
    }


def names_in_order(model, slug):
    return list(model.objects.published().filter(tags__slug=slug).values_list("name", flat=True))


def test_tag_detail_caps_long_groups_and_says_how_many(client, crowded):

    response = client.get(reverse("core:tag_detail", args=["big"]))
    assert response.status_code == 200
    html = response.content.decode()
    groups = {group["heading"]: group for group in response.context["groups"]}
    roles, orgs, papers = groups["Roles"], groups["Organizations"], groups["Papers and books"]
    # The first records of the group, in the model's order; the group's whole size.
    assert [r.name for r in roles["records"]] == names_in_order(Role, "big")[:3]
    assert (len(roles["records"]), roles["total"]) == (3, 5)
    assert (len(orgs["records"]), orgs["total"]) == (3, 4)
    assert response.context["total"] == 11  # every record, not only those shown
    assert "3 of 5 roles" in html and "3 of 4 organizations" in html
    assert "Draft big role" not in html
    # The rest: the listing filtered by the topic, else this page's pages of the group.
    assert orgs["more_url"] == reverse("organizations:organization_list") + "?tag=big"
    assert roles["more_url"] == reverse("core:tag_detail", args=["big"]) + "?type=role"
    assert f'href="{roles["more_url"]}"' in html
    assert f'href="{orgs["more_url"]}"' in html
    # A short group is as before: every record, no count, no link.
    assert len(papers["records"]) == papers["total"] == 2
    assert papers["more_url"] == ""
    assert "2 of 2" not in html and "?type=paper" not in html
    assert h1_count(html) == 1
    assert_no_inline_code(html)


def test_tag_detail_listing_link_shows_the_whole_group(client, crowded):
    html = client.get(reverse("organizations:organization_list") + "?tag=big").content.decode()
    for org in crowded["orgs"]:
        assert org.name in html


def test_tag_detail_pages_a_group_without_a_topic_filter(client, crowded):

    url = reverse("core:tag_detail", args=["big"])
    seen = []
    for number, expected in [(1, 2), (2, 2), (3, 1)]:
        response = client.get(url, {"type": "role", "page": number})
        assert response.status_code == 200
        (group,) = response.context["groups"]
        assert group["heading"] == "Roles" and group["total"] == 5
        assert len(group["records"]) == expected
        page = response.context["page_obj"]
        assert (page.number, page.paginator.num_pages) == (number, 3)
        html = response.content.decode()
        assert h1_count(html) == 1
        assert 'aria-label="Pages"' in html
        assert ('rel="next"' in html) == (number < 3)
        assert_no_inline_code(html)
        seen += [record.name for record in group["records"]]
    assert seen == names_in_order(Role, "big")  # every record once, in order
    assert "Draft big role" not in seen
    assert client.get(url, {"type": "role"}).context["page_obj"].number == 1


def test_tag_detail_lists_undated_papers_after_the_dated_ones_as_their_listing_does(
    client, monkeypatch
):
    from core.views import TagDetailView

    monkeypatch.setattr(TagDetailView, "group_limit", 3, raising=False)
    PaperFactory(name="Undated", year=None, tags=["dates"])
    PaperFactory(name="Old", year=2001, tags=["dates"])
    PaperFactory(name="New", year=2024, tags=["dates"])
    PaperFactory(name="Middle", year=2015, tags=["dates"])
    response = client.get(reverse("core:tag_detail", args=["dates"]))
    (group,) = response.context["groups"]
    # Newest first, and the undated paper (the fourth) past the cut, on every database.
    assert [paper.name for paper in group["records"]] == ["New", "Middle", "Old"]
    assert group["total"] == 4
    response = client.get(reverse("core:tag_detail", args=["dates"]), {"type": "paper"})
    names = [paper.name for paper in response.context["groups"][0]["records"]]
    assert names == ["New", "Middle", "Old", "Undated"]
    listing = client.get(reverse("guides:paper_list"), {"tag": "dates"})
    assert [paper.name for paper in listing.context["papers"]] == names


@pytest.mark.parametrize(
    "query",
    [
        "type=nope",
        "type=",
        "type=crux",  # a record type with nothing on this topic
        "type=role&page=0",
        "type=role&page=-1",
        "type=role&page=abc",
        "type=role&page=1.0",
        "type=role&page=%D9%A1",  # a digit, but not 0-9
        "type=role&page=4",
        "type=role&page=99999999999999999999",
        "page=2",
    ],
)
def test_tag_detail_bad_type_or_page_is_404(client, crowded, query):
    url = reverse("core:tag_detail", args=["big"]) + "?" + query
    assert client.get(url).status_code == 404


def test_tag_pages_query_count_is_constant(client):
    def measure(n):
        for factory in ALL_FACTORIES:
            factory.create_batch(n, tags=["shared", f"t{n}"])
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("core:tag_detail", args=["shared"])).status_code == 200
        detail = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("core:tag_list")).status_code == 200
        listing = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            url = reverse("core:tag_detail", args=["shared"]) + "?type=role&page=1"
            assert client.get(url).status_code == 200
        return detail, listing, len(ctx.captured_queries)

    small, large = measure(5), measure(40)
    assert small == large
    # The tag, then one query per record type (the tag list: its counts likewise).
    assert small[0] <= 2 + per_record_type() and small[1] <= 2 + per_record_type()
    # A page of one group: the tag, its records, their count (the stored topic counts).
    assert small[2] <= 3


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
