"""Filters for the organization listing: every value is checked against a whitelist.

``?type=frontier-lab&agenda=interpretability&country=GB&status=active&tag=evals``,
plus ``role=<slug>`` (hires for this role) and ``runs_program=yes|no``.
An unknown value is a form error (the page says so), never a server error.
"""

import django_filters
from django_countries import countries
from taggit.models import Tag

from careers.models import Program, Role
from core.filters import PublishedRecordFilter
from guides.facets import agenda_filter

from .models import Organization, OrganizationType

RUNS_PROGRAM_CHOICES = [("yes", "Runs a program"), ("no", "Runs no program")]


def country_choices():
    return [(code, name) for code, name in countries]


class OrganizationFilter(django_filters.FilterSet):
    type = django_filters.ModelChoiceFilter(
        label="Type",
        queryset=OrganizationType.objects.all(),
        to_field_name="slug",
        empty_label="Any type",
    )
    agenda = agenda_filter()
    role = PublishedRecordFilter(
        Role, label="Hires for", field_name="roles", empty_label="Any role"
    )
    runs_program = django_filters.ChoiceFilter(
        label="Programs",
        choices=RUNS_PROGRAM_CHOICES,
        method="filter_runs_program",
        empty_label="Either",
    )
    country = django_filters.ChoiceFilter(
        label="Country", choices=country_choices, empty_label="Any country"
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        field_name="operating_status",
        choices=Organization.OperatingStatus.choices,
        empty_label="Any status",
    )
    tag = django_filters.ModelChoiceFilter(
        label="Topic",
        field_name="tags",
        queryset=Tag.objects.all(),
        to_field_name="slug",
        empty_label="Any topic",
    )

    class Meta:
        model = Organization
        fields = ["type", "agenda", "role", "runs_program", "country", "status", "tag"]

    def filter_runs_program(self, queryset, name, value):
        """Organizers of at least one published program (``yes``), or of none (``no``)."""
        if value not in ("yes", "no"):
            return queryset
        organizers = Program.objects.published().filter(organizer__isnull=False).values("organizer")
        if value == "yes":
            return queryset.filter(pk__in=organizers)
        return queryset.exclude(pk__in=organizers)

    def __init__(self, data=None, *args, **kwargs):
        # ISO codes are upper case; accept ?country=gb as well.
        if data is not None and data.get("country"):
            data = data.copy()
            data["country"] = data["country"].strip().upper()
        super().__init__(data, *args, **kwargs)
