"""Several relations of one record to the same model, loaded by one query.

A detail page often shows two or three lists of the same model — an agenda's
key organizations and its funders, its papers and its critiques —
``prefetch_related`` runs one query for each. ``prefetch_together`` runs one:
the rows of every relation (and of any extra condition), each flagged with the
relations it belongs to, then fills each relation's prefetch cache exactly as
``Prefetch(name, queryset=…)`` would, so ``record.funders.all`` in a template
runs no query. The query runs as a prefetch does for the page cache
(``core.dependencies``): the rows it loads are dependencies, not a listing.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from . import dependencies


def _cache_name(manager) -> str:
    name = getattr(manager, "prefetch_cache_name", None)  # many-to-many
    return name or manager.field.remote_field.cache_name  # reverse foreign key


def prefetch_together(instance, queryset, relations=(), **extra: Q) -> dict[str, list]:
    """Load ``relations`` of ``instance`` (related manager names, whose records
    ``queryset`` narrows and orders) and the ``extra`` conditions in one query.

    Fills each relation's prefetch cache; returns ``{name: [records]}`` for the
    relations and for each ``extra`` name, every list in ``queryset``'s order.
    """
    flags = {}
    for index, name in enumerate(relations):
        related = getattr(instance, name).get_queryset()
        flags[f"_in_{index}"] = Exists(related.filter(pk=OuterRef("pk")))
    for index, condition in enumerate(extra.values()):
        flags[f"_extra_{index}"] = ExpressionWrapper(condition, output_field=BooleanField())
    names = [*relations, *extra]
    if not flags:
        return {}
    matches = Q()
    for flag in flags:
        matches |= Q(**{flag: True})
    with dependencies.nested():
        rows = list(queryset.annotate(**flags).filter(matches))
    found = {
        name: [row for row in rows if getattr(row, flag)]
        for name, flag in zip(names, flags, strict=True)
    }
    for name in relations:
        manager = getattr(instance, name)
        cached = manager._apply_rel_filters(queryset)
        cached._result_cache = found[name]
        cached._prefetch_done = True
        if not hasattr(instance, "_prefetched_objects_cache"):
            instance._prefetched_objects_cache = {}
        instance._prefetched_objects_cache[_cache_name(manager)] = cached
    return found
