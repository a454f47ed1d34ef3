"""Keep the search index (``search.SearchEntry``) current as editors work.

Connected in ``SearchConfig.ready``; the receivers listen to every model and
act on the registered record types (``core.registry``) and their child rows,
so a record type registered by any app is covered. A record's entry is
rewritten when the record is saved, when one of its child rows (duties, FAQ,
approaches, steps…) is saved or deleted, and when its tags change; it is
removed when the record is deleted. ``bulk_create``, ``QuerySet.update`` and
raw SQL send no signals: run ``manage.py rebuild_search_index`` after those
(changes of ``status`` and ``publish_at`` made that way are still copied to the
index on PostgreSQL, by triggers; see ``search.triggers``). Bulk writers that
use ``core.derived.deferred()`` skip the per-row updates and rebuild once.
Names of related rows copied into a document — a role's category, an
organization's type — are refreshed when the record itself is next saved.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import TaggedItem

from core import derived, registry

from . import indexing


def _saved(sender, instance, **kwargs):
    if derived.is_deferred():
        return
    if registry.for_model(sender) is not None:
        indexing.index_record(instance)
    else:
        _reindex_parent(instance)


def _deleted(sender, instance, **kwargs):
    if derived.is_deferred():
        return
    if registry.for_model(sender) is not None:
        indexing.unindex_record(sender, instance.pk)
    else:
        _reindex_parent(instance)


def _reindex_parent(row):
    """A child row changed: rewrite its record's entry (or drop it with the record)."""
    found = registry.parent_record(row)
    if found is None:
        return
    record_type, parent_pk, parent = found
    if parent is None:  # the parent is being deleted with its rows
        indexing.unindex_record(record_type.model, parent_pk)
    else:
        indexing.index_record(parent)


def _tags_changed(sender, instance, action, reverse, **kwargs):
    if reverse or action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not derived.is_deferred() and registry.for_model(instance) is not None:
        indexing.index_record(instance)


def connect_search_signals():
    post_save.connect(_saved, dispatch_uid="search-save")
    post_delete.connect(_deleted, dispatch_uid="search-delete")
    m2m_changed.connect(_tags_changed, sender=TaggedItem, dispatch_uid="search-tags")


def disconnect_search_signals():
    post_save.disconnect(dispatch_uid="search-save")
    post_delete.disconnect(dispatch_uid="search-delete")
    m2m_changed.disconnect(sender=TaggedItem, dispatch_uid="search-tags")
