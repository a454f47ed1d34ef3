"""Reader pages for organizations: a filterable listing and a detail page."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Count, Prefetch, Value, When
from django.urls import reverse
from django.views.generic import DetailView
from django_countries import countries
from taggit.models import TaggedItem

from careers.models import Program, Role
from core.charts import facet_chart
from core.counts import run_counts
from core.facets import (
    FilteredListView,
    build_facet,
    count_part,
    queryset_without,
    related_counts_part,
    related_facet,
)
from core.markdown import markdown_to_text
from core.prefetch import prefetch_together, totals, with_rows
from core.views import BreadcrumbMixin, RecordPageMixin, SlugHistoryRedirectMixin
from guides.facets import agenda_facet
from guides.models import Paper, ResearchAgenda
from links.backlinks import BacklinksMixin

from .filters import RUNS_PROGRAM_CHOICES, OrganizationFilter
from .models import Organization, OrganizationType

TAG_FACET_LIMIT = 20
# An organization's page shows its newest papers up to this many, with the total
# and a link to the paper listing filtered by the organization.
PAPER_LIMIT = 12


def organizations_crumb():
    return ("Organizations", reverse("organizations:organization_list"))


class OrganizationListView(FilteredListView):
    """Organizations filtered by type, agenda, role hired for, program run, country,
    status and tag — all combined in one query string.

    Queries (constant): one per model-backed filter in use to validate its
    value, five for the facets (the types to choose from; every facet's counts
    but the topics' together; the topics; the agendas and roles to choose
    from), one count, one page.
    """

    template_name = "organizations/organization_list.html"
    context_object_name = "organizations"
    filterset_class = OrganizationFilter

    def get_base_queryset(self):
        return (
            Organization.objects.visible_to(self.request.user)
            .select_related("type")
            .order_by("name", "pk")
        )

    def get_breadcrumbs(self):
        return [organizations_crumb()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        facets = {facet.name: facet for facet in context["facets"]}
        context["charts"] = [
            facet_chart(
                facets[name],
                title=title,
                description_noun="organizations",
                unit="organizations",
                slug=f"organizations-by-{name}",
            )
            for name, title in (
                ("type", "Organizations by type"),
                ("country", "Organizations by country"),
            )
            if name in facets
        ]
        return context

    def get_facets(self, filterset):
        request = self.request
        types = [(t.slug, t.label) for t in OrganizationType.objects.all()]
        cleaned = getattr(filterset.form, "cleaned_data", {})
        organizers = Program.objects.published().filter(organizer__isnull=False).values("organizer")
        runs_program = Case(
            When(pk__in=organizers, then=Value("yes")),
            default=Value("no"),
            output_field=CharField(),
        )
        # Every facet's counts but the topics' (top N by count) in one query.
        (
            type_counts,
            agenda_counts,
            role_counts,
            runs_program_counts,
            country_counts,
            status_counts,
        ) = run_counts(
            [
                count_part(queryset_without(filterset, "type"), "type__slug"),
                related_counts_part(
                    queryset_without(filterset, "agenda"),
                    "agendas",
                    ResearchAgenda.objects.published(),
                ),
                related_counts_part(
                    queryset_without(filterset, "role"), "roles", Role.objects.published()
                ),
                count_part(queryset_without(filterset, "runs_program"), runs_program),
                count_part(queryset_without(filterset, "country"), "country"),
                count_part(queryset_without(filterset, "status"), "operating_status"),
            ]
        )
        runs_program_counts = {key: runs_program_counts.get(key, 0) for key in ("yes", "no")}
        # Taggings counted per tag: a record has a tag at most once (taggit's
        # unique content type, object and tag), so no DISTINCT over the records
        # (which sorted every tagging: 25 -> 10 ms at 10,000 organizations).
        tag_rows = (
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Organization),
                object_id__in=queryset_without(filterset, "tag").order_by().values("pk"),
            )
            .values("tag__slug", "tag__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "tag__name")[:TAG_FACET_LIMIT]
        )
        tag_rows = list(tag_rows)
        return [
            build_facet(
                request,
                "type",
                "Type",
                types,
                type_counts,
            ),
            agenda_facet(request, filterset, counts=agenda_counts),
            related_facet(
                request,
                "role",
                "Hires for",
                queryset_without(filterset, "role"),
                "roles",
                Role.objects.published(),
                selected=cleaned.get("role"),
                counts=role_counts,
            ),
            build_facet(
                request,
                "runs_program",
                "Programs",
                RUNS_PROGRAM_CHOICES,
                runs_program_counts,
            ),
            build_facet(
                request,
                "country",
                "Country",
                sorted(
                    ((code, countries.name(code)) for code in country_counts),
                    key=lambda pair: str(pair[1]),
                ),
                country_counts,
            ),
            build_facet(
                request,
                "status",
                "Status",
                Organization.OperatingStatus.choices,
                status_counts,
            ),
            build_facet(
                request,
                "tag",
                "Topic",
                [(row["tag__slug"], row["tag__name"]) for row in tag_rows],
                {row["tag__slug"]: row["n"] for row in tag_rows},
            ),
        ]


class OrganizationDetailView(
    SlugHistoryRedirectMixin, BacklinksMixin, RecordPageMixin, BreadcrumbMixin, DetailView
):
    """One organization with its published agendas, papers, programs and roles.

    Queries (constant): the organization with its type and tags (``with_rows``),
    then one each for agendas, programs and roles, one for its first ``PAPER_LIMIT`` papers
    and their total; one for "What links here" (guides, organizations,
    failure modes together — the page lists the rest itself).
    An old slug answers with a 301 to the current page.
    """

    template_name = "organizations/organization_detail.html"
    context_object_name = "organization"
    backlinks_exclude = ("role", "agenda", "program", "paper")

    def get_queryset(self):
        organizations = Organization.objects.visible_to(self.request.user).select_related("type")
        # Tags: in the organization's own query (``with_rows``).
        return with_rows(organizations, "tags").prefetch_related(
            Prefetch("agendas", queryset=ResearchAgenda.objects.published()),
            Prefetch("programs", queryset=Program.objects.published().order_by("name")),
            Prefetch("roles", queryset=Role.objects.published().select_related("category")),
        )

    def get_object(self, queryset=None):
        org = super().get_object(queryset)
        # Its first papers (newest first, undated last, as on the paper listing its
        # "See all" link opens) and how many there are, in one query.
        papers = Paper.objects.published().order_by(*Paper.LISTING_ORDER)
        prefetch_together(org, papers, ("papers",), limit=PAPER_LIMIT)
        return org

    def get_breadcrumbs(self):
        org = self.object
        return [organizations_crumb(), (org.name, org.get_absolute_url())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jsonld_data"] = organization_jsonld(self.request, self.object)
        context["totals"] = totals(self.object)
        return context


def organization_jsonld(request, org) -> dict:
    """schema.org ``Organization`` for one organization."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": org.name,
        "url": request.build_absolute_uri(org.get_absolute_url()),
        "description": org.summary or markdown_to_text(org.description)[:300],
    }
    if org.website:
        data["sameAs"] = [org.website]
    if org.founded_year:
        data["foundingDate"] = str(org.founded_year)
    if org.closed_year:
        data["dissolutionDate"] = str(org.closed_year)
    if org.headquarters or org.country:
        address = {"@type": "PostalAddress"}
        if org.headquarters:
            address["addressLocality"] = org.headquarters
        if org.country:
            address["addressCountry"] = org.country.code
        data["address"] = address
    if org.tags.all():
        data["keywords"] = ", ".join(tag.name for tag in org.tags.all())
    return data
