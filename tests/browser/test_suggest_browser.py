"""Type-ahead in the header's search box, in headless Chromium under the real CSP."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": False}


def test_typing_fills_the_suggestion_list_and_enter_still_searches(page):
    from tests.factories import PaperFactory, ResearchAgendaFactory

    ResearchAgendaFactory(name="Interpretability", summary="Inside networks.")
    PaperFactory(name="Scaling features: interpretable units", summary="Interpretable.")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/")
    box = page.locator("header form[role=search] input[name=q]")
    box.press_sequentially("interp", delay=30)
    options = page.locator("header datalist option")
    expect(options).to_have_count(2)
    assert options.first.get_attribute("value") == "Interpretability"
    assert box.get_attribute("list") == page.locator("header datalist").get_attribute("id")
    box.press("Enter")
    expect(page).to_have_url("/search/?q=interp")
    expect(page.locator("main h1")).to_have_text("Search results")
    assert errors == []
