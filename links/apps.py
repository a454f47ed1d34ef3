from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "links"
    verbose_name = "Links between records"

    def ready(self):
        from core import hooks

        from .signals import connect_link_signals

        connect_link_signals()
        hooks.register("rebuild_derived", rebuild)


def rebuild(batch_size=1000):
    """Hook ``rebuild_derived``: the Markdown link table, from scratch."""
    from .backlinks import rebuild_links

    return "links", rebuild_links()
