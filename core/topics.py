"""How many published records carry each topic (``core.models.TopicCount``).

Counting the taggings of every record type against its published records on
each request was most of the topic list's time at full scale (36–50 ms of SQL
for 90,187 taggings). The counts are stored instead, per topic and record type, of
the records **marked published** — due or scheduled for later — so that no
clock can make them stale: ``published_topic_counts`` subtracts the few
records scheduled for later at read time (an indexed range of each type's
``status, publish_at``), and a record whose time comes is counted at once,
with no save.

Kept current from signals (``connect_topic_count_signals``, in
``CoreConfig.ready``): a registered record's save recounts its topics (its
status may have changed); a tagging added or removed — by the admin, by
``tags.add``/``remove``/``clear``/``set``, by a record's or a topic's
deletion, which delete their taggings one by one — recounts its topic for its
record type. A recount reads the truth again (the taggings and the records'
status) rather than adding or subtracting one: a repeated signal changes
nothing, and the next change of a topic corrects a count that was missed.
Bulk writers inside ``core.derived.deferred()`` skip the signals and
``rebuild_topic_counts`` runs once at the end (hook
``rebuild_derived``, also run by ``manage.py rebuild_search_index``); anything
that writes taggings or statuses with raw SQL, ``QuerySet.update``,
``bulk_create`` or ``loaddata`` (raw saves are skipped) should run that
command afterwards. Two editors saving at the same instant can, rarely, leave
a count one change behind until the topic's next change or rebuild (each
recount reads what was committed when it started)."""

from __future__ import annotations

import contextvars

from django.contrib.contenttypes.models import ContentType
from django.core.signals import request_started
from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.signals import post_delete, post_save, pre_delete
from taggit.models import Tag, TaggedItem

from . import derived, registry
from .counts import CountPart, run_counts


def _taggings(model, records):
    """``model``'s taggings whose record is in ``records`` (a queryset of ``model``)."""
    return TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=records.order_by().values("pk"),
    )


def _marked_published(model):
    """``(tag id, n)`` rows: how many ``model`` records marked published carry each tag."""
    return (
        _taggings(model, model.objects.published_or_scheduled())
        .order_by()
        .values_list("tag_id")
        .annotate(n=Count("pk"))
    )


def recount(model, tag_ids) -> None:
    """Store anew how many ``model`` records marked published carry each of ``tag_ids``."""
    from .models import TopicCount

    tag_ids = {tag_id for tag_id in tag_ids if tag_id is not None}
    if not tag_ids:
        return
    content_type = ContentType.objects.get_for_model(model)
    counts = dict(_marked_published(model).filter(tag_id__in=tag_ids))
    with transaction.atomic():
        # A topic being deleted has lost its taggings first (count 0: its row goes).
        TopicCount.objects.filter(
            content_type=content_type, tag_id__in=tag_ids - set(counts)
        ).delete()
        TopicCount.objects.bulk_create(
            [
                TopicCount(tag_id=tag_id, content_type=content_type, records=n)
                for tag_id, n in counts.items()
            ],
            update_conflicts=True,
            unique_fields=["tag", "content_type"],
            update_fields=["records"],
        )


def rebuild_topic_counts() -> int:
    """Every count from scratch (after bulk writes); returns the number of rows stored."""
    from .models import TopicCount

    rows = []
    for record_type in registry.record_types(order="registration"):
        model = record_type.model
        content_type = ContentType.objects.get_for_model(model)
        rows += [
            TopicCount(tag_id=tag_id, content_type=content_type, records=n)
            for tag_id, n in _marked_published(model)
        ]
    with transaction.atomic():
        TopicCount.objects.all().delete()
        TopicCount.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _published_counts(models, at, *, by: str, tag=None) -> dict[int, int]:
    """``{tag_id or content_type_id: n}`` (``by``) of the records of ``models``
    published at ``at`` (default now): the stored counts of the records marked
    published less those scheduled for later, in one query; zeros left out."""
    from .models import TopicCount

    content_types = ContentType.objects.get_for_models(*models)
    stored = TopicCount.objects.filter(content_type__in=list(content_types.values()))
    later = [_taggings(model, model.objects.scheduled(at)) for model in models]
    if tag is not None:
        stored = stored.filter(tag=tag)
        later = [taggings.filter(tag=tag) for taggings in later]
    parts = [stored.order_by().annotate(_value=F(by)).values("_value").annotate(_n=Sum("records"))]
    parts += [
        taggings.order_by().annotate(_value=F(by)).values("_value").annotate(_n=Count("pk"))
        for taggings in later
    ]
    totals, *scheduled = run_counts([CountPart(part, int) for part in parts])
    for part in scheduled:
        for key, n in part.items():
            totals[key] = totals.get(key, 0) - n
    return {key: n for key, n in totals.items() if n > 0}


def published_topic_counts(models, at=None) -> dict[int, int]:
    """``{tag id: records of ``models`` published at ``at`` (default now) carrying it}``,
    topics with none left out (one query)."""
    return _published_counts(models, at, by="tag_id")


def topic_counts_by_type(tag, models, at=None) -> dict[type, int]:
    """``{model: its records published at ``at`` carrying ``tag``}`` for ``models``,
    types with none left out (one query)."""
    counts = _published_counts(models, at, by="content_type_id", tag=tag)
    content_types = ContentType.objects.get_for_models(*models)
    return {model: counts[ct.pk] for model, ct in content_types.items() if ct.pk in counts}


# ------------------------------------------------------------------ signals


def _record_saved(sender, instance, raw=False, **kwargs):
    if raw or derived.is_deferred() or registry.for_model(sender) is None:
        return
    tag_ids = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk
    ).values_list("tag_id", flat=True)
    recount(sender, list(tag_ids))


# Topics being deleted: their taggings go first, one ``post_delete`` each, and
# their counts go with them (``TopicCount.tag`` cascades), so those taggings are
# not recounted (about four queries each: 16,000 for a topic on 4,000 records).
# Emptied at every request, so a deletion that failed half-way cannot keep a
# live topic's taggings from being recounted beyond it.
_deleting: contextvars.ContextVar[frozenset] = contextvars.ContextVar(
    "topics_deleting", default=frozenset()
)


def _tagging_changed(sender, instance, raw=False, **kwargs):
    if raw or derived.is_deferred() or instance.tag_id in _deleting.get():
        return
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    if model is not None and registry.for_model(model) is not None:
        recount(model, [instance.tag_id])


def _topic_deleting(sender, instance, **kwargs):
    _deleting.set(_deleting.get() | {instance.pk})


def _topic_deleted(sender, instance, **kwargs):
    _deleting.set(_deleting.get() - {instance.pk})


def _forget_deletions(**kwargs):
    _deleting.set(frozenset())


def connect_topic_count_signals() -> None:
    post_save.connect(_record_saved, dispatch_uid="core.topics.record-saved")
    post_save.connect(_tagging_changed, sender=TaggedItem, dispatch_uid="core.topics.tag-added")
    post_delete.connect(_tagging_changed, sender=TaggedItem, dispatch_uid="core.topics.tag-removed")
    pre_delete.connect(_topic_deleting, sender=Tag, dispatch_uid="core.topics.topic-deleting")
    post_delete.connect(_topic_deleted, sender=Tag, dispatch_uid="core.topics.topic-deleted")
    request_started.connect(_forget_deletions, dispatch_uid="core.topics.request")


def rebuild(batch_size=1000):
    """Hook ``rebuild_derived``: every topic count, from scratch."""
    return "topic counts", rebuild_topic_counts()
