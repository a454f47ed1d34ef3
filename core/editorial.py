"""Editorial rules shared by the admin, the models' ``clean()`` and the tools.

* Which record types exist (``content_models``) and which child rows each has
  (``child_relations``).
* What a record needs before it may be published (``PUBLISH_REQUIREMENTS``,
  ``publish_problems``) — checked by model ``clean()`` (text sections), by the
  admin's inline formsets (child rows) and by the bulk "publish" action (both).
* Size limits for editor text (``MAX_TEXT_LENGTH``) and the shared field checks
  every model's ``clean()`` runs (``validate_record``).
* Which records are due a review (``review_cutoff``, ``review_due``).
* Which text fields hold Markdown (``markdown_fields``).
* Revision helpers: the state of a record's child rows at one version
  (``children_as_of``) and restoring them on revert (``restore_children``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history import utils as simple_history_utils

from .models import ContentModel, OrderedChild, Status

# The longest text an editor may put in one field (about 8,000 words). Keeps
# requests under DATA_UPLOAD_MAX_MEMORY_SIZE and search text under PostgreSQL's
# tsvector limit; the admin's textareas carry it as ``maxlength``.
MAX_TEXT_LENGTH = 50_000

DEFAULT_REVIEW_AFTER_MONTHS = 6


@dataclass(frozen=True)
class Requirements:
    """What a record type needs before it can be published."""

    fields: tuple[str, ...] = ("summary",)
    # (related_name of an OrderedChild relation, message when it is empty)
    children: tuple[tuple[str, str], ...] = ()


PUBLISH_REQUIREMENTS: dict[str, Requirements] = {
    "organizations.Organization": Requirements(fields=("summary", "description")),
    "careers.Role": Requirements(
        fields=("summary", "overview"),
        children=(("duties", _("A published role needs at least one duty.")),),
    ),
    "careers.Program": Requirements(fields=("summary", "description")),
    "guides.ResearchAgenda": Requirements(fields=("summary", "goal")),
    "guides.Paper": Requirements(fields=("summary", "authors")),
    "guides.FailureMode": Requirements(fields=("summary", "body")),
    "guides.Guide": Requirements(
        fields=("summary",),
        children=(("steps", _("A published guide needs at least one step.")),),
    ),
}


def content_models() -> list[type[ContentModel]]:
    """Every concrete record type, in a stable order (app, then model name)."""
    found = [
        model
        for model in apps.get_models()
        if issubclass(model, ContentModel) and not model._meta.abstract
    ]
    return sorted(found, key=lambda m: (m._meta.app_label, m._meta.model_name))


def requirements_for(model_or_obj) -> Requirements:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return PUBLISH_REQUIREMENTS.get(model._meta.label, Requirements())


def child_relations(model) -> list[tuple[str, type[OrderedChild], str]]:
    """``[(accessor, child model, fk name)]`` for the record's ordered child rows."""
    relations = []
    for rel in model._meta.related_objects:
        if rel.one_to_many and issubclass(rel.related_model, OrderedChild):
            relations.append((rel.get_accessor_name(), rel.related_model, rel.field.name))
    return sorted(relations, key=lambda item: item[0])


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def field_publish_problems(obj) -> dict[str, str]:
    """``{field: message}`` for the text sections a published record still lacks."""
    if obj.status != Status.PUBLISHED:
        return {}
    problems = {}
    for name in requirements_for(obj).fields:
        if _is_blank(getattr(obj, name, None)):
            label = obj._meta.get_field(name).verbose_name
            problems[name] = str(
                _("Fill in “%(field)s” before publishing this %(type)s.")
                % {"field": label, "type": obj._meta.verbose_name}
            )
    return problems


def publish_problems(obj) -> list[str]:
    """Everything that stops ``obj`` (saved, with its child rows) being published."""
    problems = []
    for name in requirements_for(obj).fields:
        if _is_blank(getattr(obj, name, None)):
            problems.append(
                str(_("“%(field)s” is empty") % {"field": obj._meta.get_field(name).verbose_name})
            )
    for accessor, message in requirements_for(obj).children:
        if obj.pk is None or not getattr(obj, accessor).exists():
            problems.append(str(message))
    return problems


def text_length_errors(obj, limit: int = MAX_TEXT_LENGTH) -> dict[str, str]:
    errors = {}
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.TextField):
            value = getattr(obj, field.attname)
            if isinstance(value, str) and len(value) > limit:
                errors[field.name] = str(
                    _(
                        "This text is %(length)s characters long; the limit is %(limit)s. "
                        "Shorten it or split it into sections."
                    )
                    % {"length": f"{len(value):,}", "limit": f"{limit:,}"}
                )
    return errors


def nul_errors(obj) -> dict[str, str]:
    errors = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname, None)
        if isinstance(value, str) and "\x00" in value:
            errors[field.name] = str(_("Null characters are not allowed."))
    return errors


def validate_record(obj, errors: dict[str, str] | None = None) -> None:
    """Shared checks for a record's ``clean()``; raises one ``ValidationError``.

    ``errors`` are the model's own field errors, merged with the common ones:
    text length, NUL characters and the sections required to publish.
    """
    merged: dict[str, list[str]] = {}
    for source in (errors or {}, text_length_errors(obj), nul_errors(obj)):
        for field, message in source.items():
            merged.setdefault(field, []).append(message)
    for field, message in field_publish_problems(obj).items():
        merged.setdefault(field, []).append(message)
    if merged:
        raise ValidationError(merged)


# --- Review dates ---------------------------------------------------------------


def review_after_months() -> int:
    try:
        months = int(getattr(settings, "REVIEW_AFTER_MONTHS", DEFAULT_REVIEW_AFTER_MONTHS))
    except (TypeError, ValueError):
        return DEFAULT_REVIEW_AFTER_MONTHS
    return max(months, 0)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` earlier (clamped to the month's end)."""
    year, month = divmod(day.year * 12 + (day.month - 1) - months, 12)
    month += 1
    for candidate in range(day.day, 0, -1):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def review_cutoff(months: int | None = None, today: datetime.date | None = None):
    """Records last reviewed before this date are due a review."""
    if months is None:
        months = review_after_months()
    return months_before(today or timezone.localdate(), months)


def review_due(queryset, months: int | None = None):
    """Records never reviewed or last reviewed before the cut-off, oldest first."""
    cutoff = review_cutoff(months)
    return queryset.filter(
        models.Q(last_reviewed__isnull=True) | models.Q(last_reviewed__lt=cutoff)
    ).order_by(models.F("last_reviewed").asc(nulls_first=True), "name")


# --- Markdown -------------------------------------------------------------------


def is_markdown_field(field) -> bool:
    return isinstance(field, models.TextField) and str(field.help_text or "").startswith("Markdown")


def markdown_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if is_markdown_field(f)]


# --- Revisions ------------------------------------------------------------------


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
