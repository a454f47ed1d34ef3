from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


def _sync_editors_group(sender, app_config=None, using="default", apps=None, **kwargs):
    """After migrate (historical ``apps``) and after flush (no ``apps``: the live registry)."""
    from django.apps import apps as global_apps

    from .permissions import sync_editors_group

    try:
        sync_editors_group(apps or global_apps)
    except LookupError:
        # auth or contenttypes is migrated to zero: nothing to attach permissions to.
        return


class EditorialConfig(AppConfig):
    default = True
    name = "editorial"
    verbose_name = "Editorial"

    def ready(self):
        # Create the Editors group, and keep its permissions complete when record
        # types are added later (post_migrate, once per migrate or flush).
        post_migrate.connect(_sync_editors_group, sender=self, dispatch_uid="editors-group")
        # A form refused for a rotated CSRF token keeps its input (editorial.stash).
        from core import hooks

        from .stash import csrf_failure

        hooks.register("csrf_failure", csrf_failure)


class EditorialAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with ``editorial.sites.EditorialAdminSite`` as its site."""

    default = False

    default_site = "editorial.sites.EditorialAdminSite"
