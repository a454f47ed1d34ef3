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
from django.views.generic import ListView

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
    request, name, label, choices, counts, *, show_empty=False, limit=FACET_OPTION_LIMIT
) -> Facet:
    """A facet for parameter ``name`` from ``choices`` (``[(value, label), ...]``).

    Options without results are left out unless ``show_empty`` or selected. A long
    list keeps its ``limit`` largest options (and the selected one) in their
    original order, so a facet over thousands of records stays readable and small.
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
    hidden = 0
    if limit and len(options) > limit:
        ranked = sorted(range(len(options)), key=lambda i: -options[i].count)
        keep = set(ranked[:limit]) | {i for i, option in enumerate(options) if option.selected}
        hidden = len(options) - len(keep)
        options = [option for i, option in enumerate(options) if i in keep]
    clear_url = url_with(request, **{name: None})
    return Facet(
        name=name, label=str(label), options=options, clear_url=clear_url, hidden_count=hidden
    )


def count_by(queryset, lookup: str) -> dict[str, int]:
    """``{value: number of distinct records}`` for ``lookup`` — one query."""
    rows = queryset.order_by().values(lookup).annotate(n=Count("pk", distinct=True))
    return {str(row[lookup]): row["n"] for row in rows if row[lookup] not in (None, "")}


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


class FilteredListView(BreadcrumbMixin, ListView):
    """A paginated listing narrowed by a django-filter ``FilterSet`` from the query string.

    Subclasses set ``filterset_class`` and implement ``get_base_queryset()``
    (which must go through ``published()``/``visible_to()``) and
    ``get_facets(filterset)`` (a list of ``Facet``). An invalid value — an
    unknown slug, a made-up band — renders the page with status 400, the form
    errors and no results; it is never a server error. Context: ``filter``,
    ``facets``, ``has_filters``, ``reset_url``, ``result_count``, ``filter_errors``.
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
            reset_url=self.request.path,
            result_count=paginator.count if paginator else len(context["object_list"]),
            filter_errors=self.filterset.is_bound and not self.filterset.is_valid(),
        )
        return context
