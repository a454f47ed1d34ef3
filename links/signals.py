"""Keep the Markdown link table (``links.MarkdownLink``) current as editors work.

Connected in ``LinksConfig.ready``; the receivers listen to every model and act
on the registered record types (``core.registry``): a record's outgoing links
are re-read when it is saved or when one of its child rows with Markdown (FAQ
answers, guide step bodies) is saved or deleted, and forgotten when it is
deleted. Bulk writers that use ``core.derived.deferred()`` skip these and
rebuild the table once (``rebuild_links``).
"""

from django.db.models.signals import post_delete, post_save

from core import derived, registry

from . import backlinks


def _saved(sender, instance, **kwargs):
    if derived.is_deferred():
        return
    if registry.for_model(sender) is not None:
        backlinks.index_links(instance)
    elif registry.parent_of(sender) is not None and registry.markdown_fields(sender):
        _reindex_parent(instance)


def _deleted(sender, instance, **kwargs):
    if derived.is_deferred():
        return
    if registry.for_model(sender) is not None:
        backlinks.unindex_links(sender, instance.pk)
    elif registry.parent_of(sender) is not None and registry.markdown_fields(sender):
        _reindex_parent(instance)


def _reindex_parent(row):
    """A child row with Markdown changed: re-read its record's links."""
    found = registry.parent_record(row)
    if found is None:
        return
    record_type, parent_pk, parent = found
    if parent is None:  # the parent is being deleted with its rows
        backlinks.unindex_links(record_type.model, parent_pk)
    else:
        backlinks.index_links(parent)


def connect_link_signals():
    post_save.connect(_saved, dispatch_uid="links-save")
    post_delete.connect(_deleted, dispatch_uid="links-delete")
