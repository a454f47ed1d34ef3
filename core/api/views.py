"""Read-only API viewsets: published records only, looked up by slug."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from organizations.models import OrganizationType

from .filters import OrganizationTypeFilter, filterset_for
from .pagination import APIPagination
from .registry import RECORD_TYPES
from .serializers import SERIALIZERS, OrganizationTypeSerializer

SLUG_REGEX = r"[-a-zA-Z0-9_]+"


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """List and retrieve one record type (``record_type`` is a registry slug)."""

    record_type: str = ""
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    filter_backends = [DjangoFilterBackend]
    pagination_class = APIPagination

    def get_queryset(self):
        model = RECORD_TYPES[self.record_type].model
        queryset = model.objects.published()
        # A stable order for pagination: the model's own, then the primary key.
        queryset = queryset.order_by(*model._meta.ordering, "pk")
        return self.get_serializer_class().optimize(queryset)


def _record_viewset(slug: str):
    record_type = RECORD_TYPES[slug]
    label = str(record_type.model._meta.verbose_name_plural)
    singular = str(record_type.model._meta.verbose_name)
    attrs = {
        "record_type": slug,
        "serializer_class": SERIALIZERS[slug],
        "filterset_class": filterset_for(slug),
        "__doc__": f"Published {label}.",
    }
    viewset = type(f"{record_type.model.__name__}ViewSet", (RecordViewSet,), attrs)
    return extend_schema_view(
        list=extend_schema(summary=f"List published {label}", tags=[record_type.listing]),
        retrieve=extend_schema(summary=f"One published {singular}", tags=[record_type.listing]),
    )(viewset)


VIEWSETS = {slug: _record_viewset(slug) for slug in RECORD_TYPES}


@extend_schema_view(
    list=extend_schema(summary="List organization types", tags=["organization-types"]),
    retrieve=extend_schema(summary="One organization type", tags=["organization-types"]),
)
class OrganizationTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The kinds of organization (a taxonomy: no drafts)."""

    queryset = OrganizationType.objects.order_by("order", "name", "pk")
    serializer_class = OrganizationTypeSerializer
    filterset_class = OrganizationTypeFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = APIPagination
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
