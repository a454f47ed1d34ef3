"""The decision page as a reader uses it: pick a background and a stage, read the
ranked plan, follow a program link, come back, share the URL — then axe 0 and
vnu 0 at 375 and 1280 px on the start page, a plan, a form with errors and
"How this works"."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import (
    VIEWPORTS,
    axe_violations,
    format_violations,
    format_vnu,
    screenshot,
    vnu_errors_batch,
)

pytestmark = pytest.mark.browser

PLAN = "/find-your-direction/"


def test_a_reader_picks_a_background_and_a_stage_and_shares_the_plan(page, site_data, browser):
    # From the home page's call to action.
    page.goto("/")
    page.get_by_role("link", name="Find your direction").first.click()
    expect(page).to_have_url(re.compile(re.escape(PLAN) + "$"))
    expect(page.get_by_role("heading", level=1, name="Find your direction")).to_be_visible()

    # Pick a background and a stage; the form is a plain GET form.
    page.get_by_label("Security and adversarial work").check()
    page.get_by_role("radio", name="Seriously considering").check()
    page.get_by_role("button", name="Show my plan").click()
    expect(page).to_have_url(re.compile(r"background=security-and-adversarial"))
    expect(page).to_have_url(re.compile(r"stage=considering"))
    plan_url = page.url

    agendas = page.locator("li.plan-agenda")
    expect(agendas.first).to_contain_text("AI Control")
    expect(agendas.first).to_contain_text("Security and adversarial work background → AI Control")
    expect(page.locator("#steps-title")).to_contain_text("seriously considering")
    expect(page.locator(".plan-total")).to_contain_text("in all")

    # Follow a program link, come back: the plan and the answers are still there.
    program = page.locator("li.plan-program h3 a").first
    name = program.inner_text()
    program.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.go_back()
    expect(page).to_have_url(plan_url)
    expect(page.get_by_label("Security and adversarial work")).to_be_checked()
    expect(agendas.first).to_contain_text("AI Control")

    # The URL is the plan: a fresh browser context (no cookies, no history) shows the same.
    share = page.get_by_role("link", name="Link to this plan").get_attribute("href")
    first_ranked = [a.inner_text() for a in page.locator("li.plan-agenda h3 a").all()]
    other = browser.new_context(base_url=page.url.split(PLAN)[0])
    try:
        fresh = other.new_page()
        fresh.goto(share)
        assert [a.inner_text() for a in fresh.locator("li.plan-agenda h3 a").all()] == first_ranked
        expect(fresh.get_by_role("radio", name="Seriously considering")).to_be_checked()
    finally:
        other.close()


def test_bad_input_shows_the_form_with_its_errors(page, site_data):
    response = page.goto(f"{PLAN}?hours=500&background=nobody")
    assert response.status == 400
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Hours per week")
    expect(alert).to_contain_text("Your background")
    alert.get_by_role("link", name="Hours per week you can give").click()
    expect(page.get_by_label("Hours per week you can give")).to_have_value("500")


PAGES = {
    "start": PLAN,
    "plan": (
        f"{PLAN}?background=security-and-adversarial&bet=ai-control&concern=deceptive-alignment"
        "&timeline=short&stage=exploring&hours=6&career=early-career&where=online&paid=on"
    ),
    "errors": f"{PLAN}?hours=0&stage=nowhere",
    "how": f"{PLAN}how-it-works/",
    "agenda": "/agendas/ai-control/",
}


def test_on_a_phone_the_plan_comes_first_and_the_answers_unfold(page, site_data):
    """At 375 px a plan's answers fold behind "Change your answers", so the plan follows
    the page's introduction; the summary opens them. At 1280 px they are a column beside
    the plan, open, with no summary."""
    page.set_viewport_size(VIEWPORTS["mobile"])
    page.goto(PAGES["plan"])
    submit = page.get_by_role("button", name="Show my plan")
    expect(submit).to_be_hidden()
    summary = page.locator(".plan-summary")
    expect(summary).to_have_text("Change your answers")
    plan_top = page.locator("#share-title").bounding_box()["y"]
    summary_box = summary.bounding_box()
    assert plan_top - (summary_box["y"] + summary_box["height"]) < 100
    summary.click()
    expect(submit).to_be_visible()
    expect(page.get_by_role("radio", name="Just exploring")).to_be_checked()

    page.set_viewport_size(VIEWPORTS["desktop"])
    page.goto(PAGES["plan"])
    expect(page.get_by_role("button", name="Show my plan")).to_be_visible()
    expect(page.locator(".plan-summary")).to_be_hidden()
    expect(page.get_by_role("radio", name="Just exploring")).to_be_checked()


def test_axe_and_vnu_at_both_widths(page, site_data):
    documents, failures = {}, []
    for width_name, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        for name, url in PAGES.items():
            page.goto(url)
            violations = axe_violations(page)
            if violations:
                failures.append(f"axe {name} @ {width_name}:\n{format_violations(violations)}")
            # Nothing wider than the viewport.
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                failures.append(f"{name} @ {width_name} scrolls sideways by {overflow}px")
            screenshot(page, f"pathfinder-{name}-{width_name}")
            if width_name == "desktop":  # the served HTML, before axe's script is added
                documents[name] = page.request.get(url).text()
    for name, errors in vnu_errors_batch(documents).items():
        if errors:
            failures.append(f"vnu {name}:\n{format_vnu(errors)}")
    assert not failures, "\n".join(failures)
