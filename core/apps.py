from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_editors_group(sender, app_config=None, using="default", apps=None, **kwargs):
    """After migrate (historical ``apps``) and after flush (no ``apps``: the live registry)."""
    from django.apps import apps as global_apps

    from .permissions import sync_editors_group

    if app_config is not None and app_config.label == "core":
        try:
            sync_editors_group(apps or global_apps)
        except LookupError:
            # auth or contenttypes is migrated to zero: nothing to attach permissions to.
            return


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
