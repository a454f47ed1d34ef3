"""Reader pages for the research side: agendas, papers, failure modes and guides.

Publication: the page's own record comes from ``visible_to(user)`` (staff may
preview drafts); every related record shown on a page comes from ``published()``
through a ``Prefetch``, so a draft never leaks through a link and every page
runs a fixed number of queries whatever the size of the data.
"""

from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.views.generic import DetailView, ListView

from careers.models import Background, BackgroundAgendaFit, Program, Role
from core.facets import (
    FilteredListView,
    build_facet,
    count_by,
    queryset_without,
    related_facet,
)
from core.markdown import markdown_to_text
from core.prefetch import prefetch_together, totals, with_rows
from core.seo import absolute_url
from core.views import BreadcrumbMixin, RecordPageMixin, SafePaginator, SlugHistoryRedirectMixin
from links.backlinks import BacklinksMixin
from organizations.models import Organization

from .charts import agenda_charts
from .facets import agenda_facet
from .filters import PaperFilter
from .models import (
    AgendaApproach,
    AlignmentProblem,
    Crux,
    CruxPosition,
    FailureMode,
    Guide,
    GuideStep,
    Paper,
    ResearchAgenda,
)

PAGE_SIZE = 24
# An agenda's page shows at most this many of each long list (papers, critiques,
# key organizations, funders, roles, programs), with the total and a link to the
# full list where a listing can be filtered by agenda.
AGENDA_LIST_LIMIT = 12


def published_agendas():
    return ResearchAgenda.objects.published().order_by("order", "name")


def published_papers():
    return Paper.objects.published().order_by(*Paper.LISTING_ORDER)


def published_failure_modes():
    return FailureMode.objects.published().order_by("name")


def published_organizations():
    return Organization.objects.published().select_related("type").order_by("name")


def published_guides():
    return Guide.objects.published().order_by("order", "name")


class VisibleMixin:
    """The record (or list) comes from ``visible_to``: drafts are 404 for readers."""

    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


class SectionListView(VisibleMixin, BreadcrumbMixin, ListView):
    paginate_by = PAGE_SIZE
    paginator_class = SafePaginator
    section_label = ""

    def get_breadcrumbs(self):
        return [(self.section_label, self.request.path)]


class SectionDetailView(
    SlugHistoryRedirectMixin,
    BacklinksMixin,
    RecordPageMixin,
    VisibleMixin,
    BreadcrumbMixin,
    DetailView,
):
    """A record's page: "What links here" (one query per linking record type not
    in ``backlinks_exclude``), "Cite this page", and a 301 from an old slug."""

    section_label = ""
    section_url = ""

    def get_breadcrumbs(self):
        return [
            (self.section_label, str(self.section_url)),
            (self.object.name, self.object.get_absolute_url()),
        ]


# -- research agendas --------------------------------------------------------


class AgendaListView(SectionListView):
    """Agenda cards with their goal; ``?problem=<slug>`` keeps the agendas that could
    help with one alignment problem (an unknown slug is a 404). Queries: the
    problem (when asked), count, page."""

    model = ResearchAgenda
    template_name = "guides/agenda_list.html"
    section_label = "Research agendas"

    def get_queryset(self):
        queryset = super().get_queryset()
        slug = self.request.GET.get("problem", "")
        self.problem = None
        if slug:
            self.problem = get_object_or_404(AlignmentProblem, slug=slug[:100])
            queryset = queryset.filter(problems=self.problem)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["problem"] = self.problem
        return context


def _fte_key(agenda):
    """Most researchers first (by the top of the range); agendas without an estimate last."""
    top = agenda.fte_max if agenda.fte_max is not None else agenda.fte_min
    return (top is None, -(top or 0))


def _choice_key(values):
    """Key by position in ``values``; an empty (not known) value last."""

    def key(value):
        return (not value, values.index(value) if value in values else 0)

    return key


_status_key = _choice_key(list(ResearchAgenda.ResearchStatus.values))
_target_key = _choice_key(["worst", "pessimistic", "average"])

# ``?sort=`` on the comparison page: value → (label, key on an agenda). Python's
# sort is stable, so ties keep the editors' order.
COMPARE_SORTS = {
    "": ("Editors' order", None),
    "name": ("Name (A–Z)", lambda a: a.name.lower()),
    "fte": ("Most researchers first", _fte_key),
    "problems": ("Most hard problems addressed", lambda a: -len(a.problems.all())),
    "status": ("Research status", lambda a: _status_key(a.research_status)),
    "target": ("Target case (worst case first)", lambda a: _target_key(a.target_case)),
}


def sort_agendas(agendas, sort: str):
    key = COMPARE_SORTS.get(sort, (None, None))[1]
    return sorted(agendas, key=key) if key else list(agendas)


class AgendaCompareView(BreadcrumbMixin, ListView):
    """Published agendas side by side, in the editors' ``order``.

    ``?agenda=a&agenda=b`` narrows the table to those agendas; a slug that is not
    a published agenda is named in a notice and otherwise ignored.
    Queries (constant): the agendas, their approaches.
    """

    template_name = "guides/agenda_compare.html"
    context_object_name = "agendas"

    def get_queryset(self):
        return published_agendas().prefetch_related(
            Prefetch("approaches", queryset=AgendaApproach.objects.order_by("order", "pk")),
            "problems",
            Prefetch("funders", queryset=Organization.objects.published().order_by("name")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        every_agenda = list(context["agendas"])
        known = {agenda.slug for agenda in every_agenda}
        requested = [slug for slug in self.request.GET.getlist("agenda") if slug][:50]
        chosen = [slug for slug in requested if slug in known]
        rows = [a for a in every_agenda if a.slug in chosen] if chosen else every_agenda
        sort = self.request.GET.get("sort", "")
        if sort not in COMPARE_SORTS:
            sort = ""
        rows = sort_agendas(rows, sort)
        context.update(
            agendas=rows,
            all_agendas=every_agenda,
            chosen=set(chosen),
            is_subset=bool(chosen) and len(rows) < len(every_agenda),
            unknown_agendas=[slug for slug in requested if slug not in known],
            sort=sort,
            sort_choices=[(value, label) for value, (label, _key) in COMPARE_SORTS.items()],
            agenda_charts=agenda_charts(rows),
        )
        return context

    def get_breadcrumbs(self):
        return [
            ("Research agendas", reverse("guides:agenda_list")),
            ("Compare", self.request.path),
        ]


class AgendaDetailView(SectionDetailView):
    """Everything about one agenda. Queries: the agenda, with its approaches,
    quick projects, hard problems and tags in the same query (``with_rows``);
    one per other related list (failure modes, backgrounds), one for its
    organizations (key ones and funders), one for its papers (and critiques),
    one for its roles, one for its programs — each of these cut to its first
    ``AGENDA_LIST_LIMIT`` records, with its total from the same query — one
    for its lineage (sub-agendas, parent, successor and predecessors); then
    "What links here" (one query for every other record type — the page lists
    its papers, failure modes, roles, programs and backgrounds already, in
    full or up to the limit with a link to the full list or its total)."""

    model = ResearchAgenda
    backlinks_exclude = ("paper", "failure-mode", "role", "program", "background")
    template_name = "guides/agenda_detail.html"
    context_object_name = "agenda"
    section_label = "Research agendas"
    section_url = reverse_lazy("guides:agenda_list")

    def get_queryset(self):
        # Approaches, quick projects, hard problems and tags: in the agenda's own
        # query (``with_rows``, each in its model's order).
        agendas = with_rows(
            super().get_queryset(), "approaches", "quick_projects", "problems", "tags"
        )
        return agendas.prefetch_related(
            Prefetch("failure_modes", queryset=published_failure_modes()),
            Prefetch(
                "background_fits",
                queryset=BackgroundAgendaFit.objects.filter(
                    background__in=Background.objects.published()
                )
                .select_related("background")
                .order_by("background__order", "background__name"),
            ),
        )

    def get_object(self, queryset=None):
        agenda = super().get_object(queryset)
        # Lists of the same model from one query each (``prefetch_together``),
        # each cut to its first ``AGENDA_LIST_LIMIT`` records, with its total.
        limit = AGENDA_LIST_LIMIT
        prefetch_together(
            agenda, published_organizations(), ("key_organizations", "funders"), limit=limit
        )
        prefetch_together(agenda, published_papers(), ("papers", "critiques"), limit=limit)
        prefetch_together(
            agenda, Role.objects.published().order_by("name"), ("roles",), limit=limit
        )
        prefetch_together(
            agenda, Program.objects.published().order_by("name"), ("programs",), limit=limit
        )
        # Lineage: only published agendas are named.
        self.lineage = prefetch_together(
            agenda,
            published_agendas(),
            ("sub_agendas",),
            parent=Q(pk=agenda.parent_id),
            successor=Q(pk=agenda.superseded_by_id),
            predecessors=Q(superseded_by=agenda),
        )
        return agenda

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lineage = self.lineage
        context["parent_agenda"] = next(iter(lineage["parent"]), None)
        context["successor"] = next(iter(lineage["successor"]), None)
        context["predecessors"] = lineage["predecessors"]
        # ``{relation: total}`` for the lists shown in part ("Showing 12 of 812").
        context["totals"] = totals(self.object)
        return context


# -- papers --------------------------------------------------------------------


class PaperListView(FilteredListView):
    """Papers and books filtered by agenda, organization, year and kind.

    Queries (constant): up to two to validate slugs; six for the facets (agenda
    and organization: counts from the link table, then names of the largest
    options only; year and kind: one count each), one count, one page, one for
    the cards' agendas.
    """

    template_name = "guides/paper_list.html"
    context_object_name = "papers"
    filterset_class = PaperFilter

    def get_base_queryset(self):
        return Paper.objects.visible_to(self.request.user).order_by(*Paper.LISTING_ORDER, "pk")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("agendas", queryset=published_agendas()))
        )

    def get_breadcrumbs(self):
        return [("Papers and books", reverse("guides:paper_list"))]

    def get_facets(self, filterset):
        request = self.request
        cleaned = getattr(filterset.form, "cleaned_data", {})
        year_counts = count_by(queryset_without(filterset, "year"), "year")
        years = sorted(year_counts, reverse=True)
        return [
            # A chosen agenda or organization stays listed even when nothing matches now.
            agenda_facet(request, filterset),
            related_facet(
                request,
                "organization",
                "Organization",
                queryset_without(filterset, "organization"),
                "organizations",
                Organization.objects.published(),
                selected=cleaned.get("organization"),
            ),
            build_facet(request, "year", "Year", [(y, y) for y in years], year_counts),
            build_facet(
                request,
                "kind",
                "Kind",
                Paper.Kind.choices,
                count_by(queryset_without(filterset, "kind"), "kind"),
            ),
        ]


class PaperDetailView(SectionDetailView):
    """Queries: the paper, agendas, organizations, failure modes, tags, citing guides;
    "What links here" (5: the page lists its guides and failure modes already)."""

    model = Paper
    backlinks_exclude = ("guide", "failure-mode")
    template_name = "guides/paper_detail.html"
    context_object_name = "paper"
    section_label = "Papers and books"
    section_url = reverse_lazy("guides:paper_list")

    def get_queryset(self):
        # Tags: in the paper's own query (``with_rows``).
        return with_rows(super().get_queryset(), "tags").prefetch_related(
            Prefetch("agendas", queryset=published_agendas()),
            Prefetch("organizations", queryset=published_organizations()),
            Prefetch("failure_modes", queryset=published_failure_modes()),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paper = self.object
        context["guides"] = published_guides().filter(steps__papers=paper).distinct()
        context["jsonld"] = paper_jsonld(self.request, paper)
        return context


def split_authors(authors: str) -> list[str]:
    """ "A. Author, B. Author and C. Author" → three names (";" wins if present)."""
    if not authors:
        return []
    sep = ";" if ";" in authors else ","
    names = []
    for part in authors.split(sep):
        names.extend(p.strip() for p in part.replace(" & ", " and ").split(" and "))
    return [n for n in names if n and n.lower() not in {"et al.", "et al", "others"}]


def paper_jsonld(request, paper: Paper) -> dict:
    """schema.org ``Book`` for books, ``ScholarlyArticle`` for papers, posts and reports."""
    data = {
        "@context": "https://schema.org",
        "@type": "Book" if paper.kind == Paper.Kind.BOOK else "ScholarlyArticle",
        "name": paper.name,
        "url": absolute_url(request, paper.get_absolute_url()),
    }
    if paper.kind != Paper.Kind.BOOK:
        data["headline"] = paper.name[:110]
    authors = split_authors(paper.authors)
    if authors:
        data["author"] = [{"@type": "Person", "name": name} for name in authors]
    if paper.year:
        data["datePublished"] = str(paper.year)
    if paper.summary:
        data["description"] = paper.summary
    if paper.url:
        data["sameAs"] = paper.url
    if paper.venue:
        data["publisher"] = {"@type": "Organization", "name": paper.venue}
    if paper.reading_minutes:
        data["timeRequired"] = f"PT{paper.reading_minutes}M"
    return data


# -- failure modes -------------------------------------------------------------


class FailureModeListView(SectionListView):
    """Queries: count, page."""

    model = FailureMode
    template_name = "guides/failuremode_list.html"
    section_label = "Failure modes"

    def get_queryset(self):
        return super().get_queryset().order_by("name")


class FailureModeDetailView(SectionDetailView):
    """Queries: the failure mode with its tags (``with_rows``), agendas, papers;
    "What links here" (7)."""

    model = FailureMode
    template_name = "guides/failuremode_detail.html"
    context_object_name = "failure_mode"
    section_label = "Failure modes"
    section_url = reverse_lazy("guides:failuremode_list")

    def get_queryset(self):
        # Tags: in the failure mode's own query (``with_rows``).
        return with_rows(super().get_queryset(), "tags").prefetch_related(
            Prefetch("agendas", queryset=published_agendas()),
            Prefetch("papers", queryset=published_papers()),
        )


# -- guides (reading paths) ----------------------------------------------------


class GuideListView(SectionListView):
    """Guide cards with total time and step count (annotated). Queries: count, page."""

    model = Guide
    template_name = "guides/guide_list.html"
    section_label = "Guides"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(total=Sum("steps__minutes"), step_count=Count("steps"))
            .order_by("order", "name")
        )


# The links a step may carry, in the order a reader meets them.
STEP_LINKS = (
    ("papers", published_papers),
    ("agendas", published_agendas),
    ("failure_modes", published_failure_modes),
    ("organizations", published_organizations),
    ("programs", lambda: Program.objects.published().order_by("name")),
    ("roles", lambda: Role.objects.published().order_by("name")),
)


class GuideDetailView(SectionDetailView):
    """A reading path: steps in order, grouped by section, each with its linked records.

    Queries (constant however many steps and links): the guide with its tags
    (``with_rows``), its steps, one per kind of link (six); "What links here" (7).
    """

    model = Guide
    template_name = "guides/guide_detail.html"
    context_object_name = "guide"
    section_label = "Guides"
    section_url = reverse_lazy("guides:guide_list")

    def get_queryset(self):
        steps = GuideStep.objects.order_by("order", "pk").prefetch_related(
            *(Prefetch(name, queryset=make()) for name, make in STEP_LINKS)
        )
        # Tags: in the guide's own query (``with_rows``).
        return with_rows(super().get_queryset(), "tags").prefetch_related(
            Prefetch("steps", queryset=steps)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = []
        for number, step in enumerate(self.object.steps.all(), start=1):
            step.number = number
            step.links = [obj for name, _ in STEP_LINKS for obj in getattr(step, name).all()]
            if not sections or sections[-1]["title"] != step.section:
                sections.append({"title": step.section, "start": number, "steps": [], "minutes": 0})
            sections[-1]["steps"].append(step)
            sections[-1]["minutes"] += step.minutes
        for index, section in enumerate(sections):
            if section["title"]:
                section["heading"] = section["title"]
            elif len(sections) == 1:
                section["heading"] = "Steps"
            else:
                section["heading"] = "Start here" if index == 0 else "Further steps"
        context["sections"] = sections
        context["step_count"] = sum(len(s["steps"]) for s in sections)
        context["total_minutes"] = self.object.total_minutes
        context["jsonld"] = guide_jsonld(self.request, self.object, sections)
        return context


def guide_jsonld(request, guide: Guide, sections) -> dict:
    """schema.org ``LearningResource`` with the total time and the steps as parts."""
    data = {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "name": guide.name,
        "url": absolute_url(request, guide.get_absolute_url()),
        "timeRequired": f"PT{guide.total_minutes}M",
        "hasPart": [
            {
                "@type": "CreativeWork",
                "position": step.number,
                "name": step.title,
                "timeRequired": f"PT{step.minutes}M",
            }
            for section in sections
            for step in section["steps"]
        ],
    }
    description = guide.summary or markdown_to_text(guide.intro)[:300]
    if description:
        data["description"] = description
    if guide.audience:
        data["audience"] = {"@type": "Audience", "audienceType": guide.audience}
    return data


# -- cruxes --------------------------------------------------------------------


def crux_positions():
    from organizations.models import OrganizationType

    return CruxPosition.objects.order_by("order", "pk").prefetch_related(
        Prefetch("agendas", queryset=published_agendas()),
        Prefetch("organization_types", queryset=OrganizationType.objects.order_by("order")),
    )


class CruxListView(SectionListView):
    """Each crux with its positions. Queries: count, page, positions."""

    model = Crux
    template_name = "guides/crux_list.html"
    section_label = "Cruxes"

    def get_queryset(self):
        positions = CruxPosition.objects.order_by("order", "pk").only("crux_id", "stance", "order")
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("positions", queryset=positions))
            .order_by("order", "name")
        )


class CruxDetailView(SectionDetailView):
    """A crux: its positions with arguments and where each points.

    Queries (constant): the crux with its tags (``with_rows``), positions, their
    agendas, their organization types; "What links here".
    """

    model = Crux
    template_name = "guides/crux_detail.html"
    context_object_name = "crux"
    section_label = "Cruxes"
    section_url = reverse_lazy("guides:crux_list")

    def get_queryset(self):
        # Tags: in the crux's own query (``with_rows``).
        return with_rows(super().get_queryset(), "tags").prefetch_related(
            Prefetch("positions", queryset=crux_positions())
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jsonld"] = crux_jsonld(self.request, self.object)
        return context


def crux_jsonld(request, crux: Crux) -> dict:
    """schema.org ``Question`` with each position as a suggested ``Answer``."""
    positions = list(crux.positions.all())
    data = {
        "@context": "https://schema.org",
        "@type": "Question",
        "name": crux.name,
        "url": absolute_url(request, crux.get_absolute_url()),
        "answerCount": len(positions),
        "suggestedAnswer": [
            {
                "@type": "Answer",
                "position": number,
                "text": position.stance
                + (": " + markdown_to_text(position.arguments)[:500] if position.arguments else ""),
            }
            for number, position in enumerate(positions, start=1)
        ],
    }
    description = crux.summary or markdown_to_text(crux.description)[:300]
    if description:
        data["text"] = description
    return data
