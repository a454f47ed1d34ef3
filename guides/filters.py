"""Filters for the paper listing: every value is checked against a whitelist.

``?agenda=interpretability&organization=anthropic&year=2022&kind=paper``.
An unknown value — a made-up slug, a draft agenda's slug, ``year=abc`` — is a
form error (the page answers 400 and says which filter), never a server error.
"""

import django_filters

from organizations.models import Organization

from .models import PAPER_YEAR_MAX, PAPER_YEAR_MIN, Paper, ResearchAgenda

YEAR_CHOICES = [(str(year), str(year)) for year in range(PAPER_YEAR_MAX, PAPER_YEAR_MIN - 1, -1)]


def published_agendas(request=None):
    return ResearchAgenda.objects.published()


def published_organizations(request=None):
    return Organization.objects.published()


class PaperFilter(django_filters.FilterSet):
    agenda = django_filters.ModelChoiceFilter(
        label="Research agenda",
        field_name="agendas",
        queryset=published_agendas,
        to_field_name="slug",
        empty_label="Any agenda",
    )
    organization = django_filters.ModelChoiceFilter(
        label="Organization",
        field_name="organizations",
        queryset=published_organizations,
        to_field_name="slug",
        empty_label="Any organization",
    )
    year = django_filters.ChoiceFilter(label="Year", choices=YEAR_CHOICES, empty_label="Any year")
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=Paper.Kind.choices, empty_label="Any kind"
    )

    class Meta:
        model = Paper
        fields = ["agenda", "organization", "year", "kind"]
