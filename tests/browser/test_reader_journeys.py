"""Reader journeys through the site in headless Chromium, at phone and desktop widths.

Each journey runs at both widths (subtests) on one load of the site data. Each step
is saved as a screenshot in artifacts/ (``journey-<name>-<step>-<width>.png``).
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, screenshot


def _snap(page, journey, step, viewport):
    screenshot(page, f"journey-{journey}-{step}-{VIEWPORTS[viewport]['width']}")


def _h1(page):
    return page.locator("main h1")


def _organization_journeys():
    """``{organization slug: (organization, agenda, paper)}``: organization → agenda → paper."""
    from guides.models import Paper, ResearchAgenda
    from organizations.models import Organization

    journeys = {}
    for agenda in ResearchAgenda.objects.published():
        paper = Paper.objects.published().filter(agendas=agenda).first()
        if paper is None:
            continue
        for organization in Organization.objects.published().filter(agendas=agenda):
            journeys.setdefault(organization.slug, (organization, agenda, paper))
    assert journeys, "the site data has no organization → agenda → paper chain"
    return journeys


def _listed_organizations(page):
    """Slugs of the organizations whose cards are listed, in page order."""
    hrefs = page.locator("main article a[href^='/organizations/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href').split('?')[0])"
    )
    return [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs]


def test_reader_filters_organizations_by_type_and_reaches_a_paper(page, site_data, subtests):
    for viewport in VIEWPORTS:
        with subtests.test(viewport=viewport):
            page.set_viewport_size(VIEWPORTS[viewport])
            _organizations_journey(page, viewport)


def _organizations_journey(page, viewport):
    from organizations.models import Organization

    journeys = _organization_journeys()
    org_type = next(iter(journeys.values()))[0].type
    published = Organization.objects.published()
    of_type = set(published.filter(type=org_type).values_list("slug", flat=True))
    assert published.exclude(type=org_type).exists(), "the journey needs more than one type"

    # 1. The organization list, unfiltered: organizations of several types.
    page.goto("/organizations/")
    expect(_h1(page)).to_have_text("Organizations")
    assert not set(_listed_organizations(page)) <= of_type, "the unfiltered list is filtered"
    _snap(page, "organizations", "1-list", viewport)

    # 2. Choose the type in the filters: a <select> in a filter form (submitted), or
    #    the type's option (a link) in the filter panel.
    select = page.locator("main form select[name=type]")
    if select.count():
        select.first.select_option(org_type.slug)
        form = page.locator("main form").filter(has=select.first)
        form.locator("button[type=submit], input[type=submit]").first.click()
    else:
        filters = page.locator("main .filters")
        # On a phone the facets fold behind a "Filters" disclosure: open it first.
        summary = filters.locator("summary")
        if summary.count() and summary.first.is_visible():
            summary.first.click()
        filters.get_by_role("link", name=re.compile(re.escape(org_type.label))).first.click()
    expect(page).to_have_url(re.compile(rf"[?&]type={re.escape(org_type.slug)}(&|$)"))
    _snap(page, "organizations", "2-filtered", viewport)

    # Only organizations of that type are listed (all of them, when there is one page).
    listed = _listed_organizations(page)
    assert listed, "the filtered list shows no organizations"
    assert set(listed) <= of_type, f"other types listed: {sorted(set(listed) - of_type)}"
    if not page.locator("main .pagination").count():
        assert set(listed) == of_type
    candidates = [slug for slug in listed if slug in journeys]
    assert candidates, "no listed organization links to an agenda with a paper"
    organization, agenda, paper = journeys[candidates[0]]

    # 3. Open the organization.
    page.locator(f"main a[href='{organization.get_absolute_url()}']").first.click()
    expect(_h1(page)).to_have_text(organization.name)
    _snap(page, "organizations", "3-organization", viewport)

    # 4. Follow its link to a research agenda.
    page.locator(f"main a[href='{agenda.get_absolute_url()}']").first.click()
    expect(_h1(page)).to_have_text(agenda.name)
    _snap(page, "organizations", "4-agenda", viewport)

    # 5. Then to a paper on that agenda.
    page.locator(f"main a[href='{paper.get_absolute_url()}']").first.click()
    expect(_h1(page)).to_have_text(paper.name)
    _snap(page, "organizations", "5-paper", viewport)


def _researcher_role():
    from careers.models import Role

    roles = Role.objects.published()
    role = roles.filter(name__iexact="AI Safety Researcher").first()
    role = role or roles.filter(faqs__isnull=False, related_roles__isnull=False).first()
    assert role is not None, "the site data has no AI Safety Researcher role"
    return role


def test_reader_reads_the_researcher_role_and_follows_a_related_role(page, site_data, subtests):
    for viewport in VIEWPORTS:
        with subtests.test(viewport=viewport):
            page.set_viewport_size(VIEWPORTS[viewport])
            _role_journey(page, viewport)


def _role_journey(page, viewport):
    role = _researcher_role()
    duties = list(role.duties.all())
    faqs = list(role.faqs.all())
    related = role.related_roles.published().first()
    assert duties and faqs and related, "the role needs duties, FAQ entries and a related role"

    page.goto(role.get_absolute_url())
    expect(_h1(page)).to_have_text(role.name)
    _snap(page, "role", "1-role", viewport)

    # A keyboard reader: the first Tab reaches the skip link, which moves focus to <main>.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # The at-a-glance panel.
    panel = page.locator("main section.at-a-glance")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", name="At a glance")).to_be_visible()
    expect(panel.locator("dt").filter(has_text="Salary range")).to_be_visible()
    if role.typical_education:
        expect(panel.locator("dt").filter(has_text="Education")).to_be_visible()

    # Duties and responsibilities.
    for duty in duties:
        expect(page.locator("main li").filter(has_text=duty.text[:60]).first).to_be_visible()

    # The FAQ: a closed <details> opens when its summary is clicked.
    entry = page.locator("main details").filter(has_text=faqs[0].question).first
    expect(entry).not_to_have_attribute("open", "")
    entry.locator("summary").click()
    expect(entry).to_have_attribute("open", "")
    answer = entry.locator(":scope > :not(summary)").first
    expect(answer).to_be_visible()
    entry.scroll_into_view_if_needed()
    _snap(page, "role", "2-faq-open", viewport)

    # A related role.
    # (The first visible one: the salary chart's table behind its <details> links it too.)
    page.locator(f"main a[href='{related.get_absolute_url()}']:visible").first.click()
    expect(_h1(page)).to_have_text(related.name)
    _snap(page, "role", "3-related-role", viewport)
