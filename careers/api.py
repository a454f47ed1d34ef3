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

from .models import Program, Qualification, Role


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
        )


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
    tag = TagFilter()

    class Meta:
        model = Program
        fields = ["kind", "format", "cost", "organizer", "agenda", "role", "deadline_after", "tag"]
