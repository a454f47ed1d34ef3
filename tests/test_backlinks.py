"""What links here: backlinks from relations, guide steps and Markdown links."""

import re

import pytest

from careers.models import RolePathwayItem
from core.backlinks import SOURCES, backlinks_for, markdown_link_regex
from core.models import Status
from guides.models import GuideStep

from .factories import (
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


def test_markdown_link_regex_is_anchored():
    program = ProgramFactory.build(slug="mats")
    pattern = markdown_link_regex(program)
    assert re.search(pattern, "[x](program:mats)")
    assert re.search(pattern, "[x]: program:mats\nmore")
    assert re.search(pattern, "[x]: program:mats")
    assert not re.search(pattern, "[x](program:mats-2)")
    assert not re.search(pattern, "[x](role:mats)")


def test_every_markdown_field_is_scanned():
    """A new Markdown field must be added to core.backlinks.SOURCES."""
    from django.apps import apps

    from careers.models import RoleFAQ

    covered = {(source.model, name) for source in SOURCES for name in source.markdown}
    covered |= {
        (apps.get_model(child.model_label), child.field)
        for source in SOURCES
        for child in source.child_text
    }
    for model in [source.model for source in SOURCES] + [GuideStep, RoleFAQ]:
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
    with django_assert_num_queries(len(SOURCES)):  # seven, whatever the size
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
