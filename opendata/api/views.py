"""Read-only API viewsets: published records only, looked up by slug."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from core import registry

from .filters import filterset_for
from .serializers import serializer_for

SLUG_REGEX = r"[-a-zA-Z0-9_]+"


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """List and retrieve one record type (``record_type`` is a registry entry)."""

    record_type: registry.RecordType = None
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX

    def get_queryset(self):
        model = self.record_type.model
        queryset = model.objects.published()
        # A stable order for pagination: the model's own, then the primary key.
        queryset = queryset.order_by(*model._meta.ordering, "pk")
        return self.get_serializer_class().optimize(queryset)


def record_viewset(record_type: registry.RecordType):
    """The viewset of one registered record type."""
    label = record_type.verbose_name_plural
    attrs = {
        "record_type": record_type,
        "serializer_class": serializer_for(record_type),
        "filterset_class": filterset_for(record_type),
        "__doc__": f"Published {label}.",
    }
    viewset = type(f"{record_type.model.__name__}ViewSet", (RecordViewSet,), attrs)
    return extend_schema_view(
        list=extend_schema(summary=f"List published {label}", tags=[record_type.listing]),
        retrieve=extend_schema(
            summary=f"One published {record_type.verbose_name}", tags=[record_type.listing]
        ),
    )(viewset)
