"""Abstract building blocks shared by every content app.

* ``TimeStampedModel`` – ``created``/``updated`` timestamps.
* ``PublishableQuerySet`` – the single place that decides what readers see.
* ``ContentModel`` – name, unique slug, summary, publication status, review
  date, tags and revision history: the common shape of every record type.
* ``OrderedChild`` – child rows (duties, FAQ entries, steps…) kept in order.
* ``SearchEntry`` – the site-wide search index (see ``core.search``).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager


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

    def get_m2m_fields_from_model(self, model):
        return [f for f in model._meta.local_many_to_many if isinstance(f, models.ManyToManyField)]

    def get_meta_options_m2m(self, through_model):
        # Link snapshots are read through their version, never edited: no admin
        # permissions (whose names, "Can change HistoricalResearchAgenda_key_
        # organizations", would also not fit auth's original 50 characters).
        return {**super().get_meta_options_m2m(through_model), "default_permissions": ()}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    """Publication rules. Every reader-facing path calls ``published()``."""

    def published(self):
        return self.filter(status=Status.PUBLISHED, publish_at__lte=timezone.now())

    def visible_to(self, user):
        """Staff may preview drafts; everyone else sees published records only."""
        if user is not None and user.is_active and user.is_staff:
            return self.all()
        return self.published()


class ContentModel(TimeStampedModel):
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

    class Meta:
        abstract = True
        ordering = ["name"]
        # The publication rule (``published()``) as one covering index: listing
        # totals, facet counts and the "IN (published records)" semi-joins read
        # it with an index-only scan instead of the table with all its text.
        # Subclasses that declare their own indexes add ``*ContentModel.Meta.indexes``.
        indexes = [
            models.Index(fields=["status", "publish_at", "id"], name="%(class)s_published"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def type_label(self) -> str:
        return str(self._meta.verbose_name)


class OrderedChild(models.Model):
    """A child row shown in editor-chosen order (duties, FAQ entries, steps…)."""

    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    history = RecordHistory(inherit=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class SearchEntryQuerySet(PublishableQuerySet):
    """Rows of the site-wide search index.

    ``published()`` is ``PublishableQuerySet.published`` itself, applied to the
    entry's copy of its record's ``status`` and ``publish_at``. The copy is written
    on every save (``core.signals``) and, on PostgreSQL, by database triggers on
    each record table (migration ``0004``), so ``QuerySet.update()`` — the admin's
    publish/unpublish actions — and raw SQL keep it exact too. Other databases
    (SQLite in development) have no triggers, so there each record's own
    ``objects.published()`` is checked as well: drafts never leak either way.
    """

    def published(self):
        entries = super().published()
        if connections[self.db].vendor == "postgresql":
            return entries
        from .search import RECORD_TYPES

        condition = Q(pk__in=[])
        for record_type in RECORD_TYPES.values():
            condition |= Q(
                record_type=record_type.slug,
                object_id__in=record_type.model.objects.published().values("pk"),
            )
        return entries.filter(condition)


class SearchEntry(models.Model):
    """One record's searchable text, denormalized so one query searches every type.

    Written by ``core.search.index_record`` from ``post_save``/``post_delete``
    signals and by ``manage.py rebuild_search_index``. On PostgreSQL
    ``search_vector`` holds the weighted ``tsvector`` (title A, summary B, body C)
    behind a GIN index, and ``title`` has a ``pg_trgm`` GIN index for typo
    tolerance; both indexes are created by migration on PostgreSQL only.
    """

    # Indexed by the unique (record_type, object_id) constraint.
    record_type = models.CharField(_("record type"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("record id"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("URL"), max_length=500)
    # Copied from the record (see SearchEntryQuerySet): what published() filters on.
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), default=timezone.now)
    search_vector = SearchVectorField(null=True, editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "object_id"], name="searchentry_unique_record"
            ),
        ]

    def __str__(self):
        return f"{self.record_type}: {self.title}"


class MarkdownLinkQuerySet(models.QuerySet):
    def to_record(self, record_type: str, slug: str):
        """Links that point at the record of ``record_type`` with ``slug``."""
        return self.filter(target_type=record_type, target_slug=slug)


class MarkdownLink(models.Model):
    """A record link written in a record's Markdown, kept so "What links here" is a lookup.

    One row per (source record, target record) pair, whichever of the source's
    Markdown fields or child rows (FAQ answers, guide step bodies) holds the
    link and however often: ``[MATS](program:mats)``, ``<org:redwood>`` or a
    site-relative ``/programs/mats/``. Targets are kept by record type and slug,
    exactly as written, so a link to a record that does not exist yet starts
    counting the moment it is created. Written by ``core.backlinks.index_links``
    from the same save/delete signals as the search index, and by
    ``manage.py rebuild_search_index``.
    """

    # Record type slugs of core.api.registry.RECORD_TYPES ("program", "failure-mode"…).
    source_type = models.CharField(_("source type"), max_length=20)
    source_id = models.PositiveBigIntegerField(_("source id"))
    target_type = models.CharField(_("target type"), max_length=20)
    target_slug = models.CharField(_("target slug"), max_length=200)

    objects = MarkdownLinkQuerySet.as_manager()

    class Meta:
        ordering = ["source_type", "source_id", "target_type", "target_slug"]
        verbose_name = _("Markdown link")
        verbose_name_plural = _("Markdown links")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "target_type", "target_slug"],
                name="markdownlink_unique_link",
            ),
        ]
        indexes = [
            # backlinks: every source record of one type linking to one target.
            models.Index(
                fields=["target_type", "target_slug", "source_type", "source_id"],
                name="markdownlink_target_idx",
            ),
        ]

    def __str__(self):
        return f"{self.source_type} {self.source_id} → {self.target_type}:{self.target_slug}"


class LinkCheckReport(models.Model):
    """The result of one ``manage.py check_links`` run (the admin shows the latest).

    ``problems`` is a list of ``{"kind", "record_type", "record", "record_id",
    "admin_url", "field", "link", "message"}`` dicts; ``references`` is the
    snapshot of guide-step links (``{step_id: [[model label, pk, slug], …]}``)
    the next run compares against to spot records deleted in between.
    """

    created = models.DateTimeField(_("checked at"), auto_now_add=True, db_index=True)
    records_checked = models.PositiveIntegerField(_("records checked"), default=0)
    links_checked = models.PositiveIntegerField(_("links checked"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    references = models.JSONField(_("guide step references"), default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        get_latest_by = "created"
        verbose_name = _("link check report")
        verbose_name_plural = _("link check reports")

    def __str__(self):
        return f"Link check {self.created:%Y-%m-%d %H:%M} ({len(self.problems)} problems)"

    @property
    def problem_count(self) -> int:
        return len(self.problems)
