"""Facet groups for listing pages: filter options with counts, as plain links.

A facet is one query parameter (``?type=frontier-lab``). Each option links to
the current URL with that parameter set (or removed, when it is already the
selected one); other filters are kept and the page number is dropped, so the
links work without JavaScript. Render one with ``partials/facets.html``::

    facet = build_facet(request, "type", "Type", choices, counts)
    {% include "partials/facets.html" with facet=facet %}

``counts`` maps an option's value to its number of results, e.g. from
``count_by(queryset, "type__slug")`` — one aggregate query per facet, so a
listing page stays at a constant number of queries. Use ``queryset_without``
to count over the results of every *other* active filter.
"""

from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Count, F
from django.db.models.functions import Cast
from django.views.generic import ListView

from .counts import CountPart
from .views import BreadcrumbMixin, SafePaginator


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class Facet:
    name: str  # the query parameter
    label: str  # the group's heading
    options: list[FacetOption] = field(default_factory=list)
    clear_url: str = ""  # this URL without the parameter
    hidden_count: int = 0  # options left out because the list was capped

    @property
    def selected(self) -> FacetOption | None:
        return next((option for option in self.options if option.selected), None)


def url_with(request, **changes) -> str:
    """The current path and query string with ``changes`` applied (``None`` removes)."""
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


FACET_OPTION_LIMIT = 15


def build_facet(
    request,
    name,
    label,
    choices,
    counts,
    *,
    show_empty=False,
    limit=FACET_OPTION_LIMIT,
    hidden_count=0,
) -> Facet:
    """A facet for parameter ``name`` from ``choices`` (``[(value, label), ...]``).

    Options without results are left out unless ``show_empty`` or selected. A long
    list keeps its ``limit`` largest options (and the selected one) in their
    original order, so a facet over thousands of records stays readable and small.
    ``hidden_count`` adds options the caller left out before (``related_facet``).
    """
    current = request.GET.get(name, "")
    candidates = []  # (value, label, count, selected): URLs are built for the kept ones only
    for value, text in choices:
        value = str(value)
        count = counts.get(value, 0)
        selected = value == current
        if count or selected or show_empty:
            candidates.append((value, text, count, selected))
    hidden = hidden_count
    if limit and len(candidates) > limit:
        ranked = sorted(range(len(candidates)), key=lambda i: -candidates[i][2])
        keep = set(ranked[:limit]) | {i for i, row in enumerate(candidates) if row[3]}
        hidden += len(candidates) - len(keep)
        candidates = [row for i, row in enumerate(candidates) if i in keep]
    options = [
        FacetOption(
            value,
            str(text),
            count,
            selected,
            url_with(request, **{name: None if selected else value}),
        )
        for value, text, count, selected in candidates
    ]
    clear_url = url_with(request, **{name: None})
    return Facet(
        name=name, label=str(label), options=options, clear_url=clear_url, hidden_count=hidden
    )


def count_by(queryset, lookup: str) -> dict[str, int]:
    """``{value: number of distinct records}`` for ``lookup`` — one query."""
    queryset = queryset.order_by()
    # COUNT(DISTINCT id) only when a join can repeat a record (it sorts every row):
    # the lookup crosses a many-valued relation, or the filters joined something.
    distinct = _crosses_many(queryset.model, lookup) or len(queryset.query.alias_map) > 1
    rows = queryset.values(lookup).annotate(n=Count("pk", distinct=distinct))
    return {str(row[lookup]): row["n"] for row in rows if row[lookup] not in (None, "")}


def count_part(queryset, lookup) -> "CountPart":
    """What ``count_by(queryset, lookup)`` counts, to run with others in ``run_counts``.

    ``lookup`` is a field path (``type__slug``) or an expression giving each
    record's value (e.g. a ``Case``).
    """
    queryset = queryset.order_by()
    if isinstance(lookup, str):
        distinct = _crosses_many(queryset.model, lookup) or len(queryset.query.alias_map) > 1
        value = F(lookup)
    else:
        distinct = len(queryset.query.alias_map) > 1
        value = lookup
    rows = (
        queryset.annotate(_value=Cast(value, CharField()))
        .values("_value")
        .annotate(_n=Count("pk", distinct=distinct))
    )
    return CountPart(rows, str)


def related_counts_part(queryset, relation: str, published) -> "CountPart":
    """What ``related_counts`` counts, to run with others in ``run_counts``."""
    through, own, other = _m2m_columns(queryset.model, relation)
    rows = (
        through.objects.filter(
            **{f"{own}__in": queryset.order_by().values("pk")},
            **{f"{other}__in": published.order_by().values("pk")},
        )
        .annotate(_value=Cast(other, CharField()))
        .values("_value")
        .annotate(_n=Count("pk"))
    )
    return CountPart(rows, int)


def _crosses_many(model, lookup: str) -> bool:
    """Whether following ``lookup`` (``type__slug``) can give one record several rows."""
    for part in lookup.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a transform or lookup, not a relation
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def _m2m_columns(model, relation: str):
    """``(through model, column to model, column to the related model)`` of an M2M.

    ``relation`` may be a many-to-many field of ``model`` (``Paper.organizations``)
    or the reverse side of one (``Organization.roles``).
    """
    field = model._meta.get_field(relation)
    if field.concrete:
        return field.remote_field.through, field.m2m_column_name(), field.m2m_reverse_name()
    forward = field.remote_field  # the ManyToManyField on the other model
    through = forward.remote_field.through
    return through, forward.m2m_reverse_name(), forward.m2m_column_name()


def related_counts(queryset, relation: str, published) -> dict[int, int]:
    """``{related pk: number of records}`` over a many-to-many ``relation`` — one query.

    Counts rows of the link table (one per record and related record), limited
    to the records of ``queryset`` and the related records of ``published``:
    it groups by an integer column and needs no ``DISTINCT``, unlike grouping
    the records joined to the related table by its slug and name.
    """
    through, own, other = _m2m_columns(queryset.model, relation)
    rows = (
        through.objects.filter(
            **{f"{own}__in": queryset.order_by().values("pk")},
            **{f"{other}__in": published.order_by().values("pk")},
        )
        .values(other)
        .annotate(n=Count("pk"))
        .values_list(other, "n")
    )
    return dict(rows)


def related_facet(
    request,
    name,
    label,
    queryset,
    relation: str,
    published,
    *,
    selected=None,
    order_by=("name",),
    limit=FACET_OPTION_LIMIT,
    counts=None,
) -> Facet:
    """A facet over a many-to-many relation with thousands of possible options.

    Two queries whatever the size: the counts (``related_counts``), then slug
    and name of the ``limit`` largest options (and the ``selected`` record) —
    never the names of every related record. Pass ``counts`` when they were
    counted already (``related_counts_part`` in ``run_counts``).
    """
    if counts is None:
        counts = related_counts(queryset, relation, published)
    keep = sorted(counts, key=lambda pk: -counts[pk])[:limit] if limit else list(counts)
    hidden = len(counts) - len(keep)
    if selected is not None and selected.pk not in keep:
        keep.append(selected.pk)
        hidden -= selected.pk in counts
    rows = published.filter(pk__in=keep).order_by(*order_by).values_list("pk", "slug", "name")
    choices, slug_counts = [], {}
    for pk, slug, text in rows:
        choices.append((slug, text))
        slug_counts[slug] = counts.get(pk, 0)
    return build_facet(request, name, label, choices, slug_counts, limit=None, hidden_count=hidden)


def queryset_without(filterset, name: str):
    """The filterset's results with every valid active filter applied except ``name``.

    Reuses the main filterset's cleaned values, so it costs no extra queries to
    validate; call it after the filterset has been validated.
    """
    queryset = filterset.queryset.all()
    cleaned = getattr(filterset.form, "cleaned_data", {})
    for key, value in cleaned.items():
        if key != name and key in filterset.filters:
            queryset = filterset.filters[key].filter(queryset, value)
    return queryset


def active_filters(filterset, exclude=("sort", "page")) -> bool:
    """Whether any filter parameter has a value (drives the "Reset filters" link)."""
    return any(filterset.data.get(name) for name in filterset.filters if name not in exclude)


def active_filter_count(filterset, exclude=("sort", "page")) -> int:
    """How many filters have a value: the "Filters (n active)" control on a phone."""
    return sum(1 for name in filterset.filters if name not in exclude and filterset.data.get(name))


class FilteredListView(BreadcrumbMixin, ListView):
    """A paginated listing narrowed by a django-filter ``FilterSet`` from the query string.

    Subclasses set ``filterset_class`` and implement ``get_base_queryset()``
    (which must go through ``published()``/``visible_to()``) and
    ``get_facets(filterset)`` (a list of ``Facet``). An invalid value — an
    unknown slug, a made-up band — renders the page with status 400, the form
    errors and no results; it is never a server error. Context: ``filter``,
    ``facets``, ``has_filters``, ``active_filter_count``, ``reset_url``, ``result_count``,
    ``filter_errors``.
    """

    filterset_class = None
    paginate_by = 24
    paginator_class = SafePaginator

    def get_base_queryset(self):
        raise NotImplementedError

    def get_facets(self, filterset):
        return []

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = context.get("paginator")
        context.update(
            filter=self.filterset,
            facets=self.get_facets(self.filterset),
            has_filters=active_filters(self.filterset),
            active_filter_count=active_filter_count(self.filterset),
            reset_url=self.request.path,
            result_count=paginator.count if paginator else len(context["object_list"]),
            filter_errors=self.filterset.is_bound and not self.filterset.is_valid(),
        )
        return context
