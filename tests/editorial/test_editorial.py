"""The editorial workflow: publication, history, review dates, Markdown preview,
validation, bulk actions and the link check."""

import datetime
import io
import itertools
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from careers.models import Role
from core import history, validation
from core.models import Status
from editorial import review, revisions
from editorial.models import LinkCheckReport
from guides.models import GuideStep
from organizations.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db

HIDDEN = "qzhidden"
VISIBLE = "qzvisible"


# --- Helpers --------------------------------------------------------------------


def admin_url(obj_or_model, action, *args):
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


def management_form(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def organization_post(org_type, **overrides):
    data = {
        "name": "Alignment Lab",
        "slug": "alignment-lab",
        "type": str(org_type.pk),
        "summary": "A lab that works on alignment.",
        "description": "It does **research**.",
        "tags": "alignment",
        "website": "https://alignment.example.org/",
        "careers_url": "",
        "founded_year": "2019",
        "closed_year": "",
        "operating_status": "active",
        "headquarters": "London",
        "country": "GB",
        "status": "draft",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "09:00:00",
        "last_reviewed": "",
    }
    data.update(overrides)
    return data


def role_post(role_or_none, category, duties=("Do research",), **overrides):
    data = {
        "name": "Alignment Researcher",
        "slug": "alignment-researcher",
        "category": str(category.pk),
        "summary": "Researches alignment.",
        "overview": "An overview.",
        "tags": "",
        "typical_education": "",
        "typical_experience": "",
        "key_certifications": "",
        "top_employer_types": "",
        "growth_outlook": "",
        "ai_impact": "",
        "salary_min": "100000",
        "salary_max": "150000",
        "salary_currency": "USD",
        "career_outlook": "",
        "cover_letter": "",
        "status": "draft",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "09:00:00",
        "last_reviewed": "",
    }
    existing = list(role_or_none.duties.all()) if role_or_none else []
    if role_or_none is not None:  # the versions the change form was loaded at
        role_or_none.refresh_from_db(fields=["version"])
        data["loaded_version"] = str(role_or_none.version)
    data.update(management_form("duties", total=len(duties), initial=len(existing)))
    for index, text in enumerate(duties):
        data[f"duties-{index}-text"] = text
        data[f"duties-{index}-order"] = str(index)
        if index < len(existing):
            data[f"duties-{index}-id"] = str(existing[index].pk)
            data[f"duties-{index}-role"] = str(role_or_none.pk)
            data[f"duties-{index}-loaded_version"] = str(existing[index].version)
    for prefix in ("qualifications", "faqs", "pathway_items"):
        data.update(management_form(prefix))
    data.update(overrides)
    return data


def without_way_in_section(html):
    """The review dashboard without its "Roles with no way in" section (careers)."""
    return re.sub(r'<div class="module [^"]*way-in-review">.*?</div>', "", html, flags=re.S)


def form_errors(response):
    assert response.status_code == 200, response.status_code
    context = response.context
    errors = []
    if context.get("adminform") is not None:
        errors.extend(str(e) for e in context["adminform"].form.errors.values())
    for formset in context.get("inline_admin_formsets", []):
        errors.extend(str(e) for e in formset.formset.non_form_errors())
        errors.extend(str(e) for e in formset.formset.errors)
    return " ".join(errors)


# --- Publication: one rule, every reader path ------------------------------------


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _fill(route, values):
    """A concrete path from a route (``<slug:slug>`` or ``(?P<slug>…)``) and values."""
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), route)
    return "/" + route


def _reader_urls(records, tag_slug):
    """Every reader URL: fixed pages, each listing, each record's pages, tag pages."""
    from django.conf import settings

    values_for = {
        "slug": [*(r.slug for r in records), tag_slug],
        "pk": [r.pk for r in records],
    }
    urls = set()
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith((settings.ADMIN_URL, "healthz", "readyz")):
            continue
        converters = getattr(pattern.pattern, "converters", {}) or {}
        choices = {}
        for name in pattern.pattern.regex.groupindex:
            options = getattr(converters.get(name), "choices", None) or values_for.get(name)
            if not options:
                break  # a parameter this crawl cannot fill (e.g. a format suffix)
            choices[name] = list(options)
        else:
            keys = list(choices)
            for combo in itertools.product(*(choices[k] for k in keys)):
                url = _fill(route, dict(zip(keys, combo, strict=True)))
                if "(" not in url and "?" not in url:
                    urls.add(url)
    return sorted(urls)


@pytest.fixture
def mixed_site():
    """For every record type: one published record and three readers must not see."""
    now = timezone.now()
    states = {
        "visible": {"status": Status.PUBLISHED, "publish_at": now - datetime.timedelta(days=2)},
        "draft": {"status": Status.DRAFT},
        "review": {"status": Status.REVIEW},
        "future": {"status": Status.PUBLISHED, "publish_at": now + datetime.timedelta(days=3)},
    }
    made = {}
    org_type = factories.OrganizationTypeFactory(name="Lab", slug="lab")
    category = factories.RoleCategoryFactory(name="AI", slug="ai")
    plain = {
        "organization": (factories.OrganizationFactory, {"type": org_type}),
        "agenda": (factories.ResearchAgendaFactory, {}),
        "paper": (factories.PaperFactory, {}),
        "failure-mode": (factories.FailureModeFactory, {}),
        "program": (factories.ProgramFactory, {}),
        "role": (factories.RoleFactory, {"category": category}),
        "guide": (factories.GuideFactory, {}),
    }
    for kind, (factory, extra) in plain.items():
        for state, fields in states.items():
            marker = VISIBLE if state == "visible" else HIDDEN
            made[(kind, state)] = factory(
                name=f"{marker.capitalize()} {state} {kind}",
                slug=f"{marker}-{state}-{kind}",
                summary=f"Summary of {marker} {state} {kind}",
                tags=["shared-topic"],
                **extra,
                **fields,
            )
    visible = {kind: made[(kind, "visible")] for kind in plain}
    hidden = [obj for (kind, state), obj in made.items() if state != "visible"]
    # Visible records point at hidden ones through every kind of relation.
    for obj in hidden:
        label = type(obj)._meta.label
        if label == "organizations.Organization":
            visible["agenda"].key_organizations.add(obj)
            visible["paper"].organizations.add(obj)
            visible["role"].hiring_organizations.add(obj)
        elif label == "guides.ResearchAgenda":
            visible["organization"].agendas.add(obj)
            visible["paper"].agendas.add(obj)
            visible["failure-mode"].agendas.add(obj)
            visible["program"].agendas.add(obj)
            visible["role"].agendas.add(obj)
        elif label == "guides.Paper":
            visible["failure-mode"].papers.add(obj)
            visible["organization"].papers.add(obj)
        elif label == "careers.Program":
            visible["role"].programs.add(obj)
            visible["organization"].programs.add(obj)
        elif label == "careers.Role":
            visible["role"].related_roles.add(obj)
    hidden_org = made[("organization", "draft")]
    hidden_program = made[("program", "draft")]
    hidden_program.organizer = hidden_org
    hidden_program.save()
    step = factories.GuideStepFactory(guide=visible["guide"], title="Visible step")
    for name in GuideStep.LINK_FIELDS:
        targets = [o for o in hidden if getattr(step, name).model is type(o)]
        getattr(step, name).add(*targets)
    factories.RoleDutyFactory(role=visible["role"])
    return {"visible": visible, "hidden": hidden, "all": list(made.values())}


def test_published_is_the_one_rule(mixed_site):
    for obj in mixed_site["all"]:
        model = type(obj)
        expected = obj.slug.startswith(VISIBLE)
        assert model.objects.published().filter(pk=obj.pk).exists() is expected
        assert obj.is_published is expected


def test_no_reader_path_shows_an_unpublished_record(client, mixed_site):
    """Crawl every reader URL (pages, listings, search, sitemap, feeds, API,
    exports, tag pages, permalinks) anonymously: no hidden record appears."""
    urls = _reader_urls(mixed_site["all"], "shared-topic")
    urls += [
        "/search/?q=draft",
        "/search/?q=future+review",
        "/search/?q=summary",
        "/organizations/?type=lab",
    ]
    assert len(urls) > 40
    leaks, errors, shown = [], [], 0
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            errors.append((url, response.status_code))
            continue
        location = response.get("Location", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace").lower()
        # A 404 page may echo the address asked for (slug included), never a name.
        needle = HIDDEN + " " if response.status_code == 404 else HIDDEN
        if needle in text or HIDDEN in location:
            at = text.find(needle)
            snippet = text[max(at - 80, 0) : at + 40] if at >= 0 else location
            leaks.append((url, response.status_code, snippet))
        if response.status_code == 200 and VISIBLE in text:
            shown += 1
    assert not errors
    assert not leaks
    assert shown > 20  # the crawl really saw the published records


def test_drafts_are_404_for_readers_and_a_bannered_preview_for_staff(client, editor, mixed_site):
    for obj in mixed_site["hidden"]:
        assert client.get(obj.get_absolute_url()).status_code == 404, obj.slug
    client.force_login(editor)
    for obj in mixed_site["hidden"]:
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200, obj.slug
        html = response.content.decode()
        assert "preview-banner" in html and "Preview" in html, obj.slug
    response = client.get(mixed_site["visible"]["role"].get_absolute_url())
    assert "preview-banner" not in response.content.decode()


def test_readers_see_last_updated(client, mixed_site):
    for kind, record in mixed_site["visible"].items():
        html = client.get(record.get_absolute_url()).content.decode()
        assert re.search(r"[Ll]ast updated", html), kind


def test_a_scheduled_record_appears_when_its_time_comes(client):
    org = factories.OrganizationFactory(
        slug="scheduled", publish_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert client.get(org.get_absolute_url()).status_code == 404
    Organization.objects.filter(pk=org.pk).update(
        publish_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(org.get_absolute_url()).status_code == 200


# --- Publish requirements and validation ------------------------------------------


def test_publishing_requires_the_required_sections(editor_client):
    org_type = factories.OrganizationTypeFactory()
    data = organization_post(org_type, status="published", description="", summary="")
    response = editor_client.post(admin_url(Organization, "add"), data)
    errors = form_errors(response)
    assert "before publishing" in errors
    assert not Organization.objects.exists()
    # The same record saves fine as a draft.
    response = editor_client.post(admin_url(Organization, "add"), {**data, "status": "draft"})
    assert response.status_code == 302
    assert Organization.objects.get().status == Status.DRAFT


def test_a_role_needs_a_duty_to_be_published(editor_client):
    category = factories.RoleCategoryFactory()
    response = editor_client.post(
        admin_url(Role, "add"), role_post(None, category, duties=(), status="published")
    )
    assert "at least one duty" in form_errors(response)
    response = editor_client.post(
        admin_url(Role, "add"), role_post(None, category, status="published")
    )
    assert response.status_code == 302
    role = Role.objects.get()
    assert role.status == Status.PUBLISHED and role.duties.count() == 1


BAD_INPUTS = [
    ({"founded_year": "99999"}, "founded_year"),
    ({"founded_year": "-1"}, "founded_year"),
    ({"founded_year": "1200"}, "founded_year"),
    ({"founded_year": "2000", "closed_year": "1990", "operating_status": "defunct"}, "closed_year"),
    ({"website": "not a url"}, "website"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"name": "Bad\x00name"}, "name"),
    ({"description": "nul \x00 in text"}, "description"),
    ({"description": "x" * (validation.MAX_TEXT_LENGTH + 1)}, "description"),
    ({"slug": "not a slug!"}, "slug"),
    ({"tags": "t" * 150}, "tags"),
    ({"type": "999999"}, "type"),
    ({"country": "XX"}, "country"),
    ({"publish_at_0": "99999-01-01"}, "publish_at"),
    ({"last_reviewed": "2026-13-45"}, "last_reviewed"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_INPUTS)
def test_bad_input_is_a_form_error_that_keeps_the_other_changes(editor_client, overrides, field):
    org_type = factories.OrganizationTypeFactory()
    data = organization_post(org_type, headquarters="Kept Headquarters 42", **overrides)
    response = editor_client.post(admin_url(Organization, "add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert field in form.errors, form.errors
    assert "Kept Headquarters 42" in response.content.decode()
    assert not Organization.objects.exists()


def test_a_duplicate_slug_is_a_form_error(editor_client):
    existing = factories.OrganizationFactory(slug="taken")
    data = organization_post(existing.type, slug="taken", headquarters="Other HQ")
    response = editor_client.post(admin_url(Organization, "add"), data)
    form = response.context["adminform"].form
    assert "slug" in form.errors
    assert "Other HQ" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"salary_min": "200000", "salary_max": "100000"}, "salary_max"),
        ({"salary_min": "-1"}, "salary_min"),
        ({"salary_max": "99999999999999999999"}, "salary_max"),
        ({"salary_currency": "dollars"}, "salary_currency"),
    ],
)
def test_salary_errors_are_form_errors(editor_client, overrides, field):
    category = factories.RoleCategoryFactory()
    response = editor_client.post(
        admin_url(Role, "add"), role_post(None, category, summary="Kept summary", **overrides)
    )
    form = response.context["adminform"].form
    assert field in form.errors, form.errors
    assert "Kept summary" in response.content.decode()


def test_bad_child_rows_are_form_errors(editor_client):
    guide = factories.GuideFactory()
    data = {
        "name": guide.name,
        "slug": guide.slug,
        "order": "0",
        "audience": "",
        "summary": "s",
        "intro": "",
        "tags": "",
        "status": "draft",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "09:00:00",
        "last_reviewed": "",
        **management_form("steps", total=1),
        "steps-0-order": "0",
        "steps-0-minutes": "99999999999",
        "steps-0-section": "",
        "steps-0-title": "A step",
        "steps-0-body": "\x00",
        "loaded_version": str(guide.version),
    }
    response = editor_client.post(admin_url(guide, "change", guide.pk), data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert "minutes" in errors and "body" in errors


def test_text_fields_carry_a_maxlength_so_huge_pastes_never_reach_the_server(editor_client):
    html = editor_client.get(admin_url(Organization, "add")).content.decode()
    assert re.search(r'<textarea[^>]*name="description"[^>]*maxlength="50000"', html) or re.search(
        r'<textarea[^>]*maxlength="50000"[^>]*name="description"', html
    )


def test_a_10_mb_post_is_refused_cleanly_not_a_500(editor_client):
    org_type = factories.OrganizationTypeFactory()
    data = organization_post(org_type, description="x" * 10_000_000)
    response = editor_client.post(admin_url(Organization, "add"), data)
    assert response.status_code in {200, 400, 413}
    assert not Organization.objects.exists()


def test_model_clean_checks_publish_requirements_and_lengths():
    from django.core.exceptions import ValidationError

    org = factories.OrganizationFactory.build(status=Status.PUBLISHED, description=" ")
    with pytest.raises(ValidationError) as excinfo:
        org.full_clean(exclude=["type"])
    assert "description" in excinfo.value.message_dict
    org.status = Status.DRAFT
    org.description = "y" * (validation.MAX_TEXT_LENGTH + 1)
    with pytest.raises(ValidationError) as excinfo:
        org.full_clean(exclude=["type"])
    assert "description" in excinfo.value.message_dict


# --- Bulk actions -------------------------------------------------------------------


def run_action(client, model, action, objects):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [str(o.pk) for o in objects]},
        follow=True,
    )


def test_bulk_publish_records_history_and_refuses_incomplete_records(editor_client, editor):
    ready = factories.OrganizationFactory(status=Status.DRAFT, slug="ready")
    incomplete = factories.OrganizationFactory(
        status=Status.DRAFT, name="Incomplete org", slug="incomplete", description=""
    )
    versions = ready.history.count()
    response = run_action(editor_client, Organization, "publish", [ready, incomplete])
    text = response.content.decode()
    assert "1 record published" in text
    assert "incomplete" in text.lower() and "description" in text.lower()
    ready.refresh_from_db()
    incomplete.refresh_from_db()
    assert ready.is_published
    assert incomplete.status == Status.DRAFT
    latest = ready.history.first()
    assert ready.history.count() == versions + 1
    assert latest.history_user == editor
    assert latest.status == Status.PUBLISHED


def test_bulk_publish_of_a_role_without_duties_is_refused(editor_client):
    role = factories.RoleFactory(status=Status.DRAFT)
    response = run_action(editor_client, Role, "publish", [role])
    assert "at least one duty" in response.content.decode()
    role.refresh_from_db()
    assert role.status == Status.DRAFT


def test_bulk_unpublish_review_and_mark_reviewed_record_history(editor_client, editor):
    orgs = factories.OrganizationFactory.create_batch(2)
    run_action(editor_client, Organization, "unpublish", orgs)
    for org in orgs:
        org.refresh_from_db()
        assert org.status == Status.DRAFT
        assert org.history.first().history_user == editor
    run_action(editor_client, Organization, "send_to_review", orgs)
    assert set(Organization.objects.values_list("status", flat=True)) == {Status.REVIEW}
    run_action(editor_client, Organization, "mark_reviewed", orgs)
    for org in orgs:
        org.refresh_from_db()
        assert org.last_reviewed == timezone.localdate()
        assert org.history.first().last_reviewed == timezone.localdate()


def test_bulk_publish_keeps_a_scheduled_date_honest(editor_client):
    future = factories.OrganizationFactory(
        status=Status.DRAFT, publish_at=timezone.now() + datetime.timedelta(days=30)
    )
    run_action(editor_client, Organization, "publish", [future])
    future.refresh_from_db()
    assert future.is_published  # "publish now" means now


# --- Review dates ---------------------------------------------------------------------


def test_review_dashboard_lists_records_not_reviewed_for_n_months(editor_client):
    today = timezone.localdate()
    stale = factories.OrganizationFactory(
        name="Stale org", last_reviewed=today - datetime.timedelta(days=400)
    )
    never = factories.PaperFactory(name="Never reviewed paper", last_reviewed=None)
    fresh = factories.RoleFactory(name="Fresh role", last_reviewed=today)
    # (The "Roles with no way in" section lists every role here, reviewed or not:
    # issue 14.)
    html = editor_client.get(reverse("admin:editorial_review")).content.decode()
    html = without_way_in_section(html)
    assert stale.name in html and never.name in html
    assert fresh.name not in html
    # A longer window drops the stale record too.
    html = editor_client.get(reverse("admin:editorial_review") + "?months=24").content.decode()
    html = without_way_in_section(html)
    assert stale.name not in html and never.name in html
    # Nonsense is ignored, not a 500.
    assert editor_client.get(reverse("admin:editorial_review") + "?months=abc").status_code == 200


@override_settings(REVIEW_AFTER_MONTHS=1)
def test_review_window_comes_from_settings(editor_client):
    org = factories.OrganizationFactory(
        name="Reviewed last quarter",
        last_reviewed=timezone.localdate() - datetime.timedelta(days=70),
    )
    html = editor_client.get(reverse("admin:editorial_review")).content.decode()
    assert org.name in html
    changelist = editor_client.get(admin_url(Organization, "changelist") + "?review=due")
    assert org.name in changelist.content.decode()


def test_review_filter_on_the_changelist(editor_client):
    today = timezone.localdate()
    due = factories.OrganizationFactory(
        name="Due org", last_reviewed=today - datetime.timedelta(days=365)
    )
    ok = factories.OrganizationFactory(name="Ok org", last_reviewed=today)
    html = editor_client.get(admin_url(Organization, "changelist") + "?review=due").content.decode()
    assert due.name in html and ok.name not in html
    html = editor_client.get(
        admin_url(Organization, "changelist") + "?review=recent"
    ).content.decode()
    assert ok.name in html and due.name not in html


def test_months_before_clamps_to_the_end_of_the_month():
    assert review.months_before(datetime.date(2026, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert review.months_before(datetime.date(2026, 3, 15), 15) == datetime.date(2024, 12, 15)


# --- Markdown preview -------------------------------------------------------------------


def test_markdown_preview_endpoint_renders_sanitized_html(editor_client):
    factories.ProgramFactory(slug="mats")
    text = "# Title\n\n**bold** <script>alert(1)</script> [MATS](program:mats) [gone](program:nope)"
    response = editor_client.post(reverse("admin:editorial_markdown_preview"), {"text": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html
    assert 'href="/programs/mats/"' in html
    assert "program:nope" in html and "no program" in html.lower()


def test_markdown_preview_refuses_get_and_huge_text(editor_client):
    url = reverse("admin:editorial_markdown_preview")
    assert editor_client.get(url).status_code == 405
    response = editor_client.post(url, {"text": "x" * (validation.MAX_TEXT_LENGTH + 1)})
    assert response.status_code == 400


def test_change_form_shows_the_rendered_saved_markdown_without_js(editor_client):
    org = factories.OrganizationFactory(description="Some *emphasis* and [a link](org:nowhere).")
    html = editor_client.get(admin_url(org, "change", org.pk)).content.decode()
    assert "<em>emphasis</em>" in html
    assert "Rendered Markdown" in html
    assert "org:nowhere" in html  # flagged as a link that leads nowhere
    assert "admin_extra/editorial.js" in html
    assert "data-markdown-preview" in html


# --- History: diff and revert ------------------------------------------------------------


def test_history_lists_who_changed_what(editor_client, editor):
    org_type = factories.OrganizationTypeFactory()
    editor_client.post(admin_url(Organization, "add"), organization_post(org_type))
    org = Organization.objects.get()
    editor_client.post(
        admin_url(org, "change", org.pk),
        organization_post(org_type, headquarters="Berlin", loaded_version=str(org.version)),
    )
    html = editor_client.get(admin_url(org, "history", org.pk)).content.decode()
    assert "editor" in html
    assert "Berlin" in html
    assert "Compare selected versions" in html


def test_compare_shows_field_and_child_row_changes(editor_client):
    category = factories.RoleCategoryFactory()
    editor_client.post(admin_url(Role, "add"), role_post(None, category, duties=("First duty",)))
    role = Role.objects.get()
    old_version = role.history.first()
    data = role_post(
        role,
        category,
        duties=("First duty, reworded", "Second duty"),
        overview="Line one\nLine two changed\nLine three",
        salary_max="160000",
    )
    response = editor_client.post(admin_url(role, "change", role.pk), data)
    assert response.status_code == 302, form_errors(response)
    new_version = role.history.first()
    url = admin_url(role, "history_compare", role.pk)
    response = editor_client.get(f"{url}?old={old_version.history_id}&new={new_version.history_id}")
    assert response.status_code == 200
    html = response.content.decode()
    comparison = response.context["comparison"]
    labels = {change.label for change in comparison.fields}
    assert {"Overview", "Salary to"} <= labels
    assert "160,000" in html or "160000" in html
    assert "<ins>" in html and "<del>" in html
    duties = next(s for s in comparison.children if s.label.lower().startswith("duties"))
    statuses = sorted(c.status for c in duties.changes)
    assert statuses == ["added", "changed"]
    # Defaults: newest against the one before; bad ids are 404s, not 500s.
    assert editor_client.get(url).status_code == 200
    assert editor_client.get(url + "?old=abc").status_code == 404
    assert editor_client.get(url + "?old=999999").status_code == 404
    bad = admin_url(role, "history", role.pk) + "not-a-number/"
    assert editor_client.get(bad).status_code == 404


def test_revert_restores_fields_and_child_rows(editor_client):
    category = factories.RoleCategoryFactory()
    editor_client.post(admin_url(Role, "add"), role_post(None, category, duties=("Original duty",)))
    role = Role.objects.get()
    original = role.history.first()
    data = role_post(
        role, category, duties=("Changed duty", "Extra duty"), summary="Changed summary"
    )
    assert editor_client.post(admin_url(role, "change", role.pk), data).status_code == 302
    assert role.duties.count() == 2

    revert_url = admin_url(role, "simple_history", role.pk, original.history_id)
    page = editor_client.get(revert_url)
    assert page.status_code == 200
    assert "restores the" in page.content.decode()
    form_data = role_post(role, category, duties=("Changed duty", "Extra duty"))
    form_data["summary"] = original.summary
    response = editor_client.post(revert_url, form_data)
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.summary == "Researches alignment."
    assert list(role.duties.values_list("text", flat=True)) == ["Original duty"]
    assert role.history.first().history_type == "~"


def test_versions_keep_links_and_compare_shows_them(editor_client):
    category = factories.RoleCategoryFactory()
    mats, arena = factories.ProgramFactory(name="MATS"), factories.ProgramFactory(name="ARENA")
    data = role_post(None, category, programs=[str(mats.pk)])
    assert editor_client.post(admin_url(Role, "add"), data).status_code == 302
    role = Role.objects.get()
    old_version = role.history.first()
    assert history.version_links(old_version)["programs"] == [mats.pk]

    data = role_post(role, category, programs=[str(arena.pk)])
    assert editor_client.post(admin_url(role, "change", role.pk), data).status_code == 302
    new_version = role.history.first()
    assert history.version_links(new_version)["programs"] == [arena.pk]
    assert history.version_links(old_version)["programs"] == [mats.pk]  # unchanged

    url = admin_url(role, "history_compare", role.pk)
    response = editor_client.get(f"{url}?old={old_version.history_id}&new={new_version.history_id}")
    change = next(c for c in response.context["comparison"].fields if c.field == "programs")
    assert [(s.op, s.text) for s in change.segments] == [
        ("insert", "ARENA"),
        ("equal", "; "),
        ("delete", "MATS"),
    ]
    html = response.content.decode()
    assert "<del>MATS</del>" in html and "<ins>ARENA</ins>" in html


def test_revert_restores_links(editor_client):
    category = factories.RoleCategoryFactory()
    mats, arena = factories.ProgramFactory(), factories.ProgramFactory()
    gone = factories.ProgramFactory()
    data = role_post(None, category, programs=[str(mats.pk), str(gone.pk)])
    editor_client.post(admin_url(Role, "add"), data)
    role = Role.objects.get()
    original = role.history.first()
    data = role_post(role, category, programs=[str(arena.pk)], summary="Changed")
    assert editor_client.post(admin_url(role, "change", role.pk), data).status_code == 302
    gone.delete()  # a record the old version linked to no longer exists

    revert_url = admin_url(role, "simple_history", role.pk, original.history_id)
    page = editor_client.get(revert_url)
    # The revert form starts from the old links (minus the deleted record).
    assert page.context["adminform"].form.initial["programs"] == [mats.pk]
    form_data = role_post(role, category, programs=[str(mats.pk)])
    assert editor_client.post(revert_url, form_data).status_code == 302
    assert list(role.programs.all()) == [mats]
    assert role.history.first().history_type == "~"


def test_revert_restores_a_child_rows_links():
    mats, arena = factories.ProgramFactory(), factories.ProgramFactory()
    guide = factories.GuideFactory()
    step = factories.GuideStepFactory(guide=guide)
    step.programs.add(mats)
    before = timezone.now()
    step.programs.set([arena])

    assert revisions.restore_children(guide, before) == 1
    assert list(step.programs.all()) == [mats]
    assert revisions.restore_children(guide, before) == 0  # nothing left to change


def test_versions_saved_before_link_history_get_the_current_links():
    from django.apps import apps

    mats = factories.ProgramFactory()
    role = factories.RoleFactory()
    role.programs.add(mats)
    apps.get_model(
        "careers", "HistoricalRole_programs"
    ).objects.all().delete()  # as if saved before links were tracked
    assert all(history.version_links(v)["programs"] == [] for v in role.history.all())

    history.backfill_link_history(apps, "careers")

    assert role.history.count() >= 2
    assert all(history.version_links(v)["programs"] == [mats.pk] for v in role.history.all())


def test_history_pages_are_not_for_readers(client):
    org = factories.OrganizationFactory()
    for url in (admin_url(org, "history", org.pk), admin_url(org, "history_compare", org.pk)):
        response = client.get(url)
        assert response.status_code == 302


# --- Link check ---------------------------------------------------------------------------


@pytest.fixture
def linked_site():
    factories.ProgramFactory(slug="mats")
    draft_paper = factories.PaperFactory(slug="draft-paper", status=Status.DRAFT)
    doomed = factories.PaperFactory(slug="doomed")
    org = factories.OrganizationFactory(
        slug="linker",
        description=(
            "[ok](program:mats) [missing](program:no-such-program) "
            "[draft](paper:draft-paper) [typo](progam:mats) [page](/roles/) "
            "[bad page](/no-such-page/) [site record](/papers/draft-paper/) "
            "[external](https://example.org/)"
        ),
    )
    guide = factories.GuideFactory(slug="reading")
    step = factories.GuideStepFactory(guide=guide, title="Read these", body="[x](agenda:nope)")
    step.papers.add(draft_paper, doomed)
    return {"org": org, "guide": guide, "step": step, "doomed": doomed}


def test_check_links_reports_every_kind_of_problem(linked_site):
    out = io.StringIO()
    call_command("check_links", stdout=out)
    report = LinkCheckReport.objects.get()
    found = {(p["kind"], p["link"]) for p in report.problems}
    assert ("broken-link", "program:no-such-program") in found
    assert ("unpublished-link", "paper:draft-paper") in found
    assert ("unknown-link-type", "progam:mats") in found
    assert ("broken-link", "/no-such-page/") in found
    assert ("unpublished-link", "/papers/draft-paper/") in found
    assert ("broken-link", "agenda:nope") in found
    assert ("step-unpublished", "paper:draft-paper") in found
    links = {p["link"] for p in report.problems}
    assert "program:mats" not in links and "/roles/" not in links
    assert "https://example.org/" not in links
    assert "problems" in out.getvalue()


def test_check_links_notices_records_deleted_from_a_guide_step(linked_site):
    call_command("check_links", stdout=io.StringIO())
    linked_site["doomed"].delete()
    call_command("check_links", stdout=io.StringIO())
    latest = LinkCheckReport.objects.order_by("-created", "-pk").first()
    deleted = [p for p in latest.problems if p["kind"] == "step-deleted"]
    assert deleted and deleted[0]["link"] == "paper:doomed"
    # Still reported on the next run, until an editor saves the guide.
    call_command("check_links", stdout=io.StringIO())
    latest = LinkCheckReport.objects.order_by("-created", "-pk").first()
    assert any(p["kind"] == "step-deleted" for p in latest.problems)
    guide = linked_site["guide"]
    guide.save()
    call_command("check_links", stdout=io.StringIO())
    latest = LinkCheckReport.objects.order_by("-created", "-pk").first()
    assert not any(p["kind"] == "step-deleted" for p in latest.problems)


def test_check_links_fail_flag(linked_site):
    with pytest.raises(CommandError):
        call_command("check_links", "--fail", stdout=io.StringIO())


def test_link_report_in_admin(editor_client, linked_site):
    url = reverse("admin:editorial_links")
    assert "No link check has been run yet" in editor_client.get(url).content.decode()
    response = editor_client.post(url, follow=True)
    html = response.content.decode()
    assert "program:no-such-program" in html
    assert admin_url(linked_site["org"], "change", linked_site["org"].pk) in html
    assert LinkCheckReport.objects.count() == 1


def test_link_check_of_a_clean_site_has_no_problems():
    program = factories.ProgramFactory(slug="mats")
    factories.OrganizationFactory(
        description=f"[p](program:mats) [q]({program.get_absolute_url()})"
    )
    report = __import__("editorial.linkcheck", fromlist=["run_link_check"]).run_link_check()
    assert report.problems == []
    assert report.links_checked >= 2
