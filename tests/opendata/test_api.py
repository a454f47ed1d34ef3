"""The open data API (/api/v1/…), its OpenAPI schema and the listing downloads."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from core.models import Status
from opendata.exports import csv_safe
from tests.factories import (
    FailureModeFactory,
    GuideFactory,
    GuideStepFactory,
    OrganizationFactory,
    OrganizationTypeFactory,
    PaperFactory,
    ProgramFactory,
    ResearchAgendaFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

LISTINGS = ["organizations", "roles", "programs", "agendas", "papers", "failure-modes", "guides"]
FACTORIES = {
    "organizations": OrganizationFactory,
    "roles": RoleFactory,
    "programs": ProgramFactory,
    "agendas": ResearchAgendaFactory,
    "papers": PaperFactory,
    "failure-modes": FailureModeFactory,
    "guides": GuideFactory,
}


def api(client, path, **params):
    response = client.get(f"/api/v1/{path}", params)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


# --- published only ---------------------------------------------------------


@pytest.mark.parametrize("listing", LISTINGS)
def test_lists_and_details_show_published_records_only(client, listing):
    factory = FACTORIES[listing]
    published = factory()
    draft = factory(status=Status.DRAFT)
    scheduled = factory(publish_at="2999-01-01T00:00:00Z")

    response = api(client, f"{listing}/")
    assert response.status_code == 200
    slugs = [row["slug"] for row in response.json()["results"]]
    assert published.slug in slugs
    assert draft.slug not in slugs
    assert scheduled.slug not in slugs

    assert api(client, f"{listing}/{published.slug}/").status_code == 200
    assert api(client, f"{listing}/{draft.slug}/").status_code == 404
    assert api(client, f"{listing}/{scheduled.slug}/").status_code == 404


def test_staff_see_no_drafts_in_the_api_either(editor_client):
    draft = OrganizationFactory(status=Status.DRAFT)
    response = api(editor_client, "organizations/")
    assert draft.slug not in [row["slug"] for row in response.json()["results"]]


def test_links_to_drafts_are_left_out():
    from rest_framework.test import APIClient

    client = APIClient()
    org = OrganizationFactory()
    live = ResearchAgendaFactory()
    hidden = ResearchAgendaFactory(status=Status.DRAFT)
    live.key_organizations.add(org)
    hidden.key_organizations.add(org)
    role = RoleFactory()
    role.agendas.add(live, hidden)
    program = ProgramFactory(organizer=OrganizationFactory(status=Status.DRAFT))

    data = client.get(f"/api/v1/organizations/{org.slug}/").json()
    assert data["agendas"] == [live.slug]
    assert client.get(f"/api/v1/roles/{role.slug}/").json()["agendas"] == [live.slug]
    assert client.get(f"/api/v1/programs/{program.slug}/").json()["organizer"] is None


def test_record_fields(client):
    org = OrganizationFactory(slug="far-ai", name="FAR.AI", tags=["evals"])
    data = api(client, "organizations/far-ai/").json()
    assert data["name"] == "FAR.AI"
    assert data["type"] == org.type.slug
    assert data["country"] == "GB"
    assert data["tags"] == ["evals"]
    assert data["page_url"] == "http://testserver/organizations/far-ai/"
    assert data["permalink"] == f"http://testserver/r/organization/{org.pk}/"


def test_guide_steps_and_total(client):
    guide = GuideFactory()
    paper = PaperFactory()
    draft_paper = PaperFactory(status=Status.DRAFT)
    step = GuideStepFactory(guide=guide, minutes=30)
    step.papers.add(paper, draft_paper)
    GuideStepFactory(guide=guide, minutes=15)
    data = api(client, f"guides/{guide.slug}/").json()
    assert data["total_minutes"] == 45
    assert data["steps"][0]["papers"] == [paper.slug]


def test_organization_types_are_listed(client):
    OrganizationTypeFactory(slug="frontier-lab", name="Frontier lab")
    data = api(client, "organization-types/").json()
    assert "frontier-lab" in [row["slug"] for row in data["results"]]
    assert (
        api(client, "organization-types/frontier-lab/")
        .json()["listing_url"]
        .endswith("/organizations/?type=frontier-lab")
    )


def test_api_is_read_only(client):
    org = OrganizationFactory()
    assert client.post("/api/v1/organizations/", {}).status_code == 405
    assert client.delete(f"/api/v1/organizations/{org.slug}/").status_code == 405


def test_no_browsable_html(client):
    OrganizationFactory()
    response = client.get("/api/v1/organizations/", HTTP_ACCEPT="text/html")
    assert not response["Content-Type"].startswith("text/html")


# --- filters ------------------------------------------------------------------


def test_organization_filters_combine(client):
    lab = OrganizationTypeFactory(slug="frontier-lab")
    institute = OrganizationTypeFactory(slug="government-institute")
    agenda = ResearchAgendaFactory(slug="interpretability")
    role = RoleFactory(slug="research-engineer")
    a = OrganizationFactory(type=lab, country="US")
    b = OrganizationFactory(type=lab, country="GB")
    c = OrganizationFactory(type=institute, country="GB")
    agenda.key_organizations.add(a, b, c)
    role.hiring_organizations.add(a, c)
    ProgramFactory(organizer=c)

    def slugs(**params):
        response = api(client, "organizations/", **params)
        assert response.status_code == 200, response.content
        return sorted(row["slug"] for row in response.json()["results"])

    assert slugs(type="frontier-lab") == sorted([a.slug, b.slug])
    assert slugs(type="frontier-lab", country="GB") == [b.slug]
    assert slugs(agenda="interpretability", role="research-engineer") == sorted([a.slug, c.slug])
    assert slugs(runs_program="yes") == [c.slug]
    assert slugs(runs_program="no", type="frontier-lab") == sorted([a.slug, b.slug])
    assert slugs(role="research-engineer", runs_program="yes", country="GB") == [c.slug]


def test_filters_by_draft_records_match_nothing(client):
    role = RoleFactory(status=Status.DRAFT)
    role.hiring_organizations.add(OrganizationFactory())
    response = api(client, "organizations/", role=role.slug)
    # The listing's filter only offers published roles: a draft's slug is refused.
    assert response.status_code == 400 or response.json()["count"] == 0
    program = ProgramFactory(status=Status.DRAFT)
    RoleFactory().programs.add(program)
    response = api(client, "roles/", program=program.slug)
    assert response.status_code == 400 or response.json()["count"] == 0


def test_program_format_is_a_filter_not_a_renderer(client):
    online = ProgramFactory(format="online")
    ProgramFactory(format="in-person")
    response = api(client, "programs/", format="online")
    assert response.status_code == 200
    assert [row["slug"] for row in response.json()["results"]] == [online.slug]


def test_paper_filters(client):
    agenda = ResearchAgendaFactory()
    intro = PaperFactory(level="introductory", year=2019)
    advanced = PaperFactory(level="advanced", year=2023)
    intro.agendas.add(agenda)
    advanced.agendas.add(agenda)
    PaperFactory(level="introductory", year=2023)

    def slugs(**params):
        return sorted(row["slug"] for row in api(client, "papers/", **params).json()["results"])

    assert slugs(agenda=agenda.slug, level="introductory") == [intro.slug]
    assert slugs(agenda=agenda.slug, year_from=2020) == [advanced.slug]


def test_invalid_filter_values_are_400_not_500(client):
    OrganizationFactory()
    assert api(client, "organizations/", status="unknown").status_code == 400
    assert api(client, "organizations/", runs_program="maybe").status_code == 400
    assert api(client, "papers/", year="abc").status_code == 400


# --- pagination ---------------------------------------------------------------


def test_page_number_pagination_is_bounded(client):
    OrganizationFactory.create_batch(25)
    first = api(client, "organizations/").json()
    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert first["next"].endswith("page=2")
    second = api(client, "organizations/", page=2).json()
    assert len(second["results"]) == 5
    assert {r["slug"] for r in first["results"]}.isdisjoint(r["slug"] for r in second["results"])
    assert len(api(client, "organizations/", page_size=5).json()["results"]) == 5
    assert len(api(client, "organizations/", page_size=10_000).json()["results"]) == 25
    assert api(client, "organizations/", page=99).status_code == 404
    assert api(client, "organizations/", page="x").status_code == 404


# --- constant queries ---------------------------------------------------------


def _connected_world(n):
    agendas = ResearchAgendaFactory.create_batch(2)
    for _ in range(n):
        org = OrganizationFactory(tags=["evals"])
        for agenda in agendas:
            agenda.key_organizations.add(org)
        role = RoleFactory()
        role.agendas.add(*agendas)
        role.hiring_organizations.add(org)
        program = ProgramFactory(organizer=org)
        role.programs.add(program)
        program.agendas.add(*agendas)
        paper = PaperFactory()
        paper.organizations.add(org)
        paper.agendas.add(*agendas)
        failure_mode = FailureModeFactory()
        failure_mode.papers.add(paper)
        step = GuideStepFactory()
        step.papers.add(paper)
        step.roles.add(role)


@pytest.mark.parametrize("listing", [*LISTINGS, "organization-types"])
def test_list_endpoints_run_a_constant_number_of_queries(
    client, listing, django_assert_max_num_queries
):
    _connected_world(2)
    with django_assert_max_num_queries(12) as small:
        assert api(client, f"{listing}/").status_code == 200
    _connected_world(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api(client, f"{listing}/").status_code == 200


# --- schema -------------------------------------------------------------------


def test_openapi_schema_is_published(client):
    response = client.get("/api/schema.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for listing in [*LISTINGS, "organization-types"]:
        assert f"/api/v1/{listing}/" in schema["paths"]
        assert f"/api/v1/{listing}/{{slug}}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/organizations/"]["get"]["parameters"]}
    assert {"type", "agenda", "role", "runs_program", "country", "status", "page"} <= parameters

    yaml_response = client.get("/api/schema/")
    assert yaml_response.status_code == 200
    assert b"openapi: 3." in yaml_response.content


# --- downloads ----------------------------------------------------------------


@pytest.mark.parametrize("listing", LISTINGS)
def test_every_listing_downloads_as_csv_and_json(client, listing):
    record = FACTORIES[listing]()
    FACTORIES[listing](status=Status.DRAFT)
    response = client.get(f"/{listing}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{listing}.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["slug"] for row in rows] == [record.slug]

    response = client.get(f"/{listing}/export.json")
    assert response.status_code == 200
    assert [row["slug"] for row in json.loads(response.content)] == [record.slug]


def test_downloads_follow_the_listing_filters(client):
    institute = OrganizationTypeFactory(slug="government-institute")
    keep = OrganizationFactory(type=institute)
    OrganizationFactory()
    for fmt in ("csv", "json"):
        response = client.get(f"/organizations/export.{fmt}?type=government-institute&page=3")
        assert response.status_code == 200
        assert keep.slug.encode() in response.content
        text = response.content.decode("utf-8-sig")
        assert text.count("organization-") == text.count(keep.slug)
    assert client.get("/organizations/export.csv?status=nonsense").status_code == 400
    assert client.get("/organizations/export.xml").status_code == 404


def test_csv_defuses_spreadsheet_formulas(client):
    OrganizationFactory(name='=HYPERLINK("http://evil")', summary="+1 a", headquarters="@SUM(1)")
    content = client.get("/organizations/export.csv").content.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(content)))
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["summary"] == "'+1 a"
    assert row["headquarters"] == "'@SUM(1)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("-cmd", "'-cmd"),
        ("+x", "'+x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (-5, "-5"),
        (None, ""),
        (True, "true"),
        (["a", "b"], "a; b"),
        (["=a"], "'=a"),
    ],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_export_urls_reverse():
    assert reverse("opendata:listing_export", kwargs={"listing": "papers", "fmt": "csv"}) == (
        "/papers/export.csv"
    )


def test_api_docs_page_loads_swagger_ui_from_own_static_files(client):
    from django.contrib.staticfiles import finders

    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-schema-url="/api/schema.json"' in html
    assert 'href="/api/schema/"' in html  # the raw schema stays linked (and working)
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attrs or "ld+json" in attrs for attrs in scripts)
    assert "<style" not in html and " style=" not in html
    sources = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any("swagger-ui-bundle" in s for s in sources)
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert client.get("/api/schema/").status_code == 200


def test_listings_link_the_api_docs_not_the_raw_schema(client):
    html = client.get("/roles/").content.decode()
    links = html[html.index('class="open-data-links"') :]
    assert 'href="/api/docs/">Open data API (interactive documentation)' in links
