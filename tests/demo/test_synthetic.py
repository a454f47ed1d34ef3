"""manage.py generate_synthetic_content at a tiny scale: sizes, links, tags, seed, --flush."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from taggit.models import TaggedItem

from careers.models import (
    Background,
    BackgroundContribution,
    BackgroundRoleFit,
    Program,
    Qualification,
    Role,
    RoleDuty,
    RoleFAQ,
)
from core import cache as page_cache
from core.models import Status
from demo.management.commands import generate_synthetic_content as gen
from guides.models import (
    AgendaApproach,
    AgendaQuickProject,
    Crux,
    CruxPosition,
    FailureMode,
    Guide,
    GuideStep,
    Paper,
    ResearchAgenda,
)
from organizations.models import Organization
from search.models import SearchEntry
from tests import factories

pytestmark = pytest.mark.django_db

SCALE = 0.003  # 30 organizations, 15 roles, 60 papers…
MODELS = {
    "organizations": Organization,
    "roles": Role,
    "papers": Paper,
    "programs": Program,
    "agendas": ResearchAgenda,
    "failure_modes": FailureMode,
    "guides": Guide,
    "backgrounds": Background,
    "cruxes": Crux,
}


def generate(scale=SCALE, **options):
    call_command("generate_synthetic_content", scale=scale, seed=7, verbosity=0, **options)


def synthetic(model):
    return model.objects.filter(slug__regex=gen.SLUG_REGEX)


def test_full_scale_sizes_meet_the_brief():
    sizes = gen.scaled(1.0)
    assert sizes["organizations"] >= 10_000
    assert sizes["roles"] >= 5_000
    assert sizes["papers"] >= 20_000


def test_tiny_scale_has_the_right_proportions_relations_and_tags():
    generate()
    sizes = gen.scaled(SCALE)
    for key, model in MODELS.items():
        assert synthetic(model).count() == sizes[key], key
    # Scaled like the full set: twice as many organizations as roles, four times as many papers.
    assert sizes["organizations"] == 2 * sizes["roles"]
    assert sizes["papers"] == 2 * sizes["organizations"]

    # Every record is published and visible now.
    for model in MODELS.values():
        assert synthetic(model).exclude(status=Status.PUBLISHED).count() == 0
        assert model.objects.published().count() == synthetic(model).count()

    roles = sizes["roles"]
    assert RoleDuty.objects.count() == roles * gen.DUTIES_PER_ROLE
    assert Qualification.objects.count() == roles * gen.QUALIFICATIONS_PER_ROLE
    assert RoleFAQ.objects.count() == roles * gen.FAQS_PER_ROLE
    assert AgendaApproach.objects.count() == sizes["agendas"] * gen.APPROACHES_PER_AGENDA
    assert GuideStep.objects.count() == sizes["guides"] * gen.STEPS_PER_GUIDE

    # Relations: every paper has an agenda, every role hiring organizations and a category.
    assert not Paper.objects.filter(agendas__isnull=True).exists()
    assert not Role.objects.filter(hiring_organizations__isnull=True).exists()
    assert not Role.objects.filter(employer_types__isnull=True).exists()
    assert Paper.organizations.through.objects.exists()
    assert ResearchAgenda.key_organizations.through.objects.exists()
    assert FailureMode.papers.through.objects.exists()
    assert GuideStep.papers.through.objects.count() >= GuideStep.objects.count()
    # Related roles are symmetrical, as Django stores them: both directions.
    pairs = set(Role.related_roles.through.objects.values_list("from_role_id", "to_role_id"))
    assert pairs and all((b, a) in pairs for a, b in pairs)

    # Tags: every record has at least one, through taggit's TaggedItem.
    for model in MODELS.values():
        ct = ContentType.objects.get_for_model(model)
        tagged = set(TaggedItem.objects.filter(content_type=ct).values_list("object_id", flat=True))
        assert tagged == set(synthetic(model).values_list("pk", flat=True)), model

    # The search index was rebuilt (bulk_create sends no signals).
    assert SearchEntry.objects.count() == sum(sizes[key] for key in MODELS)


def test_the_new_fields_and_types_of_issue_14_are_filled():
    generate()
    sizes = gen.scaled(SCALE)
    agendas = synthetic(ResearchAgenda)
    assert agendas.exclude(theory_of_change="").exists()
    assert agendas.filter(fte_min__isnull=False).exists()
    assert agendas.filter(fte_min__isnull=True).exists()  # "not known" is covered too
    assert ResearchAgenda.problems.through.objects.exists()
    assert AgendaQuickProject.objects.count() == sizes["agendas"] * gen.QUICK_PROJECTS_PER_AGENDA
    programs = synthetic(Program)
    assert programs.filter(applications_open__isnull=False).exists()
    assert programs.filter(hours_per_week__isnull=False).exists()
    assert Program.career_stages.through.objects.exists()
    assert BackgroundContribution.objects.count() == (
        sizes["backgrounds"] * gen.CONTRIBUTIONS_PER_BACKGROUND
    )
    assert BackgroundRoleFit.objects.count() >= sizes["backgrounds"]
    assert CruxPosition.objects.count() == sizes["cruxes"] * gen.POSITIONS_PER_CRUX
    # Lineage never loops: every chain of parents ends.
    for agenda in agendas.exclude(parent=None):
        assert agenda.lineage_errors() == {}


def test_pages_render_with_synthetic_content(client):
    generate()
    role = Role.objects.published().first()
    org = Organization.objects.published().first()
    for url in [
        "/",
        role.get_absolute_url(),
        org.get_absolute_url(),
        "/organizations/?type=frontier-lab",
        "/agendas/compare/",
        "/papers/?page=2",
        "/search/?q=interpretability",
        Guide.objects.first().get_absolute_url(),
    ]:
        assert client.get(url).status_code == 200, url


def test_same_seed_same_records_and_flush_replaces_them():
    generate()
    first = list(synthetic(Paper).order_by("slug").values_list("slug", "name", "year"))
    first_links = Paper.agendas.through.objects.count()
    with pytest.raises(CommandError, match="--flush"):
        generate()
    generate(flush=True)
    assert list(synthetic(Paper).order_by("slug").values_list("slug", "name", "year")) == first
    assert Paper.agendas.through.objects.count() == first_links
    assert synthetic(Organization).count() == gen.scaled(SCALE)["organizations"]


def test_flush_keeps_other_records_and_removes_their_links_to_synthetic_ones():
    own = factories.OrganizationFactory(name="Hand-made Org", slug="hand-made")
    own_paper = factories.PaperFactory(slug="hand-made-paper")
    generate()
    own_paper.organizations.add(synthetic(Organization).first())
    own_paper.organizations.add(own)
    own_program = factories.ProgramFactory(
        slug="own-program", organizer=synthetic(Organization).last()
    )

    generate(flush=True, scale=0.001)  # a different size: the old set is gone
    assert Organization.objects.filter(pk=own.pk).exists()
    assert list(own_paper.organizations.all()) == [own]
    own_program.refresh_from_db()
    assert own_program.organizer is None
    assert synthetic(Organization).count() == gen.scaled(0.001)["organizations"]


def test_generation_bumps_the_page_cache_version():
    before = page_cache.content_version()
    generate(skip_search_index=True)
    assert page_cache.content_version() > before


def test_reports_time_and_peak_memory(capsys):
    call_command("generate_synthetic_content", scale=0.001, seed=1, skip_search_index=True)
    out = capsys.readouterr().out
    assert "peak memory (ru_maxrss)" in out and " MB." in out


@pytest.mark.parametrize("skip_search_index", [False, True])
def test_the_topic_counts_are_those_of_the_generated_taggings(skip_search_index):
    from core.topics import published_topic_counts
    from tests.core.test_topic_counts import counted, models

    generate(skip_search_index=skip_search_index)
    counts = published_topic_counts(models())
    assert counts and counts == counted()
