from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site core"

    def ready(self):
        # The topic list's counts, kept current (core.topics) and rebuilt after
        # bulk writes: registered before the page cache, whose rebuild hook
        # invalidates every page and should run once the counts are right.
        from . import hooks, topics

        topics.connect_topic_count_signals()
        hooks.register("rebuild_derived", topics.rebuild)
        # Invalidate the anonymous page cache when anything a page shows changes.
        from .cache import connect_cache_signals

        connect_cache_signals()
        # Changing a record's links raises its version (optimistic concurrency).
        from .models import connect_version_signals

        connect_version_signals()
        # Every topic has a slug its page can be reached at.
        from .models import connect_topic_signals

        connect_topic_signals()
