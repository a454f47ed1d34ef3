"""The record types readers can reach, in one table.

Each type has a ``slug`` (used by permanent URLs ``/r/<slug>/<pk>/`` and by
Markdown record links ``[X](<slug>:record-slug)``), the path segment of its
listing page (``/organizations/``), its model and the URL name of its detail
page. The API, the exports, the feeds, the permanent URLs and the backlinks all
read this table, so a new record type is added in one place.
"""

import importlib
import inspect
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.conf import settings


@dataclass(frozen=True)
class RecordType:
    slug: str  # "organization": permanent URLs and Markdown link prefix
    listing: str  # "organizations": the listing's path segment
    model_label: str  # "organizations.Organization"
    detail_url_name: str  # "organizations:organization_detail"
    list_url_name: str  # "organizations:organization_list"

    @cached_property
    def model(self):
        return apps.get_model(self.model_label)

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)


RECORD_TYPES: dict[str, RecordType] = {
    record_type.slug: record_type
    for record_type in (
        RecordType(
            "organization",
            "organizations",
            "organizations.Organization",
            "organizations:organization_detail",
            "organizations:organization_list",
        ),
        RecordType("role", "roles", "careers.Role", "careers:role_detail", "careers:role_list"),
        RecordType(
            "program",
            "programs",
            "careers.Program",
            "careers:program_detail",
            "careers:program_list",
        ),
        RecordType(
            "agenda",
            "agendas",
            "guides.ResearchAgenda",
            "guides:agenda_detail",
            "guides:agenda_list",
        ),
        RecordType("paper", "papers", "guides.Paper", "guides:paper_detail", "guides:paper_list"),
        RecordType(
            "failure-mode",
            "failure-modes",
            "guides.FailureMode",
            "guides:failuremode_detail",
            "guides:failuremode_list",
        ),
        RecordType("guide", "guides", "guides.Guide", "guides:guide_detail", "guides:guide_list"),
    )
}

LISTINGS: dict[str, RecordType] = {rt.listing: rt for rt in RECORD_TYPES.values()}


def record_type_for(model_or_instance) -> RecordType | None:
    """The ``RecordType`` of a model class or instance (``None`` for other models)."""
    model = model_or_instance if inspect.isclass(model_or_instance) else type(model_or_instance)
    model = model._meta.concrete_model
    for record_type in RECORD_TYPES.values():
        if record_type.model is model:
            return record_type
    return None


def absolute_url(request, path: str) -> str:
    """``path`` on this site as an absolute URL (``SITE_URL`` when configured)."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if request is None:
        return path
    return request.build_absolute_uri(path)


def page_filterset_class(record_type: RecordType):
    """The FilterSet of the record type's listing page, or ``None``.

    Looks in ``<app>.filters`` for a ``django_filters.FilterSet`` subclass
    defined there whose ``Meta.model`` is this record type's model.
    """
    from django_filters import FilterSet

    model = record_type.model
    try:
        module = importlib.import_module(f"{model._meta.app_label}.filters")
    except ModuleNotFoundError:
        return None
    for _name, value in inspect.getmembers(module, inspect.isclass):
        if (
            issubclass(value, FilterSet)
            and value.__module__ == module.__name__
            and getattr(value._meta, "model", None) is model
        ):
            return value
    return None


def listing_filterset_class(record_type: RecordType):
    """The FilterSet feeds and exports apply: the page's, plus the API's extras."""
    from .filters import filterset_for

    return filterset_for(record_type.slug)
