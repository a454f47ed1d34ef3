"""Listings on a 375 px phone: the filters fold behind "Filters (n active)", results come first.

On a desktop the same panel is an open sidebar with no disclosure control.
Works without JavaScript (a <details>); checked with JavaScript off as well.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, axe_violations, format_violations, screenshot

pytestmark = pytest.mark.browser

LISTINGS = ["/organizations/", "/roles/", "/programs/", "/papers/"]


@pytest.fixture
def filtered_url(site_data):
    from organizations.models import Organization

    organization = site_data.first(Organization)
    return f"/organizations/?type={organization.type.slug}"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_filters_are_folded_on_a_phone_and_the_first_result_is_on_screen(
    browser, live_server, site_data, filtered_url, javascript
):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=VIEWPORTS["mobile"],
        java_script_enabled=javascript,
        bypass_csp=True,
    )
    page = context.new_page()
    try:
        for url in [*LISTINGS, filtered_url]:
            page.goto(url)
            summary = page.locator("main .filters summary")
            expect(summary).to_be_visible()
            expect(summary).to_have_text("Filters (1 active)" if "?" in url else "Filters")
            expect(page.locator("main .filters .facet").first).to_be_hidden()
            first_card = page.locator("main #results .card").first
            expect(first_card).to_be_visible()
            box = first_card.bounding_box()
            assert box["y"] < VIEWPORTS["mobile"]["height"], f"{url}: first result at {box['y']}px"
        # Opening the disclosure shows the facets, and choosing one filters the list.
        page.goto("/organizations/")
        page.locator("main .filters summary").click()
        option = page.locator("main .filters .facet-option").first
        expect(option).to_be_visible()
        option.click()
        expect(page.locator("main .filters summary")).to_have_text("Filters (1 active)")
        screenshot(page, f"phone-filters-{'js' if javascript else 'no-js'}")
        if javascript:
            violations = axe_violations(page)
            assert not violations, format_violations(violations)
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_filters_are_an_open_sidebar_on_a_desktop(browser, live_server, site_data, javascript):
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORTS["desktop"], java_script_enabled=javascript
    )
    page = context.new_page()
    try:
        page.goto("/organizations/")
        expect(page.locator("main .filters summary")).to_be_hidden()
        expect(page.locator("main .filters .facet").first).to_be_visible()
        filters = page.locator("main .filters").bounding_box()
        results = page.locator("main #results").bounding_box()
        assert filters["x"] < results["x"] and abs(filters["y"] - results["y"]) < 40
    finally:
        context.close()
