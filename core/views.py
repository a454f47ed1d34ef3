from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "core/home.html"


class SearchView(TemplateView):
    """Placeholder until site-wide search lands."""

    template_name = "core/search.html"
