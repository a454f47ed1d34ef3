"""What links here: every published record that points at a record.

``backlinks_for(obj)`` returns ``{group label: [records]}`` — e.g.
``{"Guides": [...], "Roles": [...]}`` — of the *published* records that link
to ``obj`` through

* a relation (a foreign key or many-to-many field on the other record, e.g. a
  role's "programs that lead in", a paper's organizations);
* a child row that names it (a guide step's records, a role's editor-chosen
  pathway item): any relation of a record's child rows to another record type;
* a Markdown record link in any Markdown field, ``[MATS](program:mats)`` or
  ``/programs/mats/`` (also in child rows: role FAQ answers, guide step
  bodies). These are not searched for at request time: ``index_links`` parses
  a record's Markdown when it is saved and stores its outgoing links in
  ``links.MarkdownLink``, so a backlink is an indexed lookup however many
  records there are.

Every registered record type (``core.registry``) is a source; where its links
live is read from its model (``Source.of``). It runs exactly one query,
whatever the number of links and of record types: a ``UNION ALL`` of one part
per source type, each ORing ``pk IN (subquery)`` conditions, so nothing joins
into the outer query and no row is repeated. Render with
``partials/backlinks.html``; ``BacklinksMixin`` adds ``backlinks`` to a
DetailView's context.
"""

import datetime
import json
import re
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import F, Q, Value, Window
from django.db.models.functions import JSONObject, RowNumber
from django.urls import Resolver404, resolve
from django.utils import timezone

from core import dependencies, progress, registry
from core.cache import invalidate
from core.markdown import extract_links, site_path, split_record_link

# Per group, at most this many records (a hub organization stays readable).
BACKLINK_LIMIT = 100

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
SLUG_MAX_LENGTH = 200  # ContentModel.slug and MarkdownLink.target_slug


@dataclass(frozen=True)
class ChildText:
    """Markdown in child rows: ``model.field``, reaching the parent by ``parent``."""

    model: type
    field: str
    parent: str


@dataclass(frozen=True)
class ChildLink:
    """A child row that links the parent to other records (guide steps, pathway items)."""

    model: type
    parent: str


@dataclass(frozen=True)
class Source:
    """A record type that can link to others, and where its links live — all read
    from its model: Markdown fields, child rows with Markdown fields or with
    relations to other record types, and its own relation fields."""

    record_type: registry.RecordType
    markdown: tuple[str, ...]  # own Markdown fields
    child_text: tuple[ChildText, ...] = ()
    child_links: tuple[ChildLink, ...] = ()

    @property
    def slug(self) -> str:
        return self.record_type.slug

    @property
    def model(self):
        return self.record_type.model

    @classmethod
    def of(cls, record_type: registry.RecordType) -> "Source":
        model = record_type.model
        child_text, child_links = [], []
        for _accessor, child, fk_name in registry.child_relations(model):
            child_text += [
                ChildText(child, name, fk_name) for name in registry.markdown_fields(child)
            ]
            if any(f.name != fk_name for f in registry.related_record_fields(child)):
                child_links.append(ChildLink(child, fk_name))
        return cls(
            record_type,
            markdown=tuple(registry.markdown_fields(model)),
            child_text=tuple(child_text),
            child_links=tuple(child_links),
        )


def sources() -> list[Source]:
    """Every record type as a source of links, in the order their groups are shown."""
    return [Source.of(rt) for rt in registry.record_types(order="backlinks_order")]


def source_for(model_or_instance) -> Source | None:
    record_type = registry.for_model(model_or_instance)
    return Source.of(record_type) if record_type is not None else None


def link_target(href: str) -> tuple[str, str] | None:
    """``(record type, slug)`` a Markdown link target points at, or ``None``.

    ``program:mats`` and ``org:redwood`` name records by slug; a site-relative
    (or own-site absolute) URL of a detail page, ``/programs/mats/``, does too.
    """
    href = href.strip()
    parts = split_record_link(href)
    if parts is not None:
        prefix, slug = parts
        kind = registry.for_prefix(prefix).slug
    else:
        path = site_path(href)
        if path is None:
            return None
        try:
            match = resolve(path)
        except Resolver404:
            return None
        detail = detail_view_type(match.view_name)
        if detail is None:
            return None
        kind, slug = detail.slug, match.kwargs.get("slug", "")
    if not SLUG_RE.match(slug) or len(slug) > SLUG_MAX_LENGTH:
        return None  # no record can have this slug
    return kind, slug


def detail_view_type(view_name: str) -> registry.RecordType | None:
    """The record type whose detail page has this URL name (``careers:role_detail``)."""
    return next((rt for rt in registry.record_types() if rt.detail_url_name == view_name), None)


def links_in(texts) -> set[tuple[str, str]]:
    """Every ``(record type, slug)`` linked from these Markdown texts."""
    return {
        target for text in texts for href in extract_links(text) if (target := link_target(href))
    }


def _store_links(source_type: str, source_id: int, targets: set[tuple[str, str]]) -> None:
    from .models import MarkdownLink

    stored = MarkdownLink.objects.filter(source_type=source_type, source_id=source_id)
    existing = {(link.target_type, link.target_slug): link.pk for link in stored}
    stale = [pk for target, pk in existing.items() if target not in targets]
    changed = (existing.keys() - targets) | (targets - existing.keys())
    if changed:  # the target pages' "What links here" changes
        invalidate(dependencies.link_key(kind, slug) for kind, slug in changed)
    if stale:
        MarkdownLink.objects.filter(pk__in=stale).delete()
    new = [
        MarkdownLink(
            source_type=source_type, source_id=source_id, target_type=kind, target_slug=slug
        )
        for kind, slug in sorted(targets - existing.keys())
    ]
    if new:
        MarkdownLink.objects.bulk_create(new, ignore_conflicts=True)


def index_links(instance) -> None:
    """Store the outgoing Markdown links of one record (its own fields and child rows)."""
    source = source_for(instance)
    if source is None or instance.pk is None:
        return
    texts = [getattr(instance, name) for name in source.markdown]
    for child in source.child_text:
        texts += child.model._base_manager.filter(**{child.parent: instance.pk}).values_list(
            child.field, flat=True
        )
    _store_links(source.slug, instance.pk, links_in(texts))


def unindex_links(model, pk) -> None:
    """Forget the outgoing links of a deleted record."""
    from .models import MarkdownLink

    record_type = registry.for_model(model)
    if record_type is not None and pk is not None:
        MarkdownLink.objects.filter(source_type=record_type.slug, source_id=pk).delete()


def rebuild_links(app_registry=None, batch_size: int = 1000) -> int:
    """Re-read every record's Markdown links; returns the number of links stored.

    ``app_registry`` is a migration's historical apps (default: the live ones);
    Markdown fields the models at hand do not have are skipped.
    """
    from django.apps import apps

    app_registry = app_registry or apps
    link_model = app_registry.get_model("links", "MarkdownLink")
    link_model.objects.all().delete()
    batch, total = [], 0

    def flush():
        nonlocal batch, total
        link_model.objects.bulk_create(batch, ignore_conflicts=True)
        total += len(batch)
        batch = []

    for source in progress.track(list(sources()), desc="Markdown links", unit="types"):
        model = app_registry.get_model(source.record_type.model_label)
        own = [name for name in source.markdown if _has_field(model, name)]
        texts: dict[int, list[str]] = {}
        for pk, *values in model._base_manager.values_list("pk", *own).iterator(batch_size):
            texts[pk] = [value for value in values if value]
        for child in source.child_text:
            child_model = app_registry.get_model(child.model._meta.label)
            if not _has_field(child_model, child.field):
                continue
            rows = child_model._base_manager.values_list(child.parent, child.field)
            for parent_id, value in rows.iterator(batch_size):
                if value and parent_id in texts:
                    texts[parent_id].append(value)
        for pk, record_texts in texts.items():
            for kind, slug in sorted(links_in(record_texts)):
                batch.append(
                    link_model(
                        source_type=source.slug,
                        source_id=pk,
                        target_type=kind,
                        target_slug=slug,
                    )
                )
            if len(batch) >= batch_size:
                flush()
    flush()
    return total


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _relation_fields(model, target_model):
    """Forward FK/M2M fields of ``model`` pointing at ``target_model``."""
    for model_field in model._meta.get_fields():
        if not (model_field.many_to_many or model_field.many_to_one):
            continue
        if model_field.auto_created and not model_field.concrete:
            continue  # reverse relations
        if model_field.related_model is not target_model:
            continue
        yield model_field


def source_condition(source: Source, obj) -> Q | None:
    """Every way a ``source`` record can link to ``obj``, as one ``pk IN (… UNION …)``
    (or ``None``).

    One subquery per way, combined by ``UNION`` inside a single ``IN``: the
    database reads the few linking ids first and then fetches those records by
    primary key. (An ``OR`` of one ``IN`` per way hides how few rows match, and
    PostgreSQL then walked a whole table in display order to find them: 20 ms
    for the papers part at 20,000 papers.)
    """
    target_model = type(obj)._meta.concrete_model
    model = source.model
    linked = []

    # Relations on the source record itself.
    for model_field in _relation_fields(model, target_model):
        linked.append(model.objects.filter(**{model_field.name: obj}).values_list("pk"))

    # Child rows linking the source to the target (guide steps, pathway items).
    for child in source.child_links:
        for model_field in _relation_fields(child.model, target_model):
            rows = child.model.objects.filter(**{model_field.name: obj})
            linked.append(rows.values_list(child.parent))

    # Markdown record links, in the source's own fields and in child rows (stored on save).
    target_type = registry.for_model(target_model)
    if target_type is not None and obj.slug:
        from .models import MarkdownLink

        rows = MarkdownLink.objects.to_record(target_type.slug, obj.slug)
        linked.append(rows.filter(source_type=source.slug).values_list("source_id"))

    if not linked:
        return None
    linked = [part.order_by() for part in linked]  # no ORDER BY inside a UNION
    ids = linked[0].union(*linked[1:]) if len(linked) > 1 else linked[0]
    return Q(pk__in=ids)


# The fields a backlink shows (name, summary, URL): every record type has them.
BACKLINK_FIELDS = ("id", "slug", "name", "summary")


def _ordering(model) -> list:
    """The model's default ordering as expressions (for a window's ``ORDER BY``)."""
    expressions = []
    for name in [*(model._meta.ordering or []), "pk"]:
        if name.startswith("-"):
            expressions.append(F(name[1:]).desc())
        else:
            expressions.append(F(name).asc())
    return expressions


def _label_fields(model) -> tuple[str, ...]:
    return tuple(getattr(model, "label_fields", ())) or ("id",)


def _partial(model, values: dict):
    """A record holding ``values`` only (the rest deferred), as if loaded by ``only()``."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def _backlink_query(obj, *, limit: int, exclude, at=None):
    """The ``UNION ALL`` queryset behind ``backlinks_for`` and its parts' models."""
    target_model = type(obj)._meta.concrete_model
    parts, models = [], []
    slice_parts = connection.features.supports_slicing_ordering_in_compound
    for source in sources():
        if source.slug in exclude:
            continue
        condition = source_condition(source, obj)
        if condition is None:
            continue
        model = source.model
        queryset = model.objects.published(at=at).filter(condition)
        if model is target_model:
            queryset = queryset.exclude(pk=obj.pk)
        ordering = _ordering(model)
        # Every column an annotation, in one order: the parts' columns line up.
        columns = {
            "_group": Value(len(models)),
            "_rank": Window(RowNumber(), order_by=ordering),
            **{f"_{name}": F(name) for name in BACKLINK_FIELDS},
            # What the type's ``type_label`` reads (``label_fields`` on the model).
            "_extra": JSONObject(**{n: F(n) for n in _label_fields(model)}),
        }
        part = queryset.annotate(**columns).values_list(*columns)
        part = part.order_by(*ordering)[:limit] if slice_parts else part.order_by()
        parts.append(part)
        models.append(model)
    if not parts:
        return None, models
    if len(parts) == 1:
        return parts[0], models
    return parts[0].union(*parts[1:], all=True).order_by("_group", "_rank"), models


# Building that query is most of its cost (two dozen subqueries, compiled by the
# ORM on every page view: ~25 ms against ~3 ms in the database), and its SQL is
# the same for every record of a type: only the record's id and slug and the
# publication time change. So it is compiled once per target type, with
# placeholder values for those three, and run with the real ones.
_PLACEHOLDER_PK = -982_451_653
_PLACEHOLDER_SLUG = "backlinks-placeholder-7d1f0c"
_PLACEHOLDER_TIME = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class CompiledBacklinks:
    sql: str
    params: tuple
    slots: tuple  # per parameter: "pk", "slug", "now" or None (kept as compiled)
    models: tuple

    def parameters(self, obj, now) -> list:
        real = {"pk": obj.pk, "slug": obj.slug, "now": now}
        return [
            real[slot] if slot else value
            for slot, value in zip(self.slots, self.params, strict=True)
        ]


_compiled: dict[tuple, CompiledBacklinks | None] = {}


def compiled_backlinks(model, *, limit: int, exclude, has_slug: bool):
    """The compiled backlinks query for records of ``model`` (``None``: no sources).

    Returns ``False`` when the placeholders cannot be told apart in the
    compiled query (then the caller builds the query itself).
    """
    model = model._meta.concrete_model
    key = (
        connection.alias,
        model._meta.label,
        limit,
        tuple(sorted(exclude)),
        has_slug,
        tuple(rt.slug for rt in registry.record_types(order="backlinks_order")),
    )
    if key in _compiled:
        return _compiled[key]
    with dependencies.paused():  # placeholders are not rows the page shows
        placeholder = model(pk=_PLACEHOLDER_PK, slug=_PLACEHOLDER_SLUG if has_slug else "")
        placeholder._state.adding = False
        queryset, models = _backlink_query(
            placeholder, limit=limit, exclude=exclude, at=_PLACEHOLDER_TIME
        )
    if queryset is None:
        _compiled[key] = None
        return None
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    time_value = connection.ops.adapt_datetimefield_value(_PLACEHOLDER_TIME)
    slots = []
    for value in params:
        if type(value) is int and value == _PLACEHOLDER_PK:
            slots.append("pk")
        elif type(value) is str and value == _PLACEHOLDER_SLUG:
            slots.append("slug")
        elif value == time_value and type(value) is type(time_value):
            slots.append("now")
        else:
            slots.append(None)
    inlined = str(_PLACEHOLDER_PK) in sql or _PLACEHOLDER_SLUG in sql or "1901-02-03" in sql
    compiled = (
        False
        if inlined or "pk" not in slots or "now" not in slots
        else CompiledBacklinks(sql, tuple(params), tuple(slots), tuple(models))
    )
    _compiled[key] = compiled
    return compiled


def _rows(obj, *, limit: int, exclude) -> tuple[list, list]:
    compiled = compiled_backlinks(type(obj), limit=limit, exclude=exclude, has_slug=bool(obj.slug))
    if compiled is None:
        return [], []
    if compiled is False:  # cannot reuse the SQL: build the query for this record
        queryset, models = _backlink_query(obj, limit=limit, exclude=exclude)
        with dependencies.nested():
            return list(queryset), models
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.parameters(obj, now))
        return cursor.fetchall(), list(compiled.models)


def backlinks_for(obj, *, limit: int = BACKLINK_LIMIT, exclude=()) -> dict[str, list]:
    """``{group label: [published records linking to obj]}``; empty groups left out.

    **One query** for every source record type together: a ``UNION ALL`` of one
    part per type, each numbering its rows in the type's own order (a window
    ``ROW_NUMBER``), so the groups come back in order and, where the database
    allows a ``LIMIT`` inside a compound query (PostgreSQL), at most ``limit``
    rows per group are read. The records hold the fields a backlink shows (name,
    summary, URL; others are deferred) and need no further queries to render.
    ``exclude`` lists record type slugs (``"role"``, ``"guide"``…) to leave out,
    e.g. groups the page already shows in full. The query's SQL is compiled
    once per record type (``compiled_backlinks``).

    Not a listing for the page cache: the record page depends on its ``rev:``
    and ``link:`` keys, which every new or removed link invalidates; each
    record shown is noted as it is made (``post_init``).
    """
    rows, models = _rows(obj, limit=limit, exclude=exclude)
    grouped: dict[int, list] = {}
    for group, _rank, *values, extra in rows:
        records = grouped.setdefault(group, [])
        if len(records) < limit:
            if isinstance(extra, str):  # JSON may come back as text (SQLite, psycopg)
                extra = json.loads(extra)
            fields = dict(zip(BACKLINK_FIELDS, values, strict=True))
            records.append(_partial(models[group], {**fields, **(extra or {})}))
    groups: dict[str, list] = {}
    for group, records in sorted(grouped.items()):
        label = str(models[group]._meta.verbose_name_plural)
        groups[label[:1].upper() + label[1:]] = records
    return groups


class BacklinksMixin:
    """Adds ``backlinks`` (``backlinks_for(self.object)``) and the ``neighbourhood``
    map (``links.neighbourhood``, no further query) to a DetailView's context.

    Set ``backlinks_exclude = ("role",)`` to leave out groups the page already lists.
    """

    backlinks_exclude: tuple[str, ...] = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["backlinks"] = backlinks_for(self.object, exclude=self.backlinks_exclude)
        from .neighbourhood import neighbourhood

        context["neighbourhood"] = neighbourhood(self.object, context["backlinks"])
        return context
