"""Filters for the role and program listings; every value is checked against a whitelist.

Roles: ``?category=research&salary=150k-200k&employer=frontier-lab&agenda=ai-control
&sort=-salary``. Programs: ``?kind=fellowship&format=online&cost=funded&stage=student
&hours=under-10&status=open&cadence=yearly&agenda=ai-control&sort=deadline``
(``agenda``: a published research agenda's slug). An unknown value is a form error
shown on the page, never a server error.
"""

import django_filters
from django.db.models import F, Q

from guides.facets import agenda_filter
from organizations.models import OrganizationType

from .models import ApplicationStatus, CareerStage, Program, Role, RoleCategory

# Salary bands, in each role's own currency: (slug, label, lowest, highest-exclusive).
SALARY_BANDS = [
    ("under-100k", "Under 100k", None, 100_000),
    ("100k-150k", "100k–150k", 100_000, 150_000),
    ("150k-200k", "150k–200k", 150_000, 200_000),
    ("200k-plus", "200k and up", 200_000, None),
]
SALARY_BAND_CHOICES = [(slug, label) for slug, label, _low, _high in SALARY_BANDS]


def salary_band_q(slug: str) -> Q:
    """Roles whose salary range overlaps the band; roles without a salary never match.

    A range given only as "from X" or "up to Y" counts as the single amount.
    """
    _slug, _label, low, high = next(band for band in SALARY_BANDS if band[0] == slug)
    condition = Q(salary_min__isnull=False) | Q(salary_max__isnull=False)
    if high is not None:
        # The range starts below the band's top.
        condition &= Q(salary_min__lt=high) | Q(salary_min__isnull=True, salary_max__lt=high)
    if low is not None:
        # The range ends at or above the band's bottom.
        condition &= Q(salary_max__gte=low) | Q(salary_max__isnull=True, salary_min__gte=low)
    return condition


class RoleOrdering(django_filters.OrderingFilter):
    """``?sort=title|-title|salary|-salary``; salary sorts put roles without one last."""

    ORDERINGS = {
        "title": [F("name").asc()],
        "-title": [F("name").desc()],
        "salary": [F("salary_min").asc(nulls_last=True), F("salary_max").asc(nulls_last=True)],
        "-salary": [F("salary_max").desc(nulls_last=True), F("salary_min").desc(nulls_last=True)],
    }
    CHOICES = [
        ("title", "Title (A–Z)"),
        ("-title", "Title (Z–A)"),
        ("salary", "Salary (lowest first)"),
        ("-salary", "Salary (highest first)"),
    ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", self.CHOICES)
        kwargs.setdefault("empty_label", None)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        # "?sort=," parses to [""]: no usable ordering, keep the default.
        if not value or value[0] not in self.ORDERINGS:
            return qs
        return qs.order_by(*self.ORDERINGS[value[0]], "name", "pk")


class RoleFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        label="Category",
        queryset=RoleCategory.objects.all(),
        to_field_name="slug",
        empty_label="Any category",
    )
    salary = django_filters.ChoiceFilter(
        label="Salary",
        choices=SALARY_BAND_CHOICES,
        method="filter_salary",
        empty_label="Any salary",
    )
    employer = django_filters.ModelChoiceFilter(
        label="Employer type",
        field_name="employer_types",
        queryset=OrganizationType.objects.all(),
        to_field_name="slug",
        empty_label="Any employer",
    )
    agenda = agenda_filter()
    sort = RoleOrdering(label="Sort by")

    class Meta:
        model = Role
        fields = ["category", "salary", "employer", "agenda"]

    def filter_salary(self, queryset, name, value):
        return queryset.filter(salary_band_q(value)) if value else queryset


# Hours a week: (slug, label, lowest, highest-exclusive).
HOURS_BANDS = [
    ("under-10", "Under 10 hours a week", None, 10),
    ("10-19", "10–19 hours a week", 10, 20),
    ("20-34", "20–34 hours a week", 20, 35),
    ("35-plus", "Full time (35 hours or more)", 35, None),
]
HOURS_BAND_CHOICES = [(slug, label) for slug, label, _low, _high in HOURS_BANDS]


def hours_band_q(slug: str) -> Q:
    """Programs whose hours per week fall in the band; programs without hours never match."""
    _slug, _label, low, high = next(band for band in HOURS_BANDS if band[0] == slug)
    condition = Q(hours_per_week__isnull=False)
    if low is not None:
        condition &= Q(hours_per_week__gte=low)
    if high is not None:
        condition &= Q(hours_per_week__lt=high)
    return condition


class ProgramOrdering(django_filters.OrderingFilter):
    """``?sort=name|deadline``: by name (default) or next deadline first."""

    CHOICES = [("name", "Name (A–Z)"), ("deadline", "Next deadline first")]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", self.CHOICES)
        kwargs.setdefault("empty_label", None)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value or value[0] not in dict(self.CHOICES):
            return qs
        if value[0] == "deadline":
            return qs.by_next_deadline()
        return qs.order_by("name", "pk")


class ProgramFilter(django_filters.FilterSet):
    """The listing's filters (also the API's, exports' and feeds'). ``status`` is
    computed from the application window (``with_application_status()``, added
    here when the queryset does not carry it yet)."""

    status = django_filters.ChoiceFilter(
        label="Applications",
        choices=ApplicationStatus.choices,
        method="filter_status",
        empty_label="Any time",
    )
    stage = django_filters.ModelChoiceFilter(
        label="Career stage",
        queryset=CareerStage.objects.all(),
        to_field_name="slug",
        field_name="career_stages",  # for the API schema: a slug of a career stage
        method="filter_stage",
        empty_label="Any stage",
    )
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=Program.Kind.choices, empty_label="Any kind"
    )
    format = django_filters.ChoiceFilter(
        label="Format", choices=Program.Format.choices, empty_label="Any format"
    )
    cost = django_filters.ChoiceFilter(
        label="Cost", choices=Program.Cost.choices, empty_label="Any cost"
    )
    hours = django_filters.ChoiceFilter(
        label="Hours a week",
        choices=HOURS_BAND_CHOICES,
        method="filter_hours",
        empty_label="Any hours",
    )
    cadence = django_filters.ChoiceFilter(
        label="Cadence", choices=Program.Cadence.choices, empty_label="Any cadence"
    )
    agenda = agenda_filter()
    sort = ProgramOrdering(label="Sort by")

    class Meta:
        model = Program
        fields = ["status", "stage", "kind", "format", "cost", "hours", "cadence", "agenda"]

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        if "application_state" not in queryset.query.annotations:
            queryset = queryset.with_application_status()
        return queryset.filter(application_state=value)

    def filter_stage(self, queryset, name, value):
        if not value:
            return queryset
        # A subquery: no join on the listing, so no duplicate rows.
        return queryset.filter(
            pk__in=Program.career_stages.through.objects.filter(careerstage=value).values(
                "program_id"
            )
        )

    def filter_hours(self, queryset, name, value):
        return queryset.filter(hours_band_q(value)) if value else queryset
