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

from django.db.models import Count


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


def build_facet(request, name, label, choices, counts, *, show_empty=False) -> Facet:
    """A facet for parameter ``name`` from ``choices`` (``[(value, label), ...]``).

    Options without results are left out unless ``show_empty`` or selected.
    """
    current = request.GET.get(name, "")
    options = []
    for value, text in choices:
        value = str(value)
        count = counts.get(value, 0)
        selected = value == current
        if not count and not selected and not show_empty:
            continue
        url = url_with(request, **{name: None if selected else value})
        options.append(FacetOption(value, str(text), count, selected, url))
    return Facet(name=name, label=str(label), options=options, clear_url=url_with(request, **{name: None}))


def count_by(queryset, lookup: str) -> dict[str, int]:
    """``{value: number of distinct records}`` for ``lookup`` — one query."""
    rows = queryset.order_by().values(lookup).annotate(n=Count("pk", distinct=True))
    return {str(row[lookup]): row["n"] for row in rows if row[lookup] not in (None, "")}


def queryset_without(filterset, name: str):
    """The filterset's results with every active filter applied except ``name``."""
    data = filterset.data.copy()
    data.pop(name, None)
    other = type(filterset)(data, queryset=filterset.queryset, request=filterset.request)
    return other.qs


def active_filters(filterset, exclude=("sort", "page")) -> bool:
    """Whether any filter parameter has a value (drives the "Reset filters" link)."""
    return any(
        filterset.data.get(name) for name in filterset.filters if name not in exclude
    )
