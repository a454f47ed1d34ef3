from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site core"

    def ready(self):
        # Invalidate the anonymous page cache when anything a page shows changes.
        from .cache import connect_cache_signals

        connect_cache_signals()
        # Changing a record's links raises its version (optimistic concurrency).
        from .models import connect_version_signals

        connect_version_signals()
        # Every topic has a slug its page can be reached at.
        from .models import connect_topic_signals

        connect_topic_signals()
