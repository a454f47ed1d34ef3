"""Build a reader's plan from their answers: a fixed number of queries, whatever the data.

``Catalogue`` is what the form offers (every choice a published record);
``build_plan`` loads the evidence for the answers and applies the rules in
``pathfinder.scoring``. The HTML page, the JSON, the calendar and the feed all
render the same ``Plan``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from careers.models import (
    Background,
    BackgroundAgendaFit,
    BackgroundProgramFit,
    BackgroundRoleFit,
    CareerStage,
    Program,
    Role,
)
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

from . import scoring
from .forms import PlanForm, has_answers
from .models import ReaderStage, ReaderStageStep, Timeline


@dataclass
class Catalogue:
    """The published records the form's choices come from (9 queries)."""

    backgrounds: list
    agendas: list
    failure_modes: list
    timelines: list
    stages: list
    career_stages: list
    places: list
    programs: list  # every published program, with its status on the day

    @property
    def bets(self) -> list:
        return [agenda for agenda in self.agendas if agenda.if_you_believe.strip()]

    @classmethod
    def load(cls, today=None) -> Catalogue:
        programs = list(
            Program.objects.published()
            .with_application_status(today or timezone.localdate())
            .select_related("organizer")
            .prefetch_related(
                "career_stages", Prefetch("agendas", queryset=ResearchAgenda.objects.only("pk"))
            )
            .order_by("name", "pk")
        )
        places = sorted(
            {p.location for p in programs if p.location and p.format != Program.Format.ONLINE}
        )
        return cls(
            backgrounds=list(Background.objects.published().order_by("order", "name", "pk")),
            agendas=list(
                ResearchAgenda.objects.published()
                .select_related("superseded_by")
                .order_by("order", "name", "pk")
            ),
            failure_modes=list(FailureMode.objects.published().order_by("name", "pk")),
            timelines=list(Timeline.objects.order_by("order", "name", "pk")),
            stages=list(ReaderStage.objects.order_by("order", "name", "pk")),
            career_stages=list(CareerStage.objects.order_by("order", "name", "pk")),
            places=places,
            programs=programs,
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


def build_plan(catalogue: Catalogue, answers: scoring.Answers, today=None) -> Plan:
    today = today or timezone.localdate()
    plan = Plan(answers=answers, today=today)
    evidence = scoring.Evidence()
    background_ids = [b.pk for b in answers.backgrounds]
    agenda_ids = [a.pk for a in catalogue.agendas]

    if background_ids:
        fits = BackgroundAgendaFit.objects.filter(
            background_id__in=background_ids, agenda_id__in=agenda_ids
        ).select_related("background")
        evidence.agenda_background_fits = _by(
            sorted(fits, key=lambda f: (f.background.order, f.background.name, f.order, f.pk)),
            lambda f: f.agenda_id,
        )
    if answers.concerns:
        links = FailureMode.agendas.through.objects.filter(
            failuremode_id__in=[m.pk for m in answers.concerns], researchagenda_id__in=agenda_ids
        ).values_list("researchagenda_id", "failuremode_id")
        modes = {m.pk: m for m in answers.concerns}
        for agenda_id, mode_id in sorted(links, key=lambda row: modes[row[1]].name):
            evidence.agenda_concerns.setdefault(agenda_id, []).append(modes[mode_id])
    # Cruxes with every position (and where each points): read for the timeline rule
    # and for the cruxes section.
    cruxes = []
    held: set = set()
    if answers.asks_for_directions:
        cruxes = list(
            Crux.objects.published()
            .prefetch_related(
                Prefetch(
                    "positions",
                    queryset=CruxPosition.objects.order_by("order", "pk").prefetch_related(
                        Prefetch("agendas", queryset=ResearchAgenda.objects.published()),
                        Prefetch(
                            "organization_types",
                            queryset=OrganizationType.objects.order_by("order", "name"),
                        ),
                    ),
                )
            )
            .order_by("order", "name", "pk")
        )
    if answers.timeline is not None:
        held = set(
            Timeline.positions.through.objects.filter(timeline=answers.timeline).values_list(
                "cruxposition_id", flat=True
            )
        )
    timeline_positions = [p for crux in cruxes for p in crux.positions.all() if p.pk in held]
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

    # -- roles
    if background_ids or top_ids:
        role_fits = BackgroundRoleFit.objects.filter(background_id__in=background_ids)
        roles = list(
            Role.objects.published()
            .filter(Q(pk__in=role_fits.values("role_id")) | Q(agendas__in=top_ids))
            .distinct()
            .select_related("category")
            .prefetch_related(
                Prefetch("agendas", queryset=ResearchAgenda.objects.only("pk")),
                Prefetch("programs", queryset=Program.objects.only("pk")),
                "employer_types",
                Prefetch(
                    "background_fits",
                    queryset=role_fits.select_related("background").order_by(
                        "background__order", "background__name", "order", "pk"
                    ),
                    to_attr="chosen_fits",
                ),
            )
            .order_by("name", "pk")
        )
        evidence.role_background_fits = {role.pk: role.chosen_fits for role in roles}
        for role in roles:
            reasons = [
                r for rule in scoring.ROLE_RULES for r in rule(role, answers, evidence, plan.top)
            ]
            if reasons:
                plan.roles.append(Scored(role, reasons))
        plan.roles.sort(key=lambda s: -s.score)

    # -- programs
    if background_ids:
        fits = BackgroundProgramFit.objects.filter(background_id__in=background_ids)
        evidence.program_background_fits = _by(
            sorted(
                fits.select_related("background"),
                key=lambda f: (f.background.order, f.background.name, f.order, f.pk),
            ),
            lambda f: f.program_id,
        )
    programs = catalogue.programs
    if answers.asks_for_directions:
        role_program_ids = {p.pk for s in plan.roles for p in s.record.programs.all()}
        top_set = set(top_ids)
        programs = [
            p
            for p in programs
            if p.pk in evidence.program_background_fits
            or p.pk in role_program_ids
            or top_set.intersection(a.pk for a in p.agendas.all())
        ]
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

    # -- organization types
    type_reasons: dict = {}
    kinds: dict = {}
    for scored in plan.roles:
        for kind in scored.record.employer_types.all():
            kinds[kind.pk] = kind
            type_reasons.setdefault(kind.pk, []).append(
                f"Employs people as {scored.record.name}, a role that fits you"
            )
    for position in timeline_positions:
        for kind in position.organization_types.all():
            kinds[kind.pk] = kind
            type_reasons.setdefault(kind.pk, []).append(
                f"You expect {answers.timeline.name.lower()} timelines: "
                f"“{position.stance}” points here"
            )
    for kind in sorted(kinds.values(), key=lambda k: (k.order, k.name, k.pk)):
        plan.organization_types.append(
            OrgTypeEntry(kind, list(dict.fromkeys(type_reasons[kind.pk])))
        )

    # -- cruxes that bear on the choices, with every side
    if cruxes:
        ranks = {agenda_id: rank for rank, agenda_id in enumerate(top_ids, start=1)}
        type_ids = {entry.type.pk for entry in plan.organization_types}
        for crux in cruxes:
            reasons = []
            for position in crux.positions.all():
                if position.pk in held:
                    reasons.append(
                        f"You expect {answers.timeline.name.lower()} timelines: "
                        f"this is “{position.stance}”"
                    )
                for agenda in position.agendas.all():
                    if agenda.pk in ranks:
                        reasons.append(
                            f"“{position.stance}” points to {agenda.name}, #{ranks[agenda.pk]} "
                            "for you"
                        )
                kinds = [k for k in position.organization_types.all() if k.pk in type_ids]
                if kinds:
                    reasons.append(
                        f"“{position.stance}” points to {scoring._and([k.label for k in kinds])}"
                    )
            if reasons:
                plan.cruxes.append(CruxEntry(crux, list(dict.fromkeys(reasons)), held))

    # -- the reading path for the reader's stage
    if answers.stage is not None:
        published_papers = Paper.objects.published().only("pk", "name", "slug")
        rows = (
            ReaderStageStep.objects.filter(
                stage=answers.stage, guide_step__guide__in=Guide.objects.published()
            )
            .select_related("guide_step__guide")
            .prefetch_related(
                Prefetch(
                    "guide_step__agendas",
                    queryset=ResearchAgenda.objects.published().only("pk", "name", "slug"),
                ),
                Prefetch("guide_step__papers", queryset=published_papers),
                Prefetch(
                    "guide_step__programs",
                    queryset=Program.objects.published().only("pk", "name", "slug"),
                ),
            )
            .annotate(step_number=_step_number())
            .order_by("order", "pk")
        )
        plan.steps = []
        for row in rows:
            row.guide_step.number = row.step_number  # its place in its guide (the anchor)
            plan.steps.append(row.guide_step)
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


def plan_from_request(request, today=None):
    """``(form, plan)`` for the URL's answers; ``plan`` is ``None`` when the form has errors.

    No answers at all (the start page) is a plan too: every program, open ones first.
    """
    catalogue = Catalogue.load(today)
    if not has_answers(request.GET):
        form = PlanForm(catalogue=catalogue)
        return form, build_plan(catalogue, catalogue.answers({}), today=today)
    form = PlanForm(request.GET, catalogue=catalogue)
    if not form.is_valid():
        return form, None
    return form, build_plan(catalogue, catalogue.answers(form.cleaned_data), today=today)
