from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from core import hooks

        from . import triggers
        from .signals import connect_search_signals

        # Keep the index current when records change…
        connect_search_signals()
        # …rebuild it after bulk writes (core.derived)…
        hooks.register("rebuild_derived", rebuild)
        # …and offer the search form in every page's header.
        hooks.register("site_search_url", search_url)
        # …with type-ahead suggestions (progressive enhancement)…
        hooks.register("site_search_suggest", search_suggest)
        # …and, on PostgreSQL, copy publication changes made without signals.
        post_migrate.connect(triggers.after_migrate, sender=self, dispatch_uid="search-triggers")


def rebuild(batch_size=500):
    """Hook ``rebuild_derived``: the search index, from scratch."""
    from .indexing import rebuild_index

    return "search", rebuild_index(batch_size=batch_size)


def search_url():
    """Hook ``site_search_url``: where the header's search form goes."""
    from django.urls import reverse

    return reverse("search:search")


def search_suggest():
    """Hook ``site_search_suggest``: the suggestion endpoint and its script."""
    from django.urls import reverse

    return {"url": reverse("search:suggest"), "script": "js/search-suggest.js"}
