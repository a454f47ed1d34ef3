"""The search page: ``/search/?q=…&type=…&page=…`` (see ``search.query``)."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from core import registry
from core.facets import build_facet
from core.middleware import client_ip
from core.views import BreadcrumbMixin, SafePaginator

from . import query as search
from .indexing import clean_text

SUGGESTIONS = 8
SUGGEST_MIN_LENGTH = 2
SUGGEST_MAX_LENGTH = 80
SUGGEST_CACHE_SECONDS = 300
SUGGEST_RATE_LIMIT = 120  # requests per client per minute (one per keystroke pause)


class SearchView(BreadcrumbMixin, TemplateView):
    """Site-wide search: ``/search/?q=…&type=…&page=…`` (see ``search.query``).

    Any input gives a page: the query is cleaned and capped, an unknown type is
    ignored with a note, and a page number out of range is a 404.
    """

    template_name = "search/search.html"
    paginate_by = 20

    def get_breadcrumbs(self):
        return [("Search", self.request.path)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cleaned = search.clean_query(self.request.GET.get("q", ""))
        raw_type = clean_text(self.request.GET.get("type", "")).strip()
        record_type = raw_type if registry.get(raw_type) is not None else None
        results = search.search(cleaned.text, record_type)

        page, hits = None, []
        if cleaned.text:
            paginator = SafePaginator(results.entries, self.paginate_by)
            paginator.count = results.count  # known from the facet query; saves a COUNT
            page = paginator.page(self.request.GET.get("page") or 1)
            hits = results.hits(page.object_list)
        context.update(
            query=cleaned.text,
            query_truncated=cleaned.truncated,
            max_query_length=search.MAX_QUERY_LENGTH,
            unknown_type=raw_type if raw_type and record_type is None else "",
            record_type=record_type,
            record_type_label=registry.get(record_type).display_plural if record_type else "",
            results=results,
            page_obj=page,
            hits=hits,
            type_facet=build_facet(
                self.request,
                "type",
                "Type",
                [(rt.slug, rt.display_plural) for rt in registry.record_types()],
                results.counts,
            ),
        )
        return context


@require_safe
def suggest(request):
    """``/search/suggest/?q=…``: up to ``SUGGESTIONS`` records whose names match, as JSON.

    For the header's type-ahead (``static/js/search-suggest.js``); the search
    form works without it. The last word counts as the start of a word
    ("interp" suggests Interpretability). Answers are cached per query for
    ``SUGGEST_CACHE_SECONDS`` (also by browsers and the page cache) and each
    client may ask ``SUGGEST_RATE_LIMIT`` times a minute; more answer 429.
    """
    cleaned = search.clean_query(request.GET.get("q", ""))
    text = cleaned.text[:SUGGEST_MAX_LENGTH]
    if _over_rate_limit(request):
        response = JsonResponse({"error": "Too many requests; try again in a minute."}, status=429)
        response["Retry-After"] = "60"
        return response
    suggestions = []
    if len(text) >= SUGGEST_MIN_LENGTH:
        key = "search-suggest:" + hashlib.sha256(text.lower().encode()).hexdigest()
        suggestions = cache.get(key)
        if suggestions is None:
            suggestions = search.suggestions(text, SUGGESTIONS)
            cache.set(key, suggestions, SUGGEST_CACHE_SECONDS)
    response = JsonResponse({"query": text, "suggestions": suggestions})
    patch_cache_control(response, public=True, max_age=SUGGEST_CACHE_SECONDS)
    return response


def _over_rate_limit(request) -> bool:
    """Count this client's requests in the shared cache; True past the limit."""
    address = client_ip(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    key = f"search-suggest-rate:{digest}:{int(time.time() // 60)}"
    try:
        if cache.add(key, 1, 60):
            return False
        return cache.incr(key) > SUGGEST_RATE_LIMIT
    except ValueError:  # the key expired between add() and incr()
        return False
