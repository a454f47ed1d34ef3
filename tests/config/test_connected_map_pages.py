"""The connected map wired into the reader pages.

Every detail page: "What links here", "Cite this page" and a 301 from an old
slug; the role page: "How to get there"; every listing: its Atom feed in the
head and visible feed/download links; the organization listing: the "Hires for"
and "Programs" facets, combined with the others in one URL.
"""

import itertools
import re

import pytest

from careers.models import RolePathwayItem
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

FACTORIES = {
    "organization": OrganizationFactory,
    "role": RoleFactory,
    "program": ProgramFactory,
    "agenda": ResearchAgendaFactory,
    "paper": PaperFactory,
    "failure-mode": FailureModeFactory,
    "guide": GuideFactory,
}

LISTINGS = ["organizations", "roles", "programs", "agendas", "papers", "failure-modes", "guides"]


def headings(html: str) -> list[int]:
    main = html[html.index("<main") : html.index("</main>")]
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]


# --------------------------------------------------------------- detail pages


@pytest.mark.parametrize("record_type", list(FACTORIES))
def test_every_detail_page_has_backlinks_and_a_citation(client, record_type):
    record = FACTORIES[record_type](slug="target", name="The target")
    # An organization's description links every record type by Markdown (and no
    # page leaves organizations out of "What links here").
    OrganizationFactory(name="An org that links", description=f"See [it]({record_type}:target).")
    html = client.get(record.get_absolute_url()).content.decode()

    assert '<section class="backlinks" id="what-links-here"' in html
    backlinks = html[html.index('id="what-links-here"') : html.index('id="cite-this-page"')]
    assert "An org that links" in backlinks
    assert '<section class="cite" id="cite-this-page"' in html
    assert f'href="http://testserver/r/{record_type}/{record.pk}/" rel="bookmark"' in html
    # Both sit in the main column, after the page's own sections.
    main_column = html[html.index('class="detail-main"') :]
    assert main_column.index('id="what-links-here"') < main_column.index('id="cite-this-page"')
    levels = headings(html)
    assert levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


@pytest.mark.parametrize("record_type", list(FACTORIES))
def test_every_detail_page_redirects_its_old_slug(client, record_type):
    record = FACTORIES[record_type](slug="old-name")
    record.slug = "new-name"
    record.save()
    response = client.get(record.get_absolute_url().replace("new-name", "old-name") + "?a=1")
    assert response.status_code == 301
    assert response["Location"] == record.get_absolute_url() + "?a=1"
    assert client.get(record.get_absolute_url().replace("new-name", "never")).status_code == 404


def test_organization_backlinks_leave_out_what_the_page_lists(client):
    org = OrganizationFactory(slug="lab")
    RoleFactory(name="Hiring role").hiring_organizations.add(org)
    GuideStepFactory(guide=GuideFactory(name="Guide naming the lab")).organizations.add(org)
    html = client.get(org.get_absolute_url()).content.decode()
    backlinks = html[html.index('id="what-links-here"') : html.index('id="cite-this-page"')]
    assert "Guide naming the lab" in backlinks
    assert "Hiring role" not in backlinks  # listed under "Roles it hires for"
    assert "Hiring role" in html


def test_program_backlinks_name_the_roles_that_lead_through_it(client):
    program = ProgramFactory(slug="mats", name="MATS")
    RoleFactory(name="Interpretability researcher").programs.add(program)
    html = client.get(program.get_absolute_url()).content.decode()
    backlinks = html[html.index('id="what-links-here"') :]
    assert re.search(r"<h3[^>]*>Roles <span", backlinks)
    assert "Interpretability researcher" in backlinks


def test_role_page_shows_how_to_get_there(client):
    agenda = ResearchAgendaFactory()
    role = RoleFactory()
    role.agendas.add(agenda)
    PaperFactory(name="Intro paper", level="introductory", reading_minutes=30).agendas.add(agenda)
    for weeks in (4, 12):
        role.programs.add(ProgramFactory(duration_weeks=weeks))
    html = client.get(role.get_absolute_url()).content.decode()
    assert '<section class="pathway" id="how-to-get-there"' in html
    assert html.count('class="pathway-step ') == 3
    assert '<a href="#pathway-title">How to get there</a>' in html  # "On this page"
    # A reader picks one program: the summary gives the range, not the sum.
    summary = html[
        html.index('class="pathway-summary"') : html.index("</p>", html.index("pathway-summary"))
    ]
    assert "one of 2 programs" in summary and "4–12 weeks" in summary
    assert "16 weeks" not in summary
    # After the qualifications-style sections, before "What links here".
    assert html.index('id="how-to-get-there"') < html.index('id="cite-this-page"')


def test_role_pathway_single_program_and_editor_pick(client):
    role = RoleFactory()
    program = ProgramFactory(name="Only program", duration_weeks=10)
    RolePathwayItem.objects.create(role=role, program=program, pinned=True, order=1)
    html = client.get(role.get_absolute_url()).content.decode()
    assert "a program of <strong>10 weeks</strong>" in html
    assert "Editor’s pick" in html


def test_role_without_a_path_has_no_section_or_toc_entry(client):
    html = client.get(RoleFactory().get_absolute_url()).content.decode()
    assert 'id="how-to-get-there"' not in html
    assert "#pathway-title" not in html


# ------------------------------------------------------------------- listings


@pytest.mark.parametrize("listing", LISTINGS)
def test_listing_links_its_feed_and_downloads(client, listing):
    html = client.get(f"/{listing}/").content.decode()
    head = html[: html.index("</head>")]
    atom = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', head)
    assert len(atom) == 1, atom  # the listing's own feed replaces the site-wide one
    assert f'href="/{listing}/feed.atom"' in atom[0]
    links = html[html.index('class="open-data-links"') :]
    assert f'href="/{listing}/export.csv"' in links
    assert f'href="/{listing}/export.json"' in links
    assert 'href="/api/docs/"' in links
    assert ('href="/programs/calendar.ics"' in html) == (listing == "programs")


def test_feed_and_download_links_keep_the_filters(client):
    OrganizationTypeFactory(slug="frontier-lab")
    html = client.get("/organizations/", {"type": "frontier-lab", "page": "1"}).content.decode()
    assert 'href="/organizations/feed.atom?type=frontier-lab"' in html
    assert 'href="/organizations/export.csv?type=frontier-lab"' in html
    assert "page=1" not in html[html.index('class="open-data-links"') :]


def test_no_download_links_while_the_filters_have_errors(client):
    response = client.get("/organizations/", {"type": "no-such-type"})
    assert response.status_code == 400
    assert 'class="open-data-links"' not in response.content.decode()


def test_programs_listing_advertises_its_calendar_in_the_head(client):
    html = client.get("/programs/").content.decode()
    head = html[: html.index("</head>")]
    assert '<link rel="alternate" type="text/calendar"' in head


def test_other_pages_keep_the_site_wide_feed(client):
    html = client.get("/").content.decode()
    assert 'href="/feed.atom"' in html[: html.index("</head>")]


# ------------------------------------------------- organization listing facets


@pytest.fixture
def orgs():
    lab = OrganizationTypeFactory(slug="frontier-lab", name="Frontier lab")
    OrganizationTypeFactory(slug="nonprofit", name="Nonprofit")
    agenda = ResearchAgendaFactory(slug="evals", name="Evaluations")
    engineer = RoleFactory(slug="research-engineer", name="Research engineer")
    a = OrganizationFactory(slug="a", type=lab, country="GB")
    b = OrganizationFactory(slug="b", type=lab, country="US")
    c = OrganizationFactory(slug="c", country="GB")
    agenda.key_organizations.add(a, b)
    engineer.hiring_organizations.add(a, b, c)
    ProgramFactory(organizer=a)
    return {"a": a, "b": b, "c": c}


def facet_map(response):
    return {
        facet.name: {option.value: option for option in facet.options}
        for facet in response.context["facets"]
    }


def test_hires_for_and_programs_facets_render_with_counts(client, orgs):
    response = client.get("/organizations/", {"type": "frontier-lab"})
    facets = facet_map(response)
    assert facets["role"]["research-engineer"].count == 2  # a, b (c is not a lab)
    assert facets["runs_program"]["yes"].count == 1
    assert facets["runs_program"]["no"].count == 1
    html = response.content.decode()
    assert '<h3 class="facet-title" id="facet-role">Hires for</h3>' in html
    assert '<h3 class="facet-title" id="facet-runs_program">Programs</h3>' in html


def test_new_facets_combine_with_the_others_in_one_url(client, orgs):
    query = {
        "type": "frontier-lab",
        "agenda": "evals",
        "role": "research-engineer",
        "status": "active",
    }
    response = client.get("/organizations/", query)
    assert [org.slug for org in response.context["organizations"]] == ["a", "b"]
    # The "Runs a program" link keeps every other filter (one shareable URL)…
    url = facet_map(response)["runs_program"]["yes"].url
    for key, value in query.items():
        assert f"{key}={value}" in url
    response = client.get(url)
    assert response.status_code == 200
    assert [org.slug for org in response.context["organizations"]] == ["a"]
    # …and so does the country link from there.
    url = facet_map(response)["country"]["GB"].url
    assert "runs_program=yes" in url and "role=research-engineer" in url
    response = client.get(url)
    assert [org.slug for org in response.context["organizations"]] == ["a"]
    # The selected option links to the page without that filter only.
    clear = facet_map(response)["role"]["research-engineer"].url
    assert "role=" not in clear
    assert "runs_program=yes" in clear and "country=GB" in clear and "type=frontier-lab" in clear


def test_programs_facet_counts_ignore_its_own_choice(client, orgs):
    facets = facet_map(client.get("/organizations/", {"runs_program": "yes"}))
    assert facets["runs_program"]["yes"].count == 1
    assert facets["runs_program"]["no"].count == 2
    assert facets["runs_program"]["yes"].selected
