"""An agenda page shows at most ``AGENDA_LIST_LIMIT`` of each long list, with
the total and a link to the full (filtered) listing; short lists stay whole."""

import pytest
from django.urls import reverse

from core.models import Status
from guides.views import AGENDA_LIST_LIMIT
from tests.factories import (
    OrganizationFactory,
    PaperFactory,
    ProgramFactory,
    ResearchAgendaFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

LIMIT = AGENDA_LIST_LIMIT
MANY = LIMIT + 3


def test_the_limit_is_a_sensible_page_size():
    assert 12 <= LIMIT <= 20


@pytest.fixture
def big_agenda():
    agenda = ResearchAgendaFactory(name="Big Agenda", slug="big-agenda")
    for i in range(MANY):
        PaperFactory(name=f"Paper {i:02}", slug=f"paper-{i}", year=2000 + i).agendas.add(agenda)
        agenda.critiques.add(PaperFactory(name=f"Critique {i:02}", slug=f"critique-{i}", year=1990))
        org = OrganizationFactory(name=f"Org {i:02}", slug=f"org-{i}")
        agenda.key_organizations.add(org)
        agenda.funders.add(OrganizationFactory(name=f"Funder {i:02}", slug=f"funder-{i}"))
        RoleFactory(name=f"Role {i:02}", slug=f"role-{i}").agendas.add(agenda)
        ProgramFactory(name=f"Program {i:02}", slug=f"program-{i}", organizer=org).agendas.add(
            agenda
        )
    # Drafts are neither shown nor counted.
    PaperFactory(
        name="Draft Paper", slug="draft-paper", year=2100, status=Status.DRAFT
    ).agendas.add(agenda)
    agenda.key_organizations.add(OrganizationFactory(slug="draft-org", status=Status.DRAFT))
    return agenda


def get(client, agenda):
    response = client.get(agenda.get_absolute_url())
    assert response.status_code == 200
    return response, response.content.decode()


def test_long_lists_show_the_first_records_in_their_order(client, big_agenda):
    response, html = get(client, big_agenda)
    agenda = response.context["agenda"]
    # Papers: newest first, as before; the oldest three are left out.
    assert [p.name for p in agenda.papers.all()] == [
        f"Paper {i:02}" for i in range(MANY - 1, MANY - 1 - LIMIT, -1)
    ]
    for relation, prefix in (
        ("critiques", "Critique"),
        ("key_organizations", "Org"),
        ("funders", "Funder"),
        ("roles", "Role"),
        ("programs", "Program"),
    ):
        shown = [r.name for r in getattr(agenda, relation).all()]
        assert shown == [f"{prefix} {i:02}" for i in range(LIMIT)], relation
    assert "Paper 14" in html and "Paper 02" not in html
    assert f"Role {LIMIT - 1:02}" in html and f"Role {LIMIT:02}" not in html
    assert f"Program {LIMIT:02}" not in html
    assert "Draft Paper" not in html


def test_long_lists_say_how_many_there_are(client, big_agenda):
    response, html = get(client, big_agenda)
    assert response.context["totals"] == {
        "papers": MANY,
        "critiques": MANY,
        "key_organizations": MANY,
        "funders": MANY,
        "roles": MANY,
        "programs": MANY,
    }
    for noun in ("papers", "critiques", "organizations", "roles", "programs"):
        assert f"Showing {LIMIT} of {MANY} {noun}." in html, noun
    assert f"(showing {LIMIT} of {MANY})" in html  # funders


def test_long_lists_link_to_the_filtered_listings(client, big_agenda):
    _response, html = get(client, big_agenda)
    papers = reverse("guides:paper_list") + "?agenda=big-agenda"
    orgs = reverse("organizations:organization_list") + "?agenda=big-agenda"
    assert f'<a href="{papers}">See all {MANY} papers on Big Agenda</a>' in html
    assert f'<a href="{orgs}">See all {MANY} organizations working on Big Agenda</a>' in html
    roles = reverse("careers:role_list") + "?agenda=big-agenda"
    programs = reverse("careers:program_list") + "?agenda=big-agenda"
    assert f'<a href="{roles}">See all {MANY} roles on Big Agenda</a>' in html
    assert f'<a href="{programs}">See all {MANY} programs on Big Agenda</a>' in html


def test_the_linked_listings_hold_the_whole_list(client, big_agenda):
    papers = client.get(reverse("guides:paper_list"), {"agenda": "big-agenda"})
    assert papers.context["paginator"].count == MANY
    orgs = client.get(reverse("organizations:organization_list"), {"agenda": "big-agenda"})
    assert orgs.context["paginator"].count == MANY
    RoleFactory(name="Role on no agenda")
    ProgramFactory(name="Program on no agenda")
    for name in ("careers:role_list", "careers:program_list"):
        listing = client.get(reverse(name), {"agenda": "big-agenda"})
        assert listing.status_code == 200
        assert listing.context["paginator"].count == MANY, name
        html = listing.content.decode()
        assert "on no agenda" not in html
        # The agenda is a facet of the listing, shown as chosen, with its count.
        facet = next(f for f in listing.context["facets"] if f.name == "agenda")
        chosen = [o for o in facet.options if o.selected]
        assert [(o.label, o.count) for o in chosen] == [("Big Agenda", MANY)], name


@pytest.mark.parametrize("name", ["careers:role_list", "careers:program_list"])
def test_an_unknown_or_draft_agenda_is_a_form_error_not_an_empty_list(client, name):
    ResearchAgendaFactory(name="Draft", slug="draft-agenda", status=Status.DRAFT)
    for slug in ("no-such-agenda", "draft-agenda"):
        response = client.get(reverse(name), {"agenda": slug})
        assert response.status_code == 400, slug
        assert "Select a valid choice" in response.content.decode()


def test_short_lists_are_shown_whole_without_a_total(client):
    agenda = ResearchAgendaFactory(slug="small-agenda")
    org = OrganizationFactory(name="Only Org")
    agenda.key_organizations.add(org)
    agenda.funders.add(org)
    for i in range(LIMIT):  # exactly the limit: still everything
        PaperFactory(name=f"Paper {i:02}", slug=f"paper-{i}").agendas.add(agenda)
    RoleFactory(name="Only Role").agendas.add(agenda)
    ProgramFactory(name="Only Program", organizer=org).agendas.add(agenda)
    response, html = get(client, agenda)
    assert len(response.context["agenda"].papers.all()) == LIMIT
    for i in range(LIMIT):
        assert f"Paper {i:02}" in html
    for name in ("Only Org", "Only Role", "Only Program"):
        assert name in html
    assert "Showing" not in html and "showing" not in html
    assert "See all" not in html
    assert "Filter the paper list by this agenda" in html  # as before


def test_an_organization_page_shows_its_newest_papers_with_the_total(client):
    from organizations.views import PAPER_LIMIT

    org = OrganizationFactory(name="Busy Lab", slug="busy-lab")
    for i in range(PAPER_LIMIT + 2):
        PaperFactory(name=f"Paper {i:02}", slug=f"paper-{i}", year=2000 + i).organizations.add(org)
    response = client.get(org.get_absolute_url())
    html = response.content.decode()
    shown = [p.name for p in response.context["organization"].papers.all()]
    assert shown == [f"Paper {i:02}" for i in range(PAPER_LIMIT + 1, 1, -1)]
    assert "Paper 01" not in html
    link = reverse("guides:paper_list") + "?organization=busy-lab"
    assert f"Showing {PAPER_LIMIT} of {PAPER_LIMIT + 2} papers." in html
    assert f'<a href="{link}">See all {PAPER_LIMIT + 2} papers by Busy Lab</a>' in html


def test_an_organization_page_with_few_papers_lists_them_all(client):
    org = OrganizationFactory(name="Small Lab", slug="small-lab")
    for i in range(3):
        PaperFactory(name=f"Paper {i:02}", slug=f"paper-{i}").organizations.add(org)
    html = client.get(org.get_absolute_url()).content.decode()
    assert all(f"Paper {i:02}" in html for i in range(3))
    assert "Showing" not in html and "See all" not in html
