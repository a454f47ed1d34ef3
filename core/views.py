from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.views.generic import TemplateView


class SafePaginator(Paginator):
    """A page number that is not a number, or out of range, is a 404 — never a 500."""

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except (PageNotAnInteger, EmptyPage) as exc:
            raise Http404(f"No such page: {exc}") from exc


class BreadcrumbMixin:
    """Views list their trail as ``[(label, url), ...]``; the last item is this page."""

    def get_breadcrumbs(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [("Home", "/"), *self.get_breadcrumbs()]
        return context


class HomeView(TemplateView):
    template_name = "core/home.html"


class SearchView(TemplateView):
    """Placeholder until site-wide search lands."""

    template_name = "core/search.html"
