"""Building blocks for the record types' API fields (Django REST framework).

A content app declares what its records add to the API in its ``api.py``: a
``RecordFields`` serializer per record type (named in its registration as
``api_fields``) listing the type's own fields. ``opendata`` puts the fields
every record shares in front (id, slug, name, summary, page URL, permanent
link, tags, dates) and serves the result under ``/api/v1/<listing>/``.

Links to other records only ever list *published* ones: ``optimize()``
prefetches them through ``Model.objects.published()`` into
``published_<field>`` attributes (``published_prefetch``), so the serializers
never query and never reveal a draft.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


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


class RecordFields(ReadOnlyModelSerializer):
    """A record type's own API fields (``Meta.fields``); the shared ones are added
    by ``opendata``. ``optimize()`` adds what these fields read to a queryset, in
    a fixed number of queries."""

    @classmethod
    def optimize(cls, queryset):
        return queryset
