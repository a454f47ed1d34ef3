"""Record cards of several types from one query (home page, tag pages).

A card (``partials/card.html``) shows a record's type label, URL, name,
summary, draft badge and — on the home page — its update time: a handful of
columns every record type has. ``card_union`` reads them for any number of
querysets of different types in **one** ``UNION ALL`` query, and
``card_records`` turns the rows back into records holding those columns only
(the rest deferred, as if loaded by ``only()``), so a page with a section per
record type runs one query instead of one per type.
"""

import json

from django.db import connection
from django.db.models import F, Value, Window
from django.db.models.functions import JSONObject, RowNumber

# What a card reads (``is_published`` reads status and publish_at).
CARD_FIELDS = ("id", "slug", "name", "summary", "status", "publish_at", "updated")


def model_ordering(model) -> list:
    """The model's default ordering (then ``pk``) as expressions, e.g. for a window.

    Descending columns put empty values last on every database (PostgreSQL
    would put them first, SQLite last): undated papers after the dated ones,
    as on their listing, whose index then answers the order."""
    expressions = []
    for name in [*(model._meta.ordering or []), "pk"]:
        if name.startswith("-"):
            expressions.append(F(name[1:]).desc(nulls_last=True))
        else:
            expressions.append(F(name).asc())
    return expressions


def _label_fields(model) -> tuple[str, ...]:
    # What the type's ``type_label`` reads (``label_fields`` on the model).
    return tuple(getattr(model, "label_fields", ())) or ("id",)


def card_union(
    querysets,
    *,
    ranked: bool = False,
    ranks: tuple[int, int] | None = None,
    first: tuple[tuple[str, ...], int] | None = None,
):
    """One ``UNION ALL`` of the card columns of ``querysets`` (any record types).

    Each row is ``(group, rank, *CARD_FIELDS, extra)``: ``group`` is the
    queryset's index, ``rank`` its row's place in the model's default ordering
    (``ROW_NUMBER``) when ``ranked``, else 0. Order the result by the aliases
    ``_group``, ``_rank``, ``_updated``… Returns ``None`` for no querysets.

    ``ranks=(start, stop)`` (implies ``ranked``) keeps the rows ranked
    ``start < rank <= stop`` of each queryset — a page of every group. (Each
    group's whole size is the caller's: the topic page reads it from the stored
    topic counts, ``core.topics``; a count subquery per group here was half of
    that page's SQL at full scale.)

    ``first=(ordering, n)`` keeps only each queryset's first ``n`` rows in that
    ordering (``ORDER BY … LIMIT n`` in each part: an index can answer it).
    Only where the database allows it in a compound query (PostgreSQL, not
    SQLite): elsewhere it is ignored, which gives the same rows once the union
    is ordered and sliced the same way.
    """
    if first is not None and not connection.features.supports_slicing_ordering_in_compound:
        first = None
    parts = []
    for index, queryset in enumerate(querysets):
        model = queryset.model
        ordering = model_ordering(model)
        ranked_part = ranked or ranks is not None
        rank = Window(RowNumber(), order_by=ordering) if ranked_part else Value(0)
        # Every column an annotation, in one order: the parts' columns line up.
        columns = {"_group": Value(index), "_rank": rank}
        if ranks is not None:
            # The page's rows are those of a sliced subquery (``ORDER BY … LIMIT``,
            # which an index on the ordering can answer), ranked among themselves
            # from ``start``. (A window rank over every row, filtered, sorted every
            # tagged row: 33 ms for a topic with 3,800 papers at full scale.)
            start, stop = ranks
            page = queryset.order_by(*ordering).values("pk")[start:stop]
            columns["_rank"] = Window(RowNumber(), order_by=ordering) + Value(start)
            queryset = model._base_manager.filter(pk__in=page)  # the page's filters are in it
        columns.update(
            {
                **{f"_{name}": F(name) for name in CARD_FIELDS},
                "_extra": JSONObject(**{n: F(n) for n in _label_fields(model)}),
            }
        )
        part = queryset.order_by().annotate(**columns).values_list(*columns)
        if first is not None:
            part = part.order_by(*first[0])[: first[1]]
        parts.append(part)
    if not parts:
        return None
    if len(parts) == 1:  # no union: the query orders itself
        if ranked or ranks is not None:
            return parts[0].order_by(*model_ordering(querysets[0].model))
        return parts[0]
    return parts[0].union(*parts[1:], all=True)


def card_records(rows, models) -> list[tuple[int, object]]:
    """``[(group, record)]`` from ``card_union`` rows; ``models[group]`` is each row's model."""
    records = []
    for group, _rank, *values, extra in rows:
        if isinstance(extra, str):  # databases without a JSON type (SQLite) give text
            extra = json.loads(extra)
        fields = {**dict(zip(CARD_FIELDS, values, strict=True)), **(extra or {})}
        records.append((group, partial_record(models[group], fields)))
    return records


def partial_record(model, values: dict):
    """A record holding ``values`` only (the rest deferred), as if loaded by ``only()``."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])
