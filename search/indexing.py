"""Keeping the site-wide search index (``search.SearchEntry``) in step with the records.

The index is one denormalized table: one row per record of every registered
record type (``core.registry``) with its title, summary, plain-text body and
URL. What goes into a record's body is declared on its model as
``search_fields`` — its own fields (Markdown as plain text, choices by their
label), the names of related records (``registry.Related``) and the text of
its child rows (``registry.Children``) — followed by its tags.

Signals (``search.signals``) keep the index current when an editor saves or
deletes a record, one of its child rows or its tags; ``rebuild_index()``
(``manage.py rebuild_search_index``) rebuilds it from scratch — needed after
``bulk_create`` or raw SQL, which send no signals.

Publication: each entry carries a copy of its record's ``status`` and
``publish_at``, and ``SearchEntry.objects.published()`` *is*
``PublishableQuerySet.published`` — the one publication rule — so a search is a
single indexed query with no joins. The copy is kept exact by the save signals
and, on PostgreSQL, by triggers on the record tables (``search.triggers``).
"""

from __future__ import annotations

import html
import re

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import connections, transaction

from core import progress, registry
from core.markdown import markdown_to_text

# Text-search configuration: English stemming ("interpretable" finds "interpretability").
SEARCH_CONFIG = "english"
# Indexed text is capped well below PostgreSQL's 1 MB tsvector limit.
MAX_BODY_LENGTH = 200_000

# NUL (PostgreSQL text cannot hold it), other C0/C1 controls except whitespace,
# and the private-use highlight sentinels of ``search.query``.
_UNSAFE_CHARS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000\ue001]")
_WHITESPACE_RE = re.compile(r"\s+")


def clean_text(value) -> str:
    """Text safe to index: no NUL/control characters or highlight sentinels."""
    if not value:
        return ""
    return _UNSAFE_CHARS_RE.sub(" ", str(value))


def _markdown(value) -> str:
    # markdown_to_text returns escaped text (``&amp;``); the index wants plain text.
    return html.unescape(markdown_to_text(value))


def _field_text(instance, name: str) -> str:
    """One field's text: Markdown as plain text, a choice by its label."""
    model = type(instance)
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        value = getattr(instance, name, "")
        return str(value) if value is not None else ""
    if name in registry.markdown_fields(model):
        return _markdown(getattr(instance, name))
    if model_field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    value = getattr(instance, model_field.attname)
    return "" if value is None else str(value)


def _related_name(instance, attr) -> str:
    try:
        related = getattr(instance, attr)
    except ObjectDoesNotExist:
        return ""
    return str(related) if related is not None else ""


def body_parts(instance) -> list[str]:
    """The parts of a record's search body, as its model's ``search_fields`` say."""
    parts: list[str] = []
    for spec in registry.search_fields(type(instance)):
        if isinstance(spec, registry.Related):
            parts.append(_related_name(instance, spec.name))
        elif isinstance(spec, registry.Children):
            for row in getattr(instance, spec.accessor).all():
                parts.append(" ".join(_field_text(row, name) for name in spec.fields))
        else:
            parts.append(_field_text(instance, spec))
    parts.extend(tag.name for tag in instance.tags.all())
    return parts


def related_lookups(model) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(select_related, prefetch_related)`` that building ``model``'s documents reads."""
    select, prefetch = [], []
    for spec in registry.search_fields(model):
        if isinstance(spec, registry.Related):
            select.append(spec.name)
        elif isinstance(spec, registry.Children):
            prefetch.append(spec.accessor)
    return tuple(select), tuple(prefetch)


def _is_postgresql(using: str) -> bool:
    return connections[using].vendor == "postgresql"


def search_vector():
    """The weighted document: title A, summary B, body C."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


def refresh_vectors(queryset) -> None:
    """Recompute the stored ``tsvector`` of these entries (PostgreSQL only)."""
    if _is_postgresql(queryset.db):
        queryset.update(search_vector=search_vector())


def document_for(instance) -> dict:
    body = " \n".join(clean_text(part) for part in body_parts(instance) if part)
    return {
        "title": clean_text(instance.name)[:300],
        "summary": clean_text(instance.summary),
        "body": _WHITESPACE_RE.sub(" ", body).strip()[:MAX_BODY_LENGTH],
        "url": instance.get_absolute_url()[:500],
        "status": instance.status,
        "publish_at": instance.publish_at,
    }


def index_record(instance) -> None:
    """Create or update the search entry of one record."""
    from .models import SearchEntry

    record_type = registry.for_model(instance)
    if record_type is None or instance.pk is None:
        return
    entry, _ = SearchEntry.objects.update_or_create(
        record_type=record_type.slug,
        object_id=instance.pk,
        defaults=document_for(instance),
    )
    refresh_vectors(SearchEntry.objects.filter(pk=entry.pk))


def unindex_record(model, pk) -> None:
    from .models import SearchEntry

    record_type = registry.for_model(model)
    if record_type is not None and pk is not None:
        SearchEntry.objects.filter(record_type=record_type.slug, object_id=pk).delete()


def rebuild_index(batch_size: int = 500) -> dict[str, int]:
    """Rebuild every entry from the records; returns the count per record type."""
    from .models import SearchEntry

    counts = {}
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        for record_type in registry.record_types():
            select, prefetch = related_lookups(record_type.model)
            records = (
                record_type.model._base_manager.select_related(*select)
                .prefetch_related("tags", *prefetch)
                .order_by("pk")
            )
            batch, counts[record_type.slug] = [], 0
            rows = progress.track(
                records.iterator(chunk_size=batch_size),
                desc=f"Indexing {record_type.display_plural}",
                total=record_type.model._base_manager.count,
                unit="records",
            )
            for instance in rows:
                batch.append(
                    SearchEntry(
                        record_type=record_type.slug,
                        object_id=instance.pk,
                        **document_for(instance),
                    )
                )
                if len(batch) >= batch_size:
                    SearchEntry.objects.bulk_create(batch)
                    counts[record_type.slug] += len(batch)
                    batch = []
            SearchEntry.objects.bulk_create(batch)
            counts[record_type.slug] += len(batch)
        refresh_vectors(SearchEntry.objects.all())
    return counts
