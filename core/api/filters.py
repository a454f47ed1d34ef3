"""FilterSets for the JSON API (and the fallback for exports and feeds).

Filters that name another record take its slug and only match through
*published* records (``Model.objects.published()`` as a subquery), so a draft's
slug never changes what a reader gets back. Parameter names follow the listing
pages: ``/organizations/?type=frontier-lab`` and
``/api/v1/organizations/?type=frontier-lab`` filter the same way.
"""

import copy
import functools

import django_filters
from django import forms
from django.apps import apps
from django_filters.constants import EMPTY_VALUES
from django_filters.rest_framework import FilterSet

from careers.models import Program, Role
from guides.models import FailureMode, Guide, Level, Paper, ResearchAgenda
from organizations.models import Organization, OrganizationType

YES_NO = [("yes", "Yes"), ("no", "No")]


class PublishedRecordFilter(django_filters.CharFilter):
    """Records linked to the published ``model_label`` record with this slug.

    ``related`` is the lookup from that record back to the filtered model, e.g.
    ``ResearchAgenda`` → ``"key_organizations"`` for "organizations on this
    agenda". One subquery; no joins on the outer query, so no duplicates.
    """

    def __init__(self, model_label, related, **kwargs):
        self.model_label = model_label
        self.related = related
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        model = apps.get_model(self.model_label)
        linked = (
            model.objects.published()
            .filter(slug=value)
            .exclude(**{f"{self.related}__isnull": True})
            .values(self.related)
        )
        return qs.filter(pk__in=linked)


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


class EmployerTypeFilter(django_filters.CharFilter):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("help_text", "Organization type slug: kinds of employer.")
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(pk__in=qs.model.objects.filter(employer_types__slug=value).values("pk"))


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class TagFilter(django_filters.CharFilter):
    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "tags__slug")
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("help_text", "Tag slug.")
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        model = qs.model
        return qs.filter(pk__in=model.objects.filter(tags__slug=value).values("pk"))


class OrganizationFilter(FilterSet):
    type = django_filters.CharFilter(
        field_name="type__slug", max_length=100, help_text="Organization type slug."
    )
    agenda = PublishedRecordFilter(
        "guides.ResearchAgenda",
        "key_organizations",
        help_text="Research agenda slug: organizations working on it.",
    )
    role = PublishedRecordFilter(
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


class OrganizationTypeFilter(FilterSet):
    class Meta:
        model = OrganizationType
        fields = []


class RoleFilter(FilterSet):
    category = django_filters.CharFilter(
        field_name="category__slug", max_length=100, help_text="Role category slug."
    )
    agenda = PublishedRecordFilter(
        "guides.ResearchAgenda", "roles", help_text="Research agenda slug."
    )
    organization = PublishedRecordFilter(
        "organizations.Organization", "roles", help_text="Slug of an organization hiring for it."
    )
    program = PublishedRecordFilter(
        "careers.Program", "roles", help_text="Slug of a program that leads into it."
    )
    employer = EmployerTypeFilter()
    tag = TagFilter()

    class Meta:
        model = Role
        fields = ["category", "agenda", "organization", "program", "employer", "tag"]


class ProgramFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=Program.Kind.choices)
    format = django_filters.ChoiceFilter(choices=Program.Format.choices)
    cost = django_filters.ChoiceFilter(choices=Program.Cost.choices)
    organizer = PublishedRecordFilter(
        "organizations.Organization", "programs", help_text="Organizer's slug."
    )
    agenda = PublishedRecordFilter(
        "guides.ResearchAgenda", "programs", help_text="Research agenda slug."
    )
    role = PublishedRecordFilter(
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


class AgendaFilter(FilterSet):
    organization = PublishedRecordFilter(
        "organizations.Organization", "agendas", help_text="Slug of a key organization."
    )
    tag = TagFilter()

    class Meta:
        model = ResearchAgenda
        fields = ["organization", "tag"]


class PaperFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=Paper.Kind.choices)
    level = django_filters.ChoiceFilter(choices=Level.choices)
    year = IntegerFilter(min_value=0, max_value=9999)
    year_from = IntegerFilter(field_name="year", lookup_expr="gte", min_value=0, max_value=9999)
    year_to = IntegerFilter(field_name="year", lookup_expr="lte", min_value=0, max_value=9999)
    agenda = PublishedRecordFilter(
        "guides.ResearchAgenda", "papers", help_text="Research agenda slug."
    )
    organization = PublishedRecordFilter(
        "organizations.Organization", "papers", help_text="Organization slug."
    )
    tag = TagFilter()

    class Meta:
        model = Paper
        fields = ["kind", "level", "year", "year_from", "year_to", "agenda", "organization", "tag"]


class FailureModeFilter(FilterSet):
    agenda = PublishedRecordFilter(
        "guides.ResearchAgenda", "failure_modes", help_text="Research agenda slug."
    )
    paper = PublishedRecordFilter("guides.Paper", "failure_modes", help_text="Paper slug.")
    tag = TagFilter()

    class Meta:
        model = FailureMode
        fields = ["agenda", "paper", "tag"]


class GuideFilter(FilterSet):
    agenda = PublishedRecordFilter(
        "guides.ResearchAgenda",
        "guide_steps__guide",
        help_text="Research agenda slug: guides with a step on it.",
    )
    role = PublishedRecordFilter(
        "careers.Role", "guide_steps__guide", help_text="Role slug: guides with a step on it."
    )
    tag = TagFilter()

    class Meta:
        model = Guide
        fields = ["agenda", "role", "tag"]


# Record type slug (core.api.registry.RECORD_TYPES) → the API's own FilterSet,
# used alone when the app has no listing FilterSet.
STANDALONE_FILTERSETS = {
    "organization": OrganizationFilter,
    "role": RoleFilter,
    "program": ProgramFilter,
    "agenda": AgendaFilter,
    "paper": PaperFilter,
    "failure-mode": FailureModeFilter,
    "guide": GuideFilter,
}


@functools.cache
def filterset_for(slug: str):
    """The FilterSet of the API, the exports and the feeds for one record type.

    It is the listing page's own FilterSet (``<app>.filters``, found by
    ``registry.page_filterset_class``) — so ``?type=…`` means the same on the
    page, in the API, the downloads and the feed — plus this module's filters
    the page does not have (e.g. ``role`` and ``runs_program`` for
    organizations). Without a page FilterSet, the standalone one here.
    """
    from .registry import RECORD_TYPES, page_filterset_class

    standalone = STANDALONE_FILTERSETS[slug]
    page = page_filterset_class(RECORD_TYPES[slug])
    if page is None:
        return standalone
    extras = {
        name: copy.deepcopy(extra)
        for name, extra in standalone.base_filters.items()
        if name not in page.base_filters
    }
    return type(f"API{page.__name__}", (page,), {**extras, "__module__": __name__})
