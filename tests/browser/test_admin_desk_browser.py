"""The editors' desk in headless Chromium (issue 19).

* Every page type editors use passes axe-core (WCAG 2.0–2.2 A/AA) at 1280 and 375 px
  and never scrolls sideways: the admin index, every changelist, every record
  type's change form (with its inlines) and add form, history, compare, revert,
  the review dashboard, the link-check report and the conflict page.
* Duties reorder by keyboard (move buttons) and by drag and drop; after saving, the
  reader page lists them in the new order.
* The side panel lists what a draft still needs to publish, and clears once met.
* "Mark reviewed today" saves through the version check.
* The content checks fire on a sample Markdown text and do not stop a publish.
* No section of a record's form is longer than about two screens at 1280 px.

Screenshots go to artifacts/desk-*.png.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, axe_violations, format_violations, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "desk-editor-123"
SCREEN = VIEWPORTS["desktop"]["height"]


@pytest.fixture
def editor(transactional_db, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "desk", "desk@example.org", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def log_in(page):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()


def _admin_url(obj, view="change"):
    from django.urls import reverse

    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def editor_pages(site_data):
    """``[(label, url)]``: every admin page type an editor works in."""
    from django.contrib import admin
    from django.urls import reverse

    from core import registry
    from editorial.admin import ContentAdmin

    pages = [
        ("admin index", reverse("admin:index")),
        ("review dashboard", reverse("admin:editorial_review")),
        ("link check", reverse("admin:editorial_links")),
    ]
    request = _editor_request()
    for model, model_admin in sorted(
        admin.site._registry.items(), key=lambda item: item[0]._meta.label
    ):
        opts = model._meta
        if not model_admin.has_view_permission(request):
            continue  # users, groups, login attempts: superusers only
        name = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append((f"{opts.label_lower} list", reverse(f"{name}_changelist")))
        if isinstance(model_admin, ContentAdmin):
            pages.append((f"{opts.label_lower} add", reverse(f"{name}_add")))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages.append((f"{opts.label_lower} change", _admin_url(obj)))
    for record_type in registry.record_types():
        obj = record_type.model.objects.published().order_by("pk").first()
        if obj is None:  # a type the demo content has no record of
            continue
        pages.append((f"{record_type.slug} history", _admin_url(obj, "history")))
        pages.append((f"{record_type.slug} compare", _admin_url(obj, "history_compare")))
    from careers.models import Role

    role = site_data.first(Role)
    version = role.history.order_by("history_date").first()
    pages.append(
        (
            "role revert",
            reverse("admin:careers_role_simple_history", args=[role.pk, version.history_id]),
        )
    )
    return pages


def _editor_request():
    """A request of the Editors group's member (for the admin's permission checks)."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username="desk")
    return request


def _check(page, label, viewport, failures):
    violations = axe_violations(page)
    print(f"axe {viewport:7} {label:38} {page.url}: {len(violations)} violation(s)")
    if violations:
        failures.append(f"{label} ({page.url}) at {viewport}:\n{format_violations(violations)}")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        failures.append(f"{label} ({page.url}) at {viewport}: scrolls sideways by {overflow}px")


def test_every_editor_page_type_passes_axe(page, site_data, editor, subtests):
    from careers.models import Role

    log_in(page)
    pages = editor_pages(site_data)
    assert len(pages) > 20, pages
    for viewport in VIEWPORTS:
        with subtests.test("axe-core and reflow", viewport=viewport):
            page.set_viewport_size(VIEWPORTS[viewport])
            failures = []
            for label, url in pages:
                response = page.goto(url)
                if response is None or response.status != 200:
                    failures.append(f"{label} ({url}): HTTP {response and response.status}")
                    continue
                _check(page, label, viewport, failures)
                if label == "careers.role change":
                    screenshot(page, f"desk-role-{VIEWPORTS[viewport]['width']}")
            assert not failures, "accessibility failures:\n" + "\n".join(failures)

    with subtests.test("conflict page"):
        role = site_data.first(Role)
        page.set_viewport_size(VIEWPORTS["desktop"])
        page.goto(_admin_url(role))
        page.fill("#id_summary", "My new summary.")
        role.summary = "Someone else's summary."
        role.save()  # another editor saves first
        page.click("input[name=_continue]")
        expect(page.locator("h1")).to_contain_text("Someone else saved this record")
        failures = []
        for viewport in VIEWPORTS:
            page.set_viewport_size(VIEWPORTS[viewport])
            _check(page, "conflict page", viewport, failures)
        assert not failures, "\n".join(failures)


def test_no_section_is_longer_than_two_screens(page, site_data, editor):
    from core import registry

    log_in(page)
    too_long = []
    for record_type in registry.record_types():
        obj = record_type.model.objects.published().order_by("pk").first()
        if obj is None:  # a type the demo content has no record of
            continue
        page.goto(_admin_url(obj))
        # Open every section (not the rows of a long list: each folds to its title).
        sections = page.evaluate(
            """() => {
                document.querySelectorAll(
                    'fieldset.module > details, details.editorial-inline-details'
                ).forEach(d => { d.open = true; });
                return Array.from(document.querySelectorAll(
                    '#content-main form fieldset.module, #content-main form .inline-group'
                )).filter(e => !e.parentElement.closest('fieldset.module, .inline-group'))
                  .filter(e => !e.querySelector('.field-markdown_preview'))
                  .map(e => [(e.querySelector('h2') || {}).textContent || '?',
                             Math.round(e.getBoundingClientRect().height)]);
            }"""
        )
        print(record_type.slug, sections)
        too_long += [
            f"{record_type.slug}: “{' '.join(name.split())}” is {height}px"
            for name, height in sections
            if height > 2.5 * SCREEN
        ]
        # The first screen shows the title, the status and what is missing to publish.
        for selector in ("#id_name", "#id_status", "#editorial-missing-heading"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["y"] + box["height"] <= SCREEN, (
                f"{record_type.slug}: {selector} is not on the first screen ({box})"
            )
    assert not too_long, too_long


def _duty_texts(page):
    return page.locator("#duties-group tr.has_original td.field-text textarea").evaluate_all(
        "rows => rows.map(r => r.value)"
    )


def test_duties_reorder_by_keyboard_and_by_drag(page, live_server, editor):
    from careers.models import Role, RoleDuty
    from core.models import Status
    from tests import factories

    role = factories.RoleFactory(
        name="Evaluation Engineer",
        slug="evaluation-engineer",
        summary="Builds the tests models are measured by.",
        overview="Writes and runs evaluations.",
        status=Status.PUBLISHED,
    )
    for order, text in enumerate(("First duty", "Second duty", "Third duty"), start=1):
        RoleDuty.objects.create(role=role, text=text, order=order)
    log_in(page)
    page.goto(_admin_url(role))
    assert _duty_texts(page) == ["First duty", "Second duty", "Third duty"]

    # Keyboard: focus the third duty's "move up" button and press Enter twice.
    up = page.get_by_role("button", name="Move duty 3 up")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#duties-group .editorial-sort-status")).to_contain_text("position 2 of 3")
    # The button keeps the focus and now names the row's new number.
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == (
        "Move duty 2 up"
    )
    page.keyboard.press("Enter")
    assert _duty_texts(page) == ["Third duty", "First duty", "Second duty"]
    numbers = page.locator("#duties-group .editorial-row-number").all_inner_texts()
    assert numbers == ["1.", "2.", "3."]
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert list(role.duties.values_list("text", flat=True)) == [
        "Third duty",
        "First duty",
        "Second duty",
    ]

    # Drag: the first row's handle (its number) onto the last row.
    page.goto(_admin_url(role))
    page.wait_for_load_state("load")  # django-admin-sortable2 starts on "load"
    rows = page.locator("#duties-group tr.has_original")
    rows.nth(0).locator(".editorial-drag-handle").drag_to(
        rows.nth(2), target_position={"x": 10, "y": 30}
    )
    expect(page.locator("#duties-group .editorial-row-number").first).to_have_text("1.")
    assert _duty_texts(page) == ["First duty", "Second duty", "Third duty"]
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    # The reader page lists the duties in the saved order.
    page.goto(Role.objects.get(pk=role.pk).get_absolute_url())
    assert page.locator("ol.duties li").all_inner_texts() == [
        "First duty",
        "Second duty",
        "Third duty",
    ]


def test_the_panel_lists_what_a_draft_lacks_until_it_is_met(page, live_server, editor):
    from careers.models import Role
    from core.models import Status
    from tests import factories

    role = factories.RoleFactory(
        name="Policy Researcher",
        slug="policy-researcher",
        summary="",
        overview="",
        status=Status.DRAFT,
    )
    Role.objects.filter(pk=role.pk).update(last_reviewed=None)
    log_in(page)
    page.goto(_admin_url(role))
    missing = page.locator(".editorial-missing")
    expect(missing).to_contain_text("“summary” is empty")
    expect(missing).to_contain_text("A published role needs at least one duty.")
    screenshot(page, "desk-panel-draft")

    page.fill("#id_summary", "Works on the rules AI labs follow.")
    page.fill("#id_overview", "Reads, writes and argues policy.")
    page.click("#duties-group .add-row a")
    page.locator("#duties-group tr.form-row:not(.empty-form) textarea").last.fill(
        "Write policy briefs"
    )
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".editorial-ready")).to_contain_text("can be published")
    expect(page.locator(".editorial-missing")).to_have_count(0)

    # Mark reviewed: one click, through the version check.
    expect(page.locator(".editorial-panel")).to_contain_text("never")
    version = Role.objects.get(pk=role.pk).version
    page.get_by_role("button", name="Mark reviewed today").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    role.refresh_from_db()
    assert role.last_reviewed is not None
    assert role.version > version
    expect(page.locator(".editorial-panel")).not_to_contain_text("never")

    # A stale "mark reviewed" shows the conflict page instead of saving.
    page.goto(_admin_url(role))
    Role.objects.get(pk=role.pk).save()  # someone else saves meanwhile
    page.get_by_role("button", name="Mark reviewed today").click()
    expect(page.locator("h1")).to_contain_text("Someone else saved this record")


def test_content_checks_fire_and_do_not_stop_publishing(page, live_server, editor):
    from careers.models import Role, RoleDuty
    from core.models import Status
    from tests import factories

    role = factories.RoleFactory(name="Red Teamer", slug="red-teamer", status=Status.DRAFT)
    RoleDuty.objects.create(role=role, text="Attack models", order=1)
    log_in(page)
    page.goto(_admin_url(role))
    page.fill("#id_summary", "Attacks models to find their failures before others do.")
    page.fill(
        "#id_overview",
        "## Work\n\n#### Tools\n\nSee [click here](https://example.org/) and "
        "https://example.org/bare for more.\n\n![](/static/x.png)\n\n"
        "Also [a missing role](role:no-such-role).",
    )
    page.select_option("#id_status", "published")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    warnings = page.locator(".editorial-warnings")
    expect(warnings).to_contain_text("skips from level 2 to level 4")
    expect(warnings).to_contain_text("“click here” says nothing out of context")
    expect(warnings).to_contain_text("A bare address (https://example.org/bare)")
    expect(warnings).to_contain_text("has no alt text")
    expect(warnings).to_contain_text("no-such-role")
    assert Role.objects.get(pk=role.pk).status == Status.PUBLISHED
