"""Build a reader's plan from their answers: a fixed number of queries, whatever the data.

``Catalogue`` is what the form offers (every choice a published record);
``build_plan`` loads the evidence for the answers and applies the rules in
``pathfinder.scoring``. The HTML page, the JSON, the calendar and the feed all
render the same ``Plan``.

At most ten queries with every answer given (issue 16), whatever the data: two
for the form's choices, one union of the links the answers touch
(``pathfinder.loading``), the crux positions, the top agendas' quick projects,
the roles that fit, one union of those roles' and their programs' links, the
programs on the plan, their kinds of organization and the reading path's steps.
Roles, programs and their links are read for the answers only (the start page's
HTML lists the ``scoring.START_PROGRAMS`` programs that come first, open ones
first, chosen and counted in SQL; its JSON, calendar and feed every program);
what grows with the site are the
lists the page shows whole (the choices, every agenda) and the published cruxes'
positions (without their unshown texts), from which those bearing on the plan
are picked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property

from careers.models import (
    ApplicationStatus,
    Background,
    BackgroundAgendaFit,
    BackgroundProgramFit,
    BackgroundRoleFit,
    CareerStage,
    Program,
    Role,
)
from core import dependencies
from guides.models import (
    AgendaQuickProject,
    Crux,
    CruxPosition,
    FailureMode,
    Guide,
    GuideStep,
    Paper,
    ResearchAgenda,
)
from organizations.models import OrganizationType

from . import loading, scoring
from .forms import PlanForm, has_answers
from .models import ReaderStage, ReaderStageStep, Timeline

# The form's choices other than the agendas, read as one union of these columns.
CHOICES = loading.Union(
    id=loading.INT,
    order=loading.INT,
    name=loading.TEXT,
    slug=loading.TEXT,
    description=loading.TEXT,
    advice=loading.TEXT,
)
# kind: (model, the columns its records are built with)
CHOICE_MODELS = {
    "timeline": (Timeline, ("id", "slug", "name", "description", "order")),
    "stage": (ReaderStage, ("id", "slug", "name", "description", "advice", "order")),
    "career": (CareerStage, ("id", "slug", "name", "description", "order")),
    "background": (Background, ("id", "slug", "name", "order")),
    "mode": (FailureMode, ("id", "slug", "name")),
}


def _choice(*extra, order="order") -> dict:
    """A record's columns in ``CHOICES``: its id, order, name and slug, and ``extra``."""
    return {"id": "pk", "order": order, "name": "name", "slug": "slug"} | {
        name: name for name in extra
    }


@dataclass
class Catalogue:
    """The published records the form's choices come from (two queries).

    The agendas as whole records (the plan lists them all); the other choices
    (backgrounds, failure modes, timelines, stages, career stages and the places
    programs meet in) as one union of the columns the page shows.
    """

    backgrounds: list
    agendas: list
    failure_modes: list
    timelines: list
    stages: list
    career_stages: list
    places: list

    @property
    def bets(self) -> list:
        return [agenda for agenda in self.agendas if agenda.if_you_believe.strip()]

    @classmethod
    def load(cls) -> Catalogue:
        agendas = list(
            ResearchAgenda.objects.published()
            .select_related("superseded_by")
            .order_by("order", "name", "pk")
        )
        in_person = Program.objects.published().exclude(format=Program.Format.ONLINE)
        rows = CHOICES.fetch(
            [  # a plain queryset first: the listings are noted below
                CHOICES.part(Timeline.objects.all(), "timeline", **_choice("description")),
                CHOICES.part(
                    ReaderStage.objects.all(), "stage", **_choice("description", "advice")
                ),
                CHOICES.part(CareerStage.objects.all(), "career", **_choice("description")),
                CHOICES.part(Background.objects.published(), "background", **_choice()),
                CHOICES.part(FailureMode.objects.published(), "mode", **_choice(order=None)),
                CHOICES.part(
                    in_person.filter(location__gt="").distinct(),
                    "place",
                    name="location",
                ),
            ],
            order_by=("kind", "order", "name", "id"),
        )
        dependencies.depends_on(
            *(dependencies.listing_key(model) for model in (Background, FailureMode, Program))
        )
        records = {
            kind: [
                loading.instance(model, **{name: getattr(item, name) for name in fields})
                for item in rows[kind]
            ]
            for kind, (model, fields) in CHOICE_MODELS.items()
        }
        return cls(
            backgrounds=records["background"],
            agendas=agendas,
            failure_modes=records["mode"],
            timelines=records["timeline"],
            stages=records["stage"],
            career_stages=records["career"],
            places=sorted({item.name for item in rows["place"]}),
        )

    def answers(self, data: dict) -> scoring.Answers:
        """The cleaned form data as records."""

        def pick(items, slugs):
            chosen = set(slugs or ())
            return [item for item in items if item.slug in chosen]

        def one(items, slug):
            return next((item for item in items if item.slug == slug), None) if slug else None

        return scoring.Answers(
            backgrounds=pick(self.backgrounds, data.get("background")),
            bets=pick(self.bets, data.get("bet")),
            concerns=pick(self.failure_modes, data.get("concern")),
            timeline=one(self.timelines, data.get("timeline")),
            stage=one(self.stages, data.get("stage")),
            hours=data.get("hours"),
            career=one(self.career_stages, data.get("career")),
            where=data.get("where") or "",
            paid=bool(data.get("paid")),
        )


@dataclass
class Scored:
    record: object
    reasons: list

    @property
    def score(self) -> int:
        return sum(reason.points for reason in self.reasons)

    @property
    def agenda(self):
        return self.record


@dataclass
class ProgramEntry:
    program: object
    reasons: list = field(default_factory=list)  # why it is on the plan
    refusals: list = field(default_factory=list)  # why you cannot apply
    caveats: list = field(default_factory=list)  # what could not be checked


@dataclass
class OrgTypeEntry:
    type: object
    reasons: list


@dataclass
class CruxEntry:
    crux: object
    reasons: list
    held: set  # ids of the positions the reader's answers take
    rank: tuple = ()  # the sort key of its strongest reason


class _Cut:
    """``plan.<list>_shown`` / ``plan.<list>_more``: the first ``scoring.PLAN_CARDS``
    records of one of the plan's lists, or the rest (read at each access)."""

    def __init__(self, attr: str, rest: bool):
        self.attr, self.rest = attr, rest

    @classmethod
    def pair(cls, attr: str) -> tuple:
        return cls(attr, rest=False), cls(attr, rest=True)

    def __get__(self, plan, owner=None):
        if plan is None:
            return self
        items, cut = getattr(plan, self.attr), scoring.PLAN_CARDS
        return items[cut:] if self.rest else items[:cut]


@dataclass
class Plan:
    answers: scoring.Answers
    agendas: list = field(default_factory=list)  # Scored, best first (score > 0)
    other_agendas: list = field(default_factory=list)
    roles: list = field(default_factory=list)  # Scored
    programs: list = field(default_factory=list)  # ProgramEntry you can apply to
    refused_programs: list = field(default_factory=list)  # ProgramEntry you cannot
    quick_projects: list = field(default_factory=list)  # (agenda, [project])
    organization_types: list = field(default_factory=list)
    cruxes: list = field(default_factory=list)
    steps: list = field(default_factory=list)  # guide steps on the reading path
    today: object = None
    more_programs: int = 0  # programs left off a list cut to its first ones

    # The page shows the first ``scoring.PLAN_CARDS`` of each list in full and the
    # rest as a list of names under a disclosure; the JSON, calendar and feed all.
    roles_shown, roles_more = _Cut.pair("roles")
    programs_shown, programs_more = _Cut.pair("programs")
    refused_shown, refused_more = _Cut.pair("refused_programs")
    cruxes_shown, cruxes_more = _Cut.pair("cruxes")

    @property
    def program_count(self) -> int:
        return len(self.programs) + len(self.refused_programs) + self.more_programs

    @property
    def top(self) -> list:
        return self.agendas[: scoring.TOP_AGENDAS]

    @property
    def total_minutes(self) -> int:
        return sum(step.minutes for step in self.steps)

    @property
    def weeks(self) -> int | None:
        return scoring.weeks_at(self.total_minutes, self.answers.hours)

    @property
    def listed_programs(self) -> list:
        """Every program the plan names (you can apply, then you cannot)."""
        return [entry.program for entry in self.programs + self.refused_programs]


def _by(rows, key):
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return grouped


# The links between the records the plan reads: one union for the answers
# (``_answer_links``), one for the roles and programs on the plan.
LINKS = loading.Union(
    id=loading.INT,
    source=loading.INT,
    target=loading.INT,
    rank=loading.INT,
    text=loading.TEXT,
    slug=loading.TEXT,
)
FIT_MODELS = {
    "agenda-fit": (BackgroundAgendaFit, "agenda_id"),
    "role-fit": (BackgroundRoleFit, "role_id"),
    "program-fit": (BackgroundProgramFit, "program_id"),
}


def _link(model, relation, kind, **filters):
    """A ``LINKS`` part: the rows of ``model.<relation>`` (a many-to-many), source → target."""
    field = model._meta.get_field(relation)
    return LINKS.part(
        field.remote_field.through.objects.filter(**filters),
        kind,
        source=field.m2m_column_name(),
        target=field.m2m_reverse_name(),
    )


def _answer_links(catalogue, answers) -> dict:
    """What the records say about the answers, one query: the chosen backgrounds'
    fits (with their reasons), the agendas of the chosen failure modes, the crux
    positions of the chosen timeline, where crux positions point, and the links
    of the steps on the chosen stage's reading path (papers and programs with the
    name and slug a link shows, newest paper first as a guide step lists them)."""
    agenda_ids = [agenda.pk for agenda in catalogue.agendas]
    background_ids = [background.pk for background in answers.backgrounds]
    parts = []
    if background_ids:
        for kind, (model, target) in FIT_MODELS.items():
            fits = model.objects.filter(background_id__in=background_ids)
            if kind == "agenda-fit":
                fits = fits.filter(agenda_id__in=agenda_ids)
            parts.append(
                LINKS.part(
                    fits,
                    kind,
                    id="pk",
                    source="background_id",
                    target=target,
                    rank="order",
                    text="reason",
                )
            )
    if answers.concerns:
        modes = [mode.pk for mode in answers.concerns]
        parts.append(
            _link(
                FailureMode,
                "agendas",
                "concern",
                failuremode_id__in=modes,
                researchagenda_id__in=agenda_ids,
            )
        )
    if answers.timeline is not None:
        parts.append(_link(Timeline, "positions", "held", timeline=answers.timeline))
    if answers.asks_for_directions:
        cruxes = Crux.objects.published()
        parts += [
            _link(
                CruxPosition,
                "agendas",
                "position-agenda",
                cruxposition__crux__in=cruxes,
                researchagenda_id__in=agenda_ids,
            ),
            _link(
                CruxPosition,
                "organization_types",
                "position-type",
                cruxposition__crux__in=cruxes,
            ),
        ]
    if answers.stage is not None:
        on_path = {"guidestep__reader_stage_steps__stage": answers.stage}
        parts += [
            _link(GuideStep, "agendas", "step-agenda", researchagenda_id__in=agenda_ids, **on_path),
            LINKS.part(
                GuideStep.papers.through.objects.filter(
                    paper__in=Paper.objects.published(), **on_path
                ),
                "step-paper",
                source="guidestep_id",
                target="paper_id",
                rank="paper__year",
                text="paper__name",
                slug="paper__slug",
            ),
            LINKS.part(
                GuideStep.programs.through.objects.filter(
                    program__in=Program.objects.published(), **on_path
                ),
                "step-program",
                source="guidestep_id",
                target="program_id",
                text="program__name",
                slug="program__slug",
            ),
        ]
    return LINKS.fetch(parts, order_by=("kind", "-rank", "text", "id"))


def _fits(rows, kind, backgrounds: dict) -> dict:
    """``{target id: [fit, ...]}`` from the rows of ``kind``, each fit with its
    background, in the order the page lists them (the backgrounds' order)."""
    model, target = FIT_MODELS[kind]
    fits = []
    for item in rows[kind]:
        fit = loading.instance(
            model,
            id=item.id,
            background_id=item.source,
            **{target: item.target},
            order=item.rank,
            reason=item.text,
        )
        fit.background = backgrounds[item.source]
        fits.append(fit)
    fits.sort(key=lambda f: (f.background.order, f.background.name, f.order, f.pk))
    return _by(fits, lambda fit: getattr(fit, target))


def _targets(rows, kind) -> dict:
    """``{source id: [target id, ...]}`` of the rows of ``kind``."""
    found: dict = {}
    for item in rows[kind]:
        found.setdefault(item.source, []).append(item.target)
    return found


class _Known(dict):
    """Records by id, in their order, and each id's place in it (``places``,
    worked out once: ``_records`` sorts by it for each of thousands of lists).
    Not changed once built."""

    @cached_property
    def places(self) -> dict:
        return {pk: index for index, pk in enumerate(self)}


def _records(ids, known: _Known, model=None) -> list:
    """The records of ``ids`` in ``known``'s order. An id ``known`` does not hold is
    a ``model`` record with only its id (as ``only("pk")`` loads it), or left out
    without a ``model``."""
    order = known.places
    return [
        known[pk] if pk in known else loading.instance(model, id=pk)
        for pk in sorted(ids, key=lambda pk: (order.get(pk, len(order)), pk))
        if pk in known or model is not None
    ]


# A crux's and its positions' texts the plan shows none of (it links to the crux).
UNSHOWN_CRUX_TEXTS = (
    "next_steps",
    "next_steps_html",
    *(
        f"crux__{name}"
        for name in ("summary", "description", "description_html", "consider", "consider_html")
    ),
)


def long_texts(model) -> list[str]:
    """The model's text fields (Markdown, its rendered HTML, plain text), which
    the plan shows none of for a role or a program (it links to them): with
    589 roles on a full-scale plan, the role query's time went from 53 ms to
    11 ms without them."""
    return [field.name for field in model._meta.concrete_fields if isinstance(field, TextField)]


def _positions() -> list:
    """Every published crux's positions (each crux once, its positions in order),
    without the texts the plan does not show."""
    positions = list(
        CruxPosition.objects.filter(crux__in=Crux.objects.published())
        .select_related("crux")
        .defer(*UNSHOWN_CRUX_TEXTS)
        .order_by("crux__order", "crux__name", "crux__pk", "order", "pk")
    )
    dependencies.depends_on(dependencies.listing_key(Crux))  # a listing of the cruxes
    cruxes: dict = {}
    for position in positions:
        crux = cruxes.setdefault(position.crux_id, (position.crux, []))
        position.crux = crux[0]
        crux[1].append(position)
    for crux, rows in cruxes.values():
        loading.fill(crux, "positions", rows)
    return positions


def in_program_order(programs):
    """``programs`` (annotated ``with_application_status``) in ``scoring.program_order``'s
    order, in SQL: open ones by deadline, opening soon by opening day, rolling,
    not known, closed; then by name."""
    rank = Case(
        *(
            When(application_state=status, then=Value(n))
            for status, n in scoring.STATUS_ORDER.items()
        ),
        default=Value(9),
        output_field=IntegerField(),
    )
    day = Case(
        When(application_state=ApplicationStatus.OPEN, then=F("application_deadline")),
        When(application_state=ApplicationStatus.OPENING_SOON, then=F("applications_open")),
        default=Value(None),
        output_field=DateField(),
    )
    return programs.annotate(order_rank=rank, order_day=day).order_by(
        "order_rank", F("order_day").asc(nulls_last=True), Lower("name"), "pk"
    )


def build_plan(
    catalogue: Catalogue, answers: scoring.Answers, today=None, program_limit=None
) -> Plan:
    """The plan for ``answers``. ``program_limit`` (the start page only, where no
    answer narrows them) keeps the first programs and counts the rest in SQL."""
    today = today or timezone.localdate()
    plan = Plan(answers=answers, today=today)
    evidence = scoring.Evidence()
    agendas = _Known((agenda.pk, agenda) for agenda in catalogue.agendas)
    backgrounds = {background.pk: background for background in catalogue.backgrounds}
    links = _answer_links(catalogue, answers)

    evidence.agenda_background_fits = _fits(links, "agenda-fit", backgrounds)
    evidence.program_background_fits = _fits(links, "program-fit", backgrounds)
    role_fits = _fits(links, "role-fit", backgrounds)
    modes = {mode.pk: mode for mode in answers.concerns}
    for item in sorted(links["concern"], key=lambda item: modes[item.source].name):
        evidence.agenda_concerns.setdefault(item.target, []).append(modes[item.source])
    # Crux positions (and where each points): read for the timeline rule and for
    # the cruxes section.
    held = {item.target for item in links["held"]}
    positions = _positions() if answers.asks_for_directions else []
    position_agendas = _targets(links, "position-agenda")
    position_types = _targets(links, "position-type")
    for position in positions:
        loading.fill(position, "agendas", _records(position_agendas.get(position.pk, ()), agendas))
    timeline_positions = [p for p in positions if p.pk in held]
    for position in timeline_positions:
        for agenda in position.agendas.all():
            evidence.agenda_timeline_positions.setdefault(agenda.pk, []).append(position)

    # -- agendas, ranked
    if answers.asks_for_directions:
        for agenda in catalogue.agendas:
            reasons = [r for rule in scoring.AGENDA_RULES for r in rule(agenda, answers, evidence)]
            scored = Scored(agenda, reasons)
            if scored.score > 0:
                plan.agendas.append(scored)
            else:
                plan.other_agendas.append(agenda)
        plan.agendas.sort(key=lambda s: -s.score)  # stable: editors' order breaks ties
    top_ids = [s.agenda.pk for s in plan.top]

    # -- quick projects for the top agendas
    if top_ids:
        projects = _by(
            AgendaQuickProject.objects.filter(agenda_id__in=top_ids).order_by("order", "pk"),
            lambda p: p.agenda_id,
        )
        plan.quick_projects = [
            (s.agenda, projects[s.agenda.pk]) for s in plan.top if s.agenda.pk in projects
        ]

    # -- roles: those your backgrounds fit and those on your top agendas (each has a
    # reason, so each is on the plan)
    roles = []
    if role_fits or top_ids:
        on_top = Role.agendas.through.objects.filter(researchagenda_id__in=top_ids)
        roles = list(
            Role.objects.published()
            .filter(Q(pk__in=list(role_fits)) | Q(pk__in=on_top.values("role_id")))
            .select_related("category")
            .defer(*long_texts(Role))
            .order_by("name", "pk")
        )
    role_ids = [role.pk for role in roles]

    # -- programs: every one (no answer about directions), or those your backgrounds
    # fit, your roles lead from and your top agendas train for
    programs = Program.objects.published().defer(*long_texts(Program))
    if answers.asks_for_directions:
        led_to = Role.programs.through.objects.filter(role_id__in=role_ids)
        trains = Program.agendas.through.objects.filter(researchagenda_id__in=top_ids)
        programs = programs.filter(
            Q(pk__in=list(evidence.program_background_fits))
            | Q(pk__in=led_to.values("program_id"))
            | Q(pk__in=trains.values("program_id"))
        )
    # The links of the roles and programs, one query.
    parts = []
    if role_ids:
        parts += [
            _link(Role, "agendas", "role-agenda", role_id__in=role_ids),
            _link(Role, "programs", "role-program", role_id__in=role_ids),
            _link(Role, "employer_types", "role-type", role_id__in=role_ids),
        ]
    if top_ids:  # what a program trains for counts for your top agendas only
        parts.append(_link(Program, "agendas", "program-agenda", program__in=programs))
    if answers.career is not None:  # whom a program accepts counts for your career stage
        parts.append(_link(Program, "career_stages", "program-stage", program__in=programs))
    role_links = LINKS.fetch(parts)
    programs = programs.with_application_status(today)
    if program_limit is not None and not answers.asks_for_directions:
        # The first programs and how many there are, in one query.
        programs = list(
            in_program_order(programs).annotate(listed=Window(Count("pk")))[:program_limit]
        )
        plan.more_programs = max(0, (programs[0].listed if programs else 0) - len(programs))
    else:
        programs = list(programs.order_by("name", "pk"))

    role_agendas = _targets(role_links, "role-agenda")
    role_programs = _targets(role_links, "role-program")
    program_agendas = _targets(role_links, "program-agenda")
    program_stages = _targets(role_links, "program-stage")
    listed = _Known((program.pk, program) for program in programs)
    stages = _Known((stage.pk, stage) for stage in catalogue.career_stages)
    for role in roles:
        loading.fill(
            role, "agendas", _records(role_agendas.get(role.pk, ()), agendas, ResearchAgenda)
        )
        loading.fill(role, "programs", _records(role_programs.get(role.pk, ()), listed, Program))
    for program in programs:
        if top_ids:
            loading.fill(
                program,
                "agendas",
                _records(program_agendas.get(program.pk, ()), agendas, ResearchAgenda),
            )
        if answers.career is not None:
            loading.fill(
                program,
                "career_stages",
                _records(program_stages.get(program.pk, ()), stages, CareerStage),
            )

    evidence.role_background_fits = role_fits
    for role in roles:
        reasons = [
            r for rule in scoring.ROLE_RULES for r in rule(role, answers, evidence, plan.top)
        ]
        if reasons:
            plan.roles.append(Scored(role, reasons))
    plan.roles.sort(key=lambda s: -s.score)
    evidence.program_roles = {}
    for scored in plan.roles:
        for program in scored.record.programs.all():
            evidence.program_roles.setdefault(program.pk, []).append(scored)

    for program in programs:
        entry = ProgramEntry(
            program,
            reasons=scoring.program_reasons(program, answers, evidence, plan.top, plan.roles),
            refusals=[
                refusal for rule in scoring.ELIGIBILITY_RULES if (refusal := rule(program, answers))
            ],
            caveats=scoring.program_caveats(program, answers),
        )
        (plan.refused_programs if entry.refusals else plan.programs).append(entry)
    plan.programs.sort(key=lambda e: scoring.program_order(e.program))
    plan.refused_programs.sort(key=lambda e: (e.program.name.lower(), e.program.pk))

    # -- organization types: those of your roles and of your timelines' positions
    role_types = _targets(role_links, "role-type")
    type_ids = {pk for scored in plan.roles for pk in role_types.get(scored.record.pk, ())}
    type_ids |= {pk for p in timeline_positions for pk in position_types.get(p.pk, ())}
    kinds = _Known()
    if type_ids:
        kinds = _Known(
            (kind.pk, kind)
            for kind in OrganizationType.objects.filter(pk__in=type_ids).order_by(
                "order", "name", "pk"
            )
        )
    for role in roles:
        loading.fill(role, "employer_types", _records(role_types.get(role.pk, ()), kinds))
    type_reasons: dict = {}
    employs: dict = {}  # kind id: the names of the roles on the plan it employs, in order
    for scored in plan.roles:
        for kind in scored.record.employer_types.all():
            employs.setdefault(kind.pk, {})[scored.record.name] = None
    for pk, names in employs.items():  # one sentence naming the roles, best first
        type_reasons[pk] = [scoring.employs_reason(list(names))]
    for position in timeline_positions:
        for kind in _records(position_types.get(position.pk, ()), kinds):
            type_reasons.setdefault(kind.pk, []).append(
                f"You expect {answers.timeline.name.lower()} timelines: "
                f"“{position.stance}” points here"
            )
    for kind in sorted(kinds.values(), key=lambda k: (k.order, k.name, k.pk)):
        plan.organization_types.append(
            OrgTypeEntry(kind, list(dict.fromkeys(type_reasons[kind.pk])))
        )

    # -- cruxes that bear on the choices, with every side
    if positions:
        ranks = {agenda_id: rank for rank, agenda_id in enumerate(top_ids, start=1)}
        cruxes = list({position.crux_id: position.crux for position in positions}.values())
        for crux in cruxes:
            sides = list(crux.positions.all())
            # A crux on which your timelines take a side: its reasons are that side's
            # only (the other sides are shown below it, with their arguments).
            yours = [position for position in sides if position.pk in held]
            reasons = []  # (sort key, text): what you hold, then by rank, then kinds
            for index, position in enumerate(yours or sides):
                if position.pk in held:
                    reasons.append(
                        (
                            (0, index),
                            f"You expect {answers.timeline.name.lower()} timelines: "
                            f"this is “{position.stance}”",
                        )
                    )
                for agenda in position.agendas.all():
                    if agenda.pk in ranks:
                        reasons.append(
                            (
                                (1, ranks[agenda.pk], index),
                                f"“{position.stance}” points to {agenda.name}, "
                                f"#{ranks[agenda.pk]} for you",
                            )
                        )
                named = _records(position_types.get(position.pk, ()), kinds)
                if named:
                    reasons.append(
                        (
                            (2, index),
                            f"“{position.stance}” points to "
                            f"{scoring._and([k.label for k in named])}",
                        )
                    )
            if reasons:
                reasons.sort(key=lambda reason: reason[0])
                texts = [text for _key, text in reasons]
                entry = CruxEntry(crux, list(dict.fromkeys(texts)), held)
                entry.rank = reasons[0][0]  # its strongest reason: what you hold, then rank
                plan.cruxes.append(entry)
        plan.cruxes.sort(key=lambda entry: entry.rank)  # stable: the cruxes' own order

    # -- the reading path for the reader's stage
    if answers.stage is not None:
        rows = (
            ReaderStageStep.objects.filter(
                stage=answers.stage, guide_step__guide__in=Guide.objects.published()
            )
            .select_related("guide_step__guide")
            .annotate(step_number=_step_number())
            .order_by("order", "pk")
        )
        # The steps name published papers and programs: a listing of each.
        dependencies.depends_on(*(dependencies.listing_key(m) for m in (Paper, Program)))
        step_agendas = _targets(links, "step-agenda")
        linked = {
            kind: _by(links[kind], lambda item: item.source)
            for kind in ("step-paper", "step-program")
        }
        plan.steps = []
        for row in rows:
            step = row.guide_step
            step.number = row.step_number  # its place in its guide (the anchor)
            loading.fill(step, "agendas", _records(step_agendas.get(step.pk, ()), agendas))
            for relation, kind, model in (
                ("papers", "step-paper", Paper),
                ("programs", "step-program", Program),
            ):
                loading.fill(
                    step,
                    relation,
                    [
                        loading.instance(model, id=item.target, name=item.text, slug=item.slug)
                        for item in linked[kind].get(step.pk, ())
                    ],
                )
            plan.steps.append(step)
    return plan


def _step_number():
    """A guide step's position in its guide, counted as the guide page counts it."""
    before = (
        GuideStep.objects.filter(guide=OuterRef("guide_step__guide"))
        .filter(
            Q(order__lt=OuterRef("guide_step__order"))
            | Q(order=OuterRef("guide_step__order"), pk__lte=OuterRef("guide_step__pk"))
        )
        .order_by()
        .values("guide")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(before)


def plan_from_request(request, today=None, start_programs=None):
    """``(form, plan)`` for the URL's answers; ``plan`` is ``None`` when the form has errors.

    No answers at all (the start page) is a plan too: the programs, open ones
    first — every one, or the first ``start_programs`` and a count of the rest.
    """
    catalogue = Catalogue.load()
    if not has_answers(request.GET):
        form = PlanForm(catalogue=catalogue)
        plan = build_plan(
            catalogue, catalogue.answers({}), today=today, program_limit=start_programs
        )
        return form, plan
    form = PlanForm(request.GET, catalogue=catalogue)
    if not form.is_valid():
        return form, None
    return form, build_plan(catalogue, catalogue.answers(form.cleaned_data), today=today)
