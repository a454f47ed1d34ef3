"""Readable differences between two versions of a record, for the admin.

``compare_versions(model, old, new)`` takes two historical rows of one record
(django-simple-history) and returns the field-by-field changes
(``new.diff_against(old)``) plus the changes to the record's child rows
(duties, FAQ, approaches, steps) between the two versions.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from simple_history import utils as simple_history_utils
from simple_history.models import DeletedObject

from core.history import records_links, tracked_links, versions_links
from core.registry import child_relations

from .revisions import children_as_of, version_window_end

EMPTY = "—"
# Longer or multi-line texts are shown as a line/word diff instead of old → new.
INLINE_LIMIT = 80
# Unchanged lines kept around each change in a text diff.
CONTEXT_LINES = 2
# Texts with more lines/words than this are not diffed (difflib is quadratic).
MAX_DIFF_TOKENS = 5_000


@dataclass
class Segment:
    op: str  # "equal", "delete", "insert", "skip"
    text: str


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str
    segments: list[Segment] | None = None  # a text diff, for long or multi-line text


@dataclass
class ChildChange:
    status: str  # "added", "removed", "changed"
    label: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class ChildSection:
    label: str
    changes: list[ChildChange]


@dataclass
class Comparison:
    fields: list[FieldChange]
    children: list[ChildSection]

    @property
    def is_empty(self) -> bool:
        return not self.fields and not any(section.changes for section in self.children)


def display_value(model_field, value) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, DeletedObject):
        return str(value)
    if model_field is not None and model_field.choices and not model_field.is_relation:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DateTimeField) and hasattr(value, "tzinfo"):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(model_field, models.DateField) and hasattr(value, "year"):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "name") and model_field is not None and model_field.name == "country":
        return str(value.name or EMPTY)
    return str(value)


def text_diff(old: str, new: str) -> list[Segment]:
    """A line diff (or word diff, for one-line text) with a little context."""
    old, new = old or "", new or ""
    by_line = "\n" in old or "\n" in new
    if by_line:
        old_tokens, new_tokens, sep = old.splitlines(), new.splitlines(), "\n"
    else:
        old_tokens, new_tokens, sep = old.split(" "), new.split(" "), " "
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            chunk = old_tokens[i1:i2]
            if by_line and len(chunk) > 2 * CONTEXT_LINES + 1:
                head = chunk[:CONTEXT_LINES] if segments else []
                tail = chunk[-CONTEXT_LINES:] if i2 < len(old_tokens) else []
                if head:
                    segments.append(Segment("equal", sep.join(head)))
                skipped = len(chunk) - len(head) - len(tail)
                segments.append(Segment("skip", f"… {skipped} unchanged lines …"))
                if tail:
                    segments.append(Segment("equal", sep.join(tail)))
            else:
                segments.append(Segment("equal", sep.join(chunk)))
            continue
        if tag in ("replace", "delete"):
            segments.append(Segment("delete", sep.join(old_tokens[i1:i2])))
        if tag in ("replace", "insert"):
            segments.append(Segment("insert", sep.join(new_tokens[j1:j2])))
    # Each segment ends with its separator so they can be shown one after another.
    for segment in segments:
        segment.text += sep
    return segments


def field_change(model_field, name: str, old_value, new_value) -> FieldChange:
    label = str(model_field.verbose_name) if model_field is not None else name
    change = FieldChange(
        field=name,
        label=label[:1].upper() + label[1:],
        old=display_value(model_field, old_value),
        new=display_value(model_field, new_value),
    )
    if isinstance(old_value, str) and isinstance(new_value, str):
        long = max(len(old_value), len(new_value)) > INLINE_LIMIT
        size = max(old_value.count("\n"), old_value.count(" "), new_value.count(" "))
        if size > MAX_DIFF_TOKENS:
            # Too big to diff quickly: show the start of each version instead.
            change.old, change.new = _clip(change.old), _clip(change.new)
        elif long or "\n" in old_value or "\n" in new_value:
            change.segments = text_diff(old_value, new_value)
    return change


def _linked_names(model_field, rows) -> list[str]:
    """Names of the records in a version's link rows (``diff_against`` gives dicts)."""
    target = simple_history_utils.get_m2m_reverse_field_name(model_field)
    return sorted((str(row[target]) for row in rows), key=str.casefold)


def _names_of(model_field, pks) -> list[str]:
    records = model_field.related_model._default_manager.filter(pk__in=pks)
    return sorted((str(record) for record in records), key=str.casefold)


def links_change(model_field, old: list[str], new: list[str]) -> FieldChange:
    """A many-to-many field's change: the linked records, removed ones struck out."""
    segments = []
    for name in sorted(set(old) | set(new), key=str.casefold):
        if segments:
            segments.append(Segment("equal", "; "))
        op = "equal" if name in old and name in new else ("delete" if name in old else "insert")
        segments.append(Segment(op, name))
    label = str(model_field.verbose_name)
    return FieldChange(
        field=model_field.name,
        label=label[:1].upper() + label[1:],
        old=", ".join(old) or EMPTY,
        new=", ".join(new) or EMPTY,
        segments=segments,
    )


def _clip(text: str, limit: int = 500) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _get_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since the version was saved
        return None


def _child_label(row) -> str:
    text = str(row)
    return text if len(text) <= 80 else text[:79] + "…"


def _links_by_pk(model, rows) -> dict[int, dict[str, list[int]]]:
    """Links of child rows, ``{pk: {field: [pks]}}``: as of their version or live."""
    rows = list(rows)
    if rows and getattr(rows[0], "_history", None) is not None:  # rows from history.as_of()
        by_version = versions_links(model, [row._history for row in rows])
        return {row.pk: by_version[row._history.history_id] for row in rows}
    return records_links(model, rows)


def _compare_children(model, object_id, old_when, new_when) -> list[ChildSection]:
    sections = []
    old_state = children_as_of(model, object_id, old_when)
    new_state = children_as_of(model, object_id, new_when)
    for accessor, child_model, fk_name in child_relations(model):
        old_rows = {row.pk: row for row in old_state[accessor]}
        new_rows = {row.pk: row for row in new_state[accessor]}
        fields = [
            f
            for f in child_model._meta.concrete_fields
            if not f.primary_key and f.name != fk_name and f.editable
        ]
        links_then = _links_by_pk(child_model, old_rows.values())
        links_now = _links_by_pk(child_model, new_rows.values())
        changes = []
        for pk, row in new_rows.items():
            if pk not in old_rows:
                changes.append(ChildChange("added", _child_label(row)))
                continue
            old = old_rows[pk]
            diffs = [
                field_change(f, f.name, getattr(old, f.attname), getattr(row, f.attname))
                for f in fields
                if getattr(old, f.attname) != getattr(row, f.attname)
            ]
            old_links, new_links = links_then[pk], links_now[pk]
            diffs += [
                links_change(f, _names_of(f, old_links[f.name]), _names_of(f, new_links[f.name]))
                for f in tracked_links(child_model)
                if sorted(old_links[f.name]) != sorted(new_links[f.name])
            ]
            if diffs:
                changes.append(ChildChange("changed", _child_label(row), diffs))
        for pk, row in old_rows.items():
            if pk not in new_rows:
                changes.append(ChildChange("removed", _child_label(row)))
        label = str(child_model._meta.verbose_name_plural)
        sections.append(ChildSection(label[:1].upper() + label[1:], changes))
    return sections


def compare_versions(model, old, new) -> Comparison:
    """Changes from historical row ``old`` to historical row ``new`` of one record."""
    delta = new.diff_against(old, foreign_keys_are_objs=True)
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())}
    fields = [
        links_change(
            model_field, _linked_names(model_field, c.old), _linked_names(model_field, c.new)
        )
        if getattr(model_field := _get_field(model, c.field), "many_to_many", False)
        else field_change(model_field, c.field, c.old, c.new)
        for c in sorted(delta.changes, key=lambda c: order.get(c.field, 1_000))
    ]
    object_id = new.instance.pk
    children = _compare_children(
        model,
        object_id,
        version_window_end(old) or timezone.now(),
        version_window_end(new),
    )
    return Comparison(fields=fields, children=children)
