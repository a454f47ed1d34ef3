"""The admin under the real Content-Security-Policy, in headless Chromium."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    """Unlike the other browser tests (which inject axe-core), enforce the real policy."""
    return {**browser_context_args, "bypass_csp": False}


CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def test_admin_works_in_a_browser_without_csp_violations(page, live_server, django_user_model):
    """Log in, open every admin page, use the widgets: no CSP violation, no JS error."""
    factories.RoleDutyFactory()
    factories.ProgramFactory()
    factories.PaperFactory()
    django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789-x")

    problems = []
    page.add_init_script(CSP_LISTENER)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text
            else None
        ),
    )

    def check():
        problems.extend(f"{page.url}: {v}" for v in page.evaluate("window.__cspViolations"))

    page.goto(reverse("admin:login"))
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw-123456789-x")
    page.click("input[type=submit]")
    page.wait_for_url("**" + reverse("admin:index"))
    check()
    links = page.eval_on_selector_all(
        "#content-main a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    for href in sorted({h for h in links if h.startswith(reverse("admin:index"))}):
        page.goto(href)
        check()

    # Calendar, clock and "add another" inline row on a role.
    page.goto(reverse("admin:careers_role_changelist"))
    page.locator("#result_list tbody th a").first.click()
    page.wait_for_load_state()
    page.locator("a[id^=calendarlink]").first.click()
    assert page.locator(".calendarbox").first.is_visible()
    rows = page.locator(".add-row a")
    if rows.count():
        rows.first.click()
    check()

    # Slug prepopulated from the name.
    page.goto(reverse("admin:organizations_organization_add"))
    page.fill("#id_name", "Brand New Lab")
    page.locator("#id_name").blur()
    assert page.input_value("#id_slug") == "brand-new-lab"
    check()

    # Select-all on a changelist updates the action counter.
    page.goto(reverse("admin:guides_paper_changelist"))
    page.check("#action-toggle")
    assert "selected" in page.inner_text(".action-counter")
    check()

    found = list(problems)
    # Control: an inline script is blocked, and the listener sees it.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran") is None
    assert page.evaluate("window.__cspViolations.length") == 1

    assert not found, found
