"""Restoring a record's child rows to an earlier version (revert).

Child rows saved in the same admin request as their parent come a moment after
the parent's history row, so "the record as of this version" means everything
up to the next version of the parent (``version_window_end``).
``children_as_of`` reads the rows at that moment and ``restore_children`` makes
the live rows match them (links included), each write recording history.
"""

from __future__ import annotations

import datetime

from core.fields import is_rendered
from core.history import records_links, versions_links
from core.registry import child_relations


def version_window_end(history_record) -> datetime.datetime | None:
    """The moment a version stopped being current: just before the next version.

    Child rows saved in the same admin request as the parent come a moment
    *after* the parent's history row, so "the record as of this version" means
    everything up to the next version of the parent (or now, for the latest).
    """
    newer = (
        type(history_record)
        .objects.filter(id=history_record.id, history_date__gt=history_record.history_date)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    if newer is None:
        return None
    return newer - datetime.timedelta(microseconds=1)


def children_as_of(model, object_id, when: datetime.datetime | None) -> dict[str, list]:
    """``{accessor: [child instances]}`` for the record's child rows at ``when``.

    ``when=None`` means now (the live rows).
    """
    result = {}
    for accessor, child_model, fk_name in child_relations(model):
        if when is None:
            rows = child_model._default_manager.filter(**{f"{fk_name}_id": object_id})
        else:
            rows = child_model.history.as_of(when).filter(**{f"{fk_name}_id": object_id})
        result[accessor] = sorted(rows, key=lambda row: (row.order, row.pk))
    return result


def restore_children(obj, when: datetime.datetime | None) -> int:
    """Make ``obj``'s child rows match their state at ``when``; returns rows changed.

    Rows added since are deleted; rows deleted since are re-created with their
    old id; changed rows get their old values and links (a guide step's
    records) back. Each write records history.
    """
    if when is None:
        return 0
    changed = 0
    for accessor, child_model, _fk_name in child_relations(type(obj)):
        old_rows = {row.pk: row for row in children_as_of(type(obj), obj.pk, when)[accessor]}
        current = {row.pk: row for row in getattr(obj, accessor).all()}
        links_then = versions_links(child_model, [row._history for row in old_rows.values()])
        links_now = records_links(child_model, current.values())
        for pk, row in current.items():
            if pk not in old_rows:
                row.delete()
                changed += 1
        for pk, old in old_rows.items():
            live = current.get(pk)
            values = {
                f.attname: getattr(old, f.attname)
                for f in child_model._meta.concrete_fields
                if not f.primary_key
                and f.name != "version"  # the counter only goes up
                and not is_rendered(f)  # not in history: rendered again on save
            }
            old_links = links_then[old._history.history_id]
            if (
                live is not None
                and all(getattr(live, k) == v for k, v in values.items())
                and {k: sorted(v) for k, v in links_now[pk].items()}
                == {k: sorted(v) for k, v in old_links.items()}
            ):
                continue
            if not _targets_exist(child_model, values):
                continue  # it pointed at a record deleted since; leave it out
            row = live or child_model(pk=pk)
            for attname, value in values.items():
                setattr(row, attname, value)
            row.save()
            for name, pks in old_links.items():
                getattr(row, name).set(pks)
            changed += 1
    return changed


def _targets_exist(model, values: dict) -> bool:
    for field in model._meta.concrete_fields:
        if field.is_relation and field.many_to_one:
            target = values.get(field.attname)
            if target is not None and not (
                field.related_model._default_manager.filter(pk=target).exists()
            ):
                return False
    return True
