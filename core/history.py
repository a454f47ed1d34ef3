"""Revision history of records and their links (``core.models.RecordHistory``).

Every version of a record (django-simple-history) keeps a snapshot of its
many-to-many links. These helpers read them back: ``versions_links`` for
versions, ``records_links`` for live records, and ``backfill_link_history``
for a migration that starts tracking links of versions saved before.
"""

from __future__ import annotations

from django.db import models
from simple_history import utils as simple_history_utils


def tracked_links(model) -> list[models.ManyToManyField]:
    """The many-to-many fields whose links each version keeps (``core.models.RecordHistory``)."""
    return [f for f in model._meta.local_many_to_many if isinstance(f, models.ManyToManyField)]


def versions_links(model, versions) -> dict[int, dict[str, list[int]]]:
    """``{history_id: {field name: [related pks]}}`` for versions of one ``model``.

    Two queries per tracked field, however many versions. Only records that
    still exist are returned (a link to a record deleted since cannot be
    restored).
    """
    versions = list(versions)
    result: dict[int, dict[str, list[int]]] = {v.history_id: {} for v in versions}
    if not versions:
        return result
    history_model = type(versions[0])
    for field in tracked_links(model):
        target = simple_history_utils.get_m2m_reverse_field_name(field)
        snapshot = getattr(history_model, field.name).model
        rows = list(
            snapshot._default_manager.filter(history_id__in=list(result))
            .order_by("pk")
            .values_list("history_id", f"{target}_id")
        )
        targets = {pk for _history_id, pk in rows}
        existing = set(
            field.related_model._default_manager.filter(pk__in=targets).values_list("pk", flat=True)
        )
        for links in result.values():
            links[field.name] = []
        for history_id, pk in rows:
            linked = result[history_id][field.name]
            if pk in existing and pk not in linked:
                linked.append(pk)
    return result


def version_links(version) -> dict[str, list[int]]:
    """``{field name: [related pks]}`` one historical row linked to (``versions_links``)."""
    return versions_links(version.instance_type, [version])[version.history_id]


def records_links(model, records) -> dict[int, dict[str, list[int]]]:
    """``{pk: {field name: [related pks]}}`` of live records: one query per tracked field."""
    result: dict[int, dict[str, list[int]]] = {record.pk: {} for record in records}
    for field in tracked_links(model):
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        for links in result.values():
            links[field.name] = []
        rows = (
            field.remote_field.through._default_manager.filter(**{f"{source}__in": list(result)})
            .order_by(target)
            .values_list(source, target)
        )
        for pk, linked in rows:
            result[pk][field.name].append(linked)
    return result


def live_links(obj) -> dict[str, list[int]]:
    """``{field name: [related pks]}`` of one live record (``records_links``)."""
    return records_links(type(obj), [obj])[obj.pk]


def backfill_link_history(app_registry, app_label: str, batch_size: int = 2000) -> None:
    """Give versions saved before links were tracked the record's current links.

    For a migration (``app_registry`` is its historical apps): every existing
    historical row of every model of ``app_label`` that has link history gets a
    snapshot of the links its record has now. Nothing better is known about
    those versions; this keeps their old meaning (a revert to them keeps the
    current links) instead of reading "no links" into them.
    """
    for model in app_registry.get_app_config(app_label).get_models():
        try:
            history = app_registry.get_model(app_label, f"Historical{model.__name__}")
        except LookupError:
            continue
        for field in model._meta.local_many_to_many:
            try:
                snapshot = app_registry.get_model(
                    app_label, f"Historical{model.__name__}_{field.name}"
                )
            except LookupError:
                continue
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            links: dict[int, list[tuple[int, int]]] = {}
            rows = through._default_manager.values_list("pk", f"{source}_id", f"{target}_id")
            for pk, source_id, target_id in rows.iterator():
                links.setdefault(source_id, []).append((pk, target_id))
            batch = []
            versions = history._default_manager.values_list("history_id", "id")
            for history_id, record_id in versions.iterator():
                for pk, target_id in links.get(record_id, ()):
                    batch.append(
                        snapshot(
                            history_id=history_id,
                            id=pk,
                            **{f"{source}_id": record_id, f"{target}_id": target_id},
                        )
                    )
                if len(batch) >= batch_size:
                    snapshot._default_manager.bulk_create(batch)
                    batch = []
            snapshot._default_manager.bulk_create(batch)
