"""Several ``GROUP BY`` counts in one query: each part a values queryset of
``_value`` and ``_n``, run together as a ``UNION ALL`` (``run_counts``).

The facets of a listing (``core.facets.count_part``, ``related_counts_part``)
and the topic list's stored counts with the records scheduled for later
(``core.topics.published_topic_counts``) are counted this way. It imports no
other module of ``core``.
"""

from dataclasses import dataclass

from django.db.models import Value


@dataclass
class CountPart:
    rows: object  # a values queryset: ``_value`` (text, or an id) and ``_n``
    key: type  # what a value becomes in the result (``str``, ``int``)


def run_counts(parts: list[CountPart]) -> list[dict]:
    """Every part's ``{value: count}`` (as ``count_by`` / ``related_counts`` give
    them) from **one** query: a ``UNION ALL`` of the parts' ``GROUP BY``s."""
    if not parts:
        return []
    queries = [
        part.rows.annotate(_part=Value(index)).values_list("_part", "_value", "_n")
        for index, part in enumerate(parts)
    ]
    union = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    results: list[dict] = [{} for _part in parts]
    for index, value, n in union:
        if value not in (None, ""):
            results[index][parts[index].key(value)] = n
    return results
