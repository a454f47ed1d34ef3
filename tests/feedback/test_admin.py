"""The editors' side: the queue, accepting a suggestion in one step, the dashboard."""

import re
from pathlib import Path

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import registry
from feedback.accept import accept_url
from feedback.models import Kind, State, Submission
from tests.config.test_hostile_input import XSS_PAYLOADS, live_markup
from tests.factories import RoleDutyFactory
from tests.feedback.helpers import browser_form_data, published

pytestmark = pytest.mark.django_db

QUEUE = "/admin/feedback/submission/"
MODULES = ("admin", "parts", "forms", "views", "accept", "dashboard", "record_pages", "guard")


def make(record, kind=Kind.SUGGESTION, **fields):
    if kind == Kind.USEFUL:
        fields.setdefault("useful", True)
    return Submission.objects.create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        **fields,
    )


def change_form_id(record) -> str:
    return f"{record._meta.model_name}_form"


def open_and_save(client, url, record, edit=None):
    """GET the change form at ``url``, optionally edit a field, post it as a browser would."""
    page = client.get(url)
    assert page.status_code == 200
    data = browser_form_data(page.content.decode(), change_form_id(record))
    data.update(edit or {})
    data["_save"] = "Save"
    return page, client.post(url, data)


@pytest.fixture
def org():
    return published(registry.get("organization"), summary="Builds models.")


# --- permissions and the queue -------------------------------------------------------


def test_editors_may_work_the_queue_but_not_add_to_it(editor):
    group = Group.objects.get(name="Editors")
    codenames = set(
        group.permissions.filter(content_type__app_label="feedback").values_list(
            "codename", flat=True
        )
    )
    assert codenames == {"view_submission", "change_submission", "delete_submission"}
    assert editor.has_perm("feedback.change_submission")


def test_the_queue_lists_and_filters(editor_client, org):
    role = published(registry.get("role"))
    outdated = make(org, Kind.OUTDATED, comment="Old founding year")
    suggestion = make(role, Kind.SUGGESTION, part="summary", proposed_text="New summary")
    spam = make(org, Kind.OUTDATED, comment="Buy now", state=State.SPAM)
    assert editor_client.get(reverse("admin:feedback_submission_add")).status_code == 403

    def listed(query=""):
        response = editor_client.get(QUEUE + query)
        assert response.status_code == 200
        return {obj.pk for obj in response.context["cl"].result_list}

    assert listed() == {outdated.pk, suggestion.pk, spam.pk}
    assert listed("?state__exact=new") == {outdated.pk, suggestion.pk}
    assert listed("?state__exact=spam") == {spam.pk}
    assert listed("?kind__exact=suggestion") == {suggestion.pk}
    assert listed("?record_type=role") == {suggestion.pk}
    assert listed(f"?record=organization:{org.pk}") == {outdated.pk, spam.pk}
    assert listed("?record_type=gadget") == set()
    # Nonsense in the filters is an empty list, never a 500.
    for bad in (
        "?record=nope",
        "?record=organization:x",
        "?record=role:" + "9" * 40,
        "?record_type=zz",
    ):
        assert listed(bad) == set(), bad


def test_the_queue_offers_the_records_with_open_submissions(editor_client, org):
    make(org, Kind.OUTDATED, comment="a")
    make(org, Kind.OUTDATED, comment="b")
    html = editor_client.get(QUEUE).content.decode()
    assert f"Organization: {org.name} (2 open)" in html


def test_actions_set_the_state_and_who_reviewed(editor_client, editor, org):
    first = make(org, Kind.OUTDATED, comment="a", email="a@example.org")
    second = make(org, Kind.OUTDATED, comment="b", email="b@example.org")
    ids = [first.pk, second.pk]
    response = editor_client.post(QUEUE, {"action": "mark_rejected", ACTION_CHECKBOX_NAME: ids})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == State.REJECTED and first.reviewed_by == editor and first.reviewed_at
    editor_client.post(QUEUE, {"action": "mark_spam", ACTION_CHECKBOX_NAME: [first.pk]})
    first.refresh_from_db()
    assert first.state == State.SPAM
    editor_client.post(QUEUE, {"action": "mark_new", ACTION_CHECKBOX_NAME: [first.pk]})
    first.refresh_from_db()
    assert first.state == State.NEW and first.reviewed_by is None
    editor_client.post(QUEUE, {"action": "forget_email", ACTION_CHECKBOX_NAME: ids})
    assert set(Submission.objects.values_list("email", flat=True)) == {""}


def test_the_change_page_edits_only_state_and_note(editor_client, editor, org):
    submission = make(org, Kind.OUTDATED, comment="Original words", email="r@example.org")
    url = reverse("admin:feedback_submission_change", args=[submission.pk])
    response = editor_client.post(
        url,
        {"state": "rejected", "editor_note": "Checked: still true.", "comment": "Tampered"},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == State.REJECTED and submission.reviewed_by == editor
    assert submission.editor_note == "Checked: still true."
    assert submission.comment == "Original words"  # what the reader sent is read-only
    long_note = editor_client.post(url, {"state": "rejected", "editor_note": "x" * 2001})
    assert long_note.status_code == 200 and long_note.context["adminform"].form.errors


@pytest.mark.parametrize("payload", XSS_PAYLOADS[::3])
def test_reader_text_is_shown_as_text_in_the_admin(editor_client, org, payload):
    submission = make(
        org,
        Kind.OUTDATED,
        comment=f"{payload} see https://evil.example/page and www.evil.example",
        source_url="https://evil.example/source",
        email="someone@example.org",
    )
    pages = [QUEUE, reverse("admin:feedback_submission_change", args=[submission.pk])]
    for url in pages:
        html = editor_client.get(url).content.decode()
        # The admin's own translation catalogue is the one script not under /static/.
        problems = [p for p in live_markup(html) if "/admin/jsi18n/" not in p]
        assert not problems, url
        if "<" in payload:
            assert payload not in html, url
        assert 'href="https://evil.example' not in html, url
        assert 'href="http://www.evil.example' not in html, url
        assert "mailto:" not in html, url
    change = editor_client.get(pages[1]).content.decode()
    assert "https://evil.example/source" in change and "someone@example.org" in change


# --- accepting in one step ------------------------------------------------------------


def test_a_suggestion_is_accepted_in_one_step(editor_client, editor, org):
    suggestion = make(
        org, Kind.SUGGESTION, part="summary", proposed_text="Builds and studies frontier models."
    )
    queue = editor_client.get(QUEUE).content.decode()
    url = accept_url(suggestion)
    assert url in queue.replace("&amp;", "&")  # "Open in the record's form" in the queue

    page = editor_client.get(url)
    form = page.context["adminform"].form
    assert form.initial["summary"] == "Builds and studies frontier models."
    assert "The form holds the text a reader suggested for “Summary”" in page.content.decode()
    org.refresh_from_db()
    assert org.summary == "Builds models."  # opening the form changes nothing
    suggestion.refresh_from_db()
    assert suggestion.state == State.NEW

    _page, response = open_and_save(editor_client, url, org)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.summary == "Builds and studies frontier models."
    suggestion.refresh_from_db()
    latest = org.history.order_by("-history_date", "-history_id").first()
    assert suggestion.state == State.ACCEPTED
    assert suggestion.accepted_version == latest.history_id
    assert suggestion.version().summary == "Builds and studies frontier models."
    assert suggestion.reviewed_by == editor
    assert latest.history_change_reason == f"Reader suggested edit #{suggestion.pk}"
    # The queue links the submission to the version it produced.
    detail = editor_client.get(reverse("admin:feedback_submission_change", args=[suggestion.pk]))
    compare = reverse("admin:organizations_organization_history_compare", args=[org.pk])
    assert f"{compare}?new={latest.history_id}" in detail.content.decode()
    assert editor_client.get(f"{compare}?new={latest.history_id}").status_code == 200


def test_the_editor_may_change_the_suggested_text_before_saving(editor_client, org):
    suggestion = make(org, Kind.SUGGESTION, part="summary", proposed_text="Sloppy text")
    _page, response = open_and_save(
        editor_client, accept_url(suggestion), org, edit={"summary": "Careful text."}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    suggestion.refresh_from_db()
    assert org.summary == "Careful text."
    assert suggestion.state == State.ACCEPTED


def test_a_suggestion_that_fails_validation_keeps_the_form_and_stays_new(editor_client):
    role = published(registry.get("role"), salary_min=100, salary_max=200)
    suggestion = make(role, Kind.SUGGESTION, part="salary_min", proposed_text="a lot")
    page, response = open_and_save(editor_client, accept_url(suggestion), role)
    assert page.context["adminform"].form.initial["salary_min"] == "a lot"
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["salary_min"]
    suggestion.refresh_from_db()
    assert suggestion.state == State.NEW


def test_parts_that_cannot_be_filled_in_are_applied_by_hand(editor_client):
    role = published(registry.get("role"))
    RoleDutyFactory(role=role)
    suggestion = make(role, Kind.SUGGESTION, part="duties", proposed_text="Add: mentoring")
    page, response = open_and_save(editor_client, accept_url(suggestion), role)
    html = page.content.decode()
    assert (
        "is about “Duties and responsibilities”: “Add: mentoring”. Make the change by hand" in html
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == State.ACCEPTED and suggestion.accepted_version


def test_an_outdated_report_is_fixed_from_the_queue(editor_client, org):
    report = make(org, Kind.OUTDATED, part="headquarters", comment="They moved <to> Paris")
    page, response = open_and_save(
        editor_client, accept_url(report), org, edit={"headquarters": "Paris"}
    )
    assert "They moved &lt;to&gt; Paris" in page.content.decode()
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.ACCEPTED


def test_the_test_record_type_is_accepted_the_same_way(editor_client):
    gadget = published(registry.get("gadget"), body="Old body")
    suggestion = make(gadget, Kind.SUGGESTION, part="body", proposed_text="New **body**")
    page, response = open_and_save(editor_client, accept_url(suggestion), gadget)
    assert page.context["adminform"].form.initial["body"] == "New **body**"
    assert response.status_code == 302
    gadget.refresh_from_db()
    suggestion.refresh_from_db()
    assert gadget.body == "New **body**" and suggestion.state == State.ACCEPTED


def test_a_submission_about_another_record_is_not_used(editor_client, org):
    other = published(registry.get("organization"))
    suggestion = make(other, Kind.SUGGESTION, part="summary", proposed_text="Injected")
    url = reverse("admin:organizations_organization_change", args=[org.pk])
    page, response = open_and_save(editor_client, f"{url}?from_feedback={suggestion.pk}", org)
    assert page.context["adminform"].form.initial["summary"] == "Builds models."
    assert "is not about this record" in page.content.decode()
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == State.NEW
    for junk in ("abc", "-1", "9" * 40, ""):
        assert editor_client.get(f"{url}?from_feedback={junk}").status_code == 200


def test_a_handled_submission_is_not_accepted_again(editor_client, org):
    suggestion = make(
        org, Kind.SUGGESTION, part="summary", proposed_text="Late", state=State.REJECTED
    )
    url = reverse("admin:organizations_organization_change", args=[org.pk])
    page, _response = open_and_save(editor_client, f"{url}?from_feedback={suggestion.pk}", org)
    assert page.context["adminform"].form.initial["summary"] == "Builds models."
    assert "is already marked “Rejected”" in page.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.state == State.REJECTED and suggestion.accepted_version is None


def test_without_permission_on_submissions_nothing_is_used(client, django_user_model, org):
    user = django_user_model.objects.create_user("content-only", password="pw-123456789-x")
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="organizations"))
    client.force_login(user)
    suggestion = make(org, Kind.SUGGESTION, part="summary", proposed_text="Sneaky")
    page, response = open_and_save(client, accept_url(suggestion), org)
    assert page.context["adminform"].form.initial["summary"] == "Builds models."
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == State.NEW


def test_a_normal_save_accepts_nothing(editor_client, org):
    suggestion = make(org, Kind.SUGGESTION, part="summary", proposed_text="Unrelated")
    url = reverse("admin:organizations_organization_change", args=[org.pk])
    _page, response = open_and_save(editor_client, url, org, edit={"summary": "Edited."})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == State.NEW


# --- the review dashboard ----------------------------------------------------------------


def test_the_dashboard_counts_per_record_most_outdated_first(editor_client, org):
    role = published(registry.get("role"))
    paper = published(registry.get("paper"))
    make(org, Kind.OUTDATED, comment="a")
    make(role, Kind.OUTDATED, comment="b")
    make(role, Kind.OUTDATED, comment="c")
    make(role, Kind.OUTDATED, comment="spam", state=State.SPAM)
    make(role, Kind.OUTDATED, comment="done", state=State.ACCEPTED)
    make(org, Kind.SUGGESTION, proposed_text="x")
    for useful in (True, True, True, False):
        make(paper, Kind.USEFUL, useful=useful)
    make(org, Kind.USEFUL, useful=False)

    response = editor_client.get(reverse("admin:editorial_review"))
    assert response.status_code == 200
    # Other apps add sections too (careers: "Roles with no way in"); this one is feedback's.
    (section,) = [
        extra
        for extra in response.context["extra_sections"]
        if extra["template"] == "admin/feedback/review_section.html"
    ]
    rows = [(row["name"], row["outdated"], row["suggestions"]) for row in section["rows"]]
    assert rows == [(role.name, 2, 0), (org.name, 1, 1), (paper.name, 0, 0)]
    by_name = {row["name"]: row for row in section["rows"]}
    assert by_name[paper.name]["useful_share"] == 75
    assert by_name[org.name]["useful_share"] == 0
    assert by_name[role.name]["useful_share"] is None
    html = response.content.decode()
    assert "3 of 4 (75 %)" in html
    assert f'href="{QUEUE}?record=role:{role.pk}"' in html
    assert reverse("admin:careers_role_change", args=[role.pk]) in html


def test_the_dashboard_section_is_for_those_who_may_see_submissions(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="pw-123456789-x")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_organization"))
    client.force_login(user)
    response = client.get(reverse("admin:editorial_review"))
    assert response.status_code == 200
    assert response.context["extra_sections"] == []


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_queue_and_dashboard_queries_do_not_grow_with_the_submissions(editor_client):
    records = [published(rt) for rt in registry.record_types()]
    for record in records:
        make(record, Kind.OUTDATED, comment="one")
    editor_client.get(QUEUE)
    small = (
        queries(editor_client, QUEUE),
        queries(editor_client, reverse("admin:editorial_review")),
    )
    for record in records:
        for _ in range(2):  # 48 submissions in all: still one page of the queue (50)
            make(record, Kind.OUTDATED, comment="more")
            make(record, Kind.USEFUL, useful=False)
        make(published(registry.for_model(record)), Kind.SUGGESTION, proposed_text="x")
    large = (
        queries(editor_client, QUEUE),
        queries(editor_client, reverse("admin:editorial_review")),
    )
    assert large == small


def test_deleting_a_record_deletes_its_submissions(org):
    make(org, Kind.OUTDATED, comment="a", email="r@example.org")
    other = published(registry.get("organization"))
    kept = make(other, Kind.OUTDATED, comment="b")
    org.delete()
    assert list(Submission.objects.all()) == [kept]


def test_no_record_type_is_named_by_hand():
    """The admin's record-type filter and the parts come from the registry alone."""
    from feedback.admin import RecordTypeFilter

    lookups = RecordTypeFilter(None, {}, Submission, None).lookups(None, None)
    assert [slug for slug, _label in lookups] == registry.slugs()
    assert "gadget" in registry.slugs()
    app = Path(__file__).resolve().parents[2] / "feedback"
    source = "".join((app / f"{name}.py").read_text() for name in MODULES)
    for record_type in registry.record_types():
        assert not re.search(rf'["\']{record_type.slug}["\']', source), record_type.slug
