from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "links"
    verbose_name = "Links between records"

    def ready(self):
        from core import hooks

        from .signals import connect_link_signals

        connect_link_signals()
        hooks.register("rebuild_derived", rebuild)
        hooks.register("cache_keys_for", cache_keys_for)


def cache_keys_for(instance):
    """Hook ``cache_keys_for``: a record that becomes visible appears in the
    "What links here" of the records its Markdown links to."""
    from core import dependencies, registry

    from .models import MarkdownLink

    record_type = registry.for_model(instance)
    if record_type is None or instance.pk is None:
        return set()
    targets = MarkdownLink.objects.filter(
        source_type=record_type.slug, source_id=instance.pk
    ).values_list("target_type", "target_slug")
    return {dependencies.link_key(kind, slug) for kind, slug in targets}


def rebuild(batch_size=1000):
    """Hook ``rebuild_derived``: the Markdown link table, from scratch."""
    from .backlinks import rebuild_links

    return "links", rebuild_links()
