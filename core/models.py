"""Abstract building blocks shared by every content app.

* ``TimeStampedModel`` – ``created``/``updated`` timestamps.
* ``PublishableQuerySet`` – the single place that decides what readers see.
* ``ContentModel`` – name, unique slug, summary, publication status, review
  date, tags and revision history: the common shape of every record type.
* ``OrderedChild`` – child rows (duties, FAQ entries, steps…) kept in order.
* ``VersionedModel`` – optimistic concurrency: a ``version`` counter that every
  write raises, and a save that is refused (``StaleVersionError``) when the row
  is no longer at the version the instance was loaded at.
* ``ChoiceLabelsModel`` (under ``VersionedModel``) – ``get_<field>_display()``
  from a value → label mapping built once per field.
* ``slug_every_topic`` – a topic whose name slugifies to nothing gets a slug.

Version invariants (``VersionedModel``; both records and child rows have one):

* every ``save()`` of an existing row is a compare-and-set: ``UPDATE … WHERE
  version = <the instance's version>``, setting ``version + 1``. A stale
  instance changes nothing and raises ``StaleVersionError``;
* changing a row's tracked many-to-many links raises its version too
  (``bump_on_link_change``, before django-simple-history records the links, so
  the version it stores is the new one);
* saving or deleting a child row raises its parent record's version, so a
  record's version changes whenever anything the record's admin page shows
  does;
* revision history stores ``version`` with every row: the version an editor
  loaded is the latest historical row with ``version <=`` it.

What a record type declares about itself lives on its model: ``search_fields``
(its search document, see ``core.registry``), ``publish_requirements`` (see
``core.validation``) and its Markdown fields (``core.fields.MarkdownField``).
The record type itself is registered in its app's ``AppConfig.ready()``.
"""

import functools

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from . import dependencies
from .fields import MarkdownField, is_rendered
from .status import Status
from .validation import Requirements


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class RecordHistory(HistoricalRecords):
    """Revision history that also keeps each version's many-to-many links.

    Every ``ManyToManyField`` of the model (a role's programs, a paper's
    organizations, a guide step's records…) is tracked, so a version says which
    records it linked to, the Compare page shows links added and removed, and
    a revert restores them. django-simple-history adds a version when links
    change (``m2m_changed``) and stores a snapshot of every tracked relation
    with each version. Tags (django-taggit) are not a ``ManyToManyField`` and
    are not tracked.
    """

    def fields_included(self, model):
        # The rendered HTML of Markdown fields is derived: history keeps the Markdown.
        return [f for f in super().fields_included(model) if not is_rendered(f)]

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for field in fields.values():
            if isinstance(field, MarkdownField):
                field.adds_companion = False  # the historical model stores no HTML
        return fields

    def get_m2m_fields_from_model(self, model):
        return [f for f in model._meta.local_many_to_many if isinstance(f, models.ManyToManyField)]

    def get_meta_options_m2m(self, through_model):
        # Link snapshots are read through their version, never edited: no admin
        # permissions (whose names, "Can change HistoricalResearchAgenda_key_
        # organizations", would also not fit auth's original 50 characters).
        return {**super().get_meta_options_m2m(through_model), "default_permissions": ()}


class StaleVersionError(Exception):
    """A save based on a version of the row that is no longer current."""

    def __init__(self, instance, expected):
        self.instance = instance
        self.expected = expected
        super().__init__(
            f"{instance._meta.label} {instance.pk} is no longer at version {expected}; "
            "it was saved by someone else in the meantime."
        )


@functools.cache
def choice_labels(field) -> dict:
    """``{value: label}`` of a field with choices, built once per field (the
    labels stay lazy: each is translated when it is shown)."""
    return dict(make_hashable(field.flatchoices))


class ChoiceLabelsModel(models.Model):
    """``get_<field>_display()`` from a mapping built once per field.

    Django builds the mapping on every call, and hashing each lazily
    translated label translates it: a program card's three labels cost 0.3 ms
    each under the profiler, a tenth of the program listing's time."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(choice_labels(field).get(make_hashable(value), value), strings_only=True)


class VersionedModel(ChoiceLabelsModel):
    """Optimistic concurrency (see the module docstring for the invariants)."""

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every save; a save from an older version is refused."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            self._expected_version = self.version or 0
            self.version = self._expected_version + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        else:
            self._expected_version = None
        try:
            super().save(*args, **kwargs)
        except StaleVersionError:
            self.version = self._expected_version
            raise
        finally:
            self._expected_version = None

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        updated = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, update_fields, forced_update
        )
        if not updated and base_qs.filter(pk=pk_val).exists():
            raise StaleVersionError(self, expected)
        return updated

    def bump_version(self) -> None:
        """Raise the version (and ``updated``) in the database and on this instance.

        For changes the row's own ``save()`` does not see: its links, its child rows.
        No history row is written here (the change that caused it writes its own).
        """
        if self.pk is None:
            return
        changes = _bump_values(type(self))
        type(self)._base_manager.filter(pk=self.pk).update(**changes)
        self.version = (self.version or 0) + 1
        if "updated" in changes:
            self.updated = changes["updated"]


def _bump_values(model) -> dict:
    """The ``update()`` values that raise a row's version (and its ``updated`` time)."""
    values = {"version": F("version") + 1}
    if any(f.name == "updated" for f in model._meta.concrete_fields):
        values["updated"] = timezone.now()
    return values


def bump_on_link_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    """``m2m_changed`` receiver: changing links raises the version of the rows that own them.

    Runs on ``pre_*`` so that django-simple-history's ``post_*`` receiver stores
    the new version with the new links. From the other side of the relation
    (``reverse``) the rows are ``pk_set`` of ``model``.
    """
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if action != "pre_clear" and not pk_set:
        return
    if not reverse:
        if isinstance(instance, VersionedModel):
            instance.bump_version()
        return
    if not issubclass(model, VersionedModel):
        return
    if action == "pre_clear":
        field = next(f for f in model._meta.local_many_to_many if f.remote_field.through is sender)
        source = f"{field.m2m_reverse_field_name()}_id"
        pk_set = set(
            sender._default_manager.filter(**{source: instance.pk}).values_list(
                f"{field.m2m_field_name()}_id", flat=True
            )
        )
    if pk_set:
        model._base_manager.filter(pk__in=pk_set).update(**_bump_values(model))


def slug_every_topic(sender, instance, **kwargs) -> None:
    """A topic whose name slugifies to nothing ("🔥", "—") is given a slug made
    of its characters' code points (``topic-1f525``): an empty slug has no URL,
    so the topic list and every page showing the topic would fail."""
    if not instance.slug:
        instance.slug = code_point_slug(instance.name, instance._meta.get_field("slug").max_length)


def code_point_slug(name: str, max_length: int) -> str:
    """``topic-1f525`` for "🔥": the name's characters as hexadecimal code points."""
    codes = "-".join(f"{ord(char):x}" for char in name.strip())
    return f"topic-{codes}"[:max_length]


def connect_topic_signals() -> None:
    from django.db.models.signals import pre_save
    from taggit.models import Tag

    pre_save.connect(slug_every_topic, sender=Tag, dispatch_uid="core.topics.slug")


def connect_version_signals() -> None:
    """Connect ``bump_on_link_change`` for every many-to-many field of a versioned model."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed

    for model in apps.get_models():
        if not issubclass(model, VersionedModel):
            continue
        for field in model._meta.local_many_to_many:
            if isinstance(field, models.ManyToManyField):
                through = field.remote_field.through
                m2m_changed.connect(
                    bump_on_link_change,
                    sender=through,
                    dispatch_uid=f"core.version.links.{through._meta.label}",
                )


class PublishableQuerySet(models.QuerySet):
    """Publication rules. Every reader-facing path calls ``published()``.

    While the page cache records a page (``core.dependencies``), running one
    of these querysets at the top level — not a ``get()``, not inside another
    query's prefetches — notes that the page shows a listing of the type.
    """

    def _fetch_all(self):
        if self._result_cache is None and dependencies.is_recording():
            dependencies.note_query(self)
            with dependencies.nested():
                super()._fetch_all()
            return
        super()._fetch_all()

    def get(self, *args, **kwargs):
        if not dependencies.is_recording():
            return super().get(*args, **kwargs)
        with dependencies.nested():  # one record: its own key, not a listing
            return super().get(*args, **kwargs)

    def count(self):
        dependencies.note_query(self)
        return super().count()

    def exists(self):
        dependencies.note_query(self)
        return super().exists()

    def aggregate(self, *args, **kwargs):
        dependencies.note_query(self)
        return super().aggregate(*args, **kwargs)

    def published(self, at=None):
        """Published and due: ``publish_at`` not after ``at`` (default: now)."""
        return self.filter(status=Status.PUBLISHED, publish_at__lte=at or timezone.now())

    def published_or_scheduled(self):
        """Marked published, due or not: ``published()`` plus ``scheduled()``."""
        return self.filter(status=Status.PUBLISHED)

    def scheduled(self, at=None):
        """Marked published but not due yet: readers see it from ``publish_at`` on."""
        return self.filter(status=Status.PUBLISHED, publish_at__gt=at or timezone.now())

    def visible_to(self, user):
        """Staff may preview drafts; everyone else sees published records only."""
        if user is not None and user.is_active and user.is_staff:
            return self.all()
        return self.published()


class ContentModel(VersionedModel, TimeStampedModel):
    """A publishable record: a name, a unique slug, a one-line summary and tags."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The record's address on the site; letters, numbers and hyphens."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One plain sentence, shown on cards and in search results."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        db_index=True,
        help_text=_("A published record appears to readers from this moment on."),
    )
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked that this record is still true."),
    )

    tags = TaggableManager(blank=True)
    history = RecordHistory(inherit=True)

    objects = PublishableQuerySet.as_manager()

    # The search document beyond name and summary: field names (Markdown as plain
    # text, choices by their label), ``registry.Related`` and ``registry.Children``.
    search_fields: tuple = ()
    # What must be filled in before the record can be published.
    publish_requirements = Requirements()

    class Meta:
        abstract = True
        ordering = ["name"]
        # The publication rule (``published()``) as one covering index: listing
        # totals, facet counts and the "IN (published records)" semi-joins read
        # it with an index-only scan instead of the table with all its text.
        # Subclasses that declare their own indexes add ``*ContentModel.Meta.indexes``.
        indexes = [
            models.Index(fields=["status", "publish_at", "id"], name="%(class)s_published"),
            # "Recently updated" (the home page): the newest published records of
            # each type, read backwards from this index instead of sorting the table.
            models.Index(fields=["status", "updated"], name="%(class)s_recent"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def type_label(self) -> str:
        return str(self._meta.verbose_name)


class OrderedChild(VersionedModel):
    """A child row shown in editor-chosen order (duties, FAQ entries, steps…).

    Saving or deleting one raises its parent record's version (``VersionedModel``).
    """

    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    history = RecordHistory(inherit=True)

    is_ordered_child = True  # read by ``core.registry.child_relations``

    class Meta(VersionedModel.Meta):
        abstract = True
        ordering = ["order", "pk"]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._bump_parent()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._bump_parent()
        return result

    def _bump_parent(self) -> None:
        from .registry import parent_of

        found = parent_of(type(self))
        if found is None:
            return
        _record_type, fk_name = found
        field = self._meta.get_field(fk_name)
        if field.is_cached(self):
            parent = getattr(self, fk_name)
            if parent is not None and parent.pk is not None:
                parent.bump_version()
            return
        parent_pk = getattr(self, field.attname)
        if parent_pk is not None:
            parent_model = field.related_model
            parent_model._base_manager.filter(pk=parent_pk).update(**_bump_values(parent_model))


class TopicCount(models.Model):
    """How many records of one type carry one topic and are marked published
    (due or scheduled): derived from the taggings by ``core.topics``, which
    keeps it current on every save and rebuilds it after bulk writes. The
    topic list reads it and subtracts the few records scheduled for later."""

    tag = models.ForeignKey(
        "taggit.Tag", on_delete=models.CASCADE, related_name="topic_counts", verbose_name=_("tag")
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("record type"),
    )
    records = models.PositiveIntegerField(_("records"))

    class Meta:
        verbose_name = _("topic count")
        constraints = [
            models.UniqueConstraint(fields=["tag", "content_type"], name="topiccount_tag_type")
        ]

    def __str__(self):
        return f"{self.tag_id}/{self.content_type_id}: {self.records}"
