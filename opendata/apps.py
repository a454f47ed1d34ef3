from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Open data"

    def ready(self):
        from core import hooks

        from .links import listing_links
        from .permalinks import citation_context

        # Every record page offers "Cite this page" with its permanent link…
        hooks.register("record_page_context", citation_context)
        # …and every listing its feed, downloads and the API.
        hooks.register("listing_links", listing_links)
