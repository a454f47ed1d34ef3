"""Findability: sitemap.xml, robots.txt and the site-wide Atom feed."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careers.models import Program, Role
from core import registry
from core.models import Status
from guides.models import FailureMode, Guide, Paper, ResearchAgenda
from organizations.models import Organization
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

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM = "{http://www.w3.org/2005/Atom}"
MODELS = (Organization, Role, Program, ResearchAgenda, Paper, FailureMode, Guide)
LISTING_URLS = (
    "core:home",
    "organizations:organization_list",
    "careers:role_list",
    "careers:program_list",
    "guides:agenda_list",
    "guides:agenda_compare",
    "guides:paper_list",
    "guides:failuremode_list",
    "guides:guide_list",
)


def parse_xml(content: bytes) -> ET.Element:
    """Parse the site's own XML output (not untrusted input)."""
    return ET.fromstring(content)  # noqa: S314


def make_site(n: int = 1, prefix: str = "x"):
    """``n`` published records of every type plus a draft, a review and a scheduled one."""
    later = timezone.now() + timezone.timedelta(days=3)
    factories = (
        OrganizationFactory,
        RoleFactory,
        ProgramFactory,
        ResearchAgendaFactory,
        PaperFactory,
        FailureModeFactory,
        GuideFactory,
    )
    hidden = []
    for factory in factories:
        name = factory._meta.model.__name__.lower()
        for i in range(n):
            factory(slug=f"{prefix}-{name}-{i}")
        hidden.append(factory(slug=f"{prefix}-{name}-draft", status=Status.DRAFT))
        hidden.append(factory(slug=f"{prefix}-{name}-review", status=Status.REVIEW))
        hidden.append(factory(slug=f"{prefix}-{name}-later", publish_at=later))
    return hidden


def sitemap_locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = parse_xml(response.content)
    return [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]


def published_paths() -> set[str]:
    paths = set()
    for model in registry.record_models():  # the tests' own Gadget too
        paths |= {record.get_absolute_url() for record in model.objects.published()}
    return paths


# --------------------------------------------------------------------- sitemap


def test_sitemap_lists_exactly_the_published_detail_pages_and_the_listings(client):
    hidden = make_site(2)
    locations = sitemap_locations(client)
    assert len(locations) == len(set(locations)), "duplicate URLs"
    assert all(loc.startswith("http://testserver/") for loc in locations)
    paths = {loc.removeprefix("http://testserver") for loc in locations}
    listings = {reverse(rt.list_url_name) for rt in registry.record_types()}
    expected = published_paths() | {reverse(name) for name in LISTING_URLS} | listings
    assert paths == expected
    for record in hidden:
        assert record.get_absolute_url() not in paths


def test_sitemap_drops_a_record_when_it_is_unpublished(client):
    paper = PaperFactory(slug="going-away")
    assert any(loc.endswith("/papers/going-away/") for loc in sitemap_locations(client))
    Paper.objects.filter(pk=paper.pk).update(status=Status.DRAFT)
    assert not any(loc.endswith("/papers/going-away/") for loc in sitemap_locations(client))


def test_sitemap_lastmod_is_the_record_update_time(client):
    paper = PaperFactory(slug="dated")
    root = parse_xml(client.get("/sitemap.xml").content)
    for url in root.findall("sm:url", SITEMAP_NS):
        if url.find("sm:loc", SITEMAP_NS).text.endswith("/papers/dated/"):
            assert url.find("sm:lastmod", SITEMAP_NS).text == paper.updated.date().isoformat()
            break
    else:
        raise AssertionError("paper missing from the sitemap")


@override_settings(SITE_URL="https://fieldguide.example.org")
def test_sitemap_uses_site_url_when_configured(client):
    PaperFactory(slug="canonical")
    locations = sitemap_locations(client)
    assert "https://fieldguide.example.org/papers/canonical/" in locations
    assert all(loc.startswith("https://fieldguide.example.org/") for loc in locations)


def test_sitemap_query_count_is_constant(client):
    make_site(1, "few")
    with CaptureQueriesContext(connection) as few:
        client.get("/sitemap.xml")
    make_site(15, "many")
    with CaptureQueriesContext(connection) as many:
        client.get("/sitemap.xml")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 2 * per_record_type()


# ---------------------------------------------------------------------- robots


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "<" not in response.content.decode()


@override_settings(SITE_URL="https://fieldguide.example.org")
def test_robots_txt_uses_site_url(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://fieldguide.example.org/sitemap.xml" in body


@override_settings(ADMIN_URL="editors-7f3a/")
def test_robots_txt_does_not_reveal_a_custom_admin_path(client):
    assert "editors-7f3a" not in client.get("/robots.txt").content.decode()


def test_robots_txt_is_get_only(client):
    assert client.post("/robots.txt").status_code == 405


# ------------------------------------------------------------------------ feed


def feed_entries(client):
    response = client.get("/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_xml(response.content)  # well-formed XML or this raises
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


def test_feed_is_valid_atom_of_published_records_only(client):
    hidden = make_site(1)
    root, entries = feed_entries(client)
    assert root.find(f"{ATOM}title").text.endswith("recent updates")
    assert root.find(f"{ATOM}updated") is not None
    assert root.find(f"{ATOM}author/{ATOM}name").text
    links = {entry.find(f"{ATOM}link").get("href") for entry in entries}
    expected = {f"http://testserver{path}" for path in published_paths()}
    assert links == expected
    for record in hidden:
        assert f"http://testserver{record.get_absolute_url()}" not in links
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("http://testserver/r/")
        assert entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}title").text
        assert entry.find(f"{ATOM}category") is not None


def test_feed_is_newest_first_and_capped(client):
    from opendata.feeds import SITE_FEED_LENGTH as FEED_LENGTH

    for i in range(FEED_LENGTH + 5):
        PaperFactory(slug=f"p-{i}")
    newest = FailureModeFactory(slug="newest", name="Brand new")
    _, entries = feed_entries(client)
    assert len(entries) == FEED_LENGTH
    assert entries[0].find(f"{ATOM}title").text == "Brand new"
    assert entries[0].find(f"{ATOM}link").get("href").endswith(newest.get_absolute_url())
    stamps = [entry.find(f"{ATOM}updated").text for entry in entries]
    assert stamps == sorted(stamps, reverse=True)


def test_feed_escapes_hostile_text(client):
    PaperFactory(slug="hostile", name="<script>x</script> & co", summary="a < b & c")
    _root, entries = feed_entries(client)
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert "<script>x</script> & co" in titles


def test_feed_query_count_is_constant(client):
    make_site(1, "few")
    with CaptureQueriesContext(connection) as few:
        client.get("/feed.atom")
    make_site(10, "many")
    with CaptureQueriesContext(connection) as many:
        client.get("/feed.atom")
    assert len(many.captured_queries) == len(few.captured_queries) <= per_record_type()


def test_every_page_links_the_feed_in_its_head(client):
    html = client.get("/").content.decode()
    head = html[: html.index("</head>")]
    assert '<link rel="alternate" type="application/atom+xml"' in head
    assert 'href="/feed.atom"' in head
