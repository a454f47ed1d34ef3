from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_editors_group(sender, app_config=None, using="default", apps=None, **kwargs):
    from .permissions import sync_editors_group

    if apps is not None and app_config is not None and app_config.label == "core":
        sync_editors_group(apps)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site core"

    def ready(self):
        # Keep the Editors group's permissions complete when models are added later.
        post_migrate.connect(_sync_editors_group, sender=self)
        # Keep the site-wide search index current when records change.
        from .signals import connect_search_signals

        connect_search_signals()
        # Invalidate the anonymous page cache when anything a page shows changes.
        from .cache import connect_cache_signals

        connect_cache_signals()
