"""The API's serializers: the fields every record shares, then the type's own.

Each record type declares its own fields in its app (``api_fields`` in its
registration, a ``core.api.RecordFields``); ``serializer_for(record_type)``
puts the shared fields in front of them. Links to other records only ever list
*published* ones (see ``core.api``).
"""

import functools

from django.urls import reverse
from rest_framework import serializers

from core import registry
from core.api import ReadOnlyModelSerializer
from core.seo import absolute_url


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
        record_type = registry.for_model(obj)
        path = reverse("opendata:permalink", kwargs={"record_type": record_type.slug, "pk": obj.pk})
        return absolute_url(self._request(), path)

    def get_tags(self, obj) -> list[str]:
        return sorted(tag.name for tag in obj.tags.all())

    @classmethod
    def optimize(cls, queryset):
        """The queryset with everything the serializer reads, in a fixed number of queries."""
        return queryset.prefetch_related("tags")


@functools.cache
def serializer_for(record_type: registry.RecordType):
    """The complete serializer of a record type: shared fields, then its own.

    Named after the type's ``RecordFields`` (``OrganizationFields`` →
    ``OrganizationSerializer``, the schema's component name) and documented by it.
    """
    own = record_type.api_fields_class or type(
        f"{record_type.model.__name__}Fields",
        (serializers.ModelSerializer,),
        {"Meta": type("Meta", (), {"model": record_type.model, "fields": ()})},
    )
    meta = type(
        "Meta",
        (),
        {"model": record_type.model, "fields": (*RecordSerializer.COMMON_FIELDS, *own.Meta.fields)},
    )
    own_optimize = getattr(own, "optimize", None)

    def optimize(cls, queryset):
        queryset = RecordSerializer.optimize(queryset)
        return own_optimize(queryset) if own_optimize else queryset

    name = own.__name__.removesuffix("Fields") + "Serializer"
    return type(
        name,
        (RecordSerializer, own),
        {
            "Meta": meta,
            "optimize": classmethod(optimize),
            "__doc__": own.__doc__ or f"A published {record_type.verbose_name}.",
            "__module__": own.__module__,
        },
    )
