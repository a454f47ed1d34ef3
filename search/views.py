"""The search page: ``/search/?q=…&type=…&page=…`` (see ``search.query``)."""

from django.views.generic import TemplateView

from core import registry
from core.facets import build_facet
from core.views import BreadcrumbMixin, SafePaginator

from . import query as search
from .indexing import clean_text


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
