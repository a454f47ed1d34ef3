"""The connected map in a browser: a role's path to a program, and back by backlinks.

Needs the partials wired into the detail pages:

* role page: ``careers/partials/pathway.html`` (``pathway`` in the context) —
  ``<section id="how-to-get-there">`` with ``<li class="pathway-step"
  data-kind="program">`` links;
* program (and every) detail page: ``partials/backlinks.html`` (``backlinks``)
  — ``<section id="what-links-here">`` with one ``<h3>`` per group — and
  ``partials/cite.html`` (``citation``) — ``<section id="cite-this-page">``
  with the permanent link as ``a[rel=bookmark]``;
* organization listing: ``partials/feed_link.html`` in ``head_extra``.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def path_world(transactional_db):
    from tests import factories as f

    agenda = f.ResearchAgendaFactory(name="Mechanistic interpretability", slug="mech-interp")
    role = f.RoleFactory(name="Interpretability researcher", slug="interp-researcher")
    role.agendas.add(agenda)
    program = f.ProgramFactory(name="MATS", slug="mats", duration_weeks=10)
    role.programs.add(program)
    intro = f.PaperFactory(name="Zoom In", slug="zoom-in", level="introductory", reading_minutes=40)
    advanced = f.PaperFactory(
        name="Toy Models of Superposition", slug="toy-models", level="advanced", reading_minutes=90
    )
    for paper in (intro, advanced):
        paper.agendas.add(agenda)
    guide = f.GuideFactory(name="Start in interpretability", slug="start-interp")
    f.GuideStepFactory(guide=guide, minutes=30).agendas.add(agenda)
    return {"role": role, "program": program, "guide": guide, "intro": intro}


def _url_is(path):
    return re.compile(re.escape(path) + r"$")


def test_role_path_to_a_program_and_back_via_backlinks(page, path_world):
    role, program = path_world["role"], path_world["program"]

    # 1. The role page shows "How to get there": a plan, introductory first, with times.
    page.goto(role.get_absolute_url())
    path = page.locator("#how-to-get-there")
    expect(path.get_by_role("heading", level=2, name="How to get there")).to_be_visible()
    steps = path.locator("li.pathway-step")
    expect(steps).to_have_count(4)
    expect(steps.nth(0)).to_have_attribute("data-kind", "guide")
    expect(steps.nth(1)).to_contain_text("Zoom In")
    expect(path).to_contain_text("2 h 40 min")  # 40 + 90 minutes of papers + the 30-minute guide
    expect(path).to_contain_text("10 weeks")

    # 2. Follow the path to the program.
    path.locator("li.pathway-step[data-kind='program']").get_by_role("link", name="MATS").click()
    expect(page).to_have_url(_url_is(program.get_absolute_url()))
    expect(page.locator("main h1")).to_have_text("MATS")

    # 3. The program's backlinks name the role; follow it back.
    backlinks = page.locator("#what-links-here")
    expect(backlinks.get_by_role("heading", level=2, name="What links here")).to_be_visible()
    expect(backlinks.get_by_role("heading", level=3, name=re.compile("^Roles"))).to_be_visible()
    backlinks.get_by_role("link", name=role.name).click()
    expect(page).to_have_url(_url_is(role.get_absolute_url()))
    expect(page.locator("#how-to-get-there")).to_be_visible()


def test_cite_this_page_permanent_link_survives_a_rename(page, path_world):
    program = path_world["program"]
    page.goto(program.get_absolute_url())
    permalink = page.locator("#cite-this-page a[rel='bookmark']")
    expect(permalink).to_have_attribute("href", re.compile(rf"/r/program/{program.pk}/$"))
    href = permalink.get_attribute("href")

    program.slug = "mats-program"
    program.save()
    page.goto(href)
    expect(page).to_have_url(_url_is("/programs/mats-program/"))
    # The old address answers with a redirect to the new one too.
    page.goto("/programs/mats/")
    expect(page).to_have_url(_url_is("/programs/mats-program/"))


def test_filtered_listing_advertises_its_feed(page, transactional_db):
    from tests import factories as f

    institute = f.OrganizationTypeFactory(slug="government-institute", name="Government institute")
    f.OrganizationFactory(name="AISI", type=institute)
    f.OrganizationFactory(name="Some lab")
    page.goto("/organizations/?type=government-institute")
    link = page.locator("head link[rel='alternate'][type='application/atom+xml']")
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert href.startswith("/organizations/feed.atom?") and "type=government-institute" in href
    feed = page.request.get(href)
    assert feed.ok
    assert "AISI" in feed.text() and "Some lab" not in feed.text()
