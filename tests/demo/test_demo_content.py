"""The demo content (core/demo/*.json), its loader and the demo logins."""

import datetime
import json
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from careers.models import Program, Qualification, Role, RoleCategory, RoleFAQ
from core.markdown import resolve_record_link
from demo.management.commands.load_demo_content import (
    DEMO_DIR,
    LINK_SECTIONS,
    RECORD_LINK_RE,
    SECTIONS,
    SECTIONS_BY_KEY,
)
from editorial.permissions import EDITORS_GROUP
from guides.models import AgendaApproach, FailureMode, Guide, GuideStep, Paper, ResearchAgenda
from organizations.models import Organization, OrganizationType

pytestmark = pytest.mark.django_db

# Apps whose tables (including history, tags and M2M through tables) the loader may touch.
LOADER_APPS = ("organizations", "careers", "guides", "taggit", "core")
RESEARCHER = "ai-safety-researcher"
REVIEWED = datetime.date(2026, 11, 1)


def load(*args, **options):
    out = StringIO()
    call_command("load_demo_content", *args, stdout=out, **options)
    return out.getvalue()


def demo_texts():
    files = sorted(DEMO_DIR.glob("*.json"))
    assert files
    return {path.name: path.read_text(encoding="utf-8") for path in files}


def demo_records():
    """``{section: [record, …]}`` merged from every demo file."""
    merged = {}
    for text in demo_texts().values():
        for key, value in json.loads(text).items():
            if key in SECTIONS_BY_KEY:
                merged.setdefault(key, []).extend(value)
    return merged


def all_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from all_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_strings(item)


def table_counts():
    """Row count of every table the loader could write, through tables included."""
    return {
        model._meta.label: model._base_manager.count()
        for label in LOADER_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def history_counts():
    return {label: count for label, count in table_counts().items() if ".Historical" in label}


def live_rows(counts):
    return {k: v for k, v in counts.items() if ".Historical" not in k and k != "taggit.Tag"}


def saved_timestamps():
    """``updated`` of every loaded record: unchanged means nothing was re-saved."""
    return {
        section.key: sorted(section.model._base_manager.values_list("pk", "updated"))
        for section in SECTIONS
    }


# -- the JSON itself -----------------------------------------------------------


def test_demo_files_have_no_mojibake_or_site_relative_links():
    for name, text in demo_texts().items():
        for marker in ("â€", "Ã", "Â", "\ufffd"):
            assert marker not in text, f"{name} contains mojibake {marker!r}"
        assert "](/" not in text, f"{name} has a site-relative link"
        assert "/knowledge-base/" not in text, name


def test_every_markdown_record_link_in_the_demo_data_names_a_demo_record():
    records = demo_records()
    slugs = {key: {r["slug"] for r in records.get(key, [])} for key in SECTIONS_BY_KEY}
    links = [
        (prefix, slug)
        for record_list in records.values()
        for text in all_strings(record_list)
        for prefix, slug in RECORD_LINK_RE.findall(text)
    ]
    assert len(links) > 100
    for prefix, slug in links:
        assert prefix in LINK_SECTIONS, f"unknown link prefix {prefix}:{slug}"
        assert slug in slugs[LINK_SECTIONS[prefix]], f"broken link {prefix}:{slug}"


# -- loading and idempotency ------------------------------------------------------


def test_loading_twice_changes_nothing_and_a_rerun_repairs_edits():
    first_output = load()
    assert "created" in first_output
    counts, history, stamps = table_counts(), history_counts(), saved_timestamps()
    assert counts["guides.GuideStep"] > 0 and counts["taggit.TaggedItem"] > 0
    assert sum(history.values()) > 0

    second_output = load()

    assert table_counts() == counts
    assert history_counts() == history
    assert saved_timestamps() == stamps
    assert "nothing changed" in second_output
    assert "link sets rewritten: 0, tag sets rewritten: 0" in second_output

    # Edits to demo records are put back without duplicating child rows.
    role = Role.objects.get(slug=RESEARCHER)
    role.duties.order_by("order").first().delete()
    RoleFAQ.objects.filter(role=role).update(answer="edited")
    role.tags.add("stray-tag")
    role.related_roles.clear()
    guide = Guide.objects.get(slug="for-researchers")
    GuideStep.objects.create(guide=guide, title="Extra", minutes=5, order=999)
    Organization.objects.filter(slug="fhi").update(operating_status="active", closed_year=None)

    load()

    role.refresh_from_db()
    assert role.duties.count() == 10
    assert not RoleFAQ.objects.filter(answer="edited").exists()
    assert "stray-tag" not in role.tags.names()
    assert role.related_roles.count() == 6
    assert not guide.steps.filter(title="Extra").exists()
    assert Organization.objects.get(slug="fhi").is_defunct
    # History grows (the repairs are real edits) and "stray-tag" may survive as an unused tag.
    assert live_rows(table_counts()) == live_rows(counts)


def test_dry_run_rolls_back(tmp_path):
    demo = tmp_path / "demo.json"
    demo.write_text(
        json.dumps(
            {
                "defaults": {"status": "published", "last_reviewed": "2026-11-01"},
                "organization_types": [{"slug": "lab", "name": "Lab"}],
                "organizations": [
                    {
                        "slug": "acme",
                        "name": "Acme",
                        "type": "lab",
                        "summary": "A lab.",
                        "description": "A lab.",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    output = load(path=str(demo), dry_run=True)
    assert "dry run" in output and "1 created" in output
    assert not Organization.objects.exists()
    assert not OrganizationType.objects.exists()


def test_unknown_slug_aborts_with_the_record_named(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"papers": [{"slug": "orphan-paper", "name": "Orphan", "agendas": ["nope"]}]}),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"orphan-paper.*nope"):
        load(path=str(bad))
    assert not Paper.objects.exists()


def test_unknown_markdown_link_aborts_before_writing(tmp_path):
    bad = tmp_path / "bad.json"
    record = {"slug": "orphan-mode", "name": "Orphan", "body": "See [x](agenda:missing-agenda)."}
    bad.write_text(json.dumps({"failure_modes": [record]}), encoding="utf-8")
    with pytest.raises(CommandError, match=r"orphan-mode.*agenda:missing-agenda"):
        load(path=str(bad))
    assert not FailureMode.objects.exists()


def test_unknown_field_is_reported(tmp_path):
    bad = tmp_path / "bad.json"
    record = {"slug": "typo", "name": "Typo", "kind": "paper", "yaer": 2020}
    bad.write_text(json.dumps({"papers": [record]}), encoding="utf-8")
    with pytest.raises(CommandError, match=r"typo.*yaer"):
        load(path=str(bad))


# -- what was loaded ---------------------------------------------------------------


@pytest.fixture(scope="class")
def loaded_once(django_db_setup, django_db_blocker):
    """Load the demo once for a class of read-only tests, then roll it back.

    The first load is slow on PostgreSQL (every save re-indexes search), so the
    tests that only read share one load inside an outer transaction.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        load()
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("loaded_once")
class TestLoadedContent:
    def test_every_record_is_published_and_reviewed(self):
        demo = demo_records()
        for section in SECTIONS:
            if not section.is_content or section.key not in demo:
                continue  # a record type with no demo records (the tests' Gadget)
            model = section.model
            assert model.objects.exists(), section.key
            assert model.objects.published().count() == model.objects.count(), section.key
            assert set(model.objects.values_list("last_reviewed", flat=True)) == {REVIEWED}
            for obj in model.objects.all():
                assert obj.summary.strip(), f"{section.key} {obj.slug} has no summary"
                assert obj.tags.exists(), f"{section.key} {obj.slug} has no tags"

    def test_ai_safety_researcher_has_every_section(self):
        role = Role.objects.get(slug=RESEARCHER)
        assert role.name == "AI Safety Researcher"
        assert role.category == RoleCategory.objects.get(name="Artificial Intelligence")
        for name in (
            "summary",
            "overview",
            "typical_education",
            "typical_experience",
            "key_certifications",
            "top_employer_types",
            "growth_outlook",
            "ai_impact",
            "career_outlook",
            "cover_letter",
        ):
            assert getattr(role, name).strip(), name
        assert role.salary_currency == "USD"
        assert 0 < role.salary_min < role.salary_max

        duties = list(role.duties.values_list("text", flat=True))
        assert len(duties) == 10
        assert duties[0].startswith("Design and run empirical experiments")
        assert "anticipate" in duties[-1]

        qualifications = list(role.qualifications.all())
        assert Counter(q.kind for q in qualifications) == {
            "education": 3,
            "subfield": 5,
            "technical": 4,
            "soft": 4,
            "community": 4,
        }
        kinds_in_order = list(dict.fromkeys(q.kind for q in qualifications))
        assert kinds_in_order == [k.value for k in Qualification.Kind]

        questions = list(role.faqs.values_list("question", flat=True))
        assert len(questions) == 5
        assert questions[0].startswith("What academic background")
        assert "job market" in questions[-1]
        assert all(faq.answer.strip() for faq in role.faqs.all())

        assert {t.slug for t in role.employer_types.all()} >= {
            "frontier-lab",
            "government-institute",
            "safety-nonprofit",
            "academic-group",
        }
        assert role.agendas.count() == 5
        assert {"mats", "arena"} <= set(role.programs.values_list("slug", flat=True))
        assert {"anthropic", "openai", "google-deepmind", "uk-aisi"} <= set(
            role.hiring_organizations.values_list("slug", flat=True)
        )

    def test_related_ai_roles_carry_the_seed_salary_ranges(self):
        expected = {
            "ai-safety-engineer": ("AI Safety Engineer", 130_000, 210_000),
            "ai-sales-engineer": ("AI Sales Engineer", 105_000, 195_000),
            "ai-risk-manager": ("AI Risk Manager", 115_000, 195_000),
            "ai-software-engineer": ("AI Software Engineer", 115_000, 210_000),
            "ai-solutions-engineer": ("AI Solutions Engineer", 115_000, 195_000),
            "llm-engineer": ("LLM Engineer", 135_000, 220_000),
        }
        researcher = Role.objects.get(slug=RESEARCHER)
        assert set(researcher.related_roles.values_list("slug", flat=True)) == set(expected)
        for slug, (name, low, high) in expected.items():
            role = Role.objects.get(slug=slug)
            assert (role.name, role.salary_min, role.salary_max) == (name, low, high)
            assert role.category.slug == "artificial-intelligence"
            assert role.overview.strip() and role.summary.strip()
            assert role.duties.count() >= 3
            assert role.employer_types.exists()
            assert researcher in role.related_roles.all()
            assert role.related_roles.count() >= 3

    def test_fhi_is_defunct_and_other_organizations_active(self):
        fhi = Organization.objects.get(slug="fhi")
        assert fhi.is_defunct
        assert (fhi.founded_year, fhi.closed_year) == (2005, 2024)
        assert fhi.type.slug == "academic-group"
        others = Organization.objects.exclude(slug="fhi")
        assert set(others.values_list("operating_status", flat=True)) == {"active"}

    def test_every_organization_named_in_the_seeds_is_present(self):
        expected = {
            "anthropic": "frontier-lab",
            "openai": "frontier-lab",
            "google-deepmind": "frontier-lab",
            "redwood-research": "safety-nonprofit",
            "arc": "safety-nonprofit",
            "miri": "safety-nonprofit",
            "metr": "evaluations-org",  # also "ARC Evals" in the seed
            "uk-aisi": "government-institute",
            "nist": "government-institute",
            "chai": "academic-group",
            "fhi": "academic-group",
            "seri": "academic-group",
            "uc-berkeley": "academic-group",
            "mit": "academic-group",
            "university-of-oxford": "academic-group",
            "university-of-cambridge": "academic-group",
            "eleutherai": "research-institute",
        }
        actual = dict(Organization.objects.values_list("slug", "type__slug"))
        assert actual == expected
        for org in Organization.objects.all():
            assert org.description.strip(), org.slug
        assert Organization.objects.get(slug="uk-aisi").country == "GB"
        assert Organization.objects.get(slug="anthropic").country == "US"

    def test_five_agendas_with_every_field_in_table_order(self):
        agendas = list(ResearchAgenda.objects.order_by("order"))
        assert [a.slug for a in agendas] == [
            "interpretability",
            "scalable-oversight",
            "ai-control",
            "agent-foundations",
            "evaluations",
        ]
        assert [a.order for a in agendas] == [1, 2, 3, 4, 5]
        for agenda in agendas:
            for name in (
                "goal",
                "key_bet",
                "if_you_believe",
                "key_insight",
                "description",
                "open_questions",
                "how_to_contribute",
                "background_fit",
            ):
                assert getattr(agenda, name).strip(), f"{agenda.slug}.{name}"
            assert agenda.approaches.count() >= 4
            assert all(a.description for a in agenda.approaches.all())
            assert agenda.key_organizations.exists()
            assert agenda.papers.exists() or agenda.slug == "ai-control"
            assert agenda.programs.exists() and agenda.roles.exists()
        approaches = AgendaApproach.objects.filter(agenda__slug="interpretability")
        assert list(approaches.values_list("name", flat=True)) == [
            "Circuit analysis",
            "Sparse autoencoders",
            "Activation patching",
            "Feature visualization",
        ]
        foundations = ResearchAgenda.objects.get(slug="agent-foundations")
        assert set(foundations.key_organizations.values_list("slug", flat=True)) == {"miri", "fhi"}

    def test_four_failure_modes_linked_to_agendas_and_papers(self):
        modes = FailureMode.objects.all()
        assert set(modes.values_list("slug", flat=True)) == {
            "goal-misgeneralization",
            "deceptive-alignment",
            "mesa-optimization",
            "power-seeking",
        }
        for mode in modes:
            assert mode.body.strip() and mode.why_it_matters.strip()
            assert mode.agendas.exists() and mode.papers.exists()

    def test_reading_list_papers_and_books(self):
        books = set(Paper.objects.filter(kind="book").values_list("slug", flat=True))
        assert books == {"the-alignment-problem", "superintelligence", "human-compatible"}
        assert Paper.objects.exclude(kind="book").count() == 13
        for paper in Paper.objects.all():
            assert paper.authors and paper.year and paper.venue, paper.slug
            assert paper.level in {"introductory", "intermediate", "advanced"}
            assert paper.agendas.exists(), paper.slug
        assert (
            Paper.objects.get(slug="scaling-monosemanticity").url
            == "https://transformer-circuits.pub/2024/scaling-monosemanticity/"
        )

    def test_programs_and_communities(self):
        slugs = set(Program.objects.values_list("slug", flat=True))
        assert {
            "mats",
            "arena",
            "ai-safety-camp",
            "redwood-remix",
            "anthropic-fellows",
            "google-deepmind-residency",
            "arc-fellowship",
            "chai-fellowship",
            "miri-fellowship",
            "alignment-forum",
            "lesswrong",
            "eleutherai-discord",
            "alignment-newsletter",
            "ea-global",
            "local-ai-safety-groups",
        } <= slugs
        mats = Program.objects.get(slug="mats")
        assert (mats.kind, mats.duration_weeks, mats.cost) == ("training", 8, "funded")
        assert Program.objects.get(slug="redwood-remix").organizer.slug == "redwood-research"
        assert Program.objects.filter(kind="community").count() >= 6

    def test_guide_minutes_and_step_links(self):
        guide = Guide.objects.get(slug="for-researchers")
        steps = list(guide.steps.all())
        assert guide.total_minutes == sum(step.minutes for step in steps)
        assert [s.minutes for s in steps[:3]] == [15, 20, 30]  # quick context setting
        deep_dive = [s.minutes for s in steps if s.section == "Deep technical dive"]
        assert 120 <= sum(deep_dive) <= 180  # "2–3 hours"
        assert len({s.section for s in steps}) == 8

        linked = 0
        for step in steps:
            assert step.body.strip(), step.title
            for name in GuideStep.LINK_FIELDS:
                for record in getattr(step, name).all():
                    assert record.is_published, f"{step.title} → {record}"
                    linked += 1
        assert linked > 100
        linked_types = {
            name for step in steps for name in GuideStep.LINK_FIELDS if getattr(step, name).exists()
        }
        assert linked_types == set(GuideStep.LINK_FIELDS)

    def test_markdown_record_links_resolve_to_published_records(self):
        for section in SECTIONS:
            for record in demo_records().get(section.key, []):
                for text in all_strings(record):
                    for prefix, slug in RECORD_LINK_RE.findall(text):
                        model = SECTIONS_BY_KEY[LINK_SECTIONS[prefix]].model
                        assert model.objects.published().filter(slug=slug).exists(), (prefix, slug)
                        assert resolve_record_link(f"{prefix}:{slug}"), (prefix, slug)


# -- ensure_demo_admin -------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch):
    for name in (
        "ADMIN_USERNAME",
        "ADMIN_PASSWORD",
        "ADMIN_EMAIL",
        "EDITOR_USERNAME",
        "EDITOR_PASSWORD",
        "SITE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def ensure_admin(**options):
    out = StringIO()
    call_command("ensure_demo_admin", stdout=out, **options)
    return out.getvalue()


def test_demo_admin_defaults_in_debug(clean_env, settings):
    settings.DEBUG = True
    User = get_user_model()

    output = ensure_admin()

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password("admin")
    editor = User.objects.get(username="editor")
    assert editor.is_staff and not editor.is_superuser and editor.check_password("editor")
    assert editor.groups.filter(name=EDITORS_GROUP).exists()
    assert "http://127.0.0.1:8000/admin/" in output
    assert "password admin" in output and "password editor" in output

    ensure_admin()
    assert User.objects.count() == 2


def test_demo_admin_refuses_default_password_without_debug(clean_env, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="ADMIN_PASSWORD"):
        ensure_admin()
    assert not get_user_model().objects.exists()


def test_demo_admin_from_environment_without_debug(clean_env, settings):
    settings.DEBUG = False
    settings.SITE_URL = "https://fieldguide.example"
    secret = "a-Long-and-Unusual-passphrase-4821"
    clean_env.setenv("ADMIN_USERNAME", "ops")
    clean_env.setenv("ADMIN_PASSWORD", secret)
    User = get_user_model()
    User.objects.create_user("ops", password="old-password-0000")  # existing, not staff

    output = ensure_admin()

    ops = User.objects.get(username="ops")
    assert ops.is_superuser and ops.is_staff and ops.check_password(secret)
    assert secret not in output
    assert "https://fieldguide.example/admin/" in output
    assert not User.objects.filter(username="editor").exists()  # no EDITOR_PASSWORD
    assert "EDITOR_PASSWORD" in output


def test_demo_admin_rejects_weak_password_without_debug(clean_env, settings):
    settings.DEBUG = False
    clean_env.setenv("ADMIN_PASSWORD", "admin")
    with pytest.raises(CommandError, match="too weak"):
        ensure_admin()
    assert not get_user_model().objects.exists()


def test_demo_editor_from_environment(clean_env, settings):
    settings.DEBUG = False
    clean_env.setenv("ADMIN_PASSWORD", "a-Long-and-Unusual-passphrase-4821")
    clean_env.setenv("EDITOR_USERNAME", "ed")
    clean_env.setenv("EDITOR_PASSWORD", "another-Long-passphrase-9173")
    ensure_admin()
    editor = get_user_model().objects.get(username="ed")
    assert editor.is_staff and not editor.is_superuser
    assert editor.groups.filter(name=EDITORS_GROUP).exists()
    assert editor.has_perm("careers.change_role")
    assert not editor.has_perm("auth.change_user")


def test_issue_14_content_comes_from_the_seed_and_invents_no_figure():
    from careers.models import Background
    from careers.pathway import roles_without_a_way_in
    from guides.models import AgendaQuickProject, Crux

    load()
    assert Background.objects.published().count() == 6
    cruxes = Crux.objects.published()
    assert cruxes.count() == 5
    for crux in cruxes:
        assert crux.positions.count() >= 2, crux.slug
    # The seed's quick projects, each with its "1–4 weeks".
    projects = AgendaQuickProject.objects.all()
    assert projects.count() == 12
    assert set(projects.values_list("weeks_min", "weeks_max")) == {(1, 4)}
    # The seed gives no researcher counts, stipends, hours or dates: all left empty.
    assert not ResearchAgenda.objects.filter(fte_min__isnull=False).exists()
    assert not ResearchAgenda.objects.filter(fte_max__isnull=False).exists()
    assert not Program.objects.filter(stipend_amount__isnull=False).exists()
    assert not Program.objects.filter(hours_per_week__isnull=False).exists()
    assert not Program.objects.filter(applications_open__isnull=False).exists()
    # Organization-type fit notes for the four kinds the seed describes.
    noted = OrganizationType.objects.exclude(good_fit_for="")
    assert set(noted.values_list("slug", flat=True)) == {
        "frontier-lab",
        "safety-nonprofit",
        "academic-group",
        "evaluations-org",
    }
    # Every demo role names a way in.
    assert not roles_without_a_way_in(Role.objects.published()).exists()
