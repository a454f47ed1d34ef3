"""What links here: backlinks from relations, guide steps and Markdown links."""

import pytest

from careers.models import RolePathwayItem
from core import registry
from core.models import Status
from guides.models import GuideStep
from links.backlinks import backlinks_for, links_in, rebuild_links, sources
from links.models import MarkdownLink
from tests.factories import (
    FailureModeFactory,
    GuideFactory,
    GuideStepFactory,
    OrganizationFactory,
    PaperFactory,
    ProgramFactory,
    ResearchAgendaFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


def names(groups):
    return {label: sorted(record.name for record in records) for label, records in groups.items()}


def test_program_backlinks_from_roles_guides_and_markdown():
    program = ProgramFactory(slug="mats", name="MATS")
    role = RoleFactory(name="Research engineer")
    role.programs.add(program)
    guide = GuideFactory(name="Start here")
    GuideStepFactory(guide=guide).programs.add(program)
    agenda = ResearchAgendaFactory(name="Interpretability", description="Try [MATS](program:mats).")
    paper = PaperFactory(name="A paper", description="See <program:mats> and [x](program:mats-2)")
    org = OrganizationFactory(name="Org with a link", description='[MATS](program:mats "title")')

    groups = backlinks_for(program)

    assert names(groups) == {
        "Guides": ["Start here"],
        "Roles": ["Research engineer"],
        "Research agendas": ["Interpretability"],
        # The organizer's description links here too (the organizer itself
        # is a forward relation of the program, so it is not a backlink).
        "Organizations": ["Org with a link"],
        "Papers and books": ["A paper"],
    }
    assert list(groups) == [
        "Guides",
        "Roles",
        "Research agendas",
        "Organizations",
        "Papers and books",
    ]
    assert agenda in groups["Research agendas"]
    assert org in groups["Organizations"]
    assert paper in groups["Papers and books"]


def test_similar_slugs_do_not_count():
    program = ProgramFactory(slug="mats")
    PaperFactory(description="[Other](program:mats-extension) and program:mats in prose")
    RoleFactory(overview="[Other](program:matsx)")
    assert backlinks_for(program) == {}


def test_reference_links_and_child_rows():
    org = OrganizationFactory(slug="far-ai")
    role = RoleFactory(name="Role via FAQ")
    role.faqs.create(question="Where?", answer="[FAR][far]\n\n[far]: org:far-ai")
    guide = GuideFactory(name="Guide via step body")
    GuideStepFactory(guide=guide, body="Read [FAR.AI](organization:far-ai)")
    groups = backlinks_for(org)
    assert names(groups) == {"Guides": ["Guide via step body"], "Roles": ["Role via FAQ"]}


def test_agenda_backlinks_from_every_relation():
    agenda = ResearchAgendaFactory()
    role = RoleFactory()
    role.agendas.add(agenda)
    program = ProgramFactory()
    program.agendas.add(agenda)
    paper = PaperFactory()
    paper.agendas.add(agenda)
    failure_mode = FailureModeFactory()
    failure_mode.agendas.add(agenda)
    step = GuideStepFactory()
    step.agendas.add(agenda)
    groups = backlinks_for(agenda)
    assert groups == {
        "Guides": [step.guide],
        "Roles": [role],
        "Programs": [program],
        "Papers and books": [paper],
        "Failure modes": [failure_mode],
    }


def test_organization_backlinks():
    org = OrganizationFactory()
    agenda = ResearchAgendaFactory()
    agenda.key_organizations.add(org)
    role = RoleFactory()
    role.hiring_organizations.add(org)
    program = ProgramFactory(organizer=org)
    paper = PaperFactory()
    paper.organizations.add(org)
    groups = backlinks_for(org)
    assert groups == {
        "Roles": [role],
        "Research agendas": [agenda],
        "Programs": [program],
        "Papers and books": [paper],
    }
    assert list(backlinks_for(org, exclude=("role", "program"))) == [
        "Research agendas",
        "Papers and books",
    ]


def test_related_roles_and_pathway_items_link_roles():
    role = RoleFactory()
    other = RoleFactory()
    role.related_roles.add(other)
    assert backlinks_for(other) == {"Roles": [role]}
    assert backlinks_for(role) == {"Roles": [other]}

    paper = PaperFactory()
    RolePathwayItem.objects.create(role=role, paper=paper)
    assert backlinks_for(paper) == {"Roles": [role]}


def test_paper_backlinks_from_failure_modes():
    paper = PaperFactory()
    failure_mode = FailureModeFactory()
    failure_mode.papers.add(paper)
    assert backlinks_for(paper) == {"Failure modes": [failure_mode]}


def test_only_published_records_link():
    program = ProgramFactory(slug="mats")
    RoleFactory(status=Status.DRAFT).programs.add(program)
    RoleFactory(publish_at="2999-01-01T00:00:00Z").programs.add(program)
    PaperFactory(status=Status.REVIEW, description="[MATS](program:mats)")
    GuideStepFactory(guide=GuideFactory(status=Status.DRAFT)).programs.add(program)
    assert backlinks_for(program) == {}


def test_a_record_does_not_link_to_itself():
    paper = PaperFactory(slug="self-ref", description="[me](paper:self-ref)")
    assert backlinks_for(paper) == {}


def test_each_record_appears_once_per_group():
    program = ProgramFactory(slug="mats")
    role = RoleFactory(overview="[MATS](program:mats)", career_outlook="(program:mats)")
    role.programs.add(program)
    role.faqs.create(question="?", answer="[MATS](program:mats)")
    guide = GuideFactory(intro="[MATS](program:mats)")
    for _ in range(3):
        GuideStepFactory(guide=guide, body="[MATS](program:mats)").programs.add(program)
    assert backlinks_for(program) == {"Guides": [guide], "Roles": [role]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[x](program:mats)", {("program", "mats")}),
        ('[x](program:mats "title")', {("program", "mats")}),
        ("<program:mats>", {("program", "mats")}),
        ("[x][m]\n\n[m]: program:mats", {("program", "mats")}),
        (
            "[x](org:redwood) and [y](organization:far)",
            {("organization", "redwood"), ("organization", "far")},
        ),
        ("[x](/programs/mats/)", {("program", "mats")}),
        (
            "[x](https://fieldguide.example/failure-modes/reward-hacking/)",
            {("failure-mode", "reward-hacking")},
        ),
        ("[x](program:mats-2)", {("program", "mats-2")}),
        # Not links to a record:
        ("(program:mats) in prose", set()),
        ("`[x](program:mats)` in code", set()),
        ("[x](progam:mats) [y](/roles/) [z](https://example.com/programs/mats/)", set()),
        ("[x](program:has/slash) [y](program:bad slug)", set()),
        ("[x](/nowhere/at/all/)", set()),
        # Longer than any slug can be (and than the link table's column).
        (f"[x](program:{'a' * 201}) [y](/programs/{'b' * 201}/)", set()),
    ],
)
def test_links_in_finds_exactly_what_readers_see_as_record_links(settings, text, expected):
    settings.SITE_URL = "https://fieldguide.example"
    assert links_in([text]) == expected


def test_saving_a_record_stores_its_outgoing_links():
    role = RoleFactory(overview="[MATS](program:mats)", career_outlook="[R](org:redwood)")
    assert stored(role) == {("program", "mats"), ("organization", "redwood")}

    role.overview = "No links any more."
    role.save()
    assert stored(role) == {("organization", "redwood")}

    role.delete()
    assert not MarkdownLink.objects.exists()


def test_child_rows_links_belong_to_their_parent():
    role = RoleFactory()
    faq = role.faqs.create(question="How?", answer="Apply to [MATS](program:mats).")
    guide = GuideFactory()
    step = GuideStepFactory(guide=guide, body="Read [this](paper:risks).")
    assert stored(role) == {("program", "mats")}
    assert stored(guide) == {("paper", "risks")}

    faq.answer = "Apply to [ARENA](program:arena)."
    faq.save()
    step.delete()
    assert stored(role) == {("program", "arena")}
    assert stored(guide) == set()


def test_a_link_written_before_its_target_exists_counts_once_it_exists():
    role = RoleFactory(overview="[Soon](program:soon)")
    program = ProgramFactory(slug="soon")
    assert backlinks_for(program) == {"Roles": [role]}


def test_rebuild_gives_the_same_table_as_the_signals():
    RoleFactory(overview="[MATS](program:mats)").faqs.create(question="?", answer="<org:x>")
    GuideStepFactory(body="[p](paper:p) [q](/papers/q/)")
    FailureModeFactory(why_it_matters="[a](agenda:control)")
    before = set(MarkdownLink.objects.values_list(*LINK_COLUMNS))
    assert len(before) == 5

    MarkdownLink.objects.all().delete()
    assert rebuild_links() == 5
    assert set(MarkdownLink.objects.values_list(*LINK_COLUMNS)) == before


def test_markdown_links_from_bulk_imports_appear_after_a_rebuild():
    from django.core.management import call_command

    from guides.models import Paper

    program = ProgramFactory(slug="mats")
    paper = PaperFactory.build(description="[MATS](program:mats)", status=Status.PUBLISHED)
    Paper.objects.bulk_create([paper])  # no signals
    assert backlinks_for(program) == {}
    call_command("rebuild_search_index", verbosity=0)
    assert names(backlinks_for(program)) == {"Papers and books": [paper.name]}


LINK_COLUMNS = ("source_type", "source_id", "target_type", "target_slug")


def stored(record):
    rows = MarkdownLink.objects.filter(
        source_id=record.pk, source_type=registry.for_model(record).slug
    )
    return set(rows.values_list("target_type", "target_slug"))


def test_every_markdown_field_is_scanned():
    """Every Markdown field, of a record or of a child row, is read for links."""
    from careers.models import RoleFAQ

    covered = {(source.model, name) for source in sources() for name in source.markdown}
    covered |= {(child.model, child.field) for source in sources() for child in source.child_text}
    for model in [source.model for source in sources()] + [GuideStep, RoleFAQ]:
        for field in model._meta.get_fields():
            if "Markdown" in str(getattr(field, "help_text", "")):
                assert (model, field.name) in covered, f"{model.__name__}.{field.name}"


def _link_from_every_type(target, n):
    for _ in range(n):
        RoleFactory(overview="[t](program:target)").programs.add(target)
        GuideStepFactory(body="(program:target)").programs.add(target)
        ResearchAgendaFactory(description="[t](program:target)")
        PaperFactory(description="[t](program:target)")
        FailureModeFactory(body="[t](program:target)")
        OrganizationFactory(description="[t](program:target)")
        ProgramFactory(description="[t](program:target)")


@pytest.mark.parametrize("size", [1, 15])
def test_backlinks_run_a_constant_number_of_queries(size, django_assert_num_queries):
    target = ProgramFactory(slug="target")
    _link_from_every_type(target, size)
    with django_assert_num_queries(1):  # one for every record type together, whatever the size
        groups = backlinks_for(target)
        # Rendering what the partial shows needs no more queries.
        for records in groups.values():
            for record in records:
                record.get_absolute_url()
                str(record.type_label)
    assert sum(len(records) for records in groups.values()) == 7 * size


def test_partial_renders_groups_in_order():
    from django.template.loader import render_to_string

    program = ProgramFactory(slug="mats")
    RoleFactory(name="Research engineer").programs.add(program)
    GuideStepFactory(guide=GuideFactory(name="Start here")).programs.add(program)
    html = render_to_string("partials/backlinks.html", {"backlinks": backlinks_for(program)})
    assert '<h2 id="backlinks-title">What links here</h2>' in html
    assert html.index("Guides") < html.index("Roles")
    assert html.count("<h3") == 2
    assert 'href="/roles/' in html
    assert render_to_string("partials/backlinks.html", {"backlinks": {}}).strip() == ""


def test_the_query_is_compiled_once_per_record_type_and_run_with_each_records_values(
    monkeypatch,
):
    from links import backlinks

    backlinks._compiled.clear()
    built = []
    real = backlinks._backlink_query
    monkeypatch.setattr(
        backlinks, "_backlink_query", lambda *a, **kw: built.append(a[0]) or real(*a, **kw)
    )
    first, second = ProgramFactory(slug="first-program"), ProgramFactory(slug="second-program")
    RoleFactory(name="Links the first").programs.add(first)
    RoleFactory(name="Links the second").programs.add(second)
    PaperFactory(name="Names the second", description="See [it](program:second-program).")

    assert names(backlinks_for(first)) == {"Roles": ["Links the first"]}
    assert names(backlinks_for(second)) == {
        "Roles": ["Links the second"],
        "Papers and books": ["Names the second"],
    }
    assert len(built) == 1  # the second program reused the first one's SQL
    assert built[0].pk not in (first.pk, second.pk)  # built from placeholder values


def test_compiled_backlinks_still_apply_the_publication_time(time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC), tick=False)
    program = ProgramFactory()
    RoleFactory(name="Due now").programs.add(program)
    RoleFactory(name="Due tomorrow", publish_at="2030-01-02T12:00:00Z").programs.add(program)
    assert names(backlinks_for(program)) == {"Roles": ["Due now"]}

    time_machine.move_to(dt.datetime(2030, 1, 3, tzinfo=dt.UTC), tick=False)
    assert names(backlinks_for(program)) == {"Roles": ["Due now", "Due tomorrow"]}


def test_a_query_whose_values_cannot_be_swapped_is_built_for_each_record(monkeypatch):
    from links import backlinks

    backlinks._compiled.clear()
    # Placeholders that the compiled SQL cannot be told apart from: no reuse.
    monkeypatch.setattr(backlinks, "_PLACEHOLDER_PK", 0)
    program = ProgramFactory()
    RoleFactory(name="Links it").programs.add(program)
    assert names(backlinks_for(program)) == {"Roles": ["Links it"]}
    assert False in backlinks._compiled.values()
