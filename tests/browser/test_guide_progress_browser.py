"""Ticking a guide's steps as done: kept in this browser (localStorage) only.

The checkboxes are added by guides/static/js/guide-progress.js under the real
CSP; without JavaScript the page has no checkboxes and is complete.
"""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def guide():
    from tests.guides.factories import GuideFactory, GuideStepFactory

    guide = GuideFactory(name="Test path", slug="test-path")
    for title in ("Read the overview", "Try an exercise", "Write a summary"):
        GuideStepFactory(guide=guide, title=title)
    return guide


def boxes(page):
    return page.locator(".guide-step input[type=checkbox]")


def test_ticks_count_and_survive_a_reload_under_the_real_csp(browser, live_server, guide):
    context = browser.new_context(base_url=live_server.url, bypass_csp=False)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(guide.get_absolute_url())
    expect(boxes(page)).to_have_count(3)
    status = page.locator(".guide-glance [role=status]")
    expect(status).to_have_text("0 of 3 done")

    # Each checkbox is named by its label, which names the step.
    page.get_by_role("checkbox", name="Done for Try an exercise").check()
    page.get_by_label("Done for Write a summary").check()
    expect(status).to_have_text("2 of 3 done")
    expect(page.locator("header .guide-progress")).to_have_text("2 of 3 done")
    expect(page.locator(".guide-step.is-done")).to_have_count(2)

    page.reload()
    expect(status).to_have_text("2 of 3 done")
    assert [box.is_checked() for box in boxes(page).all()] == [False, True, True]
    stored = page.evaluate("() => localStorage.getItem('fieldguide:guide-steps:test-path')")
    assert stored and len(json.loads(stored)) == 2

    page.get_by_label("Done for Try an exercise").uncheck()
    expect(status).to_have_text("1 of 3 done")
    page.get_by_role("button", name="Untick every step").click()
    expect(status).to_have_text("0 of 3 done")
    expect(page.get_by_role("button", name="Untick every step")).to_be_hidden()
    page.reload()
    assert not any(box.is_checked() for box in boxes(page).all())
    assert errors == []
    context.close()


def test_without_javascript_the_page_has_every_step_and_no_checkbox(browser, live_server, guide):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(guide.get_absolute_url())
    expect(page.locator(".guide-step")).to_have_count(3)
    expect(page.locator(".guide-step h3")).to_contain_text(["Read the overview"])
    expect(page.locator("input[type=checkbox]")).to_have_count(0)
    expect(page.locator(".guide-progress")).to_have_count(0)
    context.close()


def test_ticked_guide_passes_axe(page, guide):
    page.goto(guide.get_absolute_url())
    page.get_by_label("Done for Read the overview").check()
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
