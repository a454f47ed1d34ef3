"""Organization listing (filters, facets, pagination) and detail pages."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Status
from organizations.models import Organization
from tests.budgets import per_record_type
from tests.factories import (
    OrganizationFactory,
    OrganizationTypeFactory,
    PaperFactory,
    ProgramFactory,
    ResearchAgendaFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("organizations:organization_list")


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def jsonld_blocks(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def listed_slugs(response) -> set[str]:
    return {org.slug for org in response.context["organizations"]}


@pytest.fixture
def world():
    lab = OrganizationTypeFactory(name="Frontier lab", slug="frontier-lab")
    nonprofit = OrganizationTypeFactory(name="Safety nonprofit", slug="safety-nonprofit")
    interp = ResearchAgendaFactory(slug="interpretability")
    evals = ResearchAgendaFactory(slug="evals")
    a = OrganizationFactory(slug="a-lab", type=lab, country="US", tags=["scaling"])
    b = OrganizationFactory(slug="b-lab", type=lab, country="GB")
    c = OrganizationFactory(slug="c-org", type=nonprofit, country="GB", tags=["scaling"])
    d = OrganizationFactory(
        slug="d-org",
        type=nonprofit,
        country="US",
        operating_status=Organization.OperatingStatus.DEFUNCT,
        closed_year=2023,
    )
    OrganizationFactory(slug="draft-lab", type=lab, status=Status.DRAFT)
    a.agendas.add(interp)
    c.agendas.add(interp)
    d.agendas.add(evals)
    return {"lab": lab, "nonprofit": nonprofit, "a": a, "b": b, "c": c, "d": d}


# --------------------------------------------------------------------- listing


def test_listing_renders_published_only(client, world):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert h1_count(html) == 1
    assert listed_slugs(response) == {"a-lab", "b-lab", "c-org", "d-org"}
    assert "draft-lab" not in html
    assert "4 organizations" in html
    assert "Reset filters" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"type": "frontier-lab"}, {"a-lab", "b-lab"}),
        ({"type": "safety-nonprofit"}, {"c-org", "d-org"}),
        ({"agenda": "interpretability"}, {"a-lab", "c-org"}),
        ({"country": "GB"}, {"b-lab", "c-org"}),
        ({"country": "gb"}, {"b-lab", "c-org"}),
        ({"status": "defunct"}, {"d-org"}),
        ({"status": "active"}, {"a-lab", "b-lab", "c-org"}),
        ({"tag": "scaling"}, {"a-lab", "c-org"}),
        ({"type": "frontier-lab", "country": "US"}, {"a-lab"}),
        ({"agenda": "interpretability", "tag": "scaling", "country": "GB"}, {"c-org"}),
    ],
)
def test_each_filter_returns_exactly_matching_organizations(client, world, query, expected):
    response = client.get(LIST_URL, query)
    assert response.status_code == 200
    assert listed_slugs(response) == expected
    html = response.content.decode()
    assert "Reset filters" in html
    assert f"{len(expected)} organization" in html


def test_type_filter_matches_database(client, world):
    response = client.get(LIST_URL, {"type": "frontier-lab"})
    expected = set(
        Organization.objects.published()
        .filter(type__slug="frontier-lab")
        .values_list("slug", flat=True)
    )
    assert listed_slugs(response) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"type": "no-such-type"},
        {"agenda": "nope"},
        {"country": "XX"},
        {"status": "sleeping"},
        {"tag": "<script>alert(1)</script>"},
        {"type": ["frontier-lab", "x" * 5000]},
    ],
)
def test_bad_filter_values_show_the_error_not_a_500(client, world, query):
    response = client.get(LIST_URL, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert h1_count(html) == 1
    assert "Some filters could not be used" in html
    assert "<script>alert(1)</script>" not in html
    assert 'name="robots" content="noindex"' in html


def test_draft_agenda_is_not_a_valid_filter(client, world):
    ResearchAgendaFactory(slug="secret-agenda", status=Status.DRAFT)
    response = client.get(LIST_URL, {"agenda": "secret-agenda"})
    assert response.status_code == 400
    assert "secret-agenda" not in {f.value for f in response.context["facets"][1].options}


def test_facets_show_counts_reflecting_other_filters(client, world):
    response = client.get(LIST_URL, {"country": "GB"})
    facets = {facet.name: facet for facet in response.context["facets"]}
    type_counts = {o.value: o.count for o in facets["type"].options}
    # Within GB: one lab (b) and one nonprofit (c).
    assert type_counts == {"frontier-lab": 1, "safety-nonprofit": 1}
    # The country facet ignores its own filter: every country is still offered.
    country_counts = {o.value: o.count for o in facets["country"].options}
    assert country_counts == {"GB": 2, "US": 2}
    assert facets["country"].selected.value == "GB"
    tag_counts = {o.value: o.count for o in facets["tag"].options}
    assert tag_counts == {"scaling": 1}
    html = response.content.decode()
    # Option links keep the other filters.
    assert "?country=GB&amp;type=frontier-lab" in html


def test_facet_counts_exclude_drafts(client, world):
    OrganizationFactory(type=world["lab"], status=Status.DRAFT, country="FR")
    response = client.get(LIST_URL)
    facets = {facet.name: facet for facet in response.context["facets"]}
    assert {o.value: o.count for o in facets["type"].options}["frontier-lab"] == 2
    assert "FR" not in {o.value for o in facets["country"].options}


def test_pagination_keeps_filters_and_bad_pages_are_404(client):
    lab = OrganizationTypeFactory(slug="frontier-lab")
    OrganizationFactory.create_batch(30, type=lab)
    OrganizationFactory.create_batch(3)
    response = client.get(LIST_URL, {"type": "frontier-lab"})
    html = response.content.decode()
    assert len(response.context["organizations"]) == 24
    assert "?type=frontier-lab&amp;page=2" in html
    page2 = client.get(LIST_URL, {"type": "frontier-lab", "page": 2})
    assert page2.status_code == 200
    assert len(page2.context["organizations"]) == 6
    for page in ["3", "0", "-1", "abc", "9" * 30, "1.5"]:
        assert client.get(LIST_URL, {"type": "frontier-lab", "page": page}).status_code == 404


def test_listing_query_count_is_constant(client):
    def measure(n):
        lab = OrganizationTypeFactory(slug="frontier-lab")
        agenda = ResearchAgendaFactory()
        for org in OrganizationFactory.create_batch(n, type=lab, tags=["alpha", "beta"]):
            org.agendas.add(agenda)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST_URL, {"type": "frontier-lab", "tag": "alpha"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    small = measure(5)
    Organization.objects.all().delete()
    large = measure(60)
    assert small == large
    # 15 since the "Hires for" and "Programs" facets (4 queries) were added.
    assert small <= 15


# ---------------------------------------------------------------------- detail


def test_detail_page(client, world):
    org = world["a"]
    org.description = "**Bold** text.\n\n<script>alert('x')</script>"
    org.careers_url = "https://example.org/jobs"
    org.headquarters = "San Francisco"
    org.save()
    response = client.get(org.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert h1_count(html) == 1
    assert "<strong>Bold</strong>" in html
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;" in html or "alert" not in html
    assert "https://example.org/jobs" in html
    assert "San Francisco" in html
    assert reverse("core:tag_detail", args=["scaling"]) in html
    assert f"<title>{org.name} · " in html
    assert f'<meta name="description" content="{org.summary}">' in html
    assert 'property="og:title"' in html
    assert 'aria-label="Breadcrumb"' in html


def test_detail_jsonld_is_a_valid_organization(client, world):
    response = client.get(world["d"].get_absolute_url())
    blocks = jsonld_blocks(response.content.decode())
    orgs = [b for b in blocks if b.get("@type") == "Organization"]
    assert len(orgs) == 1
    data = orgs[0]
    assert data["@context"] == "https://schema.org"
    assert data["name"] == world["d"].name
    assert data["dissolutionDate"] == "2023"
    assert data["address"]["addressCountry"] == "US"
    assert any(b.get("@type") == "BreadcrumbList" for b in blocks)


def test_defunct_badge(client, world):
    html = client.get(world["d"].get_absolute_url()).content.decode()
    assert "badge-defunct" in html
    assert "badge-defunct" not in client.get(world["a"].get_absolute_url()).content.decode()


def test_detail_shows_only_published_related_records(client, world):
    org = world["a"]
    PaperFactory(name="Published paper").organizations.add(org)
    PaperFactory(name="Hidden paper", status=Status.DRAFT).organizations.add(org)
    ResearchAgendaFactory(name="Hidden agenda", status=Status.REVIEW).key_organizations.add(org)
    ProgramFactory(name="Published program", organizer=org)
    ProgramFactory(name="Hidden program", organizer=org, status=Status.DRAFT)
    RoleFactory(name="Published role").hiring_organizations.add(org)
    RoleFactory(name="Hidden role", status=Status.DRAFT).hiring_organizations.add(org)
    html = client.get(org.get_absolute_url()).content.decode()
    for name in ["Published paper", "Published program", "Published role"]:
        assert name in html
    for name in ["Hidden paper", "Hidden agenda", "Hidden program", "Hidden role"]:
        assert name not in html


def test_detail_lists_papers_newest_first_and_undated_last_as_the_paper_listing(client, world):
    org = world["a"]
    for name, year in [("Undated", None), ("Old", 2001), ("New", 2024)]:
        PaperFactory(name=name, year=year).organizations.add(org)
    response = client.get(org.get_absolute_url())
    names = [paper.name for paper in response.context["organization"].papers.all()]
    assert names == ["New", "Old", "Undated"]
    listing = client.get(reverse("guides:paper_list"), {"organization": org.slug})
    assert [paper.name for paper in listing.context["papers"]] == names


def test_unknown_and_draft_organizations_are_404_for_readers(client, world):
    assert (
        client.get(reverse("organizations:organization_detail", args=["nope"])).status_code == 404
    )
    assert (
        client.get(reverse("organizations:organization_detail", args=["draft-lab"])).status_code
        == 404
    )
    future = OrganizationFactory(publish_at="2999-01-01T00:00:00Z")
    assert client.get(future.get_absolute_url()).status_code == 404


def test_staff_preview_draft_with_banner(editor_client, world):
    response = editor_client.get(reverse("organizations:organization_detail", args=["draft-lab"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview — not published" in html
    assert 'name="robots" content="noindex"' in html
    published = editor_client.get(world["a"].get_absolute_url()).content.decode()
    assert "Preview — not published" not in published


def test_detail_query_count_is_constant(client):
    def measure(n):
        org = OrganizationFactory(tags=["x", "y"])
        for paper in PaperFactory.create_batch(n):
            paper.organizations.add(org)
        for agenda in ResearchAgendaFactory.create_batch(n):
            agenda.key_organizations.add(org)
        ProgramFactory.create_batch(n, organizer=org)
        for role in RoleFactory.create_batch(n):
            role.hiring_organizations.add(org)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(org.get_absolute_url())
        assert response.status_code == 200
        return len(ctx.captured_queries)

    # 9: six for the page, three for "What links here" (guides, organizations,
    # failure modes; the page already lists its roles, agendas, programs, papers).
    # "What links here" leaves out the four types the page lists in full.
    assert (
        measure(5)
        == measure(60)
        <= 6 + per_record_type(exclude=("role", "agenda", "program", "paper"))
    )


def test_long_facets_are_capped_but_keep_the_selected_option(client):
    from core.facets import FACET_OPTION_LIMIT

    kind = OrganizationTypeFactory(slug="lab", name="Lab")
    roles = [RoleFactory(name=f"Role {i:02d}", slug=f"capped-role-{i:02d}") for i in range(20)]
    for i, role in enumerate(roles):
        # Role i is hired for by i + 1 organizations: the least common is role 0.
        for _ in range(i + 1):
            OrganizationFactory(type=kind).roles.add(role)
    html = client.get("/organizations/").content.decode()
    shown = [r for r in roles if f"?role={r.slug}" in html]
    assert len(shown) == FACET_OPTION_LIMIT
    assert roles[0] not in shown and roles[-1] in shown
    assert f"and {20 - FACET_OPTION_LIMIT} more" in html

    selected = client.get(f"/organizations/?role={roles[0].slug}").content.decode()
    assert roles[0].name in selected and 'aria-current="true"' in selected
