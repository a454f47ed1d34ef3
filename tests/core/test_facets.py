"""Cross-facet organization filter: type × agenda × role × program × country × status."""

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from careers.models import Role
from core.facets import count_by, queryset_without
from core.models import Status
from organizations.filters import OrganizationFilter
from organizations.models import Organization
from tests.factories import (
    OrganizationFactory,
    OrganizationTypeFactory,
    ProgramFactory,
    ResearchAgendaFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    lab = OrganizationTypeFactory(slug="frontier-lab", name="Frontier lab")
    institute = OrganizationTypeFactory(slug="government-institute", name="Government institute")
    agenda = ResearchAgendaFactory(slug="evals")
    engineer = RoleFactory(slug="research-engineer")
    orgs = {
        "lab-us": OrganizationFactory(slug="lab-us", type=lab, country="US"),
        "lab-gb": OrganizationFactory(slug="lab-gb", type=lab, country="GB"),
        "aisi": OrganizationFactory(slug="aisi", type=institute, country="GB"),
        "defunct": OrganizationFactory(
            slug="defunct", type=lab, country="GB", operating_status="defunct"
        ),
    }
    agenda.key_organizations.add(orgs["lab-gb"], orgs["aisi"], orgs["defunct"])
    engineer.hiring_organizations.add(orgs["lab-us"], orgs["lab-gb"], orgs["aisi"])
    ProgramFactory(organizer=orgs["aisi"])
    ProgramFactory(organizer=orgs["lab-gb"])
    ProgramFactory(organizer=orgs["lab-us"], status=Status.DRAFT)  # does not count
    return orgs


def run(query: str):
    request = RequestFactory().get("/organizations/?" + query)
    filterset = OrganizationFilter(
        request.GET, queryset=Organization.objects.published(), request=request
    )
    assert filterset.is_valid(), filterset.errors
    return filterset


def slugs(query: str) -> list[str]:
    return sorted(run(query).qs.values_list("slug", flat=True))


def test_hires_for_this_role(world):
    assert slugs("role=research-engineer") == ["aisi", "lab-gb", "lab-us"]


def test_runs_a_program(world):
    assert slugs("runs_program=yes") == ["aisi", "lab-gb"]
    assert slugs("runs_program=no") == ["defunct", "lab-us"]


def test_all_six_facets_combine(world):
    query = "type=frontier-lab&agenda=evals&role=research-engineer&runs_program=yes"
    assert slugs(query) == ["lab-gb"]
    assert slugs(query + "&country=GB&status=active") == ["lab-gb"]
    assert slugs(query + "&country=US") == []
    assert slugs("agenda=evals&country=GB&status=defunct") == ["defunct"]


def test_unknown_or_unpublished_role_is_a_form_error(world):
    draft = RoleFactory(status=Status.DRAFT)
    for value in ("no-such-role", draft.slug):
        filterset = OrganizationFilter(
            QueryDict(f"role={value}"), queryset=Organization.objects.published()
        )
        assert not filterset.is_valid()
        assert "role" in filterset.errors
    filterset = OrganizationFilter(
        QueryDict("runs_program=maybe"), queryset=Organization.objects.published()
    )
    assert not filterset.is_valid()


def test_facet_counts_reflect_the_other_filters(world):
    filterset = run("type=frontier-lab&role=research-engineer")
    # Counts per type ignore the type filter but keep the role filter.
    assert count_by(queryset_without(filterset, "type"), "type__slug") == {
        "frontier-lab": 2,
        "government-institute": 1,
    }
    # Counts per role ignore the role filter but keep the type filter.
    assert count_by(queryset_without(filterset, "role"), "roles__slug") == {"research-engineer": 2}
    # Programs facet: of the frontier labs hiring engineers, one runs a program.
    others = queryset_without(filterset, "runs_program")
    organizers = set(run("runs_program=yes").qs.values_list("pk", flat=True))
    assert sum(pk in organizers for pk in others.values_list("pk", flat=True)) == 1


def test_the_listing_page_accepts_every_combination(client, world):
    url = "/organizations/?type=frontier-lab&agenda=evals&role=research-engineer&runs_program=yes"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/organizations/lab-gb/"' in html
    assert 'href="/organizations/lab-us/"' not in html
    assert 'href="/organizations/aisi/"' not in html


def test_api_feed_and_export_use_the_same_filters(client, world):
    query = "type=frontier-lab&role=research-engineer&runs_program=yes"
    api = client.get(f"/api/v1/organizations/?{query}").json()
    assert [row["slug"] for row in api["results"]] == ["lab-gb"]
    feed = client.get(f"/organizations/feed.atom?{query}").content.decode()
    assert "/organizations/lab-gb/" in feed and "/organizations/lab-us/" not in feed
    export = client.get(f"/organizations/export.json?{query}").json()
    assert [row["slug"] for row in export] == ["lab-gb"]


# -- facets over many-to-many relations with thousands of options -------------


def test_related_counts_match_distinct_counts_over_the_join_both_directions():
    from core.facets import related_counts
    from guides.models import Paper
    from tests.factories import PaperFactory

    orgs = OrganizationFactory.create_batch(4)
    draft_org = OrganizationFactory(status=Status.DRAFT)
    for i in range(9):
        paper = PaperFactory(status=Status.DRAFT if i == 8 else Status.PUBLISHED)
        paper.organizations.add(*orgs[: 1 + i % 4], draft_org)
    papers = Paper.objects.published()
    published_orgs = Organization.objects.published()

    counts = related_counts(papers, "organizations", published_orgs)

    expected = {
        org.pk: papers.filter(organizations=org).distinct().count()
        for org in orgs
        if papers.filter(organizations=org).exists()
    }
    assert counts == expected == {orgs[0].pk: 8, orgs[1].pk: 6, orgs[2].pk: 4, orgs[3].pk: 2}
    # The reverse side of a relation (Organization.roles ← Role.hiring_organizations).
    role = RoleFactory()
    role.hiring_organizations.add(orgs[0], orgs[1])
    assert related_counts(published_orgs, "roles", Role.objects.published()) == {role.pk: 2}


def test_related_facet_keeps_the_largest_options_and_the_selected_one():
    from core.facets import related_facet

    agendas = [ResearchAgendaFactory(name=f"Agenda {i:02}") for i in range(6)]
    orgs = OrganizationFactory.create_batch(6)
    for i, agenda in enumerate(agendas[1:], start=1):
        agenda.key_organizations.add(*orgs[:i])  # agenda i has i organizations
    request = RequestFactory().get("/organizations/", {"agenda": agendas[0].slug})
    published = type(agendas[0]).objects.published()

    facet = related_facet(
        request,
        "agenda",
        "Research agenda",
        Organization.objects.published(),
        "agendas",
        published,
        selected=agendas[0],
        limit=3,
    )

    assert [(o.label, o.count, o.selected) for o in facet.options] == [
        ("Agenda 00", 0, True),  # chosen, nothing matches: still listed
        ("Agenda 03", 3, False),
        ("Agenda 04", 4, False),
        ("Agenda 05", 5, False),
    ]
    assert facet.hidden_count == 2  # agendas 01 and 02
    assert facet.options[1].url == f"/organizations/?agenda={agendas[3].slug}"
    assert facet.options[0].url == "/organizations/"
