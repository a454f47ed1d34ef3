"""What a cached page shows, and forgetting only the pages a change touches.

While a cacheable page renders (``recording()``, opened by the page cache),
every row it shows is noted as a **dependency key**:

* ``r:<app.model>:<pk>`` — a record, child row, taxonomy term or tag that was
  loaded (``post_init`` of the watched models: whatever the page read, by
  ``get()``, a list, ``select_related`` or a prefetch);
* ``l:derived`` — a listing of a table derived from the records (the search
  index, which inherits ``PublishableQuerySet``): any change invalidates it;
* ``l:<app.model>`` — a *listing* of a record type: any top-level query of a
  type's ``PublishableQuerySet`` other than a single-record ``get()`` (lists,
  counts, facets, feeds, search sections). Queries that run *inside* another
  one — prefetches of a record's relations — are not listings: what they
  return changes only through the relation (``m2m_changed``, below) or when a
  related record becomes visible (below);
* ``rev:<app.model>:<pk>`` and ``link:<type>:<slug>`` — added by each record
  page for its own record: the records that point at it (its reverse
  relations, "What links here").

A change **invalidates keys** (``invalidate``): it stores the time of the
change under each key (``dep:<key>``; no expiry). A stored page is served only
while none of its keys changed after the moment its rendering began. What a
change invalidates (``keys_for_change``):

* saving or deleting a record: its ``r:`` key, its type's ``l:`` key, the
  ``rev:`` keys of the records its relations point at (before and after);
  when it *becomes visible* (created published, published, or its
  ``publish_at`` passing — ``publish_due``), also the ``rev:`` keys of every
  record related to it either way, and the ``link:`` targets of its Markdown;
* a child row: its own key and its parent's ``r:`` key (and ``rev:`` of the
  records it links to);
* a taxonomy term or a tag: its own key and the listings of the types that
  use it; a tagging: the tag, the tagged record and their listings;
* a many-to-many change: ``r:`` and ``rev:`` of both sides.

Other apps add keys through the hook ``cache_keys_for(instance)`` (``links``:
the ``link:`` keys of a record's Markdown targets).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import logging

from . import hooks

logger = logging.getLogger("fieldguide.cache")

STAMP_PREFIX = "pagecache:dep:"
# Tables derived from every record (the search index): a page that lists one
# depends on any change to any record, child row or taxonomy.
DERIVED_KEY = "l:derived"

_recording: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "pagecache_recording", default=None
)
# True inside a query (its prefetches) or a ``get()``: not a listing.
_nested: contextvars.ContextVar[bool] = contextvars.ContextVar("pagecache_nested", default=False)


# ------------------------------------------------------------------ the keys


def record_key(model, pk) -> str:
    return f"r:{model._meta.label_lower}:{pk}"


def listing_key(model) -> str:
    return f"l:{model._meta.label_lower}"


def reverse_key(model, pk) -> str:
    return f"rev:{model._meta.label_lower}:{pk}"


def link_key(type_slug: str, slug: str) -> str:
    return f"link:{type_slug}:{slug}"


# ----------------------------------------------------------------- recording


@contextlib.contextmanager
def recording():
    """Collect the dependency keys of what runs inside; yields the (live) set."""
    keys: set[str] = set()
    token = _recording.set(keys)
    nested = _nested.set(False)
    try:
        yield keys
    finally:
        _nested.reset(nested)
        _recording.reset(token)


@contextlib.contextmanager
def paused():
    """Nothing inside is recorded (e.g. building a query with placeholder records)."""
    token = _recording.set(None)
    try:
        yield
    finally:
        _recording.reset(token)


def is_recording() -> bool:
    return _recording.get() is not None


def depends_on(*keys: str) -> None:
    """Note keys for the page being rendered (nothing when no page is recorded)."""
    found = _recording.get()
    if found is not None:
        found.update(keys)


def note_instance(sender, instance, **kwargs) -> None:
    """``post_init`` of a watched model: the page shows this row."""
    found = _recording.get()
    if found is not None and instance.pk is not None:
        found.add(record_key(type(instance), instance.pk))


def note_query(queryset) -> None:
    """A ``PublishableQuerySet`` is about to run: a listing, unless nested or a ``get()``."""
    found = _recording.get()
    if found is None or _nested.get():
        return
    from . import registry

    for model in [queryset.model, *(q.model for q in queryset.query.combined_queries or ())]:
        found.add(listing_key(model))
        if registry.for_model(model) is None:  # a derived table (``search.SearchEntry``)
            found.add(DERIVED_KEY)


@contextlib.contextmanager
def nested():
    """Queries inside are not listings (prefetches, ``get()``, covered lookups)."""
    token = _nested.set(True)
    try:
        yield
    finally:
        _nested.reset(token)


# --------------------------------------------------------------- what changed


def _visible(values: dict | None) -> bool:
    from django.utils import timezone

    from .status import Status

    if not values:
        return False
    publish_at = values.get("publish_at")
    if values.get("status") != Status.PUBLISHED:
        return False
    if isinstance(publish_at, datetime.datetime):
        if timezone.is_naive(publish_at):
            return True  # cannot compare: count it visible (invalidates more, never less)
        return publish_at <= timezone.now()
    return True  # unset, or not parsed yet (a string): as above


def _forward_targets(instance) -> set[str]:
    """``rev:`` keys of the records this row's foreign keys point at (loaded values)."""
    from . import registry

    keys = set()
    for field in instance._meta.concrete_fields:
        if field.many_to_one and registry.for_model(field.related_model) is not None:
            value = getattr(instance, field.attname, None)
            if value is not None:
                keys.add(reverse_key(field.related_model, value))
    return keys


def _all_neighbours(instance) -> set[str]:
    """``rev:`` keys of every record related to ``instance`` either way (queries)."""
    from . import registry

    model = type(instance)
    keys = _forward_targets(instance)
    for field in model._meta.many_to_many:
        if registry.for_model(field.related_model) is not None:
            for pk in getattr(instance, field.name).values_list("pk", flat=True):
                keys.add(reverse_key(field.related_model, pk))
    for rel in model._meta.related_objects:
        related = rel.related_model
        target = registry.for_model(related)
        if target is not None:
            accessor = rel.get_accessor_name()
            if accessor:
                manager = getattr(instance, accessor, None)
                if manager is not None and hasattr(manager, "values_list"):
                    for pk in manager.values_list("pk", flat=True):
                        keys.add(reverse_key(related, pk))
        else:
            parent = registry.parent_of(related)
            # A child row of another record pointing here (guide steps, pathway items).
            if parent is not None and rel.field.name != parent[1]:
                for parent_pk in related._base_manager.filter(
                    **{rel.field.name: instance.pk}
                ).values_list(f"{parent[1]}_id", flat=True):
                    keys.add(reverse_key(parent[0].model, parent_pk))
    return keys


def keys_for_change(instance, *, before: dict | None = None, deleted: bool = False) -> set[str]:
    """The keys a save or delete of ``instance`` invalidates (see the module docstring).

    ``before`` holds the row's stored ``status``, ``publish_at`` and foreign
    keys before the save (``None`` for a new row)."""
    from . import registry

    model = type(instance)
    keys = {record_key(model, instance.pk), DERIVED_KEY}
    if before:
        for field in model._meta.concrete_fields:
            if field.many_to_one and registry.for_model(field.related_model) is not None:
                value = before.get(field.attname)
                if value is not None:
                    keys.add(reverse_key(field.related_model, value))
    record_type = registry.for_model(model)
    if record_type is not None:
        keys.add(listing_key(model))
        keys |= _forward_targets(instance)
        became_visible = not deleted and _visible(vars(instance)) and not _visible(before)
        if became_visible:
            keys |= _all_neighbours(instance)
            for extra in hooks.run("cache_keys_for", instance=instance):
                keys |= set(extra or ())
        return keys
    parent = registry.parent_of(model)
    if parent is not None:
        parent_type, fk_name = parent
        parent_pk = getattr(instance, f"{fk_name}_id", None)
        if parent_pk is not None:
            keys.add(record_key(parent_type.model, parent_pk))
        keys |= _forward_targets(instance)
        return keys
    if model._meta.app_label == "taggit":
        return keys | _tag_keys(instance)
    # A taxonomy term: the listings of the types that use it (their filters, cards).
    for rt in registry.record_types():
        if model in rt.taxonomy_models:
            keys.add(listing_key(rt.model))
    return keys


def _tag_keys(instance) -> set[str]:
    from django.contrib.contenttypes.models import ContentType

    from . import registry

    keys = set()
    tag_id = getattr(instance, "tag_id", None)
    if tag_id is not None:  # a tagging: the tag, the record and their listings
        from taggit.models import Tag

        keys |= {record_key(Tag, tag_id), listing_key(Tag)}
        content_type = ContentType.objects.get_for_id(instance.content_type_id)
        tagged = content_type.model_class()
        if tagged is not None:
            keys |= {record_key(tagged, instance.object_id), listing_key(tagged)}
        return keys
    keys.add(listing_key(type(instance)))  # a tag: every listing that shows tags
    keys |= {listing_key(rt.model) for rt in registry.record_types()}
    return keys


def keys_for_links(instance, model, pk_set) -> set[str]:
    """A many-to-many change between ``instance`` and rows ``pk_set`` of ``model``."""
    from . import registry

    keys = {record_key(type(instance), instance.pk), DERIVED_KEY}
    if registry.for_model(type(instance)) is not None:
        keys.add(reverse_key(type(instance), instance.pk))
    parent = registry.parent_of(type(instance))
    if parent is not None:
        parent_pk = getattr(instance, f"{parent[1]}_id", None)
        if parent_pk is not None:
            keys |= {
                record_key(parent[0].model, parent_pk),
                reverse_key(parent[0].model, parent_pk),
            }
    for pk in pk_set or ():
        keys.add(record_key(model, pk))
        if registry.for_model(model) is not None:
            keys.add(reverse_key(model, pk))
    return keys
