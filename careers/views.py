"""Reader pages for roles and programs: filterable listings and detail pages."""

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.views.generic import DetailView

from core.facets import FilteredListView, build_facet, count_by, queryset_without
from core.markdown import markdown_to_text
from core.views import BreadcrumbMixin, RecordPageMixin, SlugHistoryRedirectMixin
from guides.models import ResearchAgenda
from links.backlinks import BacklinksMixin
from organizations.models import Organization, OrganizationType

from .charts import program_timeline, salary_charts
from .filters import SALARY_BAND_CHOICES, ProgramFilter, RoleFilter, salary_band_q
from .models import Program, Qualification, Role, RoleCategory
from .pathway import PathwayMixin

RELATED_ROLES_LIMIT = 6


def roles_crumb():
    return ("Roles", reverse("careers:role_list"))


def programs_crumb():
    return ("Programs", reverse("careers:program_list"))


# ----------------------------------------------------------------------- roles


class RoleListView(FilteredListView):
    """Roles filtered by category, salary band and employer type; sortable.

    Queries (constant): up to two to validate filter values, five for the
    facets (categories, employer types, and one count per facet), one count,
    one page.
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

    Queries (constant): the role with its category; duties, qualifications,
    FAQ, agendas, hiring organizations, programs, related roles, employer
    types and tags (one each); more roles in the category (one); "How to get
    there" (four); "What links here" (seven, one per linking record type).
    An old slug answers with a 301 to the current page.
    """

    template_name = "careers/role_detail.html"
    context_object_name = "role"

    def get_queryset(self):
        return (
            Role.objects.visible_to(self.request.user)
            .select_related("category")
            .prefetch_related(
                "duties",
                "qualifications",
                "faqs",
                "employer_types",
                "tags",
                Prefetch("agendas", queryset=ResearchAgenda.objects.published()),
                Prefetch(
                    "hiring_organizations",
                    queryset=Organization.objects.published().select_related("type"),
                ),
                Prefetch(
                    "programs",
                    queryset=Program.objects.published().order_by("name"),
                ),
                Prefetch(
                    "related_roles",
                    queryset=Role.objects.published().select_related("category"),
                ),
            )
        )

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
        more_in_category = list(
            Role.objects.published()
            .filter(category=role.category_id)
            .exclude(pk=role.pk)
            .order_by("name")[:RELATED_ROLES_LIMIT]
        )
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
    """Programs filtered by kind, format and cost. Queries (constant): five."""

    template_name = "careers/program_list.html"
    context_object_name = "programs"
    filterset_class = ProgramFilter

    def get_base_queryset(self):
        return Program.objects.visible_to(self.request.user).order_by("name", "pk")

    def get_breadcrumbs(self):
        return [programs_crumb()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeline"] = program_timeline(context["programs"])
        return context

    def get_facets(self, filterset):
        request = self.request
        return [
            build_facet(
                request,
                name,
                label,
                choices,
                count_by(queryset_without(filterset, name), name),
            )
            for name, label, choices in [
                ("kind", "Kind", Program.Kind.choices),
                ("format", "Format", Program.Format.choices),
                ("cost", "Cost", Program.Cost.choices),
            ]
        ]


class ProgramDetailView(
    SlugHistoryRedirectMixin, BacklinksMixin, RecordPageMixin, BreadcrumbMixin, DetailView
):
    """A program with its organizer, agendas and the roles it leads into.

    Queries (constant): the program with its organizer; agendas, roles, tags;
    "What links here" (seven, one per linking record type). An old slug
    answers with a 301 to the current page.
    """

    template_name = "careers/program_detail.html"
    context_object_name = "program"

    def get_queryset(self):
        return (
            Program.objects.visible_to(self.request.user)
            .select_related("organizer")
            .prefetch_related(
                "tags",
                Prefetch("agendas", queryset=ResearchAgenda.objects.published()),
                Prefetch("roles", queryset=Role.objects.published().select_related("category")),
            )
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
    occupations = [role.name for role in program.roles.all()]
    if occupations:
        data["occupationalCategory"] = occupations
    return data
