"""Reader feedback in headless Chromium: the reader's path and the editor's.

Reader (at 375 and 1280 px): the record page's feedback section (all of it
opened), "Was this page useful? → No" with a comment and "Suggest an edit"
with JavaScript (one step), "Report something outdated" without JavaScript
(the confirmation step), a form sent too quickly (the page with its errors),
the thank-you page and the 429 page. axe-core finds no violation on any of
them and the Nu HTML Checker no error in the server's HTML.

Editor: the review dashboard's counts, the queue, "Open in the record's
form" with the suggestion filled in, save, and the submission accepted and
linked to the version it produced (the compare page shows the edit).

Screenshots: artifacts/feedback-<step>-<width>.png.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    VIEWPORTS,
    axe_violations,
    format_violations,
    format_vnu,
    screenshot,
    vnu_errors_batch,
)

pytestmark = pytest.mark.browser

PASSWORD = "editor-password-123"


@pytest.fixture
def record(transactional_db, settings):
    from tests.factories import OrganizationFactory, OrganizationTypeFactory

    settings.FEEDBACK_MIN_FILL_SECONDS = 1
    settings.FEEDBACK_RATE_LIMIT = 20
    kind = OrganizationTypeFactory(name="Safety nonprofit", slug="safety-nonprofit")
    return OrganizationFactory(
        name="Aligned Minds Institute",
        slug="aligned-minds",
        type=kind,
        summary="A research institute working on alignment.",
        description="We study **scalable oversight**.",
        headquarters="Oxford",
        founded_year=2019,
    )


class Checks:
    """axe on the live page, the server's HTML kept for one Nu HTML Checker run."""

    def __init__(self, width):
        self.width = width
        self.failures = []
        self.documents = {}

    def page(self, page, name, html):
        self.documents[f"{name} ({self.width}px)"] = html
        violations = axe_violations(page)
        print(f"axe {self.width}px {name}: {len(violations)} violation(s)")
        if violations:
            self.failures.append(f"{name} at {self.width}px:\n{format_violations(violations)}")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            self.failures.append(f"{name} at {self.width}px scrolls sideways by {overflow}px")
        screenshot(page, f"feedback-{name}-{self.width}")

    def served(self, page, name, url, html):
        """A page another (JavaScript-less) browser got: shown in ``page`` from its HTML."""

        def fulfil(route):
            route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")

        page.route(url, fulfil)
        try:
            page.goto(url)
            self.page(page, name, html)
        finally:
            page.unroute(url, fulfil)

    def finish(self):
        results = vnu_errors_batch(self.documents)
        for name, errors in results.items():
            print(f"vnu {name}: {len(errors)} error(s)")
            if errors:
                self.failures.append(f"vnu {name}:\n{format_vnu(errors)}")
        assert not self.failures, "\n".join(self.failures)


def _open_all_details(page):
    page.evaluate(
        "() => document.querySelectorAll('.feedback details').forEach(d => d.open = true)"
    )


def _post_response(page):
    return page.expect_response(lambda r: r.request.method == "POST" and "/feedback/" in r.url)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_reader_path(page, browser, live_server, record, settings, viewport):
    from feedback.models import Submission

    width = VIEWPORTS[viewport]["width"]
    checks = Checks(width)
    page.set_viewport_size(VIEWPORTS[viewport])
    url = record.get_absolute_url()

    # 1. The record page ends with the feedback section; everything in it passes.
    response = page.goto(url)
    html = response.text()
    section = page.locator("section.feedback")
    expect(section.locator("h2")).to_have_text("Help keep this page true")
    screenshot(page, f"feedback-1-section-closed-{width}")
    _open_all_details(page)
    checks.page(page, "1-record-page", html)

    # 2. With JavaScript: "No" and a comment, stored in one step.
    page.goto(url)
    page.wait_for_timeout(1100)  # longer than FEEDBACK_MIN_FILL_SECONDS
    section.locator("summary", has_text="Add a comment first").click()
    page.fill("#fb-useful-comment", "The founding year <b>looks</b> wrong.")
    with _post_response(page) as posted:
        section.get_by_role("button", name="No").click()
    assert posted.value.status == 303
    expect(page.locator("main h1")).to_have_text("Thank you")
    answer = Submission.objects.get(kind="useful")
    assert answer.useful is False and answer.comment == "The founding year <b>looks</b> wrong."
    expect(page.locator("main")).not_to_contain_text("looks")  # nothing the reader sent
    checks.page(page, "2-thanks-useful", page.goto(page.url).text())

    # 3. With JavaScript: a suggested edit.
    page.goto(url)
    page.wait_for_timeout(1100)
    section.locator("summary", has_text="Suggest an edit").click()
    page.select_option("#fb-suggestion-part", "summary")
    page.fill("#fb-suggestion-proposed_text", "A research institute for scalable oversight.")
    page.fill("#fb-suggestion-source_url", "https://example.org/about")
    page.fill("#fb-suggestion-email", "reader@example.org")
    with _post_response(page) as posted:
        page.click("text=Send the suggestion")
    assert posted.value.status == 303
    expect(page.locator("main h1")).to_have_text("Thank you")
    suggestion = Submission.objects.get(kind="suggestion")
    assert suggestion.part == "summary" and suggestion.source_url == "https://example.org/about"
    assert suggestion.email == "reader@example.org"
    checks.page(page, "3-thanks-suggestion", page.goto(page.url).text())

    # 4. Without JavaScript: a report, confirmed on a page with a token.
    no_js = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=VIEWPORTS[viewport]
    )
    plain = no_js.new_page()
    plain.goto(url)
    plain.wait_for_timeout(1100)
    plain.locator("section.feedback summary", has_text="Report something outdated").click()
    plain.select_option("#fb-outdated-part", "founded_year")
    plain.fill("#fb-outdated-comment", "Founded in 2018, not 2019.")
    with _post_response(plain) as posted:
        plain.click("text=Send the report")
    confirm = posted.value
    assert confirm.status == 200
    expect(plain.locator("main .lead")).to_contain_text("One more step")
    expect(plain.locator("#fb-outdated-comment")).to_have_value("Founded in 2018, not 2019.")
    assert not Submission.objects.filter(kind="outdated").exists()
    checks.served(page, "4-confirm", confirm.url, confirm.text())
    with _post_response(plain) as posted:
        plain.click("main form button[type=submit]")
    assert posted.value.status == 303
    expect(plain.locator("main h1")).to_have_text("Thank you")
    report = Submission.objects.get(kind="outdated")
    assert report.part == "founded_year" and report.comment == "Founded in 2018, not 2019."

    # 5. A form sent too soon is shown again with its errors, the text kept.
    settings.FEEDBACK_MIN_FILL_SECONDS = 60
    plain.goto(f"/feedback/organization/{record.pk}/suggestion/")
    plain.fill("#fb-suggestion-proposed_text", "Too quick")
    with _post_response(plain) as posted:
        plain.click("main form button[type=submit]")
    assert posted.value.status == 400
    expect(plain.locator("#feedback-errors")).to_contain_text("quicker than a person")
    expect(plain.locator("#fb-suggestion-proposed_text")).to_have_value("Too quick")
    screenshot(plain, f"feedback-5-errors-no-js-{width}")
    checks.served(page, "5-errors", posted.value.url, posted.value.text())
    no_js.close()
    settings.FEEDBACK_MIN_FILL_SECONDS = 1

    # 6. Too many posts: the 429 page, with the reader's text to copy.
    settings.FEEDBACK_RATE_LIMIT = 3  # this client has posted 5 times already
    page.goto(url)
    page.wait_for_timeout(1100)
    section.locator("summary", has_text="Suggest an edit").click()
    page.fill("#fb-suggestion-proposed_text", "One more, please.")
    with _post_response(page) as posted:
        page.click("text=Send the suggestion")
    assert posted.value.status == 429
    expect(page.locator("main h1")).to_have_text("Too many messages for now")
    expect(page.locator("#feedback-unsent")).to_have_value("One more, please.")
    assert Submission.objects.count() == 3
    checks.page(page, "6-too-many", posted.value.text())

    # 7. The privacy notice.
    checks.page(page, "7-privacy", page.goto("/feedback/privacy/").text())
    checks.finish()


def test_the_editor_path(page, browser, live_server, record, django_user_model):
    from django.contrib.auth.models import Group

    from feedback.models import State, Submission

    # A reader suggests an edit (JavaScript on: one step).
    reader = browser.new_context(base_url=live_server.url)
    reader_page = reader.new_page()
    reader_page.goto(record.get_absolute_url())
    reader_page.wait_for_timeout(1100)
    reader_page.locator("section.feedback summary", has_text="Suggest an edit").click()
    reader_page.select_option("#fb-suggestion-part", "summary")
    reader_page.fill("#fb-suggestion-proposed_text", "An institute for scalable oversight.")
    reader_page.click("text=Send the suggestion")
    expect(reader_page.locator("main h1")).to_have_text("Thank you")
    suggestion = Submission.objects.get()

    user = django_user_model.objects.create_user(
        "dana", "dana@example.org", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    # 1. The review dashboard counts it, per record.
    page.goto("/admin/editorial/review/")
    feedback = page.locator(".feedback-review")
    expect(feedback.locator("tbody tr")).to_have_count(1)
    expect(feedback.locator("tbody tr")).to_contain_text("Aligned Minds Institute")
    screenshot(page, "feedback-editor-1-dashboard")

    # 2. The queue, filtered to that record.
    feedback.locator("tbody tr a", has_text="1 submission").click()
    expect(page).to_have_url(re.compile(r"record=organization%3A\d+|record=organization:\d+"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("An institute for scalable oversight.")
    screenshot(page, "feedback-editor-2-queue")

    # 3. One step: the record's form opens with the suggestion filled in.
    rows.locator("a.feedback-accept").click()
    expect(page.locator("#id_summary")).to_have_value("An institute for scalable oversight.")
    expect(page.locator(".messagelist .info")).to_contain_text("a reader suggested for “Summary”")
    screenshot(page, "feedback-editor-3-prefilled")
    record.refresh_from_db()
    assert record.summary == "A research institute working on alignment."
    page.locator("input[name=_save]").first.click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    expect(page.locator(".messagelist")).to_contain_text("is marked accepted")
    screenshot(page, "feedback-editor-4-saved")

    record.refresh_from_db()
    suggestion.refresh_from_db()
    latest = record.history.order_by("-history_date", "-history_id").first()
    assert record.summary == "An institute for scalable oversight."
    assert suggestion.state == State.ACCEPTED
    assert suggestion.accepted_version == latest.history_id

    # 4. The submission links to the version it produced; the compare page shows the edit.
    page.locator(".messagelist a", has_text="Suggested edit").click()
    expect(page.locator("#id_state")).to_have_value("accepted")
    page.locator(".field-version_link a").click()
    diff = page.locator("table.editorial-diff").first
    expect(diff).to_contain_text("A research institute working on alignment.")
    expect(diff).to_contain_text("An institute for scalable oversight.")
    screenshot(page, "feedback-editor-5-version")

    # 5. Readers see the change; the dashboard has nothing open for the record any more.
    reader_page.goto(record.get_absolute_url())
    expect(reader_page.locator("main .lead").first).to_have_text(
        "An institute for scalable oversight."
    )
    page.goto("/admin/editorial/review/")
    expect(page.locator(".feedback-review caption")).to_contain_text("0 open submissions")
    reader.close()
