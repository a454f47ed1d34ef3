"""Reader pages for roles and programs: filterable listings and detail pages."""

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.views.generic import DetailView, ListView

from core import dependencies
from core.counts import run_counts
from core.facets import (
    FilteredListView,
    build_facet,
    count_by,
    count_part,
    queryset_without,
)
from core.markdown import markdown_to_text
from core.prefetch import prefetch_together, with_rows
from core.views import BreadcrumbMixin, RecordPageMixin, SafePaginator, SlugHistoryRedirectMixin
from guides.facets import agenda_facet
from guides.models import ResearchAgenda
from links.backlinks import BacklinksMixin
from organizations.models import Organization, OrganizationType

from .charts import program_timeline, salary_charts
from .filters import (
    HOURS_BAND_CHOICES,
    SALARY_BAND_CHOICES,
    ProgramFilter,
    RoleFilter,
    hours_band_q,
    salary_band_q,
)
from .models import (
    ApplicationStatus,
    Background,
    BackgroundAgendaFit,
    BackgroundProgramFit,
    BackgroundRoleFit,
    CareerStage,
    Program,
    Qualification,
    Role,
    RoleCategory,
)
from .pathway import PathwayMixin

RELATED_ROLES_LIMIT = 6


def roles_crumb():
    return ("Roles", reverse("careers:role_list"))


def programs_crumb():
    return ("Programs", reverse("careers:program_list"))


# ----------------------------------------------------------------------- roles


class RoleListView(FilteredListView):
    """Roles filtered by category, salary band and employer type; sortable.

    Queries (constant): up to three to validate filter values, seven for the
    facets (categories, employer types, one count per facet, and the agendas'
    counts and names), one count, one page.
    """

    template_name = "careers/role_list.html"
    context_object_name = "roles"
    filterset_class = RoleFilter

    def get_base_queryset(self):
        return (
            Role.objects.visible_to(self.request.user)
            .select_related("category")
            .order_by("name", "pk")
        )

    def get_breadcrumbs(self):
        return [roles_crumb()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        title = "Salary ranges of the roles listed"
        if page is not None and page.paginator.num_pages > 1:
            title += f" (page {page.number})"
        context["salary_charts"] = salary_charts(context["roles"], title=title)
        return context

    def get_facets(self, filterset):
        request = self.request
        categories = [(c.slug, c.name) for c in RoleCategory.objects.all()]
        employer_types = [(t.slug, t.label) for t in OrganizationType.objects.all()]
        band_counts = queryset_without(filterset, "salary").aggregate(
            **{
                slug: Count("pk", filter=salary_band_q(slug), distinct=True)
                for slug, _label in SALARY_BAND_CHOICES
            }
        )
        return [
            build_facet(
                request,
                "category",
                "Category",
                categories,
                count_by(queryset_without(filterset, "category"), "category__slug"),
            ),
            build_facet(request, "salary", "Salary", SALARY_BAND_CHOICES, band_counts),
            build_facet(
                request,
                "employer",
                "Employer type",
                employer_types,
                count_by(queryset_without(filterset, "employer"), "employer_types__slug"),
            ),
            agenda_facet(request, filterset),
        ]


def qualification_groups(role):
    """``[(heading, [qualification, ...]), ...]`` in the order of ``Qualification.Kind``."""
    by_kind: dict[str, list] = {}
    for qualification in role.qualifications.all():
        by_kind.setdefault(qualification.kind, []).append(qualification)
    return [(label, by_kind[kind]) for kind, label in Qualification.Kind.choices if kind in by_kind]


class RoleDetailView(
    SlugHistoryRedirectMixin,
    BacklinksMixin,
    RecordPageMixin,
    PathwayMixin,
    BreadcrumbMixin,
    DetailView,
):
    """A role with every section; related records are published ones only.

    Queries (constant): the role with its category, and in the same query its
    duties, qualifications, FAQ, employer types, tags and pathway items
    (``with_rows``); agendas, hiring organizations (one each); related roles
    and more roles in the category (one); "How to get there" (four, one of them
    the programs the page lists, ``role.programs``); "What links here" (one
    query for every linking record type but backgrounds, which "How to get
    there" lists).
    An old slug answers with a 301 to the current page.
    """

    template_name = "careers/role_detail.html"
    context_object_name = "role"
    # The backgrounds that fit the role are listed under "How to get there".
    backlinks_exclude = ("background",)

    def get_queryset(self):
        roles = Role.objects.visible_to(self.request.user).select_related("category")
        # Child rows, employer types, tags and the editors' pathway items: in the
        # role's own query (``with_rows``).
        return with_rows(
            roles, "duties", "qualifications", "faqs", "employer_types", "tags", "pathway_items"
        ).prefetch_related(
            Prefetch("agendas", queryset=ResearchAgenda.objects.published()),
            Prefetch(
                "hiring_organizations",
                queryset=Organization.objects.published().select_related("type"),
            ),
        )

    def get_object(self, queryset=None):
        role = super().get_object(queryset)
        # The related roles and more roles in the category: one query
        # (``prefetch_together``, which fills ``role.related_roles``).
        in_category = (
            Role.objects.published()
            .filter(category=role.category_id)
            .exclude(pk=role.pk)
            .order_by("name")[:RELATED_ROLES_LIMIT]
        )
        self.more_in_category = prefetch_together(
            role,
            Role.objects.published().select_related("category").order_by("name"),
            ("related_roles",),
            more_in_category=Q(pk__in=in_category.values("pk")),
        )["more_in_category"]
        # A listing of roles (a new one in the category joins it), as when it ran alone.
        dependencies.depends_on(dependencies.listing_key(Role))
        return role

    def get_breadcrumbs(self):
        role = self.object
        return [
            roles_crumb(),
            (role.category.name, role.category.get_absolute_url()),
            (role.name, role.get_absolute_url()),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = self.object
        more_in_category = self.more_in_category
        shown = {r.pk for r in more_in_category}
        other_related = [r for r in role.related_roles.all() if r.pk not in shown]
        context.update(
            qualification_groups=qualification_groups(role),
            more_in_category=more_in_category,
            other_related=other_related,
            jsonld_data=role_jsonld(self.request, role),
            # This role's range against the related roles' (already fetched above).
            salary_charts=salary_charts(
                [role, *more_in_category, *other_related],
                current=role,
                title=f"Salary range of {role.name} and related roles",
            )
            if role.has_salary
            else [],
        )
        return context


def role_jsonld(request, role) -> dict:
    """schema.org ``Occupation`` with an ``estimatedSalary`` distribution."""
    data = {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": role.name,
        "url": request.build_absolute_uri(role.get_absolute_url()),
        "description": role.summary or markdown_to_text(role.overview)[:300],
        "occupationalCategory": role.category.name,
    }
    if role.has_salary:
        salary = {
            "@type": "MonetaryAmountDistribution",
            "name": "base",
            "currency": role.salary_currency,
            "duration": "P1Y",
        }
        if role.salary_min is not None:
            salary["minValue"] = role.salary_min
        if role.salary_max is not None:
            salary["maxValue"] = role.salary_max
        data["estimatedSalary"] = [salary]
    if role.typical_education:
        data["educationRequirements"] = role.typical_education
    if role.typical_experience:
        data["experienceRequirements"] = role.typical_experience
    if role.key_certifications:
        data["qualifications"] = role.key_certifications
    duties = [duty.text for duty in role.duties.all()]
    if duties:
        data["responsibilities"] = duties
    skills = [q.text for q in role.qualifications.all() if q.kind == Qualification.Kind.TECHNICAL]
    if skills:
        data["skills"] = skills
    return data


# -------------------------------------------------------------------- programs


class ProgramListView(FilteredListView):
    """Programs filtered by application status (computed from the window), career
    stage, kind, format, cost, hours a week and cadence; sorted by name or next
    deadline.

    Queries (constant): one each to validate a stage and an agenda, the career
    stages (facet options), the facet counts (two: the hours bands, and every
    other facet's together), the agendas' counts and names, one count, one page,
    the page's career stages.
    """

    template_name = "careers/program_list.html"
    context_object_name = "programs"
    filterset_class = ProgramFilter

    def get_base_queryset(self):
        return (
            Program.objects.visible_to(self.request.user)
            .with_application_status()
            .order_by("name", "pk")
        )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("career_stages", queryset=CareerStage.objects.all()))
        )

    def get_breadcrumbs(self):
        return [programs_crumb()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeline"] = program_timeline(context["programs"])
        return context

    def get_facets(self, filterset):
        request = self.request
        stages = [(stage.slug, stage.name) for stage in CareerStage.objects.all()]
        hours_counts = queryset_without(filterset, "hours").aggregate(
            **{slug: Count("pk", filter=hours_band_q(slug)) for slug, _label in HOURS_BAND_CHOICES}
        )
        single = [
            ("kind", "Kind", Program.Kind.choices),
            ("format", "Format", Program.Format.choices),
            ("cost", "Cost", Program.Cost.choices),
        ]
        # Every facet's counts but the hours bands' in one query.
        status_counts, stage_counts, cadence_counts, *single_counts = run_counts(
            [
                count_part(queryset_without(filterset, "status"), "application_state"),
                count_part(queryset_without(filterset, "stage"), "career_stages__slug"),
                count_part(queryset_without(filterset, "cadence"), "cadence"),
                *(count_part(queryset_without(filterset, name), name) for name, *_rest in single),
            ]
        )
        facets = [
            build_facet(
                request, "status", "Applications", ApplicationStatus.choices, status_counts
            ),
            build_facet(request, "stage", "Career stage", stages, stage_counts),
        ]
        facets += [
            build_facet(request, name, label, choices, counts)
            for (name, label, choices), counts in zip(single, single_counts, strict=True)
        ]
        facets.append(
            build_facet(request, "hours", "Hours a week", HOURS_BAND_CHOICES, hours_counts)
        )
        facets.append(
            build_facet(
                request,
                "cadence",
                "Cadence",
                Program.Cadence.choices,
                cadence_counts,
            )
        )
        facets.append(agenda_facet(request, filterset))
        return facets


class ProgramDetailView(
    SlugHistoryRedirectMixin, BacklinksMixin, RecordPageMixin, BreadcrumbMixin, DetailView
):
    """A program with its organizer, agendas and the roles it leads into.

    Queries (constant): the program with its organizer, tags and career stages
    (``with_rows``); agendas, roles, the backgrounds it suits; "What links here"
    (one per linking record type but backgrounds, which the page lists). An old
    slug answers with a 301 to the current page.
    """

    template_name = "careers/program_detail.html"
    context_object_name = "program"
    # The page lists the backgrounds it suits itself.
    backlinks_exclude = ("background",)

    def get_queryset(self):
        programs = (
            Program.objects.visible_to(self.request.user)
            .with_application_status()
            .select_related("organizer")
        )
        # Tags and career stages: in the program's own query (``with_rows``).
        return with_rows(programs, "tags", "career_stages").prefetch_related(
            Prefetch("agendas", queryset=ResearchAgenda.objects.published()),
            Prefetch("roles", queryset=Role.objects.published().select_related("category")),
            Prefetch(
                "background_fits",
                queryset=published_background_fits(BackgroundProgramFit),
            ),
        )

    def get_breadcrumbs(self):
        program = self.object
        return [programs_crumb(), (program.name, program.get_absolute_url())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organizer = self.object.organizer
        # Only a published organizer is named or linked.
        context["organizer"] = organizer if organizer and organizer.is_published else None
        context["jsonld_data"] = program_jsonld(self.request, self.object, context["organizer"])
        return context


def published_background_fits(fit_model):
    """Fit rows whose background is published, with the background (one query)."""
    return (
        fit_model.objects.filter(background__in=Background.objects.published())
        .select_related("background")
        .order_by("background__order", "background__name", "pk")
    )


PROGRAM_MODES = {"online": "online", "in-person": "onsite", "hybrid": "blended"}


def program_jsonld(request, program, organizer) -> dict:
    """schema.org ``EducationalOccupationalProgram`` for one program."""
    data = {
        "@context": "https://schema.org",
        "@type": "EducationalOccupationalProgram",
        "name": program.name,
        "url": request.build_absolute_uri(program.get_absolute_url()),
        "description": program.summary or markdown_to_text(program.description)[:300],
        "educationalProgramMode": PROGRAM_MODES.get(program.format, program.format),
        "programType": program.get_kind_display(),
    }
    if organizer:
        data["provider"] = {
            "@type": "Organization",
            "name": organizer.name,
            "url": request.build_absolute_uri(organizer.get_absolute_url()),
        }
    if program.duration_weeks:
        data["timeToComplete"] = f"P{program.duration_weeks}W"
    if program.application_deadline:
        data["applicationDeadline"] = program.application_deadline.isoformat()
    if program.next_cohort_start:
        data["startDate"] = program.next_cohort_start.isoformat()
    if program.location:
        data["location"] = program.location
    if program.cost == Program.Cost.FREE:
        data["offers"] = {"@type": "Offer", "price": 0, "priceCurrency": "USD"}
    if program.cost_notes:
        data["financialAidEligible"] = program.cost_notes
    if program.website:
        data["sameAs"] = [program.website]
    if program.applications_open:
        data["applicationStartDate"] = program.applications_open.isoformat()
    if program.entry_bar:
        data["programPrerequisites"] = program.entry_bar
    occupations = [role.name for role in program.roles.all()]
    if occupations:
        data["occupationalCategory"] = occupations
    return data


# ----------------------------------------------------------------- backgrounds


def backgrounds_crumb():
    return ("Backgrounds", reverse("careers:background_list"))


class BackgroundListView(BreadcrumbMixin, ListView):
    """Every background with what it contributes. Queries: count, page, contributions."""

    template_name = "careers/background_list.html"
    context_object_name = "backgrounds"
    paginate_by = 24
    paginator_class = SafePaginator

    def get_queryset(self):
        return (
            Background.objects.visible_to(self.request.user)
            .prefetch_related("contributions")
            .order_by("order", "name", "pk")
        )

    def get_breadcrumbs(self):
        return [backgrounds_crumb()]


class BackgroundDetailView(
    SlugHistoryRedirectMixin, BacklinksMixin, RecordPageMixin, BreadcrumbMixin, DetailView
):
    """A background: its contributions and the agendas, roles and programs it fits,
    each with its reason. Queries (constant): the background with its
    contributions and tags (``with_rows``), the three kinds of fit (one each);
    "What links here"."""

    template_name = "careers/background_detail.html"
    context_object_name = "background"

    def get_queryset(self):
        # Contributions and tags: in the background's own query (``with_rows``).
        backgrounds = Background.objects.visible_to(self.request.user)
        return with_rows(backgrounds, "contributions", "tags").prefetch_related(
            Prefetch(
                "agenda_fits",
                queryset=BackgroundAgendaFit.objects.filter(
                    agenda__in=ResearchAgenda.objects.published()
                )
                .select_related("agenda")
                .order_by("order", "pk"),
            ),
            Prefetch(
                "role_fits",
                queryset=BackgroundRoleFit.objects.filter(role__in=Role.objects.published())
                .select_related("role", "role__category")
                .order_by("order", "pk"),
            ),
            Prefetch(
                "program_fits",
                queryset=BackgroundProgramFit.objects.filter(
                    program__in=Program.objects.published()
                )
                .select_related("program")
                .order_by("order", "pk"),
            ),
        )

    def get_breadcrumbs(self):
        return [backgrounds_crumb(), (self.object.name, self.object.get_absolute_url())]
