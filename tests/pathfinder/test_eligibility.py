"""Who can apply: each eligibility rule at its edge, and the order of the programs
one can apply to (open first by deadline) on frozen days."""

import datetime

import pytest
import time_machine

from careers.models import Program
from pathfinder import scoring
from pathfinder.plan import Catalogue, build_plan
from tests.careers.factories import ProgramFactory

from .factories import CareerStageFactory

pytestmark = pytest.mark.django_db


def refusals(program, **answers):
    given = scoring.Answers(**answers)
    return [r for rule in scoring.ELIGIBILITY_RULES if (r := rule(program, given))]


def test_career_stage_edges():
    student, early, mid, senior = (
        CareerStageFactory(name=name, slug=name.lower(), order=order)
        for order, name in enumerate(("Student", "Early-career", "Mid-career", "Senior"))
    )
    program = ProgramFactory(format=Program.Format.ONLINE)
    program.career_stages.set([mid, senior])
    open_to_all = ProgramFactory(format=Program.Format.ONLINE)  # stages not known

    assert refusals(program, career=early) == ["accepts Mid-career and Senior only"]
    assert refusals(program, career=mid) == []
    assert refusals(program, career=senior) == []
    assert refusals(program) == []  # no stage given: nothing to refuse
    assert refusals(open_to_all, career=student) == []
    assert scoring.program_caveats(open_to_all, scoring.Answers(career=student)) == [
        "Career stages it accepts"
    ]
    program.career_stages.set([student, early, mid])
    assert refusals(program, career=senior) == ["accepts Student, Early-career and Mid-career only"]


def test_where_edges():
    berkeley = ProgramFactory(format=Program.Format.IN_PERSON, location="Berkeley")
    hybrid = ProgramFactory(format=Program.Format.HYBRID, location="London")
    online = ProgramFactory(format=Program.Format.ONLINE, location="")

    assert refusals(berkeley, where="online") == ["in person in Berkeley"]
    assert refusals(hybrid, where="online") == ["hybrid, partly in person in London"]
    assert refusals(online, where="online") == []
    assert refusals(berkeley, where="Berkeley") == []
    assert refusals(hybrid, where="Berkeley") == ["hybrid, partly in person in London"]
    assert refusals(online, where="Berkeley") == []
    assert refusals(berkeley, where="") == []  # anywhere


def test_paid_only_edges():
    funded = ProgramFactory(format=Program.Format.ONLINE, cost=Program.Cost.FUNDED)
    free = ProgramFactory(format=Program.Format.ONLINE, cost=Program.Cost.FREE)
    fee = ProgramFactory(format=Program.Format.ONLINE, cost=Program.Cost.PAID)

    assert refusals(funded, paid=True) == []
    assert refusals(free, paid=True) == ["unpaid"]
    assert refusals(fee, paid=True) == ["unpaid, and it charges a fee"]
    assert refusals(free, paid=False) == []


def test_hours_edges():
    program = ProgramFactory(format=Program.Format.ONLINE, hours_per_week=10)
    unknown = ProgramFactory(format=Program.Format.ONLINE, hours_per_week=None)

    assert refusals(program, hours=10) == []
    assert refusals(program, hours=9) == ["asks 10 hours a week; you have 9"]
    assert refusals(program) == []
    assert refusals(unknown, hours=1) == []
    assert scoring.program_caveats(unknown, scoring.Answers(hours=1)) == ["Hours a week"]


def test_every_refusal_is_listed():
    program = ProgramFactory(
        format=Program.Format.IN_PERSON,
        location="Berkeley",
        cost=Program.Cost.FREE,
        hours_per_week=40,
    )
    assert refusals(program, where="online", paid=True, hours=5) == [
        "in person in Berkeley",
        "unpaid",
        "asks 40 hours a week; you have 5",
    ]


LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def dated_program(**kwargs):
    """Published long before the frozen days the tests travel to."""
    return ProgramFactory(publish_at=LONG_AGO, **kwargs)


def _plan(today):
    catalogue = Catalogue.load()
    return build_plan(catalogue, catalogue.answers({}), today=today)


def test_open_programs_come_first_by_deadline_at_the_windows_edges():
    day = datetime.date(2026, 3, 10)
    dated_program(
        name="Closes later",
        applications_open=day - datetime.timedelta(days=30),
        application_deadline=day + datetime.timedelta(days=20),
    )
    dated_program(
        name="Closes today",
        applications_open=day - datetime.timedelta(days=30),
        application_deadline=day,
    )
    dated_program(
        name="Closed yesterday",
        applications_open=day - datetime.timedelta(days=30),
        application_deadline=day - datetime.timedelta(days=1),
    )
    dated_program(
        name="Opens tomorrow",
        applications_open=day + datetime.timedelta(days=1),
        application_deadline=day + datetime.timedelta(days=5),
    )
    dated_program(name="Rolling", cadence=Program.Cadence.ROLLING)
    dated_program(name="No dates")

    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC), tick=False):
        plan = _plan(None)
        names = [(e.program.name, e.program.application_status) for e in plan.programs]

    assert names == [
        ("Closes today", "open"),
        ("Closes later", "open"),
        ("Opens tomorrow", "opening-soon"),
        ("Rolling", "rolling"),
        ("No dates", "unknown"),
        ("Closed yesterday", "closed"),
    ]


def test_the_day_after_the_deadline_the_program_is_closed():
    day = datetime.date(2026, 3, 10)
    dated_program(
        name="Window", applications_open=day - datetime.timedelta(days=3), application_deadline=day
    )
    statuses = {}
    for offset in (-4, -3, 0, 1):
        when = day + datetime.timedelta(days=offset)
        with time_machine.travel(
            datetime.datetime.combine(when, datetime.time(12), tzinfo=datetime.UTC), tick=False
        ):
            statuses[offset] = _plan(None).programs[0].program.application_status
    assert statuses == {-4: "opening-soon", -3: "open", 0: "open", 1: "closed"}


@pytest.mark.parametrize("limit", [1, 3, 6, 10])
def test_the_start_pages_first_programs_are_chosen_in_sql_in_the_same_order(limit):
    """The start page keeps the first programs in ``program_order`` (chosen and counted
    in SQL) and says how many it left off."""
    day = datetime.date(2026, 3, 10)
    for name, opens, closes, extra in [
        ("b closes later", -30, 20, {}),
        ("A closes later", -30, 20, {}),
        ("closes today", -30, 0, {}),
        ("closed", -30, -1, {}),
        ("opens in a week", 7, 30, {}),
        ("opens tomorrow", 1, 5, {}),
        ("rolling", None, None, {"cadence": Program.Cadence.ROLLING}),
        ("no dates", None, None, {}),
    ]:
        dated_program(
            name=name,
            applications_open=day + datetime.timedelta(days=opens) if opens is not None else None,
            application_deadline=day + datetime.timedelta(days=closes)
            if closes is not None
            else None,
            **extra,
        )
    catalogue = Catalogue.load()
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC), tick=False):
        every = [e.program.name for e in _plan(None).programs]
        cut = build_plan(catalogue, catalogue.answers({}), program_limit=limit)

    assert every == [
        "closes today",
        "A closes later",
        "b closes later",
        "opens tomorrow",
        "opens in a week",
        "rolling",
        "no dates",
        "closed",
    ]
    assert [e.program.name for e in cut.programs] == every[:limit]
    assert cut.more_programs == max(0, len(every) - limit)
    assert cut.program_count == len(every)
