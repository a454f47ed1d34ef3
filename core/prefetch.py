"""Several relations of one record to the same model, loaded by one query.

A detail page often shows two or three lists of the same model — an agenda's
key organizations and its funders, its papers and its critiques —
``prefetch_related`` runs one query for each. ``prefetch_together`` runs one:
the rows of every relation (and of any extra condition), each flagged with the
relations it belongs to, then fills each relation's prefetch cache exactly as
``Prefetch(name, queryset=…)`` would, so ``record.funders.all`` in a template
runs no query. The query runs as a prefetch does for the page cache
(``core.dependencies``): the rows it loads are dependencies, not a listing.

``with_rows`` goes further for small lists of *different* models — a record's
child rows, its taxonomy terms, its tags: each relation comes back inside the
record's own query, as one JSON array column, and fills the relation's
prefetch cache as ``prefetch_related`` would, with no query of its own.
"""

import functools
import json

from django.db import connections
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
)
from django.db.models.functions import JSONObject
from django.db.models.query import ModelIterable

from . import dependencies
from .expressions import row_count


def _cache_name(manager) -> str:
    name = getattr(manager, "prefetch_cache_name", None)  # many-to-many
    return name or manager.field.remote_field.cache_name  # reverse foreign key


def prefetch_together(
    instance, queryset, relations=(), *, limit: int | None = None, **extra: Q
) -> dict[str, list]:
    """Load ``relations`` of ``instance`` (related manager names, whose records
    ``queryset`` narrows and orders) and the ``extra`` conditions in one query.

    Fills each relation's prefetch cache; returns ``{name: [records]}`` for the
    relations and for each ``extra`` name, every list in ``queryset``'s order.

    With ``limit``, each list holds at most its first ``limit`` records, and
    ``totals(instance)[name]`` is how many there are in all: a subquery per
    list gives its first rows and another its count, in the same query.
    """
    names = [*relations, *extra]
    if not names:
        return {}
    flags = {}
    if limit is None:
        # The ids of each list: a relation's rows, or the rows an extra condition matches.
        base = queryset.model._base_manager
        parts = []
        for index, name in enumerate(relations):
            related = getattr(instance, name).get_queryset()
            parts.append(related.order_by().values_list("pk"))
            flags[f"_in_{index}"] = Exists(related.filter(pk=OuterRef("pk")))
        parts += [
            base.filter(condition).order_by().values_list("pk") for condition in extra.values()
        ]
        for index, condition in enumerate(extra.values()):
            flags[f"_extra_{index}"] = ExpressionWrapper(condition, output_field=BooleanField())
        # The rows of the lists only, as one ``pk IN (… UNION …)``: the database
        # reads the few ids first and fetches those rows by key. (An ``OR`` of one
        # condition per list hid how few rows match, and PostgreSQL scanned the
        # whole table: 13 ms for an agenda's papers at 20,000 papers, 5 ms for a
        # role's related roles at 5,000 roles.)
        queryset = queryset.annotate(**flags).filter(_matching(queryset, parts))
    else:
        # Each list's first ``limit`` rows (``queryset``'s rows, in its order) and
        # its total, as subqueries the database runs once each (a relation's rows
        # joined to its link table directly); the rows are those firsts only. (A
        # window ``ROW_NUMBER()`` per list over the lists' rows did the same, but
        # compiling its wrapped query cost more than running it: a fifth of an
        # agenda page's time at full scale.)
        ordering = [*(queryset.query.order_by or queryset.model._meta.ordering), "pk"]
        firsts, counts = [], {}
        lists = [queryset.filter(**getattr(instance, name).core_filters) for name in relations]
        lists += [queryset.filter(condition) for condition in extra.values()]
        for index, rows in enumerate(lists):
            flag = f"_in_{index}" if index < len(relations) else f"_extra_{index - len(relations)}"
            rows = rows.order_by()
            first = rows.order_by(*ordering).values_list("pk")[:limit]
            firsts.append(first)
            flags[flag] = ExpressionWrapper(Q(pk__in=first), output_field=BooleanField())
            counts[f"{flag}_total"] = row_count(rows)
        queryset = (
            queryset.annotate(**flags, **counts)
            .filter(_matching(queryset, firsts))
            .order_by(*ordering)
        )
    with dependencies.nested():
        rows = list(queryset)
    found = {
        name: [row for row in rows if getattr(row, flag)]
        for name, flag in zip(names, flags, strict=True)
    }
    if limit is not None:
        counts = {
            name: getattr(found[name][0], f"{flag}_total") if found[name] else 0
            for name, flag in zip(names, flags, strict=True)
        }
        instance.__dict__.setdefault(TOTALS_ATTR, {}).update(counts)
    for name in relations:
        manager = getattr(instance, name)
        cached = manager._apply_rel_filters(queryset)
        cached._result_cache = found[name]
        cached._prefetch_done = True
        if not hasattr(instance, "_prefetched_objects_cache"):
            instance._prefetched_objects_cache = {}
        instance._prefetched_objects_cache[_cache_name(manager)] = cached
    return found


TOTALS_ATTR = "_prefetch_totals"


def totals(instance) -> dict[str, int]:
    """``{relation: total}`` for the lists ``prefetch_together(…, limit=…)`` cut."""
    return instance.__dict__.get(TOTALS_ATTR, {})


def _matching(queryset, parts) -> Q:
    """``pk IN (part UNION part …)``; an ``OR`` of ``pk IN (part)`` where the
    database cannot take a sliced query into a ``UNION`` (SQLite)."""
    if len(parts) == 1:
        return Q(pk__in=parts[0])
    features = connections[queryset.db].features
    if any(part.query.is_sliced for part in parts) and not (
        features.supports_slicing_ordering_in_compound
    ):
        matches = Q()
        for part in parts:
            matches |= Q(pk__in=part)
        return matches
    return Q(pk__in=parts[0].union(*parts[1:]))


# ------------------------------------------------------------------ with_rows

ROWS_PREFIX = "_rows__"


class _RowsArray(Func):
    """The rows of a subquery as one JSON array of objects (the subquery's only
    column, no ``GROUP BY``). PostgreSQL orders the array by ``ordering``;
    SQLite cannot (before 3.44), and ``_sorted`` orders its rows in Python —
    by code point, which is SQLite's own (``BINARY``) order for text."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"JSON_GROUP_ARRAY({sql})", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        ordering = []
        for expression in self.source_expressions[1:]:
            part, part_params = compiler.compile(expression)
            ordering.append(part)
            params = (*params, *part_params)
        order_by = f" ORDER BY {', '.join(ordering)}" if ordering else ""
        return f"JSON_AGG({sql}{order_by})", params


def _ordering(model) -> list[str]:
    names = [name for name in model._meta.ordering or [] if isinstance(name, str)]
    return [*names, "pk"]


def _attname(model, name: str) -> str:
    name = name.lstrip("-")
    return model._meta.pk.attname if name == "pk" else model._meta.get_field(name).attname


def _lookup_back(model, name: str) -> tuple[type, str]:
    """The related model of ``model.name`` and the lookup from it back to ``model``."""
    field = model._meta.get_field(name)
    if not field.is_relation or not (field.many_to_many or field.one_to_many):
        raise ValueError(f"{model.__name__}.{name} is not a to-many relation")
    if field.concrete:  # a forward many-to-many (or a TaggableManager)
        return field.related_model, field.related_query_name()
    return field.related_model, field.field.name  # a reverse foreign key or many-to-many


@functools.cache
def _rows_subquery(model, name: str):
    """The JSON array subquery of ``model.name``'s rows, built once per relation.

    It depends on nothing but the two models (the outer record is an
    ``OuterRef``), and building it costs more than compiling it (6 of them on a
    role page: about a tenth of the page). ``annotate`` resolves a copy of it
    (``Subquery.copy`` clones its query), so the one kept here never changes;
    what is read at compile time, such as taggit's content type, still is."""
    related, lookup = _lookup_back(model, name)
    fields = related._meta.concrete_fields
    row = JSONObject(**{field.attname: F(field.attname) for field in fields})
    ordering = [
        F(_attname(related, n)).desc() if n.startswith("-") else F(_attname(related, n)).asc()
        for n in _ordering(related)
    ]
    rows = (
        related._default_manager.filter(**{lookup: OuterRef("pk")})
        .order_by()
        .values(rows=_RowsArray(row, *ordering))
    )
    return Subquery(rows, output_field=TextField())


def _sorted(model, rows: list[dict]) -> list[dict]:
    """``rows`` in ``model``'s ordering (nulls first, as SQLite orders them)."""
    for name in reversed(_ordering(model)):
        attname = _attname(model, name)
        rows.sort(
            key=lambda row, a=attname: (row.get(a) is not None, row.get(a)),
            reverse=name.startswith("-"),
        )
    return rows


def _records(model, rows: list[dict], db: str) -> list:
    """Model instances from JSON rows, each value converted as if read from its column."""
    connection = connections[db]
    fields = model._meta.concrete_fields
    records = []
    for row in rows:
        values = []
        for field in fields:
            value = row.get(field.attname)
            if value is not None:
                column = field.get_col(model._meta.db_table)
                converters = connection.ops.get_db_converters(column)
                for converter in converters + column.get_db_converters(connection):
                    value = converter(value, column, connection)
                value = field.to_python(value)
            values.append(value)
        records.append(model.from_db(db, [field.attname for field in fields], values))
    return records


def _fill(instance, name: str, records: list) -> None:
    manager = getattr(instance, name)
    field = type(instance)._meta.get_field(name)
    if field.one_to_many:  # each child row knows its parent, as after a prefetch
        for record in records:
            field.field.set_cached_value(record, instance)
    cached = manager.get_queryset()
    cached._result_cache = records
    cached._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[_cache_name(manager)] = cached


def unfold_rows(instance) -> None:
    """Fill the prefetch caches of the relations ``with_rows`` loaded into ``instance``."""
    model = type(instance)
    db = instance._state.db
    for key in [key for key in vars(instance) if key.startswith(ROWS_PREFIX)]:
        name = key.removeprefix(ROWS_PREFIX)
        related, _lookup = _lookup_back(model, name)
        value = instance.__dict__.pop(key)
        rows = json.loads(value) if isinstance(value, str) else value or []
        if connections[db].vendor != "postgresql":
            rows = _sorted(related, rows)
        _fill(instance, name, _records(related, rows, db))


class _UnfoldingIterable(ModelIterable):
    def __iter__(self):
        for instance in super().__iter__():
            unfold_rows(instance)
            yield instance


def with_rows(queryset, *relations: str):
    """``queryset`` whose records bring the rows of ``relations`` along, in the
    same query: one JSON array column per relation (a reverse foreign key —
    child rows —, a many-to-many, tags), each record's prefetch cache filled
    from it, in the related model's ordering. Meant for short lists whose
    records need nothing further (no ``select_related``, no filter): for those
    use ``prefetch_related`` or ``prefetch_together``.
    """
    annotations = {
        f"{ROWS_PREFIX}{name}": _rows_subquery(queryset.model, name) for name in relations
    }
    queryset = queryset.annotate(**annotations)
    queryset._iterable_class = _UnfoldingIterable
    return queryset
