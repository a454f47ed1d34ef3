"""What roles and programs add to the open data API (``/api/v1/roles/``, ``/programs/``)."""

import django_filters
from django.db.models import Prefetch
from django_filters.constants import EMPTY_VALUES
from django_filters.rest_framework import FilterSet
from rest_framework import serializers

from core.api import ReadOnlyModelSerializer, RecordFields, published_prefetch, slugs
from core.filters import LinkedRecordFilter, TagFilter
from guides.models import ResearchAgenda
from organizations.models import Organization

from .models import (
    Background,
    BackgroundAgendaFit,
    BackgroundProgramFit,
    BackgroundRoleFit,
    Program,
    Qualification,
    Role,
)


class QualificationSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Qualification
        fields = ("kind", "text")


class FAQSerializer(serializers.Serializer):
    question = serializers.CharField(read_only=True)
    answer = serializers.CharField(read_only=True, help_text="Markdown.")


class RoleFields(RecordFields):
    """A published role (career profile)."""

    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    employer_types = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    related_roles = slugs("published_related_roles")
    agendas = slugs("published_agendas")
    hiring_organizations = slugs("published_hiring_organizations")
    programs = slugs("published_programs", "Programs that lead into the role.")
    duties = serializers.SerializerMethodField()
    qualifications = QualificationSerializer(many=True, read_only=True)
    faqs = FAQSerializer(many=True, read_only=True)

    class Meta:
        model = Role
        fields = (
            "category",
            "overview",
            "typical_education",
            "typical_experience",
            "key_certifications",
            "top_employer_types",
            "growth_outlook",
            "ai_impact",
            "salary_min",
            "salary_max",
            "salary_currency",
            "career_outlook",
            "cover_letter",
            "employer_types",
            "related_roles",
            "agendas",
            "hiring_organizations",
            "programs",
            "duties",
            "qualifications",
            "faqs",
        )

    def get_duties(self, obj) -> list[str]:
        return [duty.text for duty in obj.duties.all()]

    @classmethod
    def optimize(cls, queryset):
        return queryset.select_related("category").prefetch_related(
            "employer_types",
            "duties",
            "qualifications",
            "faqs",
            published_prefetch("related_roles", Role),
            published_prefetch("agendas", ResearchAgenda),
            published_prefetch("hiring_organizations", Organization),
            published_prefetch("programs", Program),
        )


class ProgramFields(RecordFields):
    """A published training program, fellowship or residency."""

    organizer = serializers.SerializerMethodField(help_text="Organizer's slug (if published).")
    agendas = slugs("published_agendas")
    roles = slugs("published_roles", "Roles this program leads into.")

    class Meta:
        model = Program
        fields = (
            "kind",
            "format",
            "duration",
            "duration_weeks",
            "cost",
            "cost_notes",
            "location",
            "description",
            "organizer",
            "agendas",
            "roles",
            "website",
            "application_deadline",
            "next_cohort_start",
            "career_stages",
            "entry_bar",
            "stipend_amount",
            "stipend_currency",
            "hours_per_week",
            "applications_open",
            "cadence",
            "application_status",
        )

    career_stages = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    application_status = serializers.ChoiceField(
        choices=[
            ("open", "Open now"),
            ("opening-soon", "Opening soon"),
            ("rolling", "Rolling"),
            ("closed", "Closed"),
            ("unknown", "Dates not known"),
        ],
        read_only=True,
        help_text="Computed from the application window on the day of the request.",
    )

    def get_organizer(self, obj) -> str | None:
        # A prefetched forward foreign key holds the object, or None when it is
        # not published.
        organizer = getattr(obj, "published_organizer", None)
        return organizer.slug if organizer else None

    @classmethod
    def optimize(cls, queryset):
        return queryset.prefetch_related(
            Prefetch(
                "organizer",
                queryset=Organization.objects.published(),
                to_attr="published_organizer",
            ),
            published_prefetch("agendas", ResearchAgenda),
            published_prefetch("roles", Role),
            "career_stages",
        )


def published_fits(accessor: str, fit_model, target: str, target_model) -> Prefetch:
    """A background's fit rows whose linked record is published, with that record."""
    return Prefetch(
        accessor,
        queryset=fit_model.objects.filter(**{f"{target}__in": target_model.objects.published()})
        .select_related(target)
        .order_by("order", "pk"),
        to_attr=f"published_{accessor}",
    )


def background_fit_prefetches():
    return (
        published_fits("agenda_fits", BackgroundAgendaFit, "agenda", ResearchAgenda),
        published_fits("role_fits", BackgroundRoleFit, "role", Role),
        published_fits("program_fits", BackgroundProgramFit, "program", Program),
    )


class BackgroundFields(RecordFields):
    """A published background, with what it contributes and where it fits."""

    contributions = serializers.SerializerMethodField()
    agendas = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    programs = serializers.SerializerMethodField()

    class Meta:
        model = Background
        fields = ("description", "order", "contributions", "agendas", "roles", "programs")

    def get_contributions(self, obj) -> list[str]:
        return [row.text for row in obj.contributions.all()]

    @staticmethod
    def _fits(rows, target) -> list[dict]:
        return [{"record": getattr(row, target).slug, "reason": row.reason} for row in rows]

    def get_agendas(self, obj) -> list[dict]:
        return self._fits(obj.published_agenda_fits, "agenda")

    def get_roles(self, obj) -> list[dict]:
        return self._fits(obj.published_role_fits, "role")

    def get_programs(self, obj) -> list[dict]:
        return self._fits(obj.published_program_fits, "program")

    @classmethod
    def optimize(cls, queryset):
        return queryset.prefetch_related("contributions", *background_fit_prefetches())


class BackgroundAPIFilter(FilterSet):
    agenda = LinkedRecordFilter(
        "guides.ResearchAgenda", "background_fits__background", help_text="Research agenda slug."
    )
    role = LinkedRecordFilter("careers.Role", "background_fits__background", help_text="Role slug.")
    program = LinkedRecordFilter(
        "careers.Program", "background_fits__background", help_text="Program slug."
    )
    tag = TagFilter()

    class Meta:
        model = Background
        fields = ["agenda", "role", "program", "tag"]


class EmployerTypeFilter(django_filters.CharFilter):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("help_text", "Organization type slug: kinds of employer.")
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(pk__in=qs.model.objects.filter(employer_types__slug=value).values("pk"))


class RoleAPIFilter(FilterSet):
    """The API's filters; the listing page's (``careers.filters``) take precedence."""

    category = django_filters.CharFilter(
        field_name="category__slug", max_length=100, help_text="Role category slug."
    )
    agenda = LinkedRecordFilter("guides.ResearchAgenda", "roles", help_text="Research agenda slug.")
    organization = LinkedRecordFilter(
        "organizations.Organization", "roles", help_text="Slug of an organization hiring for it."
    )
    program = LinkedRecordFilter(
        "careers.Program", "roles", help_text="Slug of a program that leads into it."
    )
    employer = EmployerTypeFilter()
    tag = TagFilter()

    class Meta:
        model = Role
        fields = ["category", "agenda", "organization", "program", "employer", "tag"]


class ProgramAPIFilter(FilterSet):
    """The API's filters; the listing page's (``careers.filters``) take precedence."""

    kind = django_filters.ChoiceFilter(choices=Program.Kind.choices)
    format = django_filters.ChoiceFilter(choices=Program.Format.choices)
    cost = django_filters.ChoiceFilter(choices=Program.Cost.choices)
    organizer = LinkedRecordFilter(
        "organizations.Organization", "programs", help_text="Organizer's slug."
    )
    agenda = LinkedRecordFilter(
        "guides.ResearchAgenda", "programs", help_text="Research agenda slug."
    )
    role = LinkedRecordFilter(
        "careers.Role", "programs", help_text="Role slug: programs that lead into it."
    )
    deadline_after = django_filters.DateFilter(
        field_name="application_deadline",
        lookup_expr="gte",
        help_text="Application deadline on or after this date (YYYY-MM-DD).",
    )
    stage = django_filters.CharFilter(
        field_name="career_stages__slug",
        max_length=100,
        distinct=True,
        help_text="Career stage slug (student, early-career, mid-career, senior).",
    )
    cadence = django_filters.ChoiceFilter(choices=Program.Cadence.choices)
    tag = TagFilter()

    class Meta:
        model = Program
        fields = [
            "kind",
            "format",
            "cost",
            "organizer",
            "agenda",
            "role",
            "deadline_after",
            "stage",
            "cadence",
            "tag",
        ]
