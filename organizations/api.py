"""What organizations add to the open data API (``/api/v1/organizations/``)."""

import django_filters
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from careers.models import Program, Role
from core.api import ReadOnlyModelSerializer, RecordFields, published_prefetch, slugs
from core.filters import YES_NO, LinkedRecordFilter, TagFilter
from core.seo import absolute_url
from guides.models import Paper, ResearchAgenda

from .models import Organization, OrganizationType

SLUG_REGEX = r"[-a-zA-Z0-9_]+"


class OrganizationFields(RecordFields):
    """A published organization, with the published records around it."""

    type = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    country = serializers.CharField(source="country.code", read_only=True)
    agendas = slugs("published_agendas", "Research agendas naming it a key organization.")
    programs = slugs("published_programs", "Programs it organizes.")
    roles = slugs("published_roles", "Roles it hires for.")
    papers = slugs("published_papers", "Papers from it.")

    class Meta:
        model = Organization
        fields = (
            "type",
            "description",
            "website",
            "careers_url",
            "founded_year",
            "closed_year",
            "headquarters",
            "country",
            "operating_status",
            "agendas",
            "programs",
            "roles",
            "papers",
        )

    @classmethod
    def optimize(cls, queryset):
        return queryset.select_related("type").prefetch_related(
            published_prefetch("agendas", ResearchAgenda),
            published_prefetch("programs", Program),
            published_prefetch("roles", Role),
            published_prefetch("papers", Paper),
        )


class RunsProgramFilter(django_filters.ChoiceFilter):
    """``yes``: organizes at least one published program; ``no``: organizes none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        kwargs.setdefault(
            "help_text", "yes: organizes at least one published program; no: organizes none."
        )
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value not in ("yes", "no"):
            return qs
        organizers = Program.objects.published().filter(organizer__isnull=False).values("organizer")
        return qs.filter(pk__in=organizers) if value == "yes" else qs.exclude(pk__in=organizers)


class CountryFilter(django_filters.CharFilter):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("help_text", "ISO 3166-1 alpha-2 country code.")
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return qs.filter(country=value.upper()) if value else qs


class OrganizationAPIFilter(FilterSet):
    """The API's filters; the listing page's (``organizations.filters``) take precedence."""

    type = django_filters.CharFilter(
        field_name="type__slug", max_length=100, help_text="Organization type slug."
    )
    agenda = LinkedRecordFilter(
        "guides.ResearchAgenda",
        "key_organizations",
        help_text="Research agenda slug: organizations working on it.",
    )
    role = LinkedRecordFilter(
        "careers.Role", "hiring_organizations", help_text="Role slug: organizations hiring for it."
    )
    runs_program = RunsProgramFilter()
    country = CountryFilter()
    status = django_filters.ChoiceFilter(
        field_name="operating_status", choices=Organization.OperatingStatus.choices
    )
    tag = TagFilter()

    class Meta:
        model = Organization
        fields = ["type", "agenda", "role", "runs_program", "country", "status", "tag"]


# -- the organization types (a taxonomy: no drafts) -----------------------------


class OrganizationTypeSerializer(ReadOnlyModelSerializer):
    """A kind of organization (frontier lab, safety nonprofit…)."""

    listing_url = serializers.SerializerMethodField(
        help_text="The organizations listing filtered to this type."
    )

    class Meta:
        model = OrganizationType
        fields = ("id", "slug", "name", "plural_name", "description", "order", "listing_url")

    def get_listing_url(self, obj) -> str:
        return absolute_url(self.context.get("request"), obj.get_absolute_url())


class OrganizationTypeFilter(FilterSet):
    class Meta:
        model = OrganizationType
        fields = []


@extend_schema_view(
    list=extend_schema(summary="List organization types", tags=["organization-types"]),
    retrieve=extend_schema(summary="One organization type", tags=["organization-types"]),
)
class OrganizationTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The kinds of organization (a taxonomy: no drafts)."""

    queryset = OrganizationType.objects.order_by("order", "name", "pk")
    serializer_class = OrganizationTypeSerializer
    filterset_class = OrganizationTypeFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX


def api_routes():
    """Extra API endpoints (hook ``api_routes``): ``[(prefix, viewset, basename)]``."""
    return [("organization-types", OrganizationTypeViewSet, "organizationtype")]
