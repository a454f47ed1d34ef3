"""Small query expressions the kernel's query helpers share."""

from django.db.models import F, Func, IntegerField, QuerySet, Subquery


class _Count(Func):
    """``COUNT(expression)`` as a plain function, not an aggregate: Django adds
    no ``GROUP BY`` for it, so a subquery selecting it counts all its rows."""

    function = "COUNT"
    output_field = IntegerField()


def row_count(queryset: QuerySet) -> Subquery:
    """How many rows ``queryset`` has, as a scalar subquery (uncorrelated, the
    database runs it once however many rows the outer query has)."""
    return Subquery(
        queryset.order_by().annotate(_n=_Count(F("pk"))).values("_n"),
        output_field=IntegerField(),
    )
