"""The stall watchdog (conftest): a Playwright call that never returns is stopped.

Two CI runs hung inside a Playwright call until pytest-timeout ended the whole
run, and its thread dump did not show which line of which test was waiting.
The watchdog records the test's own line, kills that test's Chromium so the
call fails, and the next test starts a new browser.
"""

import threading

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser import conftest

pytestmark = pytest.mark.browser


def test_a_stalled_call_fails_and_names_the_line_it_waited_on(browser):
    page = browser.new_page()
    page.set_content("<p>never answers</p>")
    before = len(conftest._stalls)
    timer = threading.Timer(2, conftest._on_stall, args=("watchdog-self-test",))
    timer.start()
    try:
        with pytest.raises(PlaywrightError):
            page.evaluate("() => new Promise(() => {})")  # a promise that never settles
    finally:
        timer.cancel()
    assert not browser.is_connected()
    assert len(conftest._stalls) == before + 1
    report = conftest._stalls.pop()
    assert report.startswith("watchdog-self-test stalled")
    assert "test_browser_watchdog.py" in report and "page.evaluate" in report


def test_every_test_gets_a_browser_of_its_own(browser):
    # The previous test's browser was killed; this one is new and works.
    assert browser.is_connected()
    page = browser.new_page()
    page.set_content("<p id=ok>ok</p>")
    assert page.text_content("#ok") == "ok"
