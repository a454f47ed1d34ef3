"""Editors never lose work: stale saves are refused and merged, every other way of
writing a record is version-checked too, input sent after the session ended comes
back, forged posts are refused, and editors see who else is working on a record."""

import datetime
import io
import json
from html.parser import HTMLParser

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from careers.models import Role, RoleDuty
from core.models import StaleVersionError, Status
from editorial import stash
from editorial.concurrency import merge_text
from editorial.models import EditorPresence, StashedInput
from opendata import transfer
from organizations.models import Organization
from tests import factories
from tests.editorial.test_editorial import admin_url, organization_post, role_post

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


# --- Helpers --------------------------------------------------------------------


class _Inputs(HTMLParser):
    """The named inputs of the first form with ``marker`` among its inputs."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = []
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind == "submit":
                return
            self.current.append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = [attrs["name"], ""]
        elif tag == "select" and attrs.get("name"):
            self.select = attrs["name"]
        elif tag == "option" and getattr(self, "select", None) and "selected" in attrs:
            self.current.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            self.current.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.current = None


def form_fields(html, marker="_conflict_resolution"):
    """``[(name, value)]`` a browser would send from the page's form holding ``marker``."""
    parser = _Inputs()
    parser.feed(html)
    for fields in parser.forms:
        if any(name == marker for name, _value in fields):
            return fields
    raise AssertionError(f"no form with {marker} on the page")


def as_post(pairs, **choices):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    for name, value in choices.items():
        data[name] = [value]
    return data


@pytest.fixture
def other_editor(django_user_model):
    from django.apps import apps

    from editorial.permissions import sync_editors_group

    user = django_user_model.objects.create_user(
        "dana", "dana@example.org", "dana-password-123", is_staff=True
    )
    user.groups.add(sync_editors_group(apps))
    return user


@pytest.fixture
def dana(other_editor):
    client = Client()
    client.force_login(other_editor)
    return client


@pytest.fixture
def org():
    org_type = factories.OrganizationTypeFactory()
    editor_data = organization_post(org_type)
    org = factories.OrganizationFactory(
        type=org_type,
        name=editor_data["name"],
        slug=editor_data["slug"],
        summary="The original summary.",
        description="Line one.\nLine two.\nLine three.",
        website="https://old.example.org/",
        headquarters="London",
        country="GB",
        founded_year=2019,
        publish_at=datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC),
        tags=["alignment"],
    )
    return org


def org_form(org, **changes):
    """The organization's change form as loaded now, with ``changes`` typed in."""
    org.refresh_from_db()
    data = organization_post(
        org.type,
        name=org.name,
        slug=org.slug,
        summary=org.summary,
        description=org.description,
        website=org.website,
        headquarters=org.headquarters,
        tags=", ".join(org.tags.names()),
        loaded_version=str(org.version),
        **{"_loaded-tags": ", ".join(org.tags.names())},
    )
    data.update(changes)
    return data


# --- The model: versions ----------------------------------------------------------


def test_a_save_from_a_stale_instance_is_refused_and_changes_nothing(org):
    first = Organization.objects.get(pk=org.pk)
    second = Organization.objects.get(pk=org.pk)
    first.summary = "Saved first."
    first.save()
    second.website = "https://second.example.org/"
    with pytest.raises(StaleVersionError), transaction.atomic():
        second.save()
    org.refresh_from_db()
    assert org.summary == "Saved first."
    assert org.website == "https://old.example.org/"
    assert second.version == first.version - 1  # the refused save left it as loaded


def test_every_write_raises_the_version_and_history_keeps_it(org):
    start = org.version
    org.summary = "x"
    org.save()
    assert org.version == start + 1
    assert org.history.first().version == org.version
    role = factories.RoleFactory()
    v = Role.objects.get(pk=role.pk).version
    role.programs.add(factories.ProgramFactory())  # links
    assert Role.objects.get(pk=role.pk).version == v + 1 == role.version
    assert role.history.first().version == role.version  # recorded with the new links
    duty = RoleDuty.objects.create(role=Role.objects.get(pk=role.pk), text="A duty")  # child row
    assert Role.objects.get(pk=role.pk).version == v + 2
    RoleDuty.objects.get(pk=duty.pk).delete()
    assert Role.objects.get(pk=role.pk).version == v + 3
    # Changing links from the other side raises the version of the record that owns them.
    program = factories.ProgramFactory()
    program.roles.add(role)
    assert Role.objects.get(pk=role.pk).version == v + 4


# --- Case 1: two editors, one record ------------------------------------------------


def test_a_stale_save_is_refused_and_one_sided_changes_merge(editor_client, dana, org):
    form_of_editor = org_form(org)  # both open the form
    form_of_dana = org_form(org)
    # Dana changes the summary and saves.
    dana_form = {**form_of_dana, "summary": "Dana's better summary."}
    assert dana.post(admin_url(org, "change", org.pk), dana_form).status_code == 302
    # The editor changes the website in the form still open and saves: refused.
    mine = {**form_of_editor, "website": "https://new.example.org/"}
    response = editor_client.post(admin_url(org, "change", org.pk), mine)
    assert response.status_code == 409
    org.refresh_from_db()
    assert org.summary == "Dana's better summary."  # nothing overwritten
    assert org.website == "https://old.example.org/"  # nothing applied
    conflict = response.context["conflict"]
    assert conflict.saved_by == "dana"
    by_key = {m.key: m for m in conflict.fields}
    assert by_key["summary"].status == "theirs"
    assert by_key["summary"].base.text == "The original summary."
    assert by_key["website"].status == "mine"
    assert conflict.conflicts == []
    html = response.content.decode()
    assert "dana saved this record" in html and "Merged without asking" in html

    # Saving the merged version keeps both changes.
    data = as_post(form_fields(html), _continue="Save")
    response = editor_client.post(admin_url(org, "change", org.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.summary == "Dana's better summary."
    assert org.website == "https://new.example.org/"


def test_a_field_both_changed_needs_a_choice_and_a_hand_merge_has_no_markers(
    editor_client, dana, org
):
    stale = org_form(org)
    dana_form = org_form(org, description="Line one.\nLine two, by Dana.\nLine three.")
    assert dana.post(admin_url(org, "change", org.pk), dana_form).status_code == 302
    mine = {**stale, "description": "Line one.\nLine two, mine.\nLine three.", "summary": "Mine."}
    response = editor_client.post(admin_url(org, "change", org.pk), mine)
    assert response.status_code == 409
    conflict = response.context["conflict"]
    [both] = conflict.conflicts
    assert both.key == "description"
    assert (both.base.raw, both.theirs.raw, both.mine.raw) == (
        "Line one.\nLine two.\nLine three.",
        "Line one.\nLine two, by Dana.\nLine three.",
        "Line one.\nLine two, mine.\nLine three.",
    )
    assert "<<<<<<< dana" in both.combined and not both.combined_clean
    fields = form_fields(response.content.decode())

    # No choice: refused again, nothing saved.
    response = editor_client.post(admin_url(org, "change", org.pk), as_post(fields))
    assert response.status_code == 409
    assert "Choose what to keep" in response.content.decode()
    # A hand merge that still has the markers: refused.
    data = as_post(fields, **{"_merge-description": "combined"})
    response = editor_client.post(admin_url(org, "change", org.pk), data)
    assert response.status_code == 409 and "marker lines" in response.content.decode()
    org.refresh_from_db()
    assert org.description == "Line one.\nLine two, by Dana.\nLine three."
    # A clean hand merge is saved, with the editor's other change.
    merged = "Line one.\nLine two, by Dana and me.\nLine three."
    data = as_post(fields, **{"_merge-description": "combined", "_combined-description": merged})
    assert editor_client.post(admin_url(org, "change", org.pk), data).status_code == 302
    org.refresh_from_db()
    assert org.description == merged and org.summary == "Mine."


def test_choosing_theirs_keeps_their_value(editor_client, dana, org):
    stale = org_form(org)
    assert (
        dana.post(admin_url(org, "change", org.pk), org_form(org, summary="Dana's.")).status_code
        == 302
    )
    response = editor_client.post(admin_url(org, "change", org.pk), {**stale, "summary": "Mine."})
    data = as_post(form_fields(response.content.decode()), **{"_merge-summary": "theirs"})
    assert editor_client.post(admin_url(org, "change", org.pk), data).status_code == 302
    org.refresh_from_db()
    assert org.summary == "Dana's."


def test_the_resolution_is_checked_again(editor_client, dana, org):
    stale = org_form(org)
    assert (
        dana.post(admin_url(org, "change", org.pk), org_form(org, summary="Dana 1.")).status_code
        == 302
    )
    response = editor_client.post(
        admin_url(org, "change", org.pk), {**stale, "headquarters": "Paris"}
    )
    fields = form_fields(response.content.decode())
    # Dana saves again while the editor looks at the conflict page.
    assert (
        dana.post(admin_url(org, "change", org.pk), org_form(org, summary="Dana 2.")).status_code
        == 302
    )
    response = editor_client.post(admin_url(org, "change", org.pk), as_post(fields))
    assert response.status_code == 409
    conflict = response.context["conflict"]
    by_key = {m.key: m for m in conflict.fields}
    assert by_key["summary"].base.text == "Dana 1."  # the version the editor resolved against
    assert by_key["summary"].theirs.text == "Dana 2."
    assert by_key["headquarters"].status == "mine"
    response = editor_client.post(
        admin_url(org, "change", org.pk), as_post(form_fields(response.content.decode()))
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.summary, org.headquarters) == ("Dana 2.", "Paris")


def test_links_and_tags_merge_as_sets(editor_client, dana):
    category = factories.RoleCategoryFactory()
    mats, arena, spar = (factories.ProgramFactory(name=n) for n in ("MATS", "ARENA", "SPAR"))
    role = factories.RoleFactory(category=category, **_role_fields())
    role.programs.add(mats)
    stale = role_post(role, category, programs=[str(mats.pk)])
    theirs = role_post(role, category, programs=[str(mats.pk), str(arena.pk)])
    assert dana.post(admin_url(role, "change", role.pk), theirs).status_code == 302
    mine = {**stale, "programs": [str(spar.pk)]}  # removed MATS, added SPAR
    response = editor_client.post(admin_url(role, "change", role.pk), mine)
    assert response.status_code == 409
    [links] = response.context["conflict"].conflicts
    assert links.key == "programs"
    assert "ARENA" in links.combined_text and "SPAR" in links.combined_text
    assert "MATS" not in links.combined_text
    data = as_post(form_fields(response.content.decode()), **{"_merge-programs": "combined"})
    assert editor_client.post(admin_url(role, "change", role.pk), data).status_code == 302
    assert sorted(role.programs.values_list("name", flat=True)) == ["ARENA", "SPAR"]


def _role_fields():
    return {
        "name": "Alignment Researcher",
        "slug": "alignment-researcher",
        "summary": "Researches alignment.",
        "overview": "An overview.",
        "salary_min": 100000,
        "salary_max": 150000,
        "salary_currency": "USD",
        "status": Status.DRAFT,
        "publish_at": datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC),
        "typical_education": "",
        "typical_experience": "",
        "key_certifications": "",
        "top_employer_types": "",
        "growth_outlook": "",
        "ai_impact": "",
        "career_outlook": "",
        "cover_letter": "",
    }


# --- Case 2: child rows -------------------------------------------------------------


@pytest.fixture
def role():
    category = factories.RoleCategoryFactory()
    role = factories.RoleFactory(category=category, **_role_fields())
    RoleDuty.objects.create(role=role, text="Run experiments", order=0)
    RoleDuty.objects.create(role=role, text="Write papers", order=1)
    return Role.objects.get(pk=role.pk)


def test_a_duty_edited_meanwhile_is_not_overwritten_by_a_stale_form(editor_client, dana, role):
    category = role.category
    stale = role_post(role, category, duties=("Run experiments", "Write papers"))
    # Dana edits a duty in the inline and saves.
    theirs = role_post(role, category, duties=("Run careful experiments", "Write papers"))
    assert dana.post(admin_url(role, "change", role.pk), theirs).status_code == 302
    # The editor saves the role from the form opened earlier, with another change.
    mine = {**stale, "salary_max": "160000"}
    response = editor_client.post(admin_url(role, "change", role.pk), mine)
    assert response.status_code == 409
    assert list(role.duties.values_list("text", flat=True)) == [
        "Run careful experiments",
        "Write papers",
    ]
    [duties] = [s for s in response.context["conflict"].sections if s.prefix == "duties"]
    row = duties.rows[0]
    assert row.status == "changed" and row.merged[0].status == "theirs"
    data = as_post(form_fields(response.content.decode()))
    assert editor_client.post(admin_url(role, "change", role.pk), data).status_code == 302
    role.refresh_from_db()
    assert role.salary_max == 160000
    assert list(role.duties.values_list("text", flat=True)) == [
        "Run careful experiments",
        "Write papers",
    ]


def test_a_row_deleted_by_one_and_changed_by_the_other_is_a_choice(editor_client, dana, role):
    category = role.category
    stale = role_post(role, category, duties=("Run experiments", "Write papers"))
    # Dana deletes the second duty.
    theirs = role_post(role, category, duties=("Run experiments", "Write papers"))
    theirs["duties-1-DELETE"] = "on"
    assert dana.post(admin_url(role, "change", role.pk), theirs).status_code == 302
    assert role.duties.count() == 1
    mine = {**stale, "duties-1-text": "Write better papers"}
    response = editor_client.post(admin_url(role, "change", role.pk), mine)
    assert response.status_code == 409
    [duties] = [s for s in response.context["conflict"].sections if s.prefix == "duties"]
    deleted = next(r for r in duties.rows if r.status == "deleted-theirs")
    assert deleted.choice == "deleted-theirs"
    data = as_post(form_fields(response.content.decode()), **{deleted.choice_name: "restore"})
    assert editor_client.post(admin_url(role, "change", role.pk), data).status_code == 302
    assert sorted(role.duties.values_list("text", flat=True)) == [
        "Run experiments",
        "Write better papers",
    ]


def test_a_row_added_by_the_other_editor_stays(editor_client, dana, role):
    category = role.category
    stale = role_post(role, category, duties=("Run experiments", "Write papers"))
    RoleDuty.objects.create(role=role, text="Mentor juniors", order=2)  # saved elsewhere
    response = editor_client.post(admin_url(role, "change", role.pk), {**stale, "summary": "New."})
    assert response.status_code == 409
    [duties] = [s for s in response.context["conflict"].sections if s.prefix == "duties"]
    assert [r.status for r in duties.rows if r.status != "same"] == ["added-theirs"]
    data = as_post(form_fields(response.content.decode()))
    assert editor_client.post(admin_url(role, "change", role.pk), data).status_code == 302
    assert role.duties.count() == 3
    assert Role.objects.get(pk=role.pk).summary == "New."


def test_a_form_without_its_version_is_refused_not_applied(editor_client, org):
    data = org_form(org, summary="From an old tab.")
    del data["loaded_version"]
    response = editor_client.post(admin_url(org, "change", org.pk), data)
    assert response.status_code == 409
    org.refresh_from_db()
    assert org.summary == "The original summary."


def test_the_change_form_carries_its_versions(editor_client, role):
    html = editor_client.get(admin_url(role, "change", role.pk)).content.decode()
    assert f'name="loaded_version" value="{role.version}"' in html
    duty = role.duties.first()
    assert f'value="{duty.version}"' in html and "duties-0-loaded_version" in html
    assert 'name="_editor"' in html


def test_merge_text_combines_changes_to_different_lines():
    base = "a\nb\nc\nd"
    merged, clean = merge_text(base, "A\nb\nc\nd", "a\nb\nc\nD", "dana")
    assert (merged, clean) == ("A\nb\nc\nD", True)
    merged, clean = merge_text(base, "a\nB1\nc\nd", "a\nB2\nc\nd", "dana")
    assert not clean and "B1" in merged and "B2" in merged and "<<<<<<< dana" in merged


# --- Bulk actions, revert, import, preview --------------------------------------------


def test_the_changelist_carries_versions_and_a_stale_bulk_action_leaves_the_row(editor_client, org):
    other = factories.OrganizationFactory(status=Status.PUBLISHED)
    html = editor_client.get(admin_url(Organization, "changelist")).content.decode()
    assert f'name="_version-{org.pk}" value="{org.version}"' in html
    shown = {o.pk: o.version for o in (org, other)}
    Organization.objects.get(pk=org.pk).save()  # someone saves it after the list was loaded
    response = editor_client.post(
        admin_url(Organization, "changelist"),
        {
            "action": "unpublish",
            ACTION_CHECKBOX_NAME: [str(org.pk), str(other.pk)],
            **{f"_version-{pk}": str(v) for pk, v in shown.items()},
        },
        follow=True,
    )
    text = response.content.decode()
    assert "saved by someone else after you loaded this list" in text
    org.refresh_from_db()
    other.refresh_from_db()
    assert org.status == Status.PUBLISHED  # the factory default; left alone
    assert other.status == Status.DRAFT


def test_a_stale_delete_selected_is_refused(editor_client, org):
    shown = org.version
    Organization.objects.get(pk=org.pk).save()
    response = editor_client.post(
        admin_url(Organization, "changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            ACTION_CHECKBOX_NAME: [str(org.pk)],
            f"_version-{org.pk}": str(shown),
        },
        follow=True,
    )
    assert Organization.objects.filter(pk=org.pk).exists()
    assert "saved by someone else" in response.content.decode()


def test_a_stale_revert_is_refused(editor_client, dana, org):
    first = org.history.first()
    org.summary = "Second version."
    org.save()
    revert_url = admin_url(org, "simple_history", org.pk, first.history_id)
    page = editor_client.get(revert_url)
    assert page.context["adminform"].form.initial["loaded_version"] == org.version
    data = org_form(org, summary=first.summary)
    # Dana saves a change after the revert form was opened.
    assert (
        dana.post(admin_url(org, "change", org.pk), org_form(org, headquarters="Rome")).status_code
        == 302
    )
    response = editor_client.post(revert_url, data)
    assert response.status_code == 409
    org.refresh_from_db()
    assert (org.summary, org.headquarters) == ("Second version.", "Rome")
    resolved = as_post(form_fields(response.content.decode()))
    assert editor_client.post(revert_url, resolved).status_code == 302
    org.refresh_from_db()
    assert (org.summary, org.headquarters) == (first.summary, "Rome")


def test_import_refuses_a_record_changed_since_the_export_and_changes_nothing(org):
    other = factories.OrganizationFactory(slug="other-org", summary="Other.")
    document = transfer.export_content()
    assert (
        next(o for o in document["organizations"] if o["slug"] == org.slug)["version"]
        == org.version
    )
    # An editor changes the record after the export.
    org.summary = "Edited in the admin after the export."
    org.save()
    for record in document["organizations"]:
        record["summary"] = f"From the file: {record['slug']}"
    with pytest.raises(transfer.TransferError) as excinfo:
        transfer.import_content(document)
    message = str(excinfo.value)
    assert org.slug in message and "changed on this site since the file was made" in message
    assert "other-org" not in message
    org.refresh_from_db()
    other.refresh_from_db()
    assert org.summary == "Edited in the admin after the export."
    assert other.summary == "Other."  # nothing imported at all
    # A fresh export carries the new version and imports.
    document = transfer.export_content()
    next(o for o in document["organizations"] if o["slug"] == org.slug)["summary"] = (
        "From a new file."
    )
    transfer.import_content(document)
    org.refresh_from_db()
    assert org.summary == "From a new file."


def test_import_content_command_names_the_conflict(org, tmp_path):
    from django.core.management import CommandError, call_command

    document = transfer.export_content()
    Organization.objects.filter(pk=org.pk).update(updated=timezone.now())
    org.summary = "Changed here."
    org.save()
    next(o for o in document["organizations"] if o["slug"] == org.slug)["summary"] = "Theirs."
    path = tmp_path / "content.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_content", str(path), stdout=io.StringIO())
    assert org.slug in str(excinfo.value)
    assert Organization.objects.get(pk=org.pk).summary == "Changed here."


def test_the_markdown_preview_never_writes(editor_client, org, django_assert_max_num_queries):
    versions = org.version, org.history.count()
    url = reverse("admin:editorial_markdown_preview")
    response = editor_client.post(
        url, {"text": "**new**", "object_id": str(org.pk), "description": "**new**"}
    )
    assert response.status_code == 200
    org.refresh_from_db()
    assert (org.version, org.history.count()) == versions
    assert org.description == "Line one.\nLine two.\nLine three."
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        editor_client.post(url, {"text": "[x](org:nowhere) *y*"})
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []


# --- Expired sessions and rotated CSRF tokens -------------------------------------------


def _open_form(client, org):
    """GET the change form as a browser would; returns the data it would post."""
    response = client.get(admin_url(org, "change", org.pk))
    html = response.content.decode()
    fields = dict(form_fields(html, marker="_editor"))
    return {
        **org_form(org),
        "_editor": fields["_editor"],
        "csrfmiddlewaretoken": fields.get("csrfmiddlewaretoken", ""),
    }


def test_a_save_after_the_session_ended_comes_back_after_login(client, editor, org):
    client.force_login(editor)
    typed = {**_open_form(client, org), "summary": "Typed for an hour."}
    client.logout()  # the session ends (or was logged out in another tab)
    response = client.post(admin_url(org, "change", org.pk), typed, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 302
    login = reverse("admin:login")
    assert response["Location"].startswith(login)
    kept = StashedInput.objects.get()
    assert kept.user == editor and kept.path == admin_url(org, "change", org.pk)
    assert "csrfmiddlewaretoken" not in dict(kept.data)
    org.refresh_from_db()
    assert org.summary == "The original summary."  # nothing saved without the editor

    from urllib.parse import parse_qs, urlsplit

    back = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    client.force_login(editor)
    page = client.get(back)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Typed for an hour." in html
    assert "Everything you typed is back in the form" in html
    assert not StashedInput.objects.exists()  # used once, then gone
    assert client.get(back).content.decode().count("Typed for an hour.") == 0
    # Saving it works (still version-checked).
    data = as_post(form_fields(html, marker="_editor"), _save="Save")
    assert client.post(admin_url(org, "change", org.pk), data).status_code == 302
    org.refresh_from_db()
    assert org.summary == "Typed for an hour."


def test_a_rotated_csrf_token_brings_the_editor_back_to_the_form(editor, org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    typed = {**_open_form(client, org), "summary": "Typed before logging in again."}
    # Logging out and in again in another tab rotates the CSRF token.
    client.logout()
    client.force_login(editor)
    client.cookies["csrftoken"] = "x" * 32
    response = client.post(admin_url(org, "change", org.pk), typed, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 302
    assert response["Location"].startswith(admin_url(org, "change", org.pk) + "?_restore=")
    page = client.get(response["Location"])
    assert "Typed before logging in again." in page.content.decode()
    assert not StashedInput.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_ORIGIN": "null"},
        {},
    ],
    ids=["foreign-origin", "foreign-referer", "null-origin", "no-origin"],
)
def test_a_forged_cross_site_post_is_refused_and_never_kept(editor, org, headers):
    # The editor's own form, token and all — but sent from another site. With
    # SameSite=Lax it arrives without cookies, exactly like an expired session.
    owner = Client()
    owner.force_login(editor)
    typed = {**_open_form(owner, org), "summary": "Forged."}
    forger = Client(enforce_csrf_checks=True)
    response = forger.post(admin_url(org, "change", org.pk), typed, **headers)
    assert response.status_code == 403
    assert not StashedInput.objects.exists()
    org.refresh_from_db()
    assert org.summary == "The original summary."


def test_a_post_without_a_valid_owner_token_is_never_kept(client, editor, other_editor, org):
    client.force_login(editor)
    typed = _open_form(client, org)
    client.logout()
    for token in ("", "not-a-token", stash.owner_token(other_editor, "/elsewhere/")):
        data = {**typed, "_editor": token}
        response = client.post(admin_url(org, "change", org.pk), data, HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 302 and "_restore" not in response["Location"]
    assert not StashedInput.objects.exists()


def test_kept_input_is_only_for_its_owner_and_only_briefly(client, editor, other_editor, org):
    client.force_login(editor)
    typed = {**_open_form(client, org), "summary": "Mine only."}
    client.logout()
    response = client.post(admin_url(org, "change", org.pk), typed, HTTP_ORIGIN=ORIGIN)
    kept = StashedInput.objects.get()
    url = f"{admin_url(org, 'change', org.pk)}?_restore={kept.token}"
    client.force_login(other_editor)
    assert "Mine only." not in client.get(url).content.decode()
    assert StashedInput.objects.exists()
    StashedInput.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(editor)
    assert "Mine only." not in client.get(url).content.decode()
    assert not StashedInput.objects.exists()  # expired input is deleted
    assert response.status_code == 302


# --- Presence --------------------------------------------------------------------------


def test_the_form_shows_who_else_opened_or_saved_the_record(editor_client, dana, org):
    html = editor_client.get(admin_url(org, "change", org.pk)).content.decode()
    assert "has had this record open" not in html
    dana.get(admin_url(org, "change", org.pk))
    assert EditorPresence.objects.count() == 2
    html = editor_client.get(admin_url(org, "change", org.pk)).content.decode()
    assert "<strong>dana</strong> has had this record open" in html
    loaded = org.version
    assert (
        dana.post(admin_url(org, "change", org.pk), org_form(org, summary="By Dana.")).status_code
        == 302
    )
    html = editor_client.get(admin_url(org, "change", org.pk)).content.decode()
    assert "<strong>dana</strong> saved this record" in html
    # The refresh the admin script asks for also says it was saved since the form was loaded.
    from django.contrib.contenttypes.models import ContentType

    url = reverse(
        "admin:editorial_presence", args=[ContentType.objects.get_for_model(org).pk, org.pk]
    )
    fragment = editor_client.get(f"{url}?version={loaded}").content.decode()
    assert "dana saved this record at" in fragment and "after you opened it" in fragment
    old = timezone.now() - datetime.timedelta(minutes=30)
    EditorPresence.objects.update(seen=old)
    org.history.update(history_date=old)
    org.refresh_from_db()
    assert "dana" not in editor_client.get(f"{url}?version={org.version}").content.decode()


def test_presence_is_for_editors_only(client, org):
    from django.contrib.contenttypes.models import ContentType

    url = reverse(
        "admin:editorial_presence", args=[ContentType.objects.get_for_model(org).pk, org.pk]
    )
    assert client.get(url).status_code == 302  # to the login page


def test_a_stale_list_editable_row_is_not_saved(editor_client):
    from guides.models import ResearchAgenda

    agenda = factories.ResearchAgendaFactory(order=1)
    shown = agenda.version
    fresh = ResearchAgenda.objects.get(pk=agenda.pk)
    fresh.order = 7  # someone else's change, after the list was loaded
    fresh.save()
    response = editor_client.post(
        admin_url(ResearchAgenda, "changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(agenda.pk),
            "form-0-order": "3",
            f"_version-{agenda.pk}": str(shown),
            "_save": "Save",
        },
        follow=True,
    )
    assert "Nothing was saved" in response.content.decode()
    assert ResearchAgenda.objects.get(pk=agenda.pk).order == 7


def test_every_record_type_and_child_row_is_version_checked_in_its_admin():
    from django.contrib import admin

    from core import registry
    from core.models import VersionedModel
    from editorial.conflicts import SafeEditingMixin

    checked = 0
    for model in registry.record_models():
        assert issubclass(model, VersionedModel), model
        assert isinstance(admin.site._registry[model], SafeEditingMixin), model
        for _accessor, child, _fk in registry.child_relations(model):
            assert issubclass(child, VersionedModel), child
            checked += 1
    assert "registry_app.Gadget" in {m._meta.label for m in registry.record_models()}
    assert checked >= 6
