"""A role's "how to get there" path: built from the records, editable by editors."""

import pytest
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from careers.models import BackgroundRoleFit, RolePathwayItem
from careers.pathway import PAPER_LIMIT, role_pathway
from core.models import Status
from tests.careers.factories import BackgroundFactory
from tests.factories import (
    GuideFactory,
    GuideStepFactory,
    PaperFactory,
    ProgramFactory,
    ResearchAgendaFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def role_world():
    agenda = ResearchAgendaFactory(name="Interpretability")
    role = RoleFactory(name="Interpretability researcher")
    role.agendas.add(agenda)
    intro = PaperFactory(name="Intro paper", level="introductory", reading_minutes=30)
    mid = PaperFactory(name="Middle paper", level="intermediate", reading_minutes=60)
    advanced = PaperFactory(name="Hard paper", level="advanced", reading_minutes=120)
    for paper in (advanced, mid, intro):
        paper.agendas.add(agenda)
    guide = GuideFactory(name="Reading path")
    GuideStepFactory(guide=guide, minutes=20).agendas.add(agenda)
    GuideStepFactory(guide=guide, minutes=25)
    program = ProgramFactory(name="MATS", duration_weeks=10)
    role.programs.add(program)
    return {
        "role": role,
        "agenda": agenda,
        "intro": intro,
        "mid": mid,
        "advanced": advanced,
        "guide": guide,
        "program": program,
    }


def test_path_is_ordered_introductory_first(role_world):
    pathway = role_pathway(role_world["role"])
    assert [step.record.name for step in pathway.steps] == [
        "Reading path",  # guides are introductory, read first
        "Intro paper",
        "Middle paper",
        "MATS",  # programs sit at the intermediate level, after its reading
        "Hard paper",
    ]
    assert [step.kind for step in pathway.steps] == ["guide", "paper", "paper", "program", "paper"]


def test_totals(role_world):
    pathway = role_pathway(role_world["role"])
    # Papers 30 + 60 + 120, the whole guide 20 + 25.
    assert pathway.total_minutes == 255
    assert pathway.total_weeks == 10
    assert pathway.steps_without_estimate == 0
    PaperFactory(reading_minutes=None, level="introductory").agendas.add(role_world["agenda"])
    assert role_pathway(role_world["role"]).steps_without_estimate == 1


def test_guides_naming_the_role_are_included(role_world):
    other_guide = GuideFactory(name="For this role")
    GuideStepFactory(guide=other_guide, minutes=5).roles.add(role_world["role"])
    names = [step.record.name for step in role_pathway(role_world["role"]).steps]
    assert "For this role" in names


def test_only_published_records(role_world):
    role = role_world["role"]
    PaperFactory(status=Status.DRAFT, level="introductory").agendas.add(role_world["agenda"])
    role.programs.add(ProgramFactory(status=Status.DRAFT))
    GuideStepFactory(guide=GuideFactory(status=Status.DRAFT)).agendas.add(role_world["agenda"])
    draft_agenda = ResearchAgendaFactory(status=Status.DRAFT)
    role.agendas.add(draft_agenda)
    PaperFactory(name="On a draft agenda").agendas.add(draft_agenda)
    assert len(role_pathway(role).steps) == 5


def test_editors_pin_and_reorder(role_world):
    role = role_world["role"]
    RolePathwayItem.objects.create(role=role, program=role_world["program"], order=1)
    RolePathwayItem.objects.create(role=role, paper=role_world["advanced"], order=2, note="Key")
    pathway = role_pathway(role)
    names = [step.record.name for step in pathway.steps]
    assert names[:2] == ["MATS", "Hard paper"]
    assert pathway.steps[0].pinned and pathway.steps[1].pinned
    assert pathway.steps[1].note == "Key"
    assert names[2:] == ["Reading path", "Intro paper", "Middle paper"]

    RolePathwayItem.objects.filter(program=role_world["program"]).update(order=3)
    assert [step.record.name for step in role_pathway(role).steps][:2] == ["Hard paper", "MATS"]


def test_editors_add_and_hide(role_world):
    role = role_world["role"]
    extra = PaperFactory(name="Off-agenda classic", level="introductory")
    RolePathwayItem.objects.create(role=role, paper=extra, pinned=False)
    RolePathwayItem.objects.create(role=role, paper=role_world["mid"], pinned=False, hidden=True)
    names = [step.record.name for step in role_pathway(role).steps]
    assert "Off-agenda classic" in names
    assert names.index("Off-agenda classic") < names.index("MATS")
    assert "Middle paper" not in names


def test_pinned_drafts_stay_hidden(role_world):
    role = role_world["role"]
    draft = PaperFactory(status=Status.DRAFT)
    RolePathwayItem.objects.create(role=role, paper=draft)
    assert draft not in [step.record for step in role_pathway(role).steps]


def test_papers_are_capped(role_world):
    for _ in range(PAPER_LIMIT + 5):
        PaperFactory(level="advanced").agendas.add(role_world["agenda"])
    papers = [step for step in role_pathway(role_world["role"]).steps if step.kind == "paper"]
    assert len(papers) == PAPER_LIMIT
    assert papers[0].record == role_world["intro"]


def test_item_names_exactly_one_record(role_world):
    role = role_world["role"]
    with pytest.raises(IntegrityError), transaction.atomic():
        RolePathwayItem.objects.create(role=role)
    with pytest.raises(IntegrityError), transaction.atomic():
        RolePathwayItem.objects.create(
            role=role, paper=role_world["intro"], program=role_world["program"]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RolePathwayItem.objects.create(
            role=role, paper=role_world["intro"], pinned=True, hidden=True
        )


@pytest.mark.parametrize("size", [1, 10])
def test_constant_number_of_queries(size, django_assert_num_queries):
    role = RoleFactory()
    for _ in range(size):
        agenda = ResearchAgendaFactory()
        role.agendas.add(agenda)
        PaperFactory().agendas.add(agenda)
        GuideStepFactory().agendas.add(agenda)
        role.programs.add(ProgramFactory())
        RolePathwayItem.objects.create(role=role, paper=PaperFactory())
        BackgroundRoleFit.objects.create(
            background=BackgroundFactory(), role=role, reason="It fits."
        )
    # Four for the steps, one for the backgrounds that fit the role.
    with django_assert_num_queries(5):
        pathway = role_pathway(role)
        render_to_string("careers/partials/pathway.html", {"pathway": pathway})


def test_partial(role_world):
    pathway = role_pathway(role_world["role"])
    html = render_to_string("careers/partials/pathway.html", {"pathway": pathway})
    assert 'id="how-to-get-there"' in html
    assert '<h2 id="pathway-title">How to get there</h2>' in html
    assert html.count('class="pathway-step ') == 5
    assert f'href="{role_world["program"].get_absolute_url()}"' in html
    assert "4 h 15 min" in html  # 255 minutes of reading
    assert "10 weeks" in html
    assert html.index("Reading path") < html.index("Hard paper")

    empty = role_pathway(RoleFactory())
    assert not empty
    assert render_to_string("careers/partials/pathway.html", {"pathway": empty}).strip() == ""


def test_papers_of_one_level_are_newest_first_and_undated_last(role_world):
    agenda = role_world["agenda"]
    for name, year in [("Undated intro", None), ("Old intro", 2001), ("New intro", 2030)]:
        PaperFactory(name=name, year=year, level="introductory").agendas.add(agenda)
    papers = [step.record.name for step in role_pathway(role_world["role"]) if step.kind == "paper"]
    introductory = [name for name in papers if name.endswith("intro")]
    assert introductory == ["New intro", "Old intro", "Undated intro"]
