"""Editors never lose work, in headless Chromium: two editors (two browser contexts)
save the same record; a stale inline row; a login lost in another tab; leaving a form
with unsaved changes. The conflict page passes axe with no violations.

Screenshots go to artifacts/ (``conflict-*.png``).
"""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    VIEWPORTS,
    axe_violations,
    format_violations,
    format_vnu,
    screenshot,
    vnu_errors,
)

pytestmark = pytest.mark.browser

PASSWORD = "editor-password-123"


@pytest.fixture
def editors(transactional_db, django_user_model):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Editors")
    users = []
    for name in ("ada", "ben"):
        user = django_user_model.objects.create_user(
            name, f"{name}@example.org", PASSWORD, is_staff=True
        )
        user.groups.add(group)
        users.append(user)
    return users


@pytest.fixture
def organization(transactional_db):
    from tests import factories

    org_type = factories.OrganizationTypeFactory(name="Safety nonprofit", slug="safety-nonprofit")
    return factories.OrganizationFactory(
        name="Aligned Minds Institute",
        slug="aligned-minds",
        type=org_type,
        summary="A research institute working on alignment.",
        description="We study oversight.\n\nWe publish our results.",
        website="https://aligned.example.org/",
        publish_at=datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC),
    )


def log_in(page, username):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()


def editor_page(browser, live_server, username):
    # bypass_csp: axe-core is injected as a script (as in conftest.browser_context_args).
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORTS["desktop"], bypass_csp=True
    )
    page = context.new_page()
    log_in(page, username)
    return context, page


def test_two_editors_save_the_same_organization(browser, live_server, editors, organization):
    from organizations.models import Organization

    url = f"/admin/organizations/organization/{organization.pk}/change/"
    ada_context, ada = editor_page(browser, live_server, "ada")
    ben_context, ben = editor_page(browser, live_server, "ben")
    ada.goto(url)
    ben.goto(url)
    # Ben sees that Ada has the record open, on page load.
    ben.reload()
    expect(ben.locator("#editorial-presence")).to_contain_text("ada")

    # Ada changes the summary and saves.
    ada.fill("#id_summary", "Ada's new summary.")
    ada.click("input[name=_continue]")
    expect(ada.locator(".messagelist .success")).to_be_visible()

    # Ben, in the form he still has open, changes the website and the description and saves.
    ben.fill("#id_website", "https://ben.example.org/")
    ben.fill("#id_description", "We study scalable oversight.\n\nWe publish our results.")
    ada.goto(url)
    ada.fill("#id_description", "We study oversight.\n\nWe publish everything we find.")
    ada.click("input[name=_continue]")
    expect(ada.locator(".messagelist .success")).to_be_visible()
    ben.click("input[name=_continue]")

    # Refused: the conflict page, nothing overwritten.
    expect(ben.locator("h1")).to_contain_text("Someone else saved this record")
    org = Organization.objects.get(pk=organization.pk)
    assert org.summary == "Ada's new summary."
    assert org.website == "https://aligned.example.org/"
    page_text = ben.locator("#content-main").inner_text()
    assert "ada saved this record" in page_text
    expect(ben.locator(".editorial-conflict-merged")).to_contain_text("Ada's new summary.")
    expect(ben.locator(".editorial-conflict-merged")).to_contain_text("https://ben.example.org/")
    field = ben.locator("#conflict-description")
    expect(field.locator(".editorial-conflict-base")).to_contain_text("We study oversight.")
    expect(field.locator(".editorial-conflict-theirs")).to_contain_text("everything we find")
    expect(field.locator(".editorial-conflict-mine")).to_contain_text("scalable oversight")
    screenshot(ben, "conflict-1-desktop")
    errors = vnu_errors(ben.content())  # before axe injects its script
    assert not errors, format_vnu(errors)
    violations = axe_violations(ben)
    assert not violations, format_violations(violations)
    ben.set_viewport_size(VIEWPORTS["mobile"])
    screenshot(ben, "conflict-1-mobile")
    violations = axe_violations(ben)
    assert not violations, format_violations(violations)
    ben.set_viewport_size(VIEWPORTS["desktop"])

    # Both changed different lines of the description: combine by hand (pre-merged).
    combined = field.locator("textarea")
    expect(combined).to_have_value("We study scalable oversight.\n\nWe publish everything we find.")
    field.locator("input[value=combined]").check()
    ben.click("input[name=_continue]")
    expect(ben.locator(".messagelist .success")).to_be_visible()
    org.refresh_from_db()
    assert org.summary == "Ada's new summary."
    assert org.website == "https://ben.example.org/"
    # Browsers send a textarea's line breaks as CRLF; Django stores them as sent.
    assert org.description.replace("\r\n", "\n") == (
        "We study scalable oversight.\n\nWe publish everything we find."
    )
    ada_context.close()
    ben_context.close()


def test_a_stale_inline_row_does_not_overwrite_a_duty(browser, live_server, editors):
    from careers.models import Role, RoleDuty
    from tests import factories

    role = factories.RoleFactory(name="Research Engineer", slug="research-engineer")
    RoleDuty.objects.create(role=role, text="Build evaluation tools", order=0)
    url = f"/admin/careers/role/{role.pk}/change/"
    ada_context, ada = editor_page(browser, live_server, "ada")
    ben_context, ben = editor_page(browser, live_server, "ben")
    ada.goto(url)
    ben.goto(url)
    # Ada edits the duty in the inline and saves.
    ada.fill("#id_duties-0-text", "Build and maintain evaluation tools")
    ada.click("input[name=_continue]")
    expect(ada.locator(".messagelist .success")).to_be_visible()
    # Ben saves the role from the form he opened earlier, with another change.
    ben.fill("#id_summary", "Builds the tools safety research runs on.")
    ben.click("input[name=_continue]")
    expect(ben.locator("h1")).to_contain_text("Someone else saved this record")
    expect(ben.locator(".editorial-conflict-rows")).to_contain_text("ada’s change kept")
    assert RoleDuty.objects.get(role=role).text == "Build and maintain evaluation tools"
    screenshot(ben, "conflict-2-inline")
    violations = axe_violations(ben)
    assert not violations, format_violations(violations)
    ben.click("input[name=_continue]")
    expect(ben.locator(".messagelist .success")).to_be_visible()
    role = Role.objects.get(pk=role.pk)
    assert role.summary == "Builds the tools safety research runs on."
    assert RoleDuty.objects.get(role=role).text == "Build and maintain evaluation tools"
    ada_context.close()
    ben_context.close()


def test_a_login_lost_in_another_tab_keeps_every_keystroke(
    browser, live_server, editors, organization
):
    from organizations.models import Organization

    url = f"/admin/organizations/organization/{organization.pk}/change/"
    context, first = editor_page(browser, live_server, "ada")
    first.goto(url)
    first.fill("#id_summary", "A long edit, typed before the login changed.")
    first.fill("#id_headquarters", "Oxford")
    # In a second tab: log out and in again (the session and the CSRF token rotate).
    second = context.new_page()
    second.goto("/admin/")
    second.locator("#logout-form button, #logout-form input[type=submit]").first.click()
    log_in(second, "ada")
    second.close()

    # Saving the first tab's form brings Ada back to it with everything typed, and one message.
    first.click("input[name=_continue]")
    expect(first.locator(".messagelist li")).to_have_count(1)
    expect(first.locator(".messagelist")).to_contain_text("Everything you typed is back")
    expect(first.locator("#id_summary")).to_have_value(
        "A long edit, typed before the login changed."
    )
    expect(first.locator("#id_headquarters")).to_have_value("Oxford")
    assert Organization.objects.get(pk=organization.pk).headquarters != "Oxford"
    screenshot(first, "conflict-3-restored")
    first.click("input[name=_continue]")
    expect(first.locator(".messagelist .success")).to_be_visible()
    org = Organization.objects.get(pk=organization.pk)
    assert org.summary == "A long edit, typed before the login changed."
    assert org.headquarters == "Oxford"

    # Logged out entirely: the save goes through the login page and back to the form.
    first.goto(url)
    first.fill("#id_headquarters", "Cambridge")
    other = context.new_page()
    other.goto("/admin/")
    other.locator("#logout-form button, #logout-form input[type=submit]").first.click()
    # Closed only once the logout has answered: closing a tab while its POST is
    # in flight hung Chromium once in CI (the stall watchdog caught it).
    other.wait_for_url("**/logout/")
    other.close()
    first.click("input[name=_continue]")
    expect(first.locator("#id_username")).to_be_visible()
    expect(first.locator(".messagelist")).to_contain_text("Log in again")
    first.fill("#id_username", "ada")
    first.fill("#id_password", PASSWORD)
    first.click("input[type=submit]")
    expect(first.locator("#id_headquarters")).to_have_value("Cambridge")
    first.click("input[name=_continue]")
    expect(first.locator(".messagelist .success")).to_be_visible()
    assert Organization.objects.get(pk=organization.pk).headquarters == "Cambridge"
    context.close()


def test_leaving_a_form_with_unsaved_changes_asks_first(
    browser, live_server, editors, organization
):
    context, page = editor_page(browser, live_server, "ada")
    url = f"/admin/organizations/organization/{organization.pk}/change/"
    page.goto(url)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.goto("/admin/")  # nothing typed: leaves without asking
    assert dialogs == []
    page.goto(url)
    page.fill("#id_headquarters", "Typed, not saved")
    page.locator("#site-name a").click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(page.locator("#id_headquarters")).to_have_value("Typed, not saved")
    # Saving does not ask.
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert dialogs == ["beforeunload"]
    context.close()
