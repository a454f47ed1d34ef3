"""A path into each role: "how to get there", built from the records.

``role_pathway(role)`` returns a ``Pathway``: ordered steps drawn from

* the guides whose steps are on the role's research agendas (or name the role),
* the papers on the role's research agendas (at most ``PAPER_LIMIT``),
* the programs that lead into the role (loaded with ``role.programs``, the
  published ones by name, whose prefetch cache it fills),

ordered introductory first — guides count as introductory, programs as
intermediate, papers by their ``level`` — with the total reading time (papers'
``reading_minutes`` plus guides' step minutes) and programme time (programs'
``duration_weeks``). Editors change the path with ``RolePathwayItem`` rows:
pinned items come first in their order, unpinned ones join the automatic steps
(added if needed), hidden ones are left out. Only published records appear.

Five queries, whatever the size of the path (the first: the editors' items,
none when they were prefetched with the role, ``role.pathway_items``; the
last: the backgrounds that fit the role, each with its reason — the way in
when no program fits).
``PathwayMixin`` adds ``pathway`` to a role DetailView's context; render it with
``careers/partials/pathway.html``.
"""

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, Sum, Value, When

from core.prefetch import prefetch_together
from guides.models import Guide, GuideStep, Level, Paper, ResearchAgenda

from .models import Background, BackgroundRoleFit, Program, RolePathwayItem

PAPER_LIMIT = 8
GUIDE_LIMIT = 4

LEVEL_RANK = {Level.INTRODUCTORY: 0, Level.INTERMEDIATE: 1, Level.ADVANCED: 2}
# Within a level: read the guide, then the papers, then apply to the program.
KIND_RANK = {"guide": 0, "paper": 1, "program": 2}
KIND_LABELS = {"guide": "Guide", "paper": "Read", "program": "Program"}
KIND_LEVELS = {"guide": Level.INTRODUCTORY, "program": Level.INTERMEDIATE}
ITEM_FIELDS = ("program_id", "paper_id", "guide_id", "order", "pinned", "hidden", "note")


@dataclass
class PathwayStep:
    kind: str  # "guide", "paper" or "program"
    record: object
    level: str
    minutes: int | None = None  # reading time (guides, papers)
    weeks: int | None = None  # programme time (programs)
    pinned: bool = False
    note: str = ""
    sort_key: tuple = field(default=(), repr=False)

    @property
    def kind_label(self) -> str:
        if self.kind == "paper":
            return self.record.get_kind_display()
        return KIND_LABELS[self.kind]

    @property
    def level_label(self) -> str:
        return Level(self.level).label

    @property
    def url(self) -> str:
        return self.record.get_absolute_url()


@dataclass
class Pathway:
    steps: list[PathwayStep]
    # Published backgrounds that fit the role (``BackgroundRoleFit`` rows, with
    # their reason): the way in when no program fits.
    backgrounds: list = field(default_factory=list)

    @property
    def total_minutes(self) -> int:
        return sum(step.minutes or 0 for step in self.steps)

    @property
    def total_weeks(self) -> int:
        return sum(step.weeks or 0 for step in self.steps)

    @property
    def program_count(self) -> int:
        return sum(1 for step in self.steps if step.kind == "program")

    @property
    def program_weeks(self) -> tuple[int, int] | None:
        """``(shortest, longest)`` program length in weeks; a reader picks one program."""
        weeks = [step.weeks for step in self.steps if step.kind == "program" and step.weeks]
        return (min(weeks), max(weeks)) if weeks else None

    @property
    def steps_without_estimate(self) -> int:
        return sum(
            1
            for step in self.steps
            if (step.kind == "program" and not step.weeks)
            or (step.kind != "program" and not step.minutes)
        )

    def __bool__(self) -> bool:
        return bool(self.steps or self.backgrounds)

    def __iter__(self):
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)


def _ordered_by_choice(ids):
    """Rank rows listed in ``ids`` (editor items) before the others."""
    if not ids:
        return Value(1, output_field=IntegerField())
    return Case(When(pk__in=ids, then=Value(0)), default=Value(1), output_field=IntegerField())


def role_pathway(role) -> Pathway:
    # The editors' items: prefetched with the role on its page (``with_rows``).
    items = [
        {name: getattr(item, name) for name in ITEM_FIELDS} for item in role.pathway_items.all()
    ]
    chosen = {"program": {}, "paper": {}, "guide": {}}
    hidden = {"program": set(), "paper": set(), "guide": set()}
    for item in items:
        for kind in chosen:
            pk = item[f"{kind}_id"]
            if pk is None:
                continue
            if item["hidden"]:
                hidden[kind].add(pk)
            else:
                chosen[kind][pk] = item

    agendas = ResearchAgenda.objects.published().filter(roles=role).values("pk")

    # The programs that lead into the role (its ``programs``, whose prefetch cache
    # this fills: the page lists them too) and those editors chose: one query.
    found = prefetch_together(
        role,
        Program.objects.published().order_by("name", "pk"),
        ("programs",),
        path=Q(pk__in=role.programs.values("pk")) | Q(pk__in=list(chosen["program"])),
    )
    programs = [program for program in found["path"] if program.pk not in hidden["program"]]

    paper_level = Case(
        *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
        default=Value(1),
        output_field=IntegerField(),
    )
    papers = (
        Paper.objects.published()
        .filter(
            Q(pk__in=Paper.objects.filter(agendas__in=agendas).values("pk"))
            | Q(pk__in=list(chosen["paper"]))
        )
        .exclude(pk__in=hidden["paper"])
        .annotate(chosen_rank=_ordered_by_choice(list(chosen["paper"])), level_rank=paper_level)
        .order_by("chosen_rank", "level_rank", *Paper.LISTING_ORDER, "pk")[
            : PAPER_LIMIT + len(chosen["paper"])
        ]
    )

    guide_steps = GuideStep.objects.filter(Q(agendas__in=agendas) | Q(roles=role)).values("guide")
    guides = (
        Guide.objects.published()
        .filter(Q(pk__in=guide_steps) | Q(pk__in=list(chosen["guide"])))
        .exclude(pk__in=hidden["guide"])
        .annotate(
            chosen_rank=_ordered_by_choice(list(chosen["guide"])),
            pathway_minutes=Sum("steps__minutes"),
        )
        .order_by("chosen_rank", "order", "name", "pk")[: GUIDE_LIMIT + len(chosen["guide"])]
    )

    steps = []
    automatic = {"paper": 0, "guide": 0}
    limits = {"paper": PAPER_LIMIT, "guide": GUIDE_LIMIT}
    for kind, records in (("guide", guides), ("paper", papers), ("program", programs)):
        for position, record in enumerate(records):
            item = chosen[kind].get(record.pk)
            if item is None and kind in automatic:
                if automatic[kind] >= limits[kind]:
                    continue
                automatic[kind] += 1
            level = record.level if kind == "paper" else KIND_LEVELS[kind]
            step = PathwayStep(
                kind=kind,
                record=record,
                level=level,
                minutes=(
                    record.reading_minutes
                    if kind == "paper"
                    else (record.pathway_minutes or 0)
                    if kind == "guide"
                    else None
                ),
                weeks=record.duration_weeks if kind == "program" else None,
                pinned=bool(item and item["pinned"]),
                note=item["note"] if item else "",
            )
            if step.pinned:
                step.sort_key = (0, item["order"], 0, 0, 0)
            else:
                step.sort_key = (1, 0, LEVEL_RANK.get(level, 1), KIND_RANK[kind], position)
            steps.append(step)
    steps.sort(key=lambda step: step.sort_key)
    backgrounds = list(
        BackgroundRoleFit.objects.filter(role=role, background__in=Background.objects.published())
        .select_related("background")
        .order_by("order", "pk")
    )
    return Pathway(steps, backgrounds)


class PathwayMixin:
    """Adds ``pathway`` (``role_pathway(self.object)``) to a role DetailView's context."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pathway"] = role_pathway(self.object)
        return context


def roles_with_a_way_in():
    """Ids of roles whose "how to get there" names something readers can follow:
    a published program, background, guide or paper (the same sources as
    ``role_pathway``). One query when evaluated (subqueries only)."""
    published_agendas = ResearchAgenda.objects.published()
    sources = [
        Program.roles.through.objects.filter(program__in=Program.objects.published()).values(
            "role_id"
        ),
        BackgroundRoleFit.objects.filter(background__in=Background.objects.published()).values(
            "role_id"
        ),
        RolePathwayItem.objects.filter(hidden=False)
        .filter(
            Q(program__in=Program.objects.published())
            | Q(paper__in=Paper.objects.published())
            | Q(guide__in=Guide.objects.published())
        )
        .values("role_id"),
        published_agendas.filter(papers__in=Paper.objects.published(), roles__isnull=False).values(
            "roles"
        ),
        published_agendas.filter(
            guide_steps__guide__in=Guide.objects.published(), roles__isnull=False
        ).values("roles"),
        GuideStep.objects.filter(guide__in=Guide.objects.published(), roles__isnull=False).values(
            "roles"
        ),
    ]
    condition = Q()
    for source in sources:
        condition |= Q(pk__in=source)
    return condition


def roles_without_a_way_in(queryset):
    """The roles of ``queryset`` whose "how to get there" would be empty."""
    return queryset.exclude(roles_with_a_way_in())
