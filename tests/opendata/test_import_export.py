"""export_content / import_content: one versioned JSON document, lossless and atomic."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command

from careers.models import Program, Role, RoleCategory, RoleDuty
from core.models import Status
from editorial.permissions import content_models
from guides.models import Guide, GuideStep, Paper
from opendata import transfer
from organizations.models import Organization, OrganizationType
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    """A small but complete content set: every type, relation, tag and child row."""
    lab = factories.OrganizationTypeFactory(name="Frontier lab", slug="frontier-lab", order=1)
    nonprofit = factories.OrganizationTypeFactory(
        name="Nonprofit", slug="nonprofit", plural_name="Nonprofits", description="Hm."
    )
    org = factories.OrganizationFactory(
        slug="lab-one", type=lab, tags=["interp", "Evals"], closed_year=None
    )
    org2 = factories.OrganizationFactory(slug="ngo", type=nonprofit, country="", website="")
    agenda = factories.ResearchAgendaFactory(slug="interp", description="See [MATS](program:mats).")
    agenda.key_organizations.add(org, org2)
    factories.AgendaApproachFactory(agenda=agenda, name="Circuits", order=1)
    factories.AgendaApproachFactory(agenda=agenda, name="Probing", order=2)
    paper = factories.PaperFactory(slug="toy-models", year=2022, tags=["interp"])
    paper.organizations.add(org)
    paper.agendas.add(agenda)
    fm = factories.FailureModeFactory(slug="deception", status=Status.DRAFT)
    fm.agendas.add(agenda)
    fm.papers.add(paper)
    program = factories.ProgramFactory(
        slug="mats", organizer=org2, application_deadline="2027-01-31"
    )
    program.agendas.add(agenda)
    category = factories.RoleCategoryFactory(name="AI", slug="ai")
    role = factories.RoleFactory(slug="researcher", category=category, last_reviewed="2026-01-02")
    other = factories.RoleFactory(slug="engineer", category=category, salary_min=None)
    role.related_roles.add(other)
    role.employer_types.add(lab, nonprofit)
    role.agendas.add(agenda)
    role.hiring_organizations.add(org)
    role.programs.add(program)
    factories.RoleDutyFactory(role=role, text="Run experiments", order=1)
    factories.RoleDutyFactory(role=role, text="Write up\nresults — “quoted” ✓", order=2)
    factories.QualificationFactory(role=role)
    factories.RoleFAQFactory(role=role)
    guide = factories.GuideFactory(slug="start", intro="Intro")
    step = factories.GuideStepFactory(guide=guide, section="Basics", body="Read **this**.")
    step.papers.add(paper)
    step.roles.add(role)
    step.programs.add(program)
    factories.GuideStepFactory(guide=guide, title="Second")
    return locals()


def export_text():
    out = io.StringIO()
    call_command("export_content", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def import_text(text, tmp_path, *args):
    path = tmp_path / "content.json"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_content", str(path), *args, stdout=out)
    return out.getvalue()


def wipe_content():
    """An empty site: every record, child row, tag and taxonomy gone."""
    from taggit.models import Tag

    for model in content_models():
        model.objects.all().delete()
    OrganizationType.objects.all().delete()
    RoleCategory.objects.all().delete()
    Tag.objects.all().delete()


def test_the_document_is_versioned_and_complete(content):
    document = json.loads(export_text())
    assert document["format"] == "ai-safety-field-guide"
    assert document["version"] == 1
    assert list(document)[:2] == ["format", "version"]
    for section, _model in transfer.section_models():
        assert section in document
    role = next(r for r in document["roles"] if r["slug"] == "researcher")
    assert role["category"] == "ai"
    assert role["related_roles"] == ["engineer"]
    assert role["employer_types"] == ["frontier-lab", "nonprofit"]
    assert [d["text"] for d in role["duties"]] == [
        "Run experiments",
        "Write up\nresults — “quoted” ✓",
    ]
    assert role["faqs"] and role["qualifications"]
    assert "created" in role and "updated" in role
    org = next(o for o in document["organizations"] if o["slug"] == "lab-one")
    assert org["tags"] == ["Evals", "interp"]
    assert org["type"] == "frontier-lab"
    guide = document["guides"][0]
    assert guide["steps"][0]["papers"] == ["toy-models"]
    assert guide["steps"][0]["roles"] == ["researcher"]
    fm = document["failure_modes"][0]
    assert fm["status"] == "draft"
    types = {t["slug"]: t for t in document["organization_types"]}
    assert types["nonprofit"]["plural_name"] == "Nonprofits"
    assert "id" not in org and "pk" not in org


def test_round_trip_into_an_empty_database_is_lossless(content, tmp_path):
    first = export_text()
    wipe_content()
    assert Role.objects.count() == 0
    message = import_text(first, tmp_path)
    assert "created" in message
    second = export_text()
    assert second == first
    # The imported records work: relations, children and tags are back.
    role = Role.objects.get(slug="researcher")
    assert list(role.duties.values_list("text", flat=True)) == [
        "Run experiments",
        "Write up\nresults — “quoted” ✓",
    ]
    assert set(role.related_roles.values_list("slug", flat=True)) == {"engineer"}
    assert Role.objects.get(slug="engineer").related_roles.get() == role
    assert GuideStep.objects.get(section="Basics").papers.get().slug == "toy-models"
    # Imported records carry a history entry.
    assert role.history.exists()


def test_reimporting_the_same_file_changes_nothing(content, tmp_path):
    text = export_text()
    import_text(text, tmp_path)
    history_before = Role.history.count() + RoleDuty.history.count() + GuideStep.history.count()
    message = import_text(text, tmp_path)
    assert "0 created, 0 updated" in message
    assert export_text() == text
    history_after = Role.history.count() + RoleDuty.history.count() + GuideStep.history.count()
    assert history_after == history_before


def test_import_updates_existing_records_by_slug(content, tmp_path):
    document = json.loads(export_text())
    role = next(r for r in document["roles"] if r["slug"] == "researcher")
    role["name"] = "Research Scientist"
    role["duties"] = [{"order": 0, "text": "Only duty"}]
    role["tags"] = ["new-tag"]
    count = Role.objects.count()
    import_text(json.dumps(document), tmp_path)
    updated = Role.objects.get(slug="researcher")
    assert updated.name == "Research Scientist"
    assert list(updated.duties.values_list("text", flat=True)) == ["Only duty"]
    assert list(updated.tags.names()) == ["new-tag"]
    assert Role.objects.count() == count


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["roles"][0].update(salary_min=300, salary_max=100), "roles["),
        (lambda d: d["roles"][0].update(category="no-such-category"), "no-such-category"),
        (lambda d: d["papers"][0].update(year=99999), "year"),
        (lambda d: d["organizations"][0].update(website="not a url"), "website"),
        (lambda d: d["organizations"][0].update(name="bad\x00name"), "null character"),
        (lambda d: d["organizations"][0].update(founded_year="nineteen"), "whole number"),
        (lambda d: d["organizations"][0].update(colour="red"), "unknown field"),
        (lambda d: d["guides"][0]["steps"][0].update(papers=["missing-paper"]), "missing-paper"),
        (lambda d: d["guides"][0]["steps"][0].update(minutes=0), "minutes"),
        (lambda d: d["organizations"].append(copy.deepcopy(d["organizations"][0])), "twice"),
        (lambda d: d["roles"][0].update(status="gone"), "status"),
        (lambda d: d["roles"][0].update(publish_at="yesterday"), "publish_at"),
        (lambda d: d["programs"][0].update(description="x" * 60_000), "limit"),
    ],
)
def test_a_broken_file_changes_nothing_and_names_the_record(content, tmp_path, mutate, expected):
    document = json.loads(export_text())
    for section in ("roles", "organizations", "papers", "programs"):
        document[section].sort(key=lambda r: r["slug"])
    # Something valid that would be created if the import went ahead.
    document["organization_types"].append(
        {"name": "Brand new type", "slug": "brand-new", "plural_name": "", "description": "",
         "order": 3, "created": "2026-01-01T00:00:00+00:00", "updated": "2026-01-01T00:00:00+00:00"}
    )  # fmt: skip
    mutate(document)
    before = export_text()
    with pytest.raises(CommandError) as excinfo:
        import_text(json.dumps(document), tmp_path)
    assert expected in str(excinfo.value)
    assert "nothing was changed" in str(excinfo.value)
    assert export_text() == before
    assert not OrganizationType.objects.filter(slug="brand-new").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "not a JSON object"),
        ('{"format": "something-else", "version": 1}', "not an ai-safety-field-guide"),
        ('{"format": "ai-safety-field-guide", "version": 2}', "version 2"),
        ('{"format": "ai-safety-field-guide", "version": 1, "roles": {}}', "list of objects"),
        ('{"format": "ai-safety-field-guide", "version": 1, "widgets": []}', "widgets"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(tmp_path, text, expected):
    with pytest.raises(CommandError, match=expected):
        import_text(text, tmp_path)


def test_dry_run_saves_nothing(content, tmp_path):
    text = export_text()
    wipe_content()
    message = import_text(text, tmp_path, "--dry-run")
    assert "Dry run" in message
    assert Organization.objects.count() == 0
    assert Paper.objects.count() == 0


def test_export_to_a_file(content, tmp_path):
    path = tmp_path / "out.json"
    call_command("export_content", "--output", str(path), stderr=io.StringIO())
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "ai-safety-field-guide"
    assert path.read_text(encoding="utf-8") == export_text()


def test_import_into_an_instance_with_other_content_merges(content, tmp_path):
    text = export_text()
    wipe_content()
    local = factories.ProgramFactory(slug="local-only")
    import_text(text, tmp_path)
    assert Program.objects.filter(slug="local-only").exists()
    assert Program.objects.filter(slug="mats").exists()
    assert Guide.objects.get(slug="start").steps.count() == 2
    assert local.pk == Program.objects.get(slug="local-only").pk


def test_imported_records_are_searchable(content, tmp_path):
    from search.models import SearchEntry

    text = export_text()
    wipe_content()
    import_text(text, tmp_path)
    assert SearchEntry.objects.filter(title=Role.objects.get(slug="researcher").name).exists()
    # Signals are live again after the import.
    factories.PaperFactory(name="Fresh paper", slug="fresh")
    assert SearchEntry.objects.filter(title="Fresh paper").exists()
