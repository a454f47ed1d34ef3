"""Reading many small lists in one query: the decision page's loading helpers.

The plan reads a dozen short lists — the form's choices, and for the answers the
background fits and the many-to-many links between agendas, roles, programs,
crux positions and guide steps. Each would be a query of its own (or a
prefetch); here each kind is one part of a ``UNION ALL`` whose rows carry the
same columns and a ``kind`` naming their part, so a whole round of lists costs
one query, whatever the data.

* ``Union(...)`` declares the columns, ``part(...)`` maps a queryset onto them,
  ``fetch(parts)`` runs them, ``{kind: [row, ...]}`` back;
* ``instance(model, **values)`` is a record built from some columns (as
  ``only()`` builds it: the page cache notes it as loaded);
* ``fill(record, relation, records)`` sets a many-to-many relation's prefetch
  cache, so ``record.relation.all()`` runs no query.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from functools import cache

from django.db import router
from django.db.models import CharField, F, IntegerField, QuerySet, Value


class Union:
    """Parts of one ``UNION ALL`` with the same named columns (a ``kind`` first).

    ``Union(id=INT, name=TEXT)`` declares the columns and their types; ``part``
    maps a queryset onto them (field names or expressions; a column left out is
    0 or ""); ``fetch`` runs the parts as one query, ``{kind: [row, ...]}`` back,
    each row a named tuple of the columns.
    """

    def __init__(self, **columns):
        self.columns = columns
        self.Row = namedtuple("Row", ["kind", *columns])

    def part(self, queryset, kind: str, **values):
        unknown = set(values) - set(self.columns)
        assert not unknown, f"not a column of this union: {unknown}"
        selected = {"u_kind": Value(kind, output_field=CharField())}
        for name, field in self.columns.items():
            value = values.get(name)
            if value is None:
                value = Value("" if isinstance(field, CharField) else 0, output_field=field)
            elif isinstance(value, str):
                value = F(value)
            selected[f"u_{name}"] = value
        return queryset.order_by().annotate(**selected).values_list(*selected)

    def fetch(self, parts, order_by=()) -> dict[str, list]:
        """No part, no query. The first part decides the union's queryset class: put
        a plain one first (the page cache notes no listing for it; callers note the
        listings they show themselves)."""
        found: dict[str, list] = defaultdict(list)
        if not parts:
            return found
        first, *others = parts
        query = first.union(*others, all=True) if others else first
        if order_by:
            query = query.order_by(
                *(f"-u_{name[1:]}" if name.startswith("-") else f"u_{name}" for name in order_by)
            )
        for values in query:
            item = self.Row(*values)
            found[item.kind].append(item)
        return found


INT, TEXT = IntegerField(), CharField()


def instance(model, **values):
    """A ``model`` record with only these fields (attribute names) loaded, as
    ``only()`` builds it."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    assert len(names) == len(values), f"not fields of {model.__name__}: {set(values) - set(names)}"
    return model.from_db(router.db_for_read(model), names, [values[name] for name in names])


class Filled(QuerySet):
    """The records ``fill`` put in a relation's prefetch cache: they can be read
    (iterated, counted, indexed) but not narrowed, since no query behind them
    is limited to the record they belong to."""

    def _chain(self):
        raise TypeError(
            "a relation set by pathfinder.loading.fill can only be read with .all(); "
            "filter the records before filling it"
        )


def fill(record, relation: str, records) -> None:
    """Set the prefetch cache of ``record.<relation>`` (a many-to-many or reverse
    foreign key) to ``records``, as ``prefetch_related`` would.

    The cache is a ``Filled`` queryset of the related model holding ``records``:
    ``record.<relation>.all()`` (what the plan's templates, rules and serializers
    use) returns it without a query. It is not the manager's filtered queryset,
    whose building (a query clone, ~65 µs) cost a third of a full-scale plan's
    time across its ~3,000 relations; narrowing it (``.filter()``, ``.order_by()``)
    raises instead of querying rows that are not ``record``'s.
    """
    name, model = _relation(type(record), relation)
    cached = Filled(model=model)
    cached._result_cache = list(records)
    cached._prefetch_done = True
    if not hasattr(record, "_prefetched_objects_cache"):
        record._prefetched_objects_cache = {}
    record._prefetched_objects_cache[name] = cached


@cache
def _relation(model, relation: str) -> tuple[str, type]:
    """``(prefetch cache name, related model)`` of ``model.<relation>``, read off
    one related manager per relation (building one for each record, thousands of
    times a plan, cost a tenth of its time). The manager is that of a record
    that is never saved, with a placeholder key."""
    manager = getattr(model(pk=0), relation)
    name = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    return name, manager.model
