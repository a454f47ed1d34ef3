"""/api/docs/: Swagger UI from our own static files, under the real CSP."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, axe_violations, format_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture
def browser_context_args(browser_context_args):
    """Enforce the real policy: the point is that Swagger UI runs under it."""
    return {**browser_context_args, "bypass_csp": False}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_swagger_ui_renders_without_csp_violations_or_outside_requests(page, viewport, live_server):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.add_init_script(CSP_LISTENER)
    outside, errors = [], []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/api/docs/")
    expect(page.locator("#swagger-ui .opblock-tag").first).to_be_visible()
    expect(page.locator("#swagger-ui").get_by_text("/api/v1/roles/", exact=True)).to_be_visible()
    # Open one operation and run it against the live API.
    page.locator("#operations-roles-roles_list .opblock-summary-control").click()
    page.locator("#operations-roles-roles_list .execute").click()
    expect(page.locator("#operations-roles-roles_list .live-responses-table")).to_contain_text(
        "200"
    )
    screenshot(page, f"api-docs-{viewport}")
    assert page.evaluate("window.__cspViolations") == []
    assert errors == []
    assert outside == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"]


def test_api_docs_page_passes_axe_at_both_widths(live_server, browser):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    docs = context.new_page()
    try:
        for viewport in VIEWPORTS:
            docs.set_viewport_size(VIEWPORTS[viewport])
            docs.goto("/api/docs/")
            expect(docs.locator("#swagger-ui .opblock-tag").first).to_be_visible()
            violations = axe_violations(docs)
            assert not violations, format_violations(violations)
    finally:
        context.close()
