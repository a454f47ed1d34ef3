"""Site-wide search in headless Chromium: search from the header, filter, open a result."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, axe_violations, format_violations, screenshot

pytestmark = pytest.mark.browser


def _records():
    from core.models import Status
    from tests.factories import OrganizationFactory, PaperFactory, ResearchAgendaFactory

    agenda = ResearchAgendaFactory(
        name="Mechanistic interpretability",
        slug="mech-interp",
        summary="Reverse-engineering what neural networks compute.",
    )
    paper = PaperFactory(
        name="Toy Models of Superposition",
        slug="toy-models",
        summary="How networks pack features.",
        description="A classic <em>interpretability</em> paper about features.",
    )
    OrganizationFactory(name="Interpretability Draft Lab", status=Status.DRAFT)
    return agenda, paper


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_reader_searches_from_the_header_and_opens_a_result(page, transactional_db, viewport):
    agenda, paper = _records()
    page.set_viewport_size(VIEWPORTS[viewport])
    width = VIEWPORTS[viewport]["width"]

    # 1. Type in the header's search box on the home page and press Enter.
    page.goto("/")
    box = page.locator("header form[role=search] input[name=q]")
    expect(box).to_be_visible()
    box.fill("interpretability")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=interpretability$"))
    expect(page.locator("main h1")).to_have_text("Search results")

    # 2. Both published matches are listed with their type; the draft is not.
    hits = page.locator("main .search-hit")
    expect(hits).to_have_count(2)
    expect(hits.first.locator(".search-hit-type")).to_have_text("Research agenda")
    expect(hits.first.get_by_role("link")).to_have_text(agenda.name)
    expect(page.locator("main")).not_to_contain_text("Draft Lab")
    # Snippets highlight the match, and editor HTML is shown as text, not markup.
    expect(page.locator("main .search-hit-snippet mark").first).to_be_visible()
    expect(page.locator("main .search-hit-snippet em")).to_have_count(0)
    screenshot(page, f"search-1-results-{width}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)

    # 3. The type facet narrows the results to papers.
    page.locator("main .facet-option", has_text="Papers").click()
    expect(page).to_have_url(re.compile(r"[?&]type=paper(&|$)"))
    expect(hits).to_have_count(1)
    screenshot(page, f"search-2-papers-{width}")

    # 4. Open the result.
    hits.first.get_by_role("link", name=paper.name).click()
    expect(page).to_have_url(re.compile(re.escape(paper.get_absolute_url()) + "$"))
    expect(page.locator("main h1")).to_have_text(paper.name)


def test_a_misspelled_search_shows_the_corrected_results(page, transactional_db):
    agenda, _ = _records()
    page.goto("/")
    box = page.locator("header form[role=search] input[name=q]")
    box.fill("interpretabilty")
    box.press("Enter")
    expect(page.locator("main .search-correction")).to_contain_text("Showing results for")
    page.locator("main .search-hit").first.get_by_role("link", name=agenda.name).click()
    expect(page.locator("main h1")).to_have_text(agenda.name)


@pytest.mark.parametrize(
    "query",
    ["", "<script>alert(1)</script>", "%_%", "' OR 1=1 --", "x" * 5_000],
    ids=["empty", "html", "wildcards", "sql", "long"],
)
def test_hostile_queries_render_a_page_without_running_script(page, transactional_db, query):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/")
    box = page.locator("header form[role=search] input[name=q]")
    box.fill(query)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/"))
    expect(page.locator("main h1")).to_be_visible()
    assert dialogs == []
