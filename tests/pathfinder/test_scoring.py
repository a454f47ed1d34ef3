"""One test per scoring rule: each pins the rule's points and its reason, so it fails
when the rule changes. Rules are called directly with hand-made evidence, and once
through ``build_plan`` to show the records feed them."""

import pytest

from careers.models import Program
from guides.models import ResearchAgenda
from pathfinder import scoring
from pathfinder.plan import Catalogue, Scored, build_plan
from tests.careers.factories import ProgramFactory, RoleFactory
from tests.guides.factories import FailureModeFactory, ResearchAgendaFactory

from .factories import (
    BackgroundFactory,
    CruxFactory,
    TimelineFactory,
    agenda_fit,
    position,
    program_fit,
    role_fit,
)

pytestmark = pytest.mark.django_db


def answers(**kwargs):
    return scoring.Answers(**kwargs)


def test_background_fit_gives_three_points_with_the_editors_reason():
    agenda = ResearchAgendaFactory(name="AI Control")
    background = BackgroundFactory(name="Security and adversarial work")
    fit = agenda_fit(background, agenda, "Security background very relevant")
    evidence = scoring.Evidence()
    evidence.agenda_background_fits = {agenda.pk: [fit]}

    reasons = scoring.background_fit(agenda, answers(backgrounds=[background]), evidence)

    assert reasons == [
        scoring.Reason(
            "background",
            3,
            "Security and adversarial work background → AI Control: "
            "Security background very relevant",
        )
    ]


def test_plausible_bet_gives_three_points_quoting_the_bet():
    agenda = ResearchAgendaFactory(if_you_believe="monitoring can work")
    other = ResearchAgendaFactory(if_you_believe="something else")

    chosen = scoring.plausible_bet(agenda, answers(bets=[agenda]), scoring.Evidence())
    not_chosen = scoring.plausible_bet(other, answers(bets=[agenda]), scoring.Evidence())

    assert chosen == [
        scoring.Reason(
            "bet", 3, "You find “monitoring can work” plausible — the bet this agenda makes"
        )
    ]
    assert not_chosen == []


def test_concern_studied_gives_two_points_per_failure_mode():
    agenda = ResearchAgendaFactory()
    mode = FailureModeFactory(name="deceptive alignment")
    evidence = scoring.Evidence()
    evidence.agenda_concerns = {agenda.pk: [mode]}

    reasons = scoring.concern_studied(agenda, answers(concerns=[mode]), evidence)

    assert reasons == [
        scoring.Reason(
            "concern",
            2,
            "You are most concerned about deceptive alignment, which this agenda studies",
        )
    ]


def test_timeline_points_here_gives_one_point_per_position():
    agenda = ResearchAgendaFactory()
    crux = CruxFactory(name="What if timelines are short?")
    short = position(crux, "Short timelines", agendas=[agenda])
    timeline = TimelineFactory(name="Short")
    evidence = scoring.Evidence()
    evidence.agenda_timeline_positions = {agenda.pk: [short]}

    reasons = scoring.timeline_points_here(agenda, answers(timeline=timeline), evidence)
    without = scoring.timeline_points_here(agenda, answers(), evidence)

    assert reasons == [
        scoring.Reason(
            "timeline",
            1,
            "You expect short timelines, and “Short timelines” on "
            "“What if timelines are short?” points to this agenda",
        )
    ]
    assert without == []


def test_research_status_takes_points_from_archived_and_declining_agendas():
    successor = ResearchAgendaFactory(name="Successor")
    archived = ResearchAgendaFactory(
        research_status=ResearchAgenda.ResearchStatus.ARCHIVED, superseded_by=successor
    )
    declining = ResearchAgendaFactory(research_status=ResearchAgenda.ResearchStatus.DECLINING)
    active = ResearchAgendaFactory(research_status=ResearchAgenda.ResearchStatus.ACTIVE)
    evidence = scoring.Evidence()

    assert scoring.research_status(archived, answers(), evidence) == [
        scoring.Reason("status", -3, "This agenda is archived; it was superseded by Successor")
    ]
    assert scoring.research_status(declining, answers(), evidence) == [
        scoring.Reason("status", -1, "Work on this agenda is declining")
    ]
    assert scoring.research_status(active, answers(), evidence) == []


def test_role_rules_points_and_reasons():
    agenda = ResearchAgendaFactory(name="Evals")
    role = RoleFactory(name="Red-teamer")
    role.agendas.add(agenda)
    background = BackgroundFactory(name="Security")
    fit = role_fit(background, role, "finds failure modes")
    evidence = scoring.Evidence()
    evidence.role_background_fits = {role.pk: [fit]}
    top = [Scored(ResearchAgendaFactory(), []), Scored(agenda, [])]

    assert scoring.role_background_fit(role, answers(), evidence, top) == [
        scoring.Reason(
            "role-background", 3, "Security background → Red-teamer: finds failure modes"
        )
    ]
    assert scoring.role_top_agenda(role, answers(), evidence, top) == [
        scoring.Reason("role-agenda", 1, "Works on Evals, #2 for you")
    ]


def test_score_is_the_sum_of_every_reason_and_ranks_the_agendas():
    """Through the records: the plan adds the rules up and orders by the total."""
    background = BackgroundFactory()
    control = ResearchAgendaFactory(name="Control", order=2, if_you_believe="protocols work")
    interp = ResearchAgendaFactory(name="Interp", order=1, if_you_believe="models are legible")
    untouched = ResearchAgendaFactory(name="Untouched", order=0)
    agenda_fit(background, control)
    mode = FailureModeFactory()
    mode.agendas.add(control, interp)

    catalogue = Catalogue.load()
    plan = build_plan(
        catalogue,
        catalogue.answers(
            {"background": [background.slug], "bet": [interp.slug], "concern": [mode.slug]}
        ),
    )

    assert [(s.agenda.name, s.score) for s in plan.agendas] == [("Interp", 5), ("Control", 5)]
    assert {r.rule for r in plan.agendas[0].reasons} | {
        r.rule for r in plan.agendas[1].reasons
    } == {"background", "bet", "concern"}
    assert all(s.score == sum(r.points for r in s.reasons) for s in plan.agendas)
    assert untouched in plan.other_agendas


def test_ties_keep_the_editors_order_and_higher_scores_come_first():
    background = BackgroundFactory()
    first = ResearchAgendaFactory(name="First", order=1)
    second = ResearchAgendaFactory(name="Second", order=2)
    third = ResearchAgendaFactory(name="Third", order=3, if_you_believe="bet")
    for agenda in (first, second, third):
        agenda_fit(background, agenda)
    catalogue = Catalogue.load()

    plan = build_plan(
        catalogue, catalogue.answers({"background": [background.slug], "bet": [third.slug]})
    )

    assert [s.agenda.name for s in plan.agendas] == ["Third", "First", "Second"]
    assert [s.score for s in plan.agendas] == [6, 3, 3]


def test_an_agenda_with_no_points_is_never_ranked():
    archived = ResearchAgendaFactory(research_status=ResearchAgenda.ResearchStatus.ARCHIVED)
    mode = FailureModeFactory()
    mode.agendas.add(archived)  # +2 concern, -3 archived = -1
    catalogue = Catalogue.load()

    plan = build_plan(catalogue, catalogue.answers({"concern": [mode.slug]}))

    assert plan.agendas == []
    assert archived in plan.other_agendas


def test_weeks_at_rounds_up():
    assert scoring.weeks_at(600, 10) == 1
    assert scoring.weeks_at(601, 10) == 2
    assert scoring.weeks_at(600, None) is None


def test_program_reasons_name_background_agenda_and_role():
    background = BackgroundFactory(name="DL")
    agenda = ResearchAgendaFactory(name="Interp", if_you_believe="x")
    program = ProgramFactory(format=Program.Format.ONLINE)
    program.agendas.add(agenda)
    role = RoleFactory(name="Engineer")
    role.programs.add(program)
    role_fit(background, role)
    program_fit(background, program, "builds the skills")
    catalogue = Catalogue.load()

    plan = build_plan(
        catalogue, catalogue.answers({"background": [background.slug], "bet": [agenda.slug]})
    )

    (entry,) = plan.programs
    assert entry.reasons == [
        "DL background: builds the skills",
        "Trains for Interp, #1 for you",
        "Leads into Engineer, a role that fits you",
    ]


def test_a_program_names_every_role_it_leads_into_in_one_reason():
    background = BackgroundFactory(name="DL")
    program = ProgramFactory(format=Program.Format.ONLINE)
    for name in ("Engineer", "Analyst", "Manager"):
        role = RoleFactory(name=name)
        role.programs.add(program)
        role_fit(background, role)
    catalogue = Catalogue.load()

    plan = build_plan(catalogue, catalogue.answers({"background": [background.slug]}))

    (entry,) = plan.programs
    assert entry.reasons == ["Leads into Analyst, Engineer and Manager, roles that fit you"]
    assert scoring.leads_into_reason(["Engineer"]) == "Leads into Engineer, a role that fits you"
    assert scoring.leads_into_reason(["A", "B"]) == "Leads into A and B, roles that fit you"


def test_a_kind_of_organization_names_its_first_roles_and_counts_the_rest():
    assert scoring.employs_reason(["A"]) == "Employs people as A, a role that fits you"
    assert scoring.employs_reason(["A", "B"]) == "Employs people in roles that fit you: A and B"
    names = [f"R{n}" for n in range(scoring.NAMED_ROLES + 3)]
    assert scoring.employs_reason(names) == (
        "Employs people in roles that fit you: R0, R1, R2, R3, R4 and 3 more"
    )


def test_the_page_shows_the_best_roles_in_full_and_the_rest_by_name(client):
    background = BackgroundFactory(name="DL")
    count = scoring.PLAN_CARDS + 4
    for n in range(count):
        role_fit(background, RoleFactory(name=f"Fitting role {n:02}"))

    body = client.get(f"/find-your-direction/?background={background.slug}").content.decode()
    plan = Catalogue.load()
    plan = build_plan(plan, plan.answers({"background": [background.slug]}))

    assert len(plan.roles) == count
    assert [s.record.name for s in plan.roles_shown] == [s.record.name for s in plan.roles][
        : scoring.PLAN_CARDS
    ]
    shown, _sep, rest = body.partition('<details class="plan-more-list">')
    assert "4 more roles that fit, by points" in rest
    for scored in plan.roles_shown:
        assert f">{scored.record.name}</a></h3>" in shown
    for scored in plan.roles_more:
        assert f">{scored.record.name}</a>" in rest and scored.record.name not in shown
    # The JSON still holds every role.
    data = client.get(f"/api/v1/plan/?background={background.slug}").json()
    assert len(data["roles"]) == count
