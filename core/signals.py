"""Keep the search index (``core.SearchEntry``) and the Markdown link table
(``core.MarkdownLink``, behind "What links here") current as editors work.

Connected in ``CoreConfig.ready``. A record's entry is rewritten when the
record is saved, when one of its child rows (duties, FAQ, approaches, steps) is
saved or deleted, and when its tags change; it is removed when the record is
deleted. ``bulk_create``, ``QuerySet.update`` and raw SQL send no signals: run
``manage.py rebuild_search_index`` (both tables) after those. (Changes of ``status`` and
``publish_at`` made that way are still copied to the index on PostgreSQL, by
triggers; see ``core.models.SearchEntryQuerySet``.) Names of related rows copied
into a document — a role's category, an organization's type, a program's
organizer — are refreshed when the record itself is next saved.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import TaggedItem

from . import backlinks, search

# Child rows whose Markdown holds links of their parent record (FAQ answers, step bodies).
LINK_TEXT_CHILDREN = {
    child.model_label for source in backlinks.SOURCES for child in source.child_text
}


def _record_saved(sender, instance, **kwargs):
    search.index_record(instance)
    backlinks.index_links(instance)


def _record_deleted(sender, instance, **kwargs):
    search.unindex_record(sender, instance.pk)
    backlinks.unindex_links(sender, instance.pk)


def _child_changed(sender, instance, **kwargs):
    fk_attname, parent_type = search.CHILD_MODELS[sender._meta.label]
    parent_pk = getattr(instance, fk_attname, None)
    if parent_pk is None:
        return
    model = search.RECORD_TYPES[parent_type].model
    parent = model._base_manager.filter(pk=parent_pk).first()  # read once for both tables
    if parent is None:  # the parent is being deleted with its rows
        search.unindex_record(model, parent_pk)
        backlinks.unindex_links(model, parent_pk)
        return
    search.index_record(parent)
    if sender._meta.label in LINK_TEXT_CHILDREN:
        backlinks.index_links(parent)


def rebuild_derived_tables() -> tuple[dict[str, int], int]:
    """Rebuild the search index and the link table: ``(entries per type, links)``."""
    return search.rebuild_index(), backlinks.rebuild_links()


def _tags_changed(sender, instance, action, reverse, **kwargs):
    if reverse or action not in {"post_add", "post_remove", "post_clear"}:
        return
    if search.record_type_for(type(instance)) is not None:
        search.index_record(instance)


def connect_search_signals():
    for record_type in search.RECORD_TYPES.values():
        model = record_type.model
        post_save.connect(_record_saved, sender=model, dispatch_uid=f"search-save-{model}")
        post_delete.connect(_record_deleted, sender=model, dispatch_uid=f"search-del-{model}")
    for label in search.CHILD_MODELS:
        model = apps.get_model(label)
        post_save.connect(_child_changed, sender=model, dispatch_uid=f"search-save-{label}")
        post_delete.connect(_child_changed, sender=model, dispatch_uid=f"search-del-{label}")
    m2m_changed.connect(_tags_changed, sender=TaggedItem, dispatch_uid="search-tags")
