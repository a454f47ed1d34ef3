"""The decision page's rules, all of them, each a small function.

A rule reads a reader's answers (``Answers``) and what the records say
(``Evidence``, loaded in ``pathfinder.plan``) and returns the reasons it found,
each with its points. A score is the sum of its reasons' points; nothing is
ever scored without the reasons that made the score. No rule names a record:
editors tune the outcome through the records (background fits and their
reasons, agendas' "if you believe…", failure modes' agendas, crux positions,
timelines' positions, programs' eligibility fields).

"How this works" (``/find-your-direction/how-it-works/``) explains these rules
in plain words and shows the weights below, so keep the two in step.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from careers.models import ApplicationStatus, Program

# -- weights -------------------------------------------------------------------
BACKGROUND_POINTS = 3  # a background of yours fits the agenda (an editor's fit, with its reason)
BET_POINTS = 3  # you find the agenda's "if you believe…" plausible
CONCERN_POINTS = 2  # a failure mode you are most concerned about is one the agenda studies
TIMELINE_POINTS = 1  # a crux position assuming your timelines points to the agenda
ARCHIVED_POINTS = -3  # the agenda is archived (its research status)
DECLINING_POINTS = -1  # the agenda is declining
ROLE_BACKGROUND_POINTS = 3  # a background of yours fits the role
ROLE_AGENDA_POINTS = 1  # the role works on one of your top agendas
TOP_AGENDAS = 3  # how many of the ranked agendas count as "your top agendas"
START_PROGRAMS = 8  # programs the start page lists (the rest: the programs listing)
PLAN_CARDS = 12  # roles and programs the plan page shows in full (the rest by name)


@dataclass(frozen=True)
class Reason:
    rule: str
    points: int
    text: str


@dataclass
class Answers:
    """The reader's cleaned answers, as records."""

    backgrounds: list = field(default_factory=list)
    bets: list = field(default_factory=list)  # agendas whose bet the reader finds plausible
    concerns: list = field(default_factory=list)  # failure modes
    timeline: object | None = None
    stage: object | None = None
    hours: int | None = None
    career: object | None = None  # a careers.CareerStage
    where: str = ""  # "" anywhere, "online", or a place name
    paid: bool = False

    @property
    def asks_for_directions(self) -> bool:
        """Whether any answer bears on the agendas (else nothing is ranked)."""
        return bool(self.backgrounds or self.bets or self.concerns or self.timeline)


@dataclass
class Evidence:
    """What the records say about the answers, keyed by the scored record's id."""

    agenda_background_fits: dict = field(default_factory=lambda: defaultdict(list))
    agenda_concerns: dict = field(default_factory=lambda: defaultdict(list))
    agenda_timeline_positions: dict = field(default_factory=lambda: defaultdict(list))
    role_background_fits: dict = field(default_factory=lambda: defaultdict(list))
    program_background_fits: dict = field(default_factory=lambda: defaultdict(list))
    # program id: the roles on the plan that it leads into, in the plan's order (``None``:
    # not worked out, read from each role's programs)
    program_roles: dict | None = None


# -- research agendas -----------------------------------------------------------


def background_fit(agenda, answers: Answers, evidence: Evidence) -> list[Reason]:
    """Each of your backgrounds that an editor linked to the agenda, with their reason."""
    return [
        Reason(
            "background",
            BACKGROUND_POINTS,
            f"{fit.background.name} background → {agenda.name}: {fit.reason}",
        )
        for fit in evidence.agenda_background_fits.get(agenda.pk, ())
    ]


def plausible_bet(agenda, answers: Answers, evidence: Evidence) -> list[Reason]:
    """You find the agenda's "if you believe…" plausible."""
    if not agenda.if_you_believe or agenda.pk not in {bet.pk for bet in answers.bets}:
        return []
    return [
        Reason(
            "bet",
            BET_POINTS,
            f"You find “{agenda.if_you_believe}” plausible — the bet this agenda makes",
        )
    ]


def concern_studied(agenda, answers: Answers, evidence: Evidence) -> list[Reason]:
    """Each failure mode you are most concerned about that the agenda studies."""
    return [
        Reason(
            "concern",
            CONCERN_POINTS,
            f"You are most concerned about {mode.name}, which this agenda studies",
        )
        for mode in evidence.agenda_concerns.get(agenda.pk, ())
    ]


def timeline_points_here(agenda, answers: Answers, evidence: Evidence) -> list[Reason]:
    """Each crux position that assumes your timelines and points to the agenda."""
    if answers.timeline is None:
        return []
    return [
        Reason(
            "timeline",
            TIMELINE_POINTS,
            f"You expect {answers.timeline.name.lower()} timelines, and “{position.stance}” "
            f"on “{position.crux.name}” points to this agenda",
        )
        for position in evidence.agenda_timeline_positions.get(agenda.pk, ())
    ]


def research_status(agenda, answers: Answers, evidence: Evidence) -> list[Reason]:
    """An archived or declining agenda loses points (and says what replaced it)."""
    status = agenda.research_status
    if status == agenda.ResearchStatus.ARCHIVED:
        successor = agenda.superseded_by
        text = "This agenda is archived"
        if successor is not None and successor.is_published:
            text += f"; it was superseded by {successor.name}"
        return [Reason("status", ARCHIVED_POINTS, text)]
    if status == agenda.ResearchStatus.DECLINING:
        return [Reason("status", DECLINING_POINTS, "Work on this agenda is declining")]
    return []


AGENDA_RULES = (
    background_fit,
    plausible_bet,
    concern_studied,
    timeline_points_here,
    research_status,
)


# -- roles ----------------------------------------------------------------------


def role_background_fit(role, answers: Answers, evidence: Evidence, top) -> list[Reason]:
    """Each of your backgrounds that an editor linked to the role, with their reason."""
    return [
        Reason(
            "role-background",
            ROLE_BACKGROUND_POINTS,
            f"{fit.background.name} background → {role.name}: {fit.reason}",
        )
        for fit in evidence.role_background_fits.get(role.pk, ())
    ]


def role_top_agenda(role, answers: Answers, evidence: Evidence, top) -> list[Reason]:
    """Each of your top agendas the role works on."""
    agenda_ids = {agenda.pk for agenda in role.agendas.all()}
    return [
        Reason("role-agenda", ROLE_AGENDA_POINTS, f"Works on {ranked.agenda.name}, #{rank} for you")
        for rank, ranked in enumerate(top, start=1)
        if ranked.agenda.pk in agenda_ids
    ]


ROLE_RULES = (role_background_fit, role_top_agenda)


# -- programs: why one is listed, and whether you can apply ------------------------


def program_reasons(program, answers: Answers, evidence: Evidence, top, roles) -> list[str]:
    """Why the program is on your plan (no points: programs are ordered by deadline)."""
    reasons = [
        f"{fit.background.name} background: {fit.reason}"
        for fit in evidence.program_background_fits.get(program.pk, ())
    ]
    agenda_ids = {agenda.pk for agenda in program.agendas.all()} if top else set()
    reasons += [
        f"Trains for {ranked.agenda.name}, #{rank} for you"
        for rank, ranked in enumerate(top, start=1)
        if ranked.agenda.pk in agenda_ids
    ]
    if evidence.program_roles is not None:
        leads_into = evidence.program_roles.get(program.pk, ())
    else:
        leads_into = [s for s in roles if program.pk in {p.pk for p in s.record.programs.all()}]
    if leads_into:
        reasons.append(leads_into_reason([scored.record.name for scored in leads_into]))
    return reasons


NAMED_ROLES = 5  # roles a kind of organization's reason names before "and N more"


def employs_reason(names: list[str]) -> str:
    """Why a kind of organization is on the plan: the roles it employs, best first."""
    if len(names) == 1:
        return f"Employs people as {names[0]}, a role that fits you"
    if len(names) > NAMED_ROLES:
        rest = len(names) - NAMED_ROLES
        names = [*names[:NAMED_ROLES], f"{rest} more"]
    return f"Employs people in roles that fit you: {_and(names)}"


def leads_into_reason(names: list[str]) -> str:
    """One sentence naming every role on the plan a program leads into, best first."""
    if len(names) == 1:
        return f"Leads into {names[0]}, a role that fits you"
    return f"Leads into {_and(names)}, roles that fit you"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def career_stage_rule(program, answers: Answers) -> str | None:
    """Refused when the program lists its career stages and yours is not one of them."""
    if answers.career is None:
        return None
    stages = list(program.career_stages.all())
    if not stages or answers.career.pk in {s.pk for s in stages}:
        return None
    return f"accepts {_and([stage.name for stage in stages])} only"


def _in_person(program) -> str:
    where = program.location or "a place not given"
    if program.format == Program.Format.HYBRID:
        return f"hybrid, partly in person in {where}"
    return f"in person in {where}"


def where_rule(program, answers: Answers) -> str | None:
    """Refused when it meets in person (or hybrid) somewhere you cannot be."""
    if not answers.where or program.format == Program.Format.ONLINE:
        return None
    if answers.where != "online" and program.location == answers.where:
        return None
    return _in_person(program)


def paid_rule(program, answers: Answers) -> str | None:
    """Refused, when you asked for paid programs only, unless it pays a stipend."""
    if not answers.paid or program.is_paid in (True, None):
        return None
    if program.cost == Program.Cost.PAID:
        return "unpaid, and it charges a fee"
    return "unpaid"


def hours_rule(program, answers: Answers) -> str | None:
    """Refused when it asks more hours a week than you can give."""
    asks = program.hours_per_week
    if answers.hours is None or asks is None or asks <= answers.hours:
        return None
    return f"asks {asks} hours a week; you have {answers.hours}"


ELIGIBILITY_RULES = (career_stage_rule, where_rule, paid_rule, hours_rule)


def program_caveats(program, answers: Answers) -> list[str]:
    """What could not be checked because the record does not say: the names of the
    fields not known (the page says "Hours a week: not known")."""
    caveats = []
    if answers.career is not None and not list(program.career_stages.all()):
        caveats.append("Career stages it accepts")
    if answers.hours is not None and program.hours_per_week is None:
        caveats.append("Hours a week")
    return caveats


STATUS_ORDER = {
    ApplicationStatus.OPEN: 0,
    ApplicationStatus.OPENING_SOON: 1,
    ApplicationStatus.ROLLING: 2,
    ApplicationStatus.UNKNOWN: 3,
    ApplicationStatus.CLOSED: 4,
}


def program_order(program) -> tuple:
    """Open ones first by deadline, then opening soon by opening day, rolling, the rest."""
    status = program.application_status
    if status == ApplicationStatus.OPEN:
        day = program.application_deadline
    elif status == ApplicationStatus.OPENING_SOON:
        day = program.applications_open
    else:
        day = None
    return (STATUS_ORDER.get(status, 9), day is None, day or "", program.name.lower(), program.pk)


# -- the reading path -----------------------------------------------------------


def weeks_at(minutes: int, hours: int | None) -> int | None:
    """Whole weeks the path takes at ``hours`` a week (``None`` without hours)."""
    if not hours or minutes <= 0:
        return None
    return math.ceil(minutes / (hours * 60))
