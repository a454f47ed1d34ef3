"""The FilterSet of the API, the exports and the feeds for each record type.

It is the listing page's own FilterSet (``filterset`` in the type's
registration) — so ``?type=…`` means the same on the page, in the API, the
downloads and the feed — plus the API-only filters the page does not have
(``api_filterset``: e.g. ``role`` and ``runs_program`` for organizations).
Filters that name another record take its slug and only match through
*published* records, so a draft's slug never changes what a reader gets back.
"""

import copy
import functools

from django_filters.rest_framework import FilterSet

from core import registry


@functools.cache
def filterset_for(record_type: registry.RecordType):
    page = record_type.filterset_class
    extra = record_type.api_filterset_class
    if page is None:
        if extra is not None:
            return extra
        meta = type("Meta", (), {"model": record_type.model, "fields": []})
        return type(f"{record_type.model.__name__}Filter", (FilterSet,), {"Meta": meta})
    if extra is None:
        return page
    extras = {
        name: copy.deepcopy(api_filter)
        for name, api_filter in extra.base_filters.items()
        if name not in page.base_filters
    }
    return type(f"API{page.__name__}", (page,), {**extras, "__module__": __name__})
