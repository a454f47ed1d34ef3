"""The editors' desk (issue 19): sections, the side panel, content checks, child-row order."""

import pytest
from django.utils import timezone

from careers.models import Role, RoleDuty
from core.models import Status
from editorial import contentchecks, desk
from tests import factories
from tests.editorial.test_editorial import admin_url, role_post

pytestmark = pytest.mark.django_db


# --- Content checks -------------------------------------------------------------------

SAMPLE = """\
## Work

#### Tools

See [click here](https://example.org/) and https://example.org/bare for more.
Or [https://example.org/x](https://example.org/x), and <https://example.org/auto>.

![](/static/chart.png) ![A chart of funding](/static/ok.png)

```
# not a heading inside code
```

Also [a missing role](role:no-such-role) and [a fine link](https://example.org/fine).
"""


def test_the_content_checks_find_each_kind_of_problem_in_a_sample():
    found = contentchecks.check_text(SAMPLE)
    text = "\n".join(found)
    assert "“Tools” skips from level 2 to level 4." in text
    assert "“click here” says nothing out of context" in text
    assert "A bare address (https://example.org/bare)" in text
    assert "A bare address (https://example.org/auto)" in text
    assert "The link text is a bare address (https://example.org/x)" in text
    assert "/static/chart.png has no alt text" in text
    assert "ok.png" not in text  # it has alt text
    assert "not a heading" not in text  # code is not checked
    assert "no-such-role" in text
    assert "fine" not in text
    assert len(found) == 7, found


def test_a_level_one_heading_is_flagged_and_good_text_has_no_warnings():
    assert "level-1 heading" in contentchecks.check_text("# Title\n\nText.")[0]
    good = "## One\n\n### Two\n\n## Three\n\nRead [the paper on oversight](https://example.org/)."
    assert contentchecks.check_text(good) == []
    assert contentchecks.check_text("") == []


def test_content_warnings_cover_the_summary_and_every_markdown_field():
    role = factories.RoleFactory(
        summary="x" * (contentchecks.CARD_SUMMARY_LIMIT + 1),
        overview="[here](https://example.org/)",
        career_outlook="## A\n\n#### B",
    )
    warnings = [str(w) for w in contentchecks.content_warnings(role)]
    assert any(w.startswith("Summary: 161 characters") for w in warnings), warnings
    assert any(w.startswith("Overview:") and "“here”" in w for w in warnings), warnings
    assert any("skips from level 2 to level 4" in w for w in warnings), warnings
    role.summary = "Short."
    role.overview = role.career_outlook = ""
    assert contentchecks.content_warnings(role) == []


# --- Sections -----------------------------------------------------------------------


def test_sections_put_the_status_first_and_keep_declared_folds():
    sections = desk.arrange_sections(
        [
            (None, {"fields": ("name", "slug", "summary")}),
            ("Facts", {"fields": ("website",)}),
            ("Folded", {"fields": ("country",), "classes": ("collapse",)}),
            ("Publication", {"fields": ("status", "publish_at")}),
        ]
    )
    names = [str(name) for name, _options in sections]
    assert names == ["Essentials", "Facts", "Folded", "Publication"]
    assert sections[0][1]["fields"] == ("name", "slug", "status", "summary")
    assert "collapse" not in sections[1][1].get("classes", ())
    assert "collapse" in sections[2][1]["classes"]
    assert sections[3][1]["fields"] == ("publish_at",)


def test_every_section_folds_and_a_folded_one_with_an_error_opens(editor_client):
    category = factories.RoleCategoryFactory()
    role = factories.RoleFactory(category=category)
    html = editor_client.get(admin_url(role, "change", role.pk)).content.decode()
    assert html.count('<details class="editorial-section" open>') >= 5
    assert '<details class="editorial-section">' in html  # the folded preview
    assert 'href="#fieldset-0-1-heading">Role at a glance</a>' in html  # "On this form"
    assert 'href="#duties-heading">Duties and responsibilities</a>' in html

    class Form:
        is_bound = True
        errors = {"country": ["Wrong."]}

    class AdminForm:
        form = Form()
        fieldsets = [("Folded", {"fields": ("country",), "classes": ("collapse",)})]

    adminform = AdminForm()
    desk.open_sections_with_errors(adminform)
    assert adminform.fieldsets[0][1]["classes"] == ()


def test_a_type_without_declared_sections_gets_a_default(admin_client):
    from django.contrib import admin

    from tests.registry_app.models import Gadget

    assert not admin.site._registry[Gadget].fieldsets
    response = admin_client.get(admin_url(Gadget, "add"))
    assert response.status_code == 200
    assert b"editorial-panel" in response.content
    fieldsets = response.context["adminform"].fieldsets
    names = [str(name) for name, _options in fieldsets]
    assert names[0] == "Essentials" and "Publication" in names
    first = fieldsets[0][1]["fields"]
    assert first[:3] == ("name", "slug", "status")
    every = [f for _n, o in fieldsets for f in desk._flat(o["fields"])]
    assert len(every) == len(set(every))  # each field once


# --- The side panel -------------------------------------------------------------------


def test_the_panel_lists_what_a_draft_lacks_and_clears_when_met(editor_client):
    category = factories.RoleCategoryFactory()
    role = factories.RoleFactory(category=category, summary="", overview="", status=Status.DRAFT)
    response = editor_client.get(admin_url(role, "change", role.pk))
    html = response.content.decode()
    assert response.context["desk_problems"] == [
        "“summary” is empty",
        "“overview” is empty",
        "A published role needs at least one duty.",
    ]
    assert "A published role needs at least one duty." in html
    assert 'name="_mark_reviewed"' in html
    assert "What links here" in html

    response = editor_client.post(
        admin_url(role, "change", role.pk),
        role_post(role, category, name=role.name, slug=role.slug, _continue="1"),
    )
    assert response.status_code == 302
    response = editor_client.get(admin_url(role, "change", role.pk))
    assert response.context["desk_problems"] == []
    assert "can be published" in response.content.decode()


def test_the_add_form_lists_every_requirement(editor_client):
    response = editor_client.get(admin_url(Role, "add"))
    assert response.status_code == 200
    assert "A published role needs at least one duty." in response.context["desk_problems"]
    assert response.context["desk_links"] == []


def test_mark_reviewed_saves_through_the_version_check(editor_client):
    category = factories.RoleCategoryFactory()
    role = factories.RoleFactory(category=category, last_reviewed=None)
    RoleDuty.objects.create(role=role, text="Do research", order=1)
    url = admin_url(role, "change", role.pk)
    data = role_post(role, category, name=role.name, slug=role.slug, _mark_reviewed="1")
    # Someone else saves first: the click shows the conflict page and saves nothing.
    Role.objects.get(pk=role.pk).save()
    response = editor_client.post(url, data)
    assert response.status_code == 409
    role.refresh_from_db()
    assert role.last_reviewed is None

    data = role_post(role, category, name=role.name, slug=role.slug, _mark_reviewed="1")
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith(url) or "change" in response["Location"]
    role.refresh_from_db()
    assert role.last_reviewed == timezone.localdate()
    assert role.history.first().last_reviewed == timezone.localdate()


# --- Child rows in order ----------------------------------------------------------------


def test_reordered_rows_save_their_new_numbers_with_version_checks(editor_client):
    category = factories.RoleCategoryFactory()
    role = factories.RoleFactory(category=category)
    for order, text in enumerate(("A", "B", "C"), start=1):
        RoleDuty.objects.create(role=role, text=text, order=order)
    url = admin_url(role, "change", role.pk)
    data = role_post(role, category, duties=("A", "B", "C"), name=role.name, slug=role.slug)
    # The page's script numbers the rows in their new order: C, A, B.
    data.update({"duties-0-order": "2", "duties-1-order": "3", "duties-2-order": "1"})
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert list(role.duties.values_list("text", flat=True)) == ["C", "A", "B"]

    # A row changed by someone else since: refused, nothing reordered.
    data = role_post(role, category, duties=("C", "A", "B"), name=role.name, slug=role.slug)
    data.update({"duties-0-order": "3", "duties-1-order": "1", "duties-2-order": "2"})
    other = role.duties.get(text="A")
    other.text = "A, edited"
    other.save()
    response = editor_client.post(url, data)
    assert response.status_code == 409
    assert list(role.duties.values_list("text", flat=True)) == ["C", "A, edited", "B"]


def test_child_rows_have_labels_and_compact_textareas(editor_client):
    role = factories.RoleFactory()
    RoleDuty.objects.create(role=role, text="Do research", order=1)
    html = editor_client.get(admin_url(role, "change", role.pk)).content.decode()
    assert 'aria-label="Duty, duty 1"' in html
    assert 'aria-label="Move duty 1 up"' in html
    assert 'class="visually-hidden" for="id_duties-0-DELETE"' in html
    assert 'rows="1"' in html and "editorial-grow" in html
