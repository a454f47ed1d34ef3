"""Export the whole content set to one JSON document and import it elsewhere.

The document::

    {
      "format": "ai-safety-field-guide",
      "version": 1,
      "organization_types": [...], "role_categories": [...],
      "organizations": [...], "research_agendas": [...], "papers": [...],
      "failure_modes": [...], "guides": [...], "programs": [...], "roles": [...]
    }

One section per registered record type and taxonomy (``core.registry``), in
import order: taxonomies first, then each record type after the records its
foreign keys point at. Sections are found by name, so a file written with
another section order imports the same.

Each record is an object of its fields (``created``/``updated`` included, so a
round trip is exact), with references written as slugs: a foreign key is the
target's slug, a many-to-many field a sorted list of slugs, ``tags`` a sorted
list of tag names, and child rows (duties, FAQ, approaches, steps…) a list in
display order under their relation name (``duties``, ``steps``…). Records are
sorted by slug and keys are sorted, so the same content always gives the same
bytes. Revision history, users, the search index and link-check reports are not
part of it (``pg_dump`` backs up everything).

Each record also carries its ``version`` (``core.models.VersionedModel``): the
version of the record the file was made from. Import refuses a record that
was changed on this site after that (its version differs from the file's and
it was saved later than the file's ``updated``) and whose content differs
from the file: that would overwrite someone's work. The error names the
record and nothing is imported. A record new to this site is created with the
file's version (so a round trip stays exact); an updated record's version goes
up from this site's own count. Files without versions import as before.

Import matches records by slug (the natural key): new slugs are created,
existing ones updated, records missing from the file are left alone. It runs in
one transaction — any error (a bad value, an unknown reference, a duplicate
slug) rolls everything back and names the record — and a record that already
matches the file is not written at all, so importing the same file twice
changes nothing the second time.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils.dateparse import parse_date, parse_datetime

from core import derived, progress, registry, validation
from core.fields import is_rendered
from core.models import VersionedModel

logger = logging.getLogger(__name__)

FORMAT = "ai-safety-field-guide"
VERSION = 1

TIMESTAMP_FIELDS = ("created", "updated")
VERSION_FIELD = "version"  # written for records (not child rows), checked on import
MAX_ERRORS = 25


class TransferError(Exception):
    """An import that was refused; ``errors`` lists what is wrong and where."""

    def __init__(self, errors: Iterable[str]):
        self.errors = list(errors)
        shown = self.errors[:MAX_ERRORS]
        more = len(self.errors) - len(shown)
        text = "\n".join(f"  - {e}" for e in shown)
        if more > 0:
            text += f"\n  … and {more} more"
        super().__init__(f"Import refused, nothing was changed:\n{text}")


def section_models() -> list[tuple[str, type[models.Model]]]:
    """``[(section, model)]`` in import order (``core.registry.transfer_models``):
    taxonomies, then record types after the records their foreign keys name.
    Many-to-many links and child rows are set once every record exists."""
    return registry.transfer_models()


# --- Field handling -------------------------------------------------------------


def _scalar_fields(model) -> list[models.Field]:
    """Concrete, non-key fields written as values (foreign keys included).

    The version counter is not one: a record's is written by ``serialize_record``
    and checked on import; child rows' are covered by their record's.
    """
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not f.auto_created
        and f.name != VERSION_FIELD
        and not is_rendered(f)  # derived from the Markdown on save
    ]


def _versioned(model) -> bool:
    return issubclass(model, VersionedModel)


def _m2m_fields(model) -> list[models.ManyToManyField]:
    return [f for f in model._meta.many_to_many if f.name != "tags"]


def _has_tags(model) -> bool:
    return any(f.name == "tags" for f in model._meta.many_to_many)


def _to_json(field, value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _from_json(field, value, where: str):
    """The Python value for ``field`` from a JSON value (raises ``ValueError``)."""
    if value is None:
        if not field.null and not isinstance(field, models.CharField | models.TextField):
            raise ValueError(f"{where}: “{field.name}” cannot be empty")
        return None if field.null else ""
    if isinstance(field, models.DateTimeField):
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None or parsed.tzinfo is None:
            raise ValueError(f"{where}: “{field.name}” must be an ISO date-time with a UTC offset")
        return parsed
    if isinstance(field, models.DateField):
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed is None:
            raise ValueError(f"{where}: “{field.name}” must be a date (YYYY-MM-DD)")
        return parsed
    if isinstance(field, models.BooleanField):
        if not isinstance(value, bool):
            raise ValueError(f"{where}: “{field.name}” must be true or false")
        return value
    if isinstance(field, models.IntegerField):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{where}: “{field.name}” must be a whole number")
        return value
    if isinstance(field, models.CharField | models.TextField):
        if not isinstance(value, str):
            raise ValueError(f"{where}: “{field.name}” must be text")
        if "\x00" in value:
            raise ValueError(f"{where}: “{field.name}” contains a null character")
        return value
    try:
        return field.to_python(value)
    except ValidationError as exc:
        raise ValueError(f"{where}: “{field.name}”: {'; '.join(exc.messages)}") from exc


def _slug_of(obj) -> str | None:
    return None if obj is None else obj.slug


# --- Export ---------------------------------------------------------------------


def _serialize_child(row, fk_name: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    model = type(row)
    for field in _scalar_fields(model):
        if field.name == fk_name:
            continue
        if field.is_relation:
            data[field.name] = _slug_of(getattr(row, field.name))
        else:
            data[field.name] = _to_json(field, field.get_prep_value(field.value_from_object(row)))
    for field in _m2m_fields(model):
        data[field.name] = sorted(t.slug for t in getattr(row, field.name).all())
    return data


def serialize_record(obj) -> dict[str, Any]:
    """One record as the document stores it (children and links included)."""
    model = type(obj)
    data: dict[str, Any] = {}
    for field in _scalar_fields(model):
        if field.is_relation:
            data[field.name] = _slug_of(getattr(obj, field.name))
        else:
            data[field.name] = _to_json(field, field.get_prep_value(field.value_from_object(obj)))
    for field in _m2m_fields(model):
        data[field.name] = sorted(t.slug for t in getattr(obj, field.name).all())
    if _has_tags(model):
        data["tags"] = sorted(obj.tags.names(), key=lambda n: (n.lower(), n))
    if _versioned(model):
        data[VERSION_FIELD] = obj.version
    for accessor, _child_model, fk_name in registry.child_relations(model):
        rows = sorted(getattr(obj, accessor).all(), key=lambda r: (r.order, r.pk))
        data[accessor] = [_serialize_child(row, fk_name) for row in rows]
    return data


def _export_queryset(model):
    qs = model._default_manager.all().order_by("slug")
    related = [f.name for f in _scalar_fields(model) if f.is_relation]
    if related:
        qs = qs.select_related(*related)
    prefetch = [f.name for f in _m2m_fields(model)]
    for accessor, child_model, _fk in registry.child_relations(model):
        prefetch.append(accessor)
        prefetch.extend(f"{accessor}__{f.name}" for f in _m2m_fields(child_model))
        prefetch.extend(
            f"{accessor}__{f.name}" for f in _scalar_fields(child_model) if f.is_relation
        )
    if _has_tags(model):
        prefetch.append("tags")
    return qs.prefetch_related(*prefetch)


def export_content() -> dict[str, Any]:
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for section, model in section_models():
        document[section] = [serialize_record(obj) for obj in _export_queryset(model)]
    return document


def _sorted(value):
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def dumps(document: dict[str, Any]) -> str:
    """The document as text: header first, then sections in import order, keys sorted."""
    ordered = {"format": document["format"], "version": document["version"]}
    for section, _model in section_models():
        ordered[section] = _sorted(document.get(section, []))
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"


# --- Import ---------------------------------------------------------------------


def _check_document(document) -> None:
    if not isinstance(document, dict):
        raise TransferError(["The file is not a JSON object."])
    if document.get("format") != FORMAT:
        raise TransferError([f'This is not an {FORMAT} export ("format" is missing or wrong).'])
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise TransferError(['"version" must be a whole number.'])
    if version > VERSION:
        raise TransferError(
            [
                f"The file is version {version}; this site reads up to version {VERSION}. "
                "Upgrade the site first."
            ]
        )
    if version < 1:
        raise TransferError([f"Unknown version {version}."])
    known = {"format", "version", *(name for name, _model in section_models())}
    unknown = sorted(set(document) - known)
    if unknown:
        raise TransferError([f"Unknown section(s): {', '.join(unknown)}."])
    for section, _model in section_models():
        value = document.get(section, [])
        if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
            raise TransferError([f"“{section}” must be a list of objects."])


class _Importer:
    def __init__(self, document: dict[str, Any]):
        self.document = document
        self.errors: list[str] = []
        self.counts = {"created": 0, "updated": 0, "unchanged": 0}
        # (model label, slug) → saved instance, for everything in the file.
        self.saved: dict[tuple[str, str], models.Model] = {}
        self.changed: set[tuple[str, str]] = set()
        self.created: set[tuple[str, str]] = set()
        self.pending: list[tuple[str, models.Model, dict[str, Any]]] = []

    # Lookups -------------------------------------------------------------------

    def lookup(self, model, slug, where: str, field_name: str):
        if not isinstance(slug, str) or not slug:
            raise ValueError(f"{where}: “{field_name}” must be a slug")
        found = self.saved.get((model._meta.label, slug))
        if found is not None:
            return found
        found = model._default_manager.filter(slug=slug).first()
        if found is None:
            raise ValueError(
                f"{where}: “{field_name}” names {model._meta.verbose_name} “{slug}”, "
                "which is neither in the file nor on this site"
            )
        return found

    # Phase 1: records and their own fields --------------------------------------

    def allowed_keys(self, model) -> set[str]:
        keys = {f.name for f in _scalar_fields(model)} | {f.name for f in _m2m_fields(model)}
        if _has_tags(model):
            keys.add("tags")
        if _versioned(model):
            keys.add(VERSION_FIELD)
        keys |= {accessor for accessor, _m, _fk in registry.child_relations(model)}
        return keys

    def import_record(self, section: str, index: int, model, data: dict[str, Any]) -> None:
        slug = data.get("slug")
        where = f"{section}[{index}]" + (f" (slug “{slug}”)" if isinstance(slug, str) else "")
        if not isinstance(slug, str) or not slug:
            raise ValueError(f"{where}: every record needs a “slug”")
        key = (model._meta.label, slug)
        if key in self.saved:
            raise ValueError(f"{where}: the slug “{slug}” appears twice in “{section}”")
        unknown = sorted(set(data) - self.allowed_keys(model))
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")

        existing = model._default_manager.filter(slug=slug).first()
        if existing is not None and self._same(existing, data):
            self.saved[key] = existing
            self.counts["unchanged"] += 1
            return
        if existing is not None:
            self.check_version(existing, data, where)
        obj = existing or model()
        for field in _scalar_fields(model):
            if field.name not in data:
                continue
            value = data[field.name]
            if field.is_relation:
                target = (
                    None
                    if value is None
                    else self.lookup(field.related_model, value, where, field.name)
                )
                if target is None and not field.null:
                    raise ValueError(f"{where}: “{field.name}” is required")
                setattr(obj, field.name, target)
            else:
                setattr(obj, field.attname, _from_json(field, value, where))
        self.validate(obj, where, exclude_fields=TIMESTAMP_FIELDS)
        obj._change_reason = "Imported"
        obj.save()
        self.saved[key] = obj
        self.changed.add(key)
        if existing is None:
            self.created.add(key)
        self.counts["updated" if existing else "created"] += 1

    def _same(self, obj, data: dict[str, Any]) -> bool:
        current = serialize_record(obj)
        return all(current.get(k) == v for k, v in data.items() if k != VERSION_FIELD)

    def check_version(self, existing, data: dict[str, Any], where: str) -> None:
        """Refuse to overwrite a record changed here after the version the file holds."""
        if not _versioned(type(existing)) or VERSION_FIELD not in data:
            return
        version = data[VERSION_FIELD]
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise ValueError(f"{where}: “{VERSION_FIELD}” must be a whole number from 1")
        if version == existing.version:
            return  # the file was made from this very version
        saved = parse_datetime(data["updated"]) if isinstance(data.get("updated"), str) else None
        if saved is not None and saved.tzinfo is not None and existing.updated <= saved:
            return  # nothing here is newer than the file's version (a copy from another site)
        latest = existing.history.select_related("history_user").first()
        who = ""
        if latest is not None and latest.history_user is not None:
            who = f" by {latest.history_user.get_username()}"
        raise ValueError(
            f"{where}: changed on this site since the file was made (the file holds version "
            f"{version}; this site has version {existing.version}, saved "
            f"{existing.updated.astimezone(datetime.UTC):%Y-%m-%d %H:%M} UTC{who}). "
            "Importing it would overwrite that change: export again and redo your edit "
            "there, or take this record out of the file"
        )

    def validate(self, obj, where: str, exclude_fields: Iterable[str] = ()) -> None:
        exclude = set(exclude_fields)
        errors: dict[str, list[str]] = {}
        try:
            obj.clean_fields(exclude=exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        try:
            obj.validate_unique(exclude=exclude | {"slug"} if obj.pk is None else exclude)
            obj.validate_constraints(exclude=exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        for source in (validation.text_length_errors(obj), validation.nul_errors(obj)):
            for name, message in source.items():
                errors.setdefault(name, []).append(message)
        if errors:
            detail = "; ".join(
                f"{'record' if name == '__all__' else name}: {' '.join(msgs)}"
                for name, msgs in errors.items()
            )
            raise ValueError(f"{where}: {detail}")

    # Phase 2: links, tags and child rows ------------------------------------------

    def import_relations(self, section: str, index: int, model, data: dict[str, Any]) -> None:
        slug = data["slug"]
        where = f"{section}[{index}] (slug “{slug}”)"
        obj = self.saved[(model._meta.label, slug)]
        if (model._meta.label, slug) not in self.changed:
            return
        for field in _m2m_fields(model):
            if field.name in data:
                targets = self.lookup_many(field, data[field.name], where)
                getattr(obj, field.name).set(targets)
        if _has_tags(model) and "tags" in data:
            names = data["tags"]
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ValueError(f"{where}: “tags” must be a list of names")
            for name in names:
                if not name.strip() or len(name) > 100 or "\x00" in name:
                    raise ValueError(f"{where}: bad tag name “{name[:40]}”")
            obj.tags.set(names, clear=True)
        for accessor, child_model, fk_name in registry.child_relations(model):
            if accessor in data:
                self.import_children(obj, accessor, child_model, fk_name, data[accessor], where)

    def lookup_many(self, field, slugs, where: str) -> list:
        if not isinstance(slugs, list):
            raise ValueError(f"{where}: “{field.name}” must be a list of slugs")
        return [self.lookup(field.related_model, s, where, field.name) for s in slugs]

    def import_children(self, parent, accessor, child_model, fk_name, rows, where) -> None:
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ValueError(f"{where}: “{accessor}” must be a list of objects")
        allowed = {f.name for f in _scalar_fields(child_model) if f.name != fk_name}
        allowed |= {f.name for f in _m2m_fields(child_model)}
        current = sorted(getattr(parent, accessor).all(), key=lambda r: (r.order, r.pk))
        serialized = [_serialize_child(row, fk_name) for row in current]
        if len(serialized) == len(rows) and all(
            old == {**old, **new} for old, new in zip(serialized, rows, strict=True)
        ):
            return
        # Different: replace the rows (simplest way to honour order and unique rules).
        for row in current:
            row.delete()
        for position, data in enumerate(rows):
            row_where = f"{where} {accessor}[{position}]"
            unknown = sorted(set(data) - allowed)
            if unknown:
                raise ValueError(f"{row_where}: unknown field(s) {', '.join(unknown)}")
            row = child_model()
            setattr(row, fk_name, parent)
            for field in _scalar_fields(child_model):
                if field.name == fk_name or field.name not in data:
                    continue
                value = data[field.name]
                if field.is_relation:
                    target = (
                        None
                        if value is None
                        else self.lookup(field.related_model, value, row_where, field.name)
                    )
                    setattr(row, field.name, target)
                else:
                    setattr(row, field.attname, _from_json(field, value, row_where))
            self.validate(row, row_where, exclude_fields=(fk_name,))
            row.save()
            for field in _m2m_fields(child_model):
                if field.name in data:
                    getattr(row, field.name).set(
                        self.lookup_many(field, data[field.name], row_where)
                    )

    # Phase 3: timestamps as in the file --------------------------------------------

    def restore_timestamps(self, model, data: dict[str, Any], where: str) -> None:
        key = (model._meta.label, data["slug"])
        obj = self.saved[key]
        values = {}
        for name in TIMESTAMP_FIELDS:
            if name in data:
                values[name] = _from_json(model._meta.get_field(name), data[name], where)
        if key in self.created and _versioned(model) and VERSION_FIELD in data:
            values[VERSION_FIELD] = data[VERSION_FIELD]  # new here: the file's version
        if values and any(getattr(obj, k) != v for k, v in values.items()):
            model._default_manager.filter(pk=obj.pk).update(**values)

    def run(self) -> dict[str, int]:
        sections = [
            (section, model, self.document.get(section, [])) for section, model in section_models()
        ]
        total = 2 * sum(len(records) for _section, _model, records in sections)
        meter = progress.bar(total=total, desc="Importing", unit="rows")
        for phase in (self.import_record, self.import_relations):
            for section, model, records in sections:
                for index, data in enumerate(records):
                    meter.update()
                    try:
                        with transaction.atomic():
                            phase(section, index, model, data)
                    except ValueError as exc:
                        self.errors.append(str(exc))
                    except (IntegrityError, DatabaseError) as exc:
                        slug = data.get("slug")
                        self.errors.append(
                            f"{section}[{index}] (slug “{slug}”): the database refused it: {exc}"
                        )
            if self.errors:
                meter.close()
                raise TransferError(self.errors)
        meter.close()
        for section, model, records in sections:
            for index, data in enumerate(records):
                try:
                    self.restore_timestamps(model, data, f"{section}[{index}]")
                except ValueError as exc:
                    self.errors.append(str(exc))
        if self.errors:
            raise TransferError(self.errors)
        return self.counts


def import_content(document: dict[str, Any], *, dry_run: bool = False) -> dict[str, int]:
    """Import a document; returns counts. Raises ``TransferError`` (and changes nothing)."""
    _check_document(document)
    # Derived tables (search index, link table) are rebuilt once, not per row.
    with derived.deferred(rebuild=False) as rebuild, transaction.atomic():
        counts = _Importer(document).run()
        if dry_run:
            transaction.set_rollback(True)
        elif counts["created"] or counts["updated"]:
            rebuild()
    return counts


def loads(text: str) -> dict[str, Any]:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TransferError(
            [f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."]
        ) from exc
