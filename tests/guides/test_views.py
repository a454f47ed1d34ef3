"""Research pages: agendas (list, comparison, detail), papers, failure modes, guides."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Status
from guides.models import Paper, ResearchAgenda
from tests.budgets import per_record_type
from tests.factories import (
    AgendaApproachFactory,
    FailureModeFactory,
    GuideFactory,
    GuideStepFactory,
    OrganizationFactory,
    PaperFactory,
    ProgramFactory,
    ResearchAgendaFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

AGENDAS = reverse("guides:agenda_list")
COMPARE = reverse("guides:agenda_compare")
PAPERS = reverse("guides:paper_list")
FAILURE_MODES = reverse("guides:failuremode_list")
GUIDES = reverse("guides:guide_list")
LISTINGS = [AGENDAS, COMPARE, PAPERS, FAILURE_MODES, GUIDES]
PREVIEW = "Preview — not published"


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def jsonld_blocks(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def jsonld_of_type(html: str, type_: str) -> dict:
    matches = [block for block in jsonld_blocks(html) if block.get("@type") == type_]
    assert len(matches) == 1, f"expected one {type_} block, got {jsonld_blocks(html)}"
    return matches[0]


def paper_slugs(response) -> set[str]:
    return {paper.slug for paper in response.context["papers"]}


def draft(factory, **kwargs):
    return factory(status=Status.DRAFT, **kwargs)


@pytest.fixture
def world():
    """A small cross-linked set, with a draft beside every published record."""
    anthropic = OrganizationFactory(name="Anthropic", slug="anthropic")
    miri = OrganizationFactory(name="MIRI", slug="miri")
    secret_org = draft(OrganizationFactory, name="Secret Org", slug="secret-org")

    interp = ResearchAgendaFactory(
        name="Interpretability",
        slug="interpretability",
        order=2,
        key_bet="Internals are legible.",
        if_you_believe="models can be understood",
        key_insight="Look **inside**.",
        description="A *Markdown* description.",
        open_questions="- Does it scale?",
        how_to_contribute="Write code.",
        background_fit="Engineers.",
    )
    control = ResearchAgendaFactory(name="AI Control", slug="ai-control", order=1)
    foundations = ResearchAgendaFactory(name="Agent Foundations", slug="foundations", order=3)
    secret_agenda = draft(ResearchAgendaFactory, name="Secret Agenda", slug="secret-agenda")
    AgendaApproachFactory(agenda=interp, name="Sparse autoencoders", order=2)
    AgendaApproachFactory(agenda=interp, name="Circuit analysis", order=1)
    AgendaApproachFactory(agenda=control, name="Trusted monitoring", order=1)
    interp.key_organizations.add(anthropic, secret_org)

    p1 = PaperFactory(name="Toy Models", slug="toy-models", year=2022, kind=Paper.Kind.PAPER)
    p2 = PaperFactory(name="Superintelligence", slug="superintelligence", year=2014, kind="book")
    p3 = PaperFactory(name="AI Control Post", slug="control-post", year=2023, kind="post")
    p4 = PaperFactory(name="Embedded Agency", slug="embedded", year=2019, kind="report")
    secret_paper = draft(PaperFactory, name="Secret Paper", slug="secret-paper", year=2022)
    p1.agendas.add(interp, secret_agenda)
    p1.organizations.add(anthropic, secret_org)
    p3.agendas.add(control)
    p3.organizations.add(anthropic)
    p4.agendas.add(foundations)
    p4.organizations.add(miri)
    p2.agendas.add(foundations)
    secret_paper.agendas.add(interp)

    fm = FailureModeFactory(name="Deceptive alignment", slug="deceptive", why_it_matters="Much.")
    secret_fm = draft(FailureModeFactory, name="Secret Failure", slug="secret-fm")
    fm.agendas.add(interp, secret_agenda)
    fm.papers.add(p1, secret_paper)
    secret_fm.agendas.add(interp)
    secret_fm.papers.add(p1)

    role = RoleFactory(name="Research Engineer", slug="research-engineer")
    secret_role = draft(RoleFactory, name="Secret Role", slug="secret-role")
    program = ProgramFactory(name="MATS", slug="mats", organizer=anthropic)
    secret_program = draft(ProgramFactory, name="Secret Program", slug="secret-program")
    for record in (role, secret_role):
        record.agendas.add(interp)
    for record in (program, secret_program):
        record.agendas.add(interp)

    guide = GuideFactory(name="Start here", slug="start-here", intro="Read *this*.")
    s1 = GuideStepFactory(guide=guide, section="Basics", title="Orientation", minutes=15, order=1)
    s2 = GuideStepFactory(guide=guide, section="Basics", title="Papers", minutes=45, order=2)
    s3 = GuideStepFactory(guide=guide, section="Deeper", title="Practice", minutes=120, order=3)
    s1.agendas.add(interp, secret_agenda)
    s1.failure_modes.add(fm, secret_fm)
    s2.papers.add(p1, secret_paper)
    s3.organizations.add(anthropic, secret_org)
    s3.programs.add(program, secret_program)
    s3.roles.add(role, secret_role)
    secret_guide = draft(GuideFactory, name="Secret Guide", slug="secret-guide")
    GuideStepFactory(guide=secret_guide, minutes=10).papers.add(p2)

    return {
        "interp": interp,
        "control": control,
        "foundations": foundations,
        "secret_agenda": secret_agenda,
        "papers": [p1, p2, p3, p4],
        "secret_paper": secret_paper,
        "fm": fm,
        "secret_fm": secret_fm,
        "guide": guide,
        "secret_guide": secret_guide,
        "steps": [s1, s2, s3],
    }


def detail_urls(world):
    return [
        world["interp"].get_absolute_url(),
        world["papers"][0].get_absolute_url(),
        world["papers"][1].get_absolute_url(),
        world["fm"].get_absolute_url(),
        world["guide"].get_absolute_url(),
    ]


def draft_urls(world):
    return [
        world["secret_agenda"].get_absolute_url(),
        world["secret_paper"].get_absolute_url(),
        world["secret_fm"].get_absolute_url(),
        world["secret_guide"].get_absolute_url(),
    ]


# ------------------------------------------------------------------ every page


def test_every_page_renders_with_one_h1_and_breadcrumbs(client, world):
    for url in LISTINGS + detail_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert h1_count(html) == 1, url
        assert 'aria-label="Breadcrumb"' in html, url
        assert '<meta name="description" content="' in html, url
        assert 'property="og:title"' in html, url
        assert "research.css" in html, url
        assert PREVIEW not in html, url
        assert response.context["breadcrumbs"][0] == ("Home", "/")
        assert response.context["breadcrumbs"][-1][1].split("?")[0] == url


def test_empty_site_pages_render(client):
    for url in LISTINGS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert h1_count(response.content.decode()) == 1


@pytest.mark.parametrize(
    "url_name",
    ["agenda_detail", "paper_detail", "failuremode_detail", "guide_detail"],
)
def test_unknown_slug_is_404(client, world, url_name):
    response = client.get(reverse(f"guides:{url_name}", kwargs={"slug": "no-such-record"}))
    assert response.status_code == 404


def test_drafts_are_404_for_readers(client, world):
    for url in draft_urls(world):
        assert client.get(url).status_code == 404, url


def test_future_records_are_404_for_readers(client, world):
    later = timezone.now() + timezone.timedelta(days=1)
    paper = PaperFactory(slug="scheduled", publish_at=later)
    assert client.get(paper.get_absolute_url()).status_code == 404


def test_staff_can_preview_drafts_with_a_banner(editor_client, world):
    for url in draft_urls(world):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert PREVIEW in html, url
        assert 'name="robots" content="noindex"' in html, url
        assert h1_count(html) == 1


def test_drafts_are_not_listed_for_readers(client, world):
    html = "".join(client.get(url).content.decode() for url in LISTINGS)
    for name in ("Secret Agenda", "Secret Paper", "Secret Failure", "Secret Guide"):
        assert name not in html


def test_staff_see_drafts_in_listings_with_a_badge(editor_client, world):
    response = editor_client.get(AGENDAS)
    html = response.content.decode()
    assert "Secret Agenda" in html
    assert "badge-draft" in html


# ------------------------------------------------------------ related records


SECRETS = (
    "Secret Agenda",
    "Secret Paper",
    "Secret Failure",
    "Secret Guide",
    "Secret Org",
    "Secret Role",
    "Secret Program",
    "secret-agenda",
    "secret-paper",
    "secret-fm",
    "secret-org",
    "secret-role",
    "secret-program",
    "secret-guide",
)


@pytest.mark.parametrize("as_staff", [False, True])
def test_draft_related_records_are_hidden_on_every_page(request, world, as_staff):
    """Staff previews show the page's own draft, but linked drafts stay hidden."""
    http = request.getfixturevalue("editor_client" if as_staff else "client")
    # (Staff see drafts in the listings themselves, so /papers/ is checked for readers.)
    urls = detail_urls(world) + [COMPARE] + ([] if as_staff else [PAPERS])
    for url in urls:
        html = http.get(url).content.decode()
        for secret in SECRETS:
            assert secret not in html, f"{secret} leaked on {url}"


def test_agenda_detail_shows_everything_in_order(client, world):
    response = client.get(world["interp"].get_absolute_url())
    html = response.content.decode()
    for text in (
        "Understand what models compute.",  # goal
        "Internals are legible.",
        "models can be understood",
        "<strong>inside</strong>",
        "<em>Markdown</em>",
        "Does it scale?",
        "Write code.",
        "Engineers.",
        "Anthropic",
        "Toy Models",
        "Deceptive alignment",
        "Research Engineer",
        "MATS",
    ):
        assert text in html, text
    assert html.index("Circuit analysis") < html.index("Sparse autoencoders")


def test_paper_detail_shows_links_and_guides(client, world):
    paper = world["papers"][0]
    response = client.get(paper.get_absolute_url())
    html = response.content.decode()
    assert "A. Author, B. Author" in html
    assert 'href="https://example.org/paper"' in html
    assert "Interpretability" in html
    assert "Anthropic" in html
    assert "Deceptive alignment" in html
    assert [g.slug for g in response.context["guides"]] == ["start-here"]


def test_paper_detail_excludes_draft_guides(client, world):
    book = world["papers"][1]  # cited only by the draft guide
    response = client.get(book.get_absolute_url())
    assert list(response.context["guides"]) == []


def test_failure_mode_detail(client, world):
    html = client.get(world["fm"].get_absolute_url()).content.decode()
    for text in ("What goes wrong.", "Much.", "Interpretability", "Toy Models"):
        assert text in html


# -------------------------------------------------------------- paper filters


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"toy-models", "superintelligence", "control-post", "embedded"}),
        ({"agenda": "interpretability"}, {"toy-models"}),
        ({"agenda": "foundations"}, {"superintelligence", "embedded"}),
        ({"organization": "anthropic"}, {"toy-models", "control-post"}),
        ({"organization": "miri"}, {"embedded"}),
        ({"year": "2022"}, {"toy-models"}),
        ({"year": "2000"}, set()),
        ({"kind": "book"}, {"superintelligence"}),
        ({"kind": "report"}, {"embedded"}),
        ({"organization": "anthropic", "kind": "post"}, {"control-post"}),
        ({"agenda": "foundations", "kind": "book", "year": "2014"}, {"superintelligence"}),
        ({"agenda": "interpretability", "kind": "book"}, set()),
    ],
)
def test_each_paper_filter_returns_exactly_the_matching_papers(client, world, query, expected):
    response = client.get(PAPERS, query)
    assert response.status_code == 200
    assert paper_slugs(response) == expected
    assert response.context["result_count"] == len(expected)
    html = response.content.decode()
    if query:
        assert "Reset filters" in html
        assert f'href="{PAPERS}"' in html


def test_paper_filters_match_the_database(client, world):
    response = client.get(PAPERS, {"organization": "anthropic"})
    expected = set(
        Paper.objects.published()
        .filter(organizations__slug="anthropic")
        .values_list("slug", flat=True)
    )
    assert paper_slugs(response) == expected


def test_paper_facets_count_within_the_other_filters(client, world):
    response = client.get(PAPERS, {"organization": "anthropic"})
    facets = {facet.name: facet for facet in response.context["facets"]}
    assert {o.value: o.count for o in facets["kind"].options} == {"paper": 1, "post": 1}
    assert {o.value: o.count for o in facets["agenda"].options} == {
        "interpretability": 1,
        "ai-control": 1,
    }
    assert {o.value: o.count for o in facets["year"].options} == {"2022": 1, "2023": 1}
    # The organization facet ignores its own filter: every published org with papers.
    assert {o.value: o.count for o in facets["organization"].options} == {
        "anthropic": 2,
        "miri": 1,
    }
    # Agendas come in the editors' order; draft ones never appear.
    response = client.get(PAPERS)
    agenda_facet = response.context["facets"][0]
    assert [o.value for o in agenda_facet.options] == [
        "ai-control",
        "interpretability",
        "foundations",
    ]


def test_facet_links_keep_other_filters_and_drop_page(client, world):
    response = client.get(PAPERS, {"kind": "paper", "page": "1"})
    facets = {facet.name: facet for facet in response.context["facets"]}
    url = next(o.url for o in facets["organization"].options if o.value == "anthropic")
    assert "kind=paper" in url
    assert "organization=anthropic" in url
    assert "page=" not in url


@pytest.mark.parametrize(
    "query",
    [
        {"agenda": "nope"},
        {"agenda": "secret-agenda"},
        {"organization": "secret-org"},
        {"organization": "../../etc/passwd"},
        {"year": "abc"},
        {"year": "1800"},
        {"year": "99999999999999999999999"},
        {"year": "2022.5"},
        {"kind": "novel"},
        {"kind": "<script>alert(1)</script>"},
        {"agenda": "\x00"},
        {"agenda": "x" * 5000},
    ],
)
def test_bad_paper_filter_values_are_400_with_the_errors(client, world, query):
    response = client.get(PAPERS, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert h1_count(html) == 1
    assert "Some filters could not be used" in html
    assert "<script>alert(1)</script>" not in html
    assert 'name="robots" content="noindex"' in html
    assert list(response.context["papers"]) == []


def test_unknown_query_parameters_are_ignored(client, world):
    response = client.get(PAPERS, {"utm_source": "x", "sort": "zzz"})
    assert response.status_code == 200
    assert len(paper_slugs(response)) == 4


# ------------------------------------------------------------------ pagination


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1.5", "9" * 30, ""])
@pytest.mark.parametrize("url", [AGENDAS, PAPERS, FAILURE_MODES, GUIDES])
def test_bad_page_numbers_are_404_never_500(client, world, url, page):
    response = client.get(url, {"page": page})
    assert response.status_code == (200 if page == "" else 404)


def test_pagination_keeps_the_filters(client, world):
    for n in range(30):
        PaperFactory(slug=f"book-{n}", kind="book", year=2001)
    response = client.get(PAPERS, {"kind": "book"})
    assert response.status_code == 200
    assert response.context["result_count"] == 31
    html = response.content.decode()
    assert 'href="?kind=book&amp;page=2"' in html
    page2 = client.get(PAPERS, {"kind": "book", "page": "2"})
    assert page2.status_code == 200
    assert {p.kind for p in page2.context["papers"]} == {"book"}
    assert len(page2.context["papers"]) == 31 - 24
    assert client.get(PAPERS, {"kind": "book", "page": "3"}).status_code == 404


def test_listings_paginate(client):
    for n in range(30):
        ResearchAgendaFactory(slug=f"many-{n}")
        FailureModeFactory(slug=f"fm-{n}")
        GuideFactory(slug=f"g-{n}")
    for url in (AGENDAS, FAILURE_MODES, GUIDES):
        assert len(client.get(url).context["object_list"]) == 24
        assert len(client.get(url, {"page": 2}).context["object_list"]) == 6


# ------------------------------------------------------------------ comparison


def test_comparison_table_has_a_row_per_published_agenda_in_order(client, world):
    response = client.get(COMPARE)
    html = response.content.decode()
    assert [a.slug for a in response.context["agendas"]] == [
        "ai-control",
        "interpretability",
        "foundations",
    ]
    assert "<caption" in html
    # Agenda, approaches, key bet, "if you believe…", then the reviews' columns
    # (issue 14): status, target case, researchers, hard problems, funders.
    assert html.count('<th scope="col">') == 9
    tbody = html[html.index("<tbody>") : html.index("</tbody>")]
    assert tbody.count("<tr>") == 3
    assert tbody.count('<th scope="row"') == 3
    assert tbody.index("AI Control") < tbody.index("Interpretability") < tbody.index("Agent F")
    assert tbody.index("Circuit analysis") < tbody.index("Sparse autoencoders")
    assert "Internals are legible." in tbody
    assert "models can be understood" in tbody
    assert "Secret Agenda" not in html
    assert 'role="region"' in html
    assert 'tabindex="0"' in html


def test_comparison_can_be_narrowed_to_chosen_agendas(client, world):
    response = client.get(COMPARE, {"agenda": ["foundations", "ai-control", "secret-agenda"]})
    assert response.status_code == 200
    assert [a.slug for a in response.context["agendas"]] == ["ai-control", "foundations"]
    html = response.content.decode()
    assert "2 of 3 research agendas compared" in html
    assert "left out" in html  # the draft's slug is treated as unknown
    assert "Secret Agenda" not in html


def test_comparison_with_only_unknown_agendas_shows_them_all(client, world):
    response = client.get(COMPARE, {"agenda": "<b>nope</b>"})
    assert response.status_code == 200
    assert len(response.context["agendas"]) == 3
    assert "<b>nope</b>" not in response.content.decode()


# ---------------------------------------------------------------------- guides


def test_guide_total_time_is_the_sum_of_its_steps(client, world):
    guide = world["guide"]
    response = client.get(guide.get_absolute_url())
    assert response.context["total_minutes"] == 15 + 45 + 120
    html = response.content.decode()
    assert "3 h" in html  # 180 minutes
    listing = client.get(GUIDES)
    (listed,) = listing.context["object_list"]
    assert listed.total == 180
    assert listed.step_count == 3
    assert "3 h" in listing.content.decode()


def test_guide_steps_are_ordered_and_grouped_by_section(client, world):
    response = client.get(world["guide"].get_absolute_url())
    sections = response.context["sections"]
    assert [s["heading"] for s in sections] == ["Basics", "Deeper"]
    assert [s["minutes"] for s in sections] == [60, 120]
    assert [[step.title for step in s["steps"]] for s in sections] == [
        ["Orientation", "Papers"],
        ["Practice"],
    ]
    assert [step.number for s in sections for step in s["steps"]] == [1, 2, 3]
    html = response.content.decode()
    html = html[html.index("<main") :]
    assert html.index("Orientation") < html.index("Papers</h3>") < html.index("Practice")
    assert 'start="3"' in html
    assert "15 min" in html
    assert "2 h" in html
    assert "<em>this</em>" in html


def test_guide_steps_link_the_published_records_they_name(client, world):
    response = client.get(world["guide"].get_absolute_url())
    first, second, third = [step for s in response.context["sections"] for step in s["steps"]]
    assert [r.name for r in first.links] == ["Interpretability", "Deceptive alignment"]
    assert [r.name for r in second.links] == ["Toy Models"]
    assert [r.name for r in third.links] == ["Anthropic", "MATS", "Research Engineer"]
    html = response.content.decode()
    for record in (*first.links, *second.links, *third.links):
        assert f'href="{record.get_absolute_url()}"' in html


def test_guide_steps_show_a_paper_reading_time_and_nothing_for_other_records(client, world):
    paper = Paper.objects.get(slug="toy-models")
    Paper.objects.filter(pk=paper.pk).update(reading_minutes=95)
    html = client.get(world["guide"].get_absolute_url()).content.decode()
    steps = re.findall(r'<ul class="step-links".*?</ul>', html, flags=re.S)
    notes = [re.findall(r'class="link-note">([^<]*)<', step) for step in steps]
    assert notes == [[], ["1 h 35 min"], []]  # the paper's step; agendas, roles… have none


def test_guide_with_unsectioned_steps(client):
    guide = GuideFactory(slug="plain")
    GuideStepFactory(guide=guide, minutes=5)
    GuideStepFactory(guide=guide, minutes=7)
    response = client.get(guide.get_absolute_url())
    assert [s["heading"] for s in response.context["sections"]] == ["Steps"]
    assert response.context["total_minutes"] == 12


def test_guide_without_steps(client):
    guide = GuideFactory(slug="empty")
    response = client.get(guide.get_absolute_url())
    assert response.status_code == 200
    assert response.context["total_minutes"] == 0
    assert "no steps yet" in response.content.decode()


# -------------------------------------------------------------------- JSON-LD


@pytest.mark.parametrize(
    ("kind", "type_"),
    [
        ("paper", "ScholarlyArticle"),
        ("post", "ScholarlyArticle"),
        ("report", "ScholarlyArticle"),
        ("book", "Book"),
    ],
)
def test_paper_jsonld_has_the_right_type(client, kind, type_):
    paper = PaperFactory(
        slug=f"ld-{kind}",
        kind=kind,
        authors="Ada Lovelace, Alan Turing and Grace Hopper",
        venue="Some Venue",
        reading_minutes=30,
        name='A "quoted" </script> title',
    )
    html = client.get(paper.get_absolute_url()).content.decode()
    data = jsonld_of_type(html, type_)
    assert data["@context"] == "https://schema.org"
    assert data["name"] == paper.name
    assert data["datePublished"] == "2022"
    assert [a["name"] for a in data["author"]] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert data["sameAs"] == "https://example.org/paper"
    assert data["url"].endswith(paper.get_absolute_url())
    assert data["timeRequired"] == "PT30M"
    assert "</script> title" not in html
    # The breadcrumb trail is structured data too.
    assert jsonld_of_type(html, "BreadcrumbList")["itemListElement"][0]["name"] == "Home"


def test_guide_jsonld(client, world):
    html = client.get(world["guide"].get_absolute_url()).content.decode()
    data = jsonld_of_type(html, "LearningResource")
    assert data["timeRequired"] == "PT180M"
    assert [part["name"] for part in data["hasPart"]] == ["Orientation", "Papers", "Practice"]


# ---------------------------------------------------------------- query budget


def make_records(n: int, tag: str):
    """``n`` of everything, densely linked (drafts included), around one agenda."""
    agenda = ResearchAgendaFactory(slug=f"{tag}-agenda")
    guide = GuideFactory(slug=f"{tag}-guide")
    for i in range(n):
        org = OrganizationFactory(slug=f"{tag}-org-{i}")
        other_agenda = ResearchAgendaFactory(slug=f"{tag}-agenda-{i}", tags=["x", f"t{i}"])
        AgendaApproachFactory(agenda=agenda)
        AgendaApproachFactory(agenda=other_agenda)
        paper = PaperFactory(slug=f"{tag}-paper-{i}", year=2000 + i, tags=["p"])
        paper.agendas.add(agenda, other_agenda)
        paper.organizations.add(org)
        draft_paper = draft(PaperFactory, slug=f"{tag}-draft-paper-{i}")
        draft_paper.agendas.add(agenda)
        fm = FailureModeFactory(slug=f"{tag}-fm-{i}")
        fm.agendas.add(agenda)
        fm.papers.add(paper, draft_paper)
        role = RoleFactory(slug=f"{tag}-role-{i}")
        role.agendas.add(agenda)
        program = ProgramFactory(slug=f"{tag}-program-{i}", organizer=org)
        program.agendas.add(agenda)
        agenda.key_organizations.add(org)
        step = GuideStepFactory(guide=guide, section=f"Section {i % 3}")
        step.agendas.add(agenda, other_agenda)
        step.papers.add(paper, draft_paper)
        step.failure_modes.add(fm)
        step.organizations.add(org)
        step.roles.add(role)
        step.programs.add(program)
    return {
        "agenda": agenda.get_absolute_url(),
        "paper": paper.get_absolute_url(),
        "fm": fm.get_absolute_url(),
        "guide": guide.get_absolute_url(),
        "agenda_slug": agenda.slug,
    }


def count_queries(http, url, data=None) -> int:
    # A worker's first page of a record type also reads its content type once
    # (Django keeps it for the process): count the pages every later reader gets.
    http.get(url, data or {})
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(url, data or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


# Upper bounds per page (anonymous reader). Detail pages include "What links
# here": one query per linking record type, minus the types the page already
# lists in full (agenda: 8 + all but 4, paper: 6 + all but 2, failure mode: 4 +
# all, guide: 9 + all).
BUDGET = {
    "agenda list": 2,
    # The agendas, approaches, problems, funders.
    "compare": 4,
    # + quick projects, problems, funders, critiques, backgrounds, sub-agendas,
    # predecessors (issue 14); the page lists its backgrounds itself.
    "agenda detail": 15
    + per_record_type(exclude=("paper", "failure-mode", "role", "program", "background")),
    "paper list": 9,
    "paper list filtered": 10,
    "paper detail": 6 + per_record_type(exclude=("guide", "failure-mode")),
    "failure mode list": 2,
    "failure mode detail": 4 + per_record_type(),
    "guide list": 2,
    "guide detail": 9 + per_record_type(),
}


def page_urls(records):
    return {
        "agenda list": (AGENDAS, None),
        "compare": (COMPARE, None),
        "agenda detail": (records["agenda"], None),
        "paper list": (PAPERS, None),
        "paper list filtered": (PAPERS, {"agenda": records["agenda_slug"], "kind": "paper"}),
        "paper detail": (records["paper"], None),
        "failure mode list": (FAILURE_MODES, None),
        "failure mode detail": (records["fm"], None),
        "guide list": (GUIDES, None),
        "guide detail": (records["guide"], None),
    }


def test_query_counts_do_not_grow_with_the_data(client, django_assert_max_num_queries):
    few = page_urls(make_records(2, "few"))
    few_counts = {name: count_queries(client, url, data) for name, (url, data) in few.items()}
    many = page_urls(make_records(20, "many"))
    many_counts = {name: count_queries(client, url, data) for name, (url, data) in many.items()}
    print("queries per page:", many_counts)
    assert many_counts == few_counts
    for name, (url, data) in many.items():
        with django_assert_max_num_queries(BUDGET[name]):
            client.get(url, data or {})


def test_staff_preview_query_counts_are_constant(editor_client):
    few = page_urls(make_records(2, "few"))
    few_counts = {n: count_queries(editor_client, u, d) for n, (u, d) in few.items()}
    many = page_urls(make_records(15, "many"))
    many_counts = {n: count_queries(editor_client, u, d) for n, (u, d) in many.items()}
    assert many_counts == few_counts


def test_agenda_model_order_is_the_comparison_order():
    # The comparison relies on the model's declared order ("order", then name).
    assert ResearchAgenda._meta.ordering == ["order", "name"]
