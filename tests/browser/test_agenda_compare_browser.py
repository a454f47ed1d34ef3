"""The agenda comparison (/agendas/compare/) at a phone's and a desktop's width.

On a 375 px phone each agenda is a stacked card and the page never scrolls
sideways. At 1280 px the nine-column table sits inside its bordered box: the
demo agendas' longest words fit, so no column is hidden behind a sideways
scroll. The box is a focusable region named by the table's caption, so a table
wider than it (a narrower window, longer words) scrolls inside it, by keyboard
too, and never widens the page.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, axe_violations, format_violations, screenshot

pytestmark = pytest.mark.browser

# How far the page, and the table inside its region, reach past their boxes (px).
OVERFLOW_JS = """() => {
  const region = document.querySelector("main .compare-scroll");
  const table = region.querySelector("table");
  return {
    page: document.documentElement.scrollWidth - window.innerWidth,
    region: region.scrollWidth - region.clientWidth,
    table: table.getBoundingClientRect().right - region.getBoundingClientRect().right,
  };
}"""


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
def test_the_comparison_fits_its_box_and_never_widens_the_page(
    browser, live_server, site_data, viewport
):
    # bypass_csp lets axe-core's script in; the page's own CSS and markup are unchanged.
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORTS[viewport], bypass_csp=True
    )
    page = context.new_page()
    try:
        page.goto(reverse("guides:agenda_compare"))
        region = page.locator("main .compare-scroll")
        expect(region).to_have_attribute("role", "region")
        expect(region).to_have_attribute("tabindex", "0")
        caption = page.locator("main .compare-table caption")
        expect(region).to_have_attribute("aria-labelledby", caption.get_attribute("id"))
        expect(page.locator("main .compare-table tbody tr")).not_to_have_count(0)
        overflow = page.evaluate(OVERFLOW_JS)
        screenshot(page, f"agenda-compare-{viewport}")
        assert overflow["page"] <= 0, f"the page scrolls sideways by {overflow['page']}px"
        if viewport == "desktop":
            assert overflow["region"] <= 0 and overflow["table"] <= 0.5, (
                f"the table is wider than its box at {VIEWPORTS[viewport]['width']} px: {overflow}"
            )
        violations = axe_violations(page)
        assert not violations, format_violations(violations)
    finally:
        context.close()
