from django.apps import AppConfig


class PathfinderConfig(AppConfig):
    """The decision page: a reader's answers in, a ranked and explained plan out."""

    name = "pathfinder"
    verbose_name = "Find your direction"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import hooks

        from . import permissions, record_pages, signals
        from .api import api_routes

        hooks.register("api_routes", api_routes)
        hooks.register("home_actions", record_pages.home_actions)
        hooks.register("record_page_context", record_pages.plan_link_context)
        hooks.register("record_page_sections", record_pages.plan_link_sections)
        signals.connect()
        post_migrate.connect(
            permissions.grant_editors, sender=self, dispatch_uid="pathfinder-editors"
        )
