"""Read-only serializers: every record type with its published links as slugs.

Links to other records only ever list *published* ones: each viewset prefetches
them through ``Model.objects.published()`` into ``published_<field>``
attributes (see ``published_prefetch``), so the serializers never query and
never reveal a draft.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careers.models import Program, Qualification, Role
from guides.models import FailureMode, Guide, GuideStep, Paper, ResearchAgenda
from organizations.models import Organization, OrganizationType

from .registry import absolute_url, record_type_for


def published_prefetch(lookup: str, model, to_attr: str | None = None) -> Prefetch:
    """Prefetch a relation through the related model's ``published()``."""
    return Prefetch(
        lookup,
        queryset=model.objects.published(),
        to_attr=to_attr or f"published_{lookup}",
    )


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "description": "A record's slug."}}
)
class SlugListField(serializers.ReadOnlyField):
    """The slugs of a prefetched list of records (``published_<relation>``)."""

    def to_representation(self, value):
        return [record.slug for record in value]


def slugs(source: str, help_text: str = ""):
    return SlugListField(source=source, help_text=help_text or None)


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    """Every field read-only: the API never writes."""

    def get_fields(self):
        fields = super().get_fields()
        for serializer_field in fields.values():
            serializer_field.read_only = True
        return fields


class RecordSerializer(ReadOnlyModelSerializer):
    """Fields every published record has."""

    page_url = serializers.SerializerMethodField(help_text="The record's page on the site.")
    permalink = serializers.SerializerMethodField(
        help_text="Permanent URL: keeps working when the slug changes."
    )
    tags = serializers.SerializerMethodField()

    COMMON_FIELDS = (
        "id",
        "slug",
        "name",
        "summary",
        "page_url",
        "permalink",
        "tags",
        "publish_at",
        "updated",
        "last_reviewed",
    )

    def _request(self):
        return self.context.get("request")

    def get_page_url(self, obj) -> str:
        return absolute_url(self._request(), obj.get_absolute_url())

    def get_permalink(self, obj) -> str:
        from django.urls import reverse

        record_type = record_type_for(obj)
        path = reverse("opendata:permalink", kwargs={"record_type": record_type.slug, "pk": obj.pk})
        return absolute_url(self._request(), path)

    def get_tags(self, obj) -> list[str]:
        return sorted(tag.name for tag in obj.tags.all())

    @classmethod
    def optimize(cls, queryset):
        """The queryset with everything the serializer reads, in a fixed number of queries."""
        return queryset.prefetch_related("tags")


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

    @classmethod
    def optimize(cls, queryset):
        return queryset


class OrganizationSerializer(RecordSerializer):
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
            *RecordSerializer.COMMON_FIELDS,
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
        return (
            super()
            .optimize(queryset)
            .select_related("type")
            .prefetch_related(
                published_prefetch("agendas", ResearchAgenda),
                published_prefetch("programs", Program),
                published_prefetch("roles", Role),
                published_prefetch("papers", Paper),
            )
        )


class QualificationSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Qualification
        fields = ("kind", "text")


class FAQSerializer(serializers.Serializer):
    question = serializers.CharField(read_only=True)
    answer = serializers.CharField(read_only=True, help_text="Markdown.")


class RoleSerializer(RecordSerializer):
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
            *RecordSerializer.COMMON_FIELDS,
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
        return (
            super()
            .optimize(queryset)
            .select_related("category")
            .prefetch_related(
                "employer_types",
                "duties",
                "qualifications",
                "faqs",
                published_prefetch("related_roles", Role),
                published_prefetch("agendas", ResearchAgenda),
                published_prefetch("hiring_organizations", Organization),
                published_prefetch("programs", Program),
            )
        )


class ProgramSerializer(RecordSerializer):
    """A published training program, fellowship or residency."""

    organizer = serializers.SerializerMethodField(help_text="Organizer's slug (if published).")
    agendas = slugs("published_agendas")
    roles = slugs("published_roles", "Roles this program leads into.")

    class Meta:
        model = Program
        fields = (
            *RecordSerializer.COMMON_FIELDS,
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
        return (
            super()
            .optimize(queryset)
            .prefetch_related(
                Prefetch(
                    "organizer",
                    queryset=Organization.objects.published(),
                    to_attr="published_organizer",
                ),
                published_prefetch("agendas", ResearchAgenda),
                published_prefetch("roles", Role),
            )
        )


class ApproachSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)


class AgendaSerializer(RecordSerializer):
    """A published research agenda."""

    key_organizations = slugs("published_key_organizations")
    approaches = ApproachSerializer(many=True, read_only=True)

    class Meta:
        model = ResearchAgenda
        fields = (
            *RecordSerializer.COMMON_FIELDS,
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
        )

    @classmethod
    def optimize(cls, queryset):
        return (
            super()
            .optimize(queryset)
            .prefetch_related("approaches", published_prefetch("key_organizations", Organization))
        )


class PaperSerializer(RecordSerializer):
    """A published paper, book, post or report."""

    organizations = slugs("published_organizations")
    agendas = slugs("published_agendas")

    class Meta:
        model = Paper
        fields = (
            *RecordSerializer.COMMON_FIELDS,
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
        return (
            super()
            .optimize(queryset)
            .prefetch_related(
                published_prefetch("organizations", Organization),
                published_prefetch("agendas", ResearchAgenda),
            )
        )


class FailureModeSerializer(RecordSerializer):
    """A published failure mode."""

    agendas = slugs("published_agendas")
    papers = slugs("published_papers")

    class Meta:
        model = FailureMode
        fields = (
            *RecordSerializer.COMMON_FIELDS,
            "body",
            "why_it_matters",
            "agendas",
            "papers",
        )

    @classmethod
    def optimize(cls, queryset):
        return (
            super()
            .optimize(queryset)
            .prefetch_related(
                published_prefetch("agendas", ResearchAgenda),
                published_prefetch("papers", Paper),
            )
        )


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


class GuideSerializer(RecordSerializer):
    """A published guide (reading path) with its steps."""

    total_minutes = serializers.IntegerField(read_only=True)
    steps = GuideStepSerializer(many=True, read_only=True)

    class Meta:
        model = Guide
        fields = (
            *RecordSerializer.COMMON_FIELDS,
            "audience",
            "intro",
            "order",
            "total_minutes",
            "steps",
        )

    @classmethod
    def optimize(cls, queryset):
        steps = GuideStep.objects.prefetch_related(
            *(published_prefetch(name, model) for name, model in STEP_LINK_MODELS.items())
        )
        return super().optimize(queryset).prefetch_related(Prefetch("steps", queryset=steps))


# Record type slug (core.api.registry.RECORD_TYPES) → serializer.
SERIALIZERS = {
    "organization": OrganizationSerializer,
    "role": RoleSerializer,
    "program": ProgramSerializer,
    "agenda": AgendaSerializer,
    "paper": PaperSerializer,
    "failure-mode": FailureModeSerializer,
    "guide": GuideSerializer,
}
