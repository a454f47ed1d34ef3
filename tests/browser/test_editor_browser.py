"""An editor's day in headless Chromium: log in, draft an organization, preview it,
publish it, find it in the filtered list, edit it, compare versions, revert.

Screenshots of each step go to artifacts/ (``editor-<step>.png``).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "editor-password-123"


@pytest.fixture
def editor_login(transactional_db, django_user_model):
    from django.contrib.auth.models import Group

    from organizations.models import OrganizationType

    user = django_user_model.objects.create_user(
        "dana", "dana@example.org", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    OrganizationType.objects.create(name="Frontier lab", slug="frontier-lab", order=1)
    OrganizationType.objects.create(name="Safety nonprofit", slug="safety-nonprofit", order=2)
    return user


def _choose_autocomplete(page, field, text):
    """Pick ``text`` in an admin autocomplete (select2) widget."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    option = page.locator(".select2-results__option", has_text=text).first
    expect(option).to_be_visible()
    option.click()


def test_an_editors_day(page, editor_login, browser, live_server):
    from organizations.models import Organization

    # 1. Log in.
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#editorial-module")).to_be_visible()
    screenshot(page, "editor-1-index")

    # 2. Create a draft organization with a type.
    page.goto("/admin/organizations/organization/add/")
    page.locator("#id_name").press_sequentially("Aligned Minds Institute")
    expect(page.locator("#id_slug")).to_have_value("aligned-minds-institute")
    _choose_autocomplete(page, "type", "Safety nonprofit")
    page.fill("#id_summary", "A research institute working on alignment.")
    page.fill("#id_description", "We study **scalable oversight** with [MATS](program:mats).")
    page.fill("#id_headquarters", "Oxford")
    # The Markdown preview button (progressive enhancement) renders the text.
    page.locator(".field-description .editorial-md-tools button").click()
    preview = page.locator(".field-description .editorial-md-output")
    expect(preview.locator("strong")).to_have_text("scalable oversight")
    expect(preview).to_contain_text("program:mats")  # flagged: no such program yet
    expect(page.locator("#id_status")).to_have_value("draft")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    org = Organization.objects.get(slug="aligned-minds-institute")
    assert org.status == "draft" and org.type.slug == "safety-nonprofit"
    screenshot(page, "editor-2-draft-saved")

    # 3. Preview it at its normal address: a bannered preview for staff, 404 for readers.
    page.goto(f"/organizations/{org.slug}/")
    expect(page.locator(".preview-banner")).to_be_visible()
    expect(page.locator("main h1")).to_contain_text("Aligned Minds Institute")
    screenshot(page, "editor-3-preview")
    reader = browser.new_context(base_url=live_server.url)
    reader_page = reader.new_page()
    response = reader_page.goto(f"/organizations/{org.slug}/")
    assert response.status == 404
    response = reader_page.goto("/organizations/?type=safety-nonprofit")
    expect(reader_page.locator("main")).not_to_contain_text("Aligned Minds Institute")

    # 4. Publish it.
    page.goto(f"/admin/organizations/organization/{org.pk}/change/")
    page.select_option("#id_status", "published")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    org.refresh_from_db()
    assert org.is_published

    # 5. Readers find it in the organization list filtered by its type.
    reader_page.goto("/organizations/?type=safety-nonprofit")
    expect(reader_page.locator("main")).to_contain_text("Aligned Minds Institute")
    reader_page.goto("/organizations/?type=frontier-lab")
    expect(reader_page.locator("main")).not_to_contain_text("Aligned Minds Institute")
    screenshot(reader_page, "editor-5-filtered-list")

    # 6. Edit it.
    page.goto(f"/admin/organizations/organization/{org.pk}/change/")
    page.fill("#id_headquarters", "Cambridge")
    page.fill("#id_summary", "A research institute working on scalable oversight.")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    # 7. View the diff between the first version and the latest.
    page.goto(f"/admin/organizations/organization/{org.pk}/history/")
    radios_old = page.locator("input[name=old]")
    expect(radios_old).to_have_count(3)
    radios_old.last.check()  # the first (creation) version
    page.locator("input[name=new]").first.check()  # the latest
    page.click("text=Compare selected versions")
    expect(page).to_have_url(re.compile(r"/history/compare/\?"))
    diff = page.locator("table.editorial-diff").first
    expect(diff).to_contain_text("Headquarters")
    expect(diff).to_contain_text("Oxford")
    expect(diff).to_contain_text("Cambridge")
    expect(diff).to_contain_text("Status")
    screenshot(page, "editor-7-compare")

    # 8. Revert to the published version before the edit.
    page.goto(f"/admin/organizations/organization/{org.pk}/history/")
    page.locator("#change-history tbody tr").nth(1).locator("td a").first.click()
    expect(page.locator("#id_headquarters")).to_have_value("Oxford")
    page.locator("input[type=submit][value=Revert]").first.click()
    expect(page.locator(".messagelist")).to_be_visible()
    org.refresh_from_db()
    assert org.headquarters == "Oxford"
    assert org.summary == "A research institute working on alignment."
    assert org.is_published
    assert org.history.count() == 4
    assert org.history.first().history_user.username == "dana"
    screenshot(page, "editor-8-reverted")
    reader.close()
