"""Filters for the paper listing: every value is checked against a whitelist.

``?agenda=interpretability&organization=anthropic&year=2022&kind=paper``.
An unknown value — a made-up slug, a draft agenda's slug, ``year=abc`` — is a
form error (the page answers 400 and says which filter), never a server error.
"""

import django_filters

from core.filters import PublishedRecordFilter
from organizations.models import Organization

from .facets import agenda_filter
from .models import PAPER_YEAR_MAX, PAPER_YEAR_MIN, Paper

YEAR_CHOICES = [(str(year), str(year)) for year in range(PAPER_YEAR_MAX, PAPER_YEAR_MIN - 1, -1)]


class PaperFilter(django_filters.FilterSet):
    agenda = agenda_filter()
    organization = PublishedRecordFilter(
        Organization,
        label="Organization",
        field_name="organizations",
        empty_label="Any organization",
    )
    year = django_filters.ChoiceFilter(label="Year", choices=YEAR_CHOICES, empty_label="Any year")
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=Paper.Kind.choices, empty_label="Any kind"
    )

    class Meta:
        model = Paper
        fields = ["agenda", "organization", "year", "kind"]
