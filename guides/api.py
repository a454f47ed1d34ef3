"""What agendas, papers, failure modes and guides add to the open data API."""

import django_filters
from django.db.models import Prefetch
from django_filters.rest_framework import FilterSet
from rest_framework import serializers

from careers.models import Program, Role
from core.api import ReadOnlyModelSerializer, RecordFields, published_prefetch, slugs
from core.filters import IntegerFilter, LinkedRecordFilter, TagFilter
from organizations.models import Organization

from .models import (
    AgendaQuickProject,
    Crux,
    CruxPosition,
    FailureMode,
    Guide,
    GuideStep,
    Level,
    Paper,
    ResearchAgenda,
)


class ApproachSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)


class QuickProjectSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = AgendaQuickProject
        fields = ("title", "description", "weeks_min", "weeks_max")


class AgendaFields(RecordFields):
    """A published research agenda."""

    key_organizations = slugs("published_key_organizations")
    approaches = ApproachSerializer(many=True, read_only=True)
    problems = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
        help_text="Slugs of the alignment problems it could help with.",
    )
    funders = slugs("published_funders", "Slugs of funding organizations.")
    critiques = slugs("published_critiques", "Slugs of papers or posts critiquing it.")
    parent = serializers.SerializerMethodField(help_text="Parent agenda's slug (if published).")
    superseded_by = serializers.SerializerMethodField(
        help_text="Slug of the agenda that replaced it (if published)."
    )
    quick_projects = QuickProjectSerializer(many=True, read_only=True)

    class Meta:
        model = ResearchAgenda
        fields = (
            "goal",
            "key_bet",
            "if_you_believe",
            "key_insight",
            "description",
            "open_questions",
            "how_to_contribute",
            "background_fit",
            "key_organizations",
            "approaches",
            "order",
            "theory_of_change",
            "target_case",
            "problems",
            "broad_approach",
            "fte_min",
            "fte_max",
            "fte_estimated_on",
            "funders",
            "critiques",
            "research_status",
            "parent",
            "renamed_from",
            "superseded_by",
            "quick_projects",
        )

    def get_parent(self, obj) -> str | None:
        parent = getattr(obj, "published_parent", None)
        return parent.slug if parent else None

    def get_superseded_by(self, obj) -> str | None:
        successor = getattr(obj, "published_superseded_by", None)
        return successor.slug if successor else None

    @classmethod
    def optimize(cls, queryset):
        return queryset.prefetch_related(
            "approaches",
            "problems",
            "quick_projects",
            published_prefetch("key_organizations", Organization),
            published_prefetch("funders", Organization),
            published_prefetch("critiques", Paper),
            Prefetch(
                "parent",
                queryset=ResearchAgenda.objects.published(),
                to_attr="published_parent",
            ),
            Prefetch(
                "superseded_by",
                queryset=ResearchAgenda.objects.published(),
                to_attr="published_superseded_by",
            ),
        )


class PaperFields(RecordFields):
    """A published paper, book, post or report."""

    organizations = slugs("published_organizations")
    agendas = slugs("published_agendas")

    class Meta:
        model = Paper
        fields = (
            "authors",
            "year",
            "kind",
            "level",
            "venue",
            "url",
            "reading_minutes",
            "description",
            "organizations",
            "agendas",
        )

    @classmethod
    def optimize(cls, queryset):
        return queryset.prefetch_related(
            published_prefetch("organizations", Organization),
            published_prefetch("agendas", ResearchAgenda),
        )


class FailureModeFields(RecordFields):
    """A published failure mode."""

    agendas = slugs("published_agendas")
    papers = slugs("published_papers")

    class Meta:
        model = FailureMode
        fields = ("body", "why_it_matters", "agendas", "papers")

    @classmethod
    def optimize(cls, queryset):
        return queryset.prefetch_related(
            published_prefetch("agendas", ResearchAgenda),
            published_prefetch("papers", Paper),
        )


# The records a step may link to, by relation name.
STEP_LINK_MODELS = {
    "agendas": ResearchAgenda,
    "failure_modes": FailureMode,
    "papers": Paper,
    "organizations": Organization,
    "programs": Program,
    "roles": Role,
}
assert set(STEP_LINK_MODELS) == set(GuideStep.LINK_FIELDS)


class GuideStepSerializer(ReadOnlyModelSerializer):
    """One step of a guide, with the published records it links to."""

    agendas = slugs("published_agendas")
    failure_modes = slugs("published_failure_modes")
    papers = slugs("published_papers")
    organizations = slugs("published_organizations")
    programs = slugs("published_programs")
    roles = slugs("published_roles")

    class Meta:
        model = GuideStep
        fields = ("section", "title", "minutes", "body", *GuideStep.LINK_FIELDS)


class GuideFields(RecordFields):
    """A published guide (reading path) with its steps."""

    total_minutes = serializers.IntegerField(read_only=True)
    steps = GuideStepSerializer(many=True, read_only=True)

    class Meta:
        model = Guide
        fields = ("audience", "intro", "order", "total_minutes", "steps")

    @classmethod
    def optimize(cls, queryset):
        steps = GuideStep.objects.prefetch_related(
            *(published_prefetch(name, model) for name, model in STEP_LINK_MODELS.items())
        )
        return queryset.prefetch_related(Prefetch("steps", queryset=steps))


class CruxPositionSerializer(ReadOnlyModelSerializer):
    agendas = slugs("published_agendas", "Agendas this position points to.")
    organization_types = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = CruxPosition
        fields = ("stance", "arguments", "next_steps", "agendas", "organization_types")


class CruxFields(RecordFields):
    """A published crux: a question to weigh, with its positions."""

    positions = CruxPositionSerializer(many=True, read_only=True)

    class Meta:
        model = Crux
        fields = ("description", "consider", "order", "positions")

    @classmethod
    def optimize(cls, queryset):
        positions = CruxPosition.objects.order_by("order", "pk").prefetch_related(
            published_prefetch("agendas", ResearchAgenda), "organization_types"
        )
        return queryset.prefetch_related(Prefetch("positions", queryset=positions))


# -- the API's filters (the paper listing's own, guides.filters, take precedence) --


class AgendaAPIFilter(FilterSet):
    organization = LinkedRecordFilter(
        "organizations.Organization", "agendas", help_text="Slug of a key organization."
    )
    funder = LinkedRecordFilter(
        "organizations.Organization", "funded_agendas", help_text="Slug of a funder."
    )
    problem = django_filters.CharFilter(
        field_name="problems__slug",
        max_length=100,
        distinct=True,
        help_text="Alignment problem slug.",
    )
    target_case = django_filters.ChoiceFilter(choices=ResearchAgenda.TargetCase.choices)
    broad_approach = django_filters.ChoiceFilter(choices=ResearchAgenda.Approach.choices)
    research_status = django_filters.ChoiceFilter(choices=ResearchAgenda.ResearchStatus.choices)
    tag = TagFilter()

    class Meta:
        model = ResearchAgenda
        fields = [
            "organization",
            "funder",
            "problem",
            "target_case",
            "broad_approach",
            "research_status",
            "tag",
        ]


class PaperAPIFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=Paper.Kind.choices)
    level = django_filters.ChoiceFilter(choices=Level.choices)
    year = IntegerFilter(min_value=0, max_value=9999)
    year_from = IntegerFilter(field_name="year", lookup_expr="gte", min_value=0, max_value=9999)
    year_to = IntegerFilter(field_name="year", lookup_expr="lte", min_value=0, max_value=9999)
    agenda = LinkedRecordFilter(
        "guides.ResearchAgenda", "papers", help_text="Research agenda slug."
    )
    organization = LinkedRecordFilter(
        "organizations.Organization", "papers", help_text="Organization slug."
    )
    tag = TagFilter()

    class Meta:
        model = Paper
        fields = ["kind", "level", "year", "year_from", "year_to", "agenda", "organization", "tag"]


class FailureModeAPIFilter(FilterSet):
    agenda = LinkedRecordFilter(
        "guides.ResearchAgenda", "failure_modes", help_text="Research agenda slug."
    )
    paper = LinkedRecordFilter("guides.Paper", "failure_modes", help_text="Paper slug.")
    tag = TagFilter()

    class Meta:
        model = FailureMode
        fields = ["agenda", "paper", "tag"]


class GuideAPIFilter(FilterSet):
    agenda = LinkedRecordFilter(
        "guides.ResearchAgenda",
        "guide_steps__guide",
        help_text="Research agenda slug: guides with a step on it.",
    )
    role = LinkedRecordFilter(
        "careers.Role", "guide_steps__guide", help_text="Role slug: guides with a step on it."
    )
    tag = TagFilter()

    class Meta:
        model = Guide
        fields = ["agenda", "role", "tag"]


class CruxAPIFilter(FilterSet):
    agenda = LinkedRecordFilter(
        "guides.ResearchAgenda",
        "crux_positions__crux",
        help_text="Research agenda slug: cruxes with a position pointing to it.",
    )
    organization_type = django_filters.CharFilter(
        field_name="positions__organization_types__slug",
        max_length=100,
        distinct=True,
        help_text="Organization type slug: cruxes with a position pointing to it.",
    )
    tag = TagFilter()

    class Meta:
        model = Crux
        fields = ["agenda", "organization_type", "tag"]
