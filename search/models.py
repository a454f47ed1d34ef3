"""The site-wide search index: one denormalized row per record (see ``search.indexing``)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import registry
from core.models import PublishableQuerySet, Status


class SearchEntryQuerySet(PublishableQuerySet):
    """Rows of the site-wide search index.

    ``published()`` is ``PublishableQuerySet.published`` itself, applied to the
    entry's copy of its record's ``status`` and ``publish_at``. The copy is written
    on every save (``search.signals``) and, on PostgreSQL, by database triggers on
    each record table (``search.triggers``), so ``QuerySet.update()`` — the admin's
    publish/unpublish actions — and raw SQL keep it exact too. Other databases
    (SQLite in development) have no triggers, so there each record's own
    ``objects.published()`` is checked as well: drafts never leak either way.
    """

    def published(self):
        entries = super().published()
        if connections[self.db].vendor == "postgresql":
            return entries
        condition = Q(pk__in=[])
        for record_type in registry.record_types():
            condition |= Q(
                record_type=record_type.slug,
                object_id__in=record_type.model.objects.published().values("pk"),
            )
        return entries.filter(condition)


class SearchEntry(models.Model):
    """One record's searchable text, denormalized so one query searches every type.

    Written by ``search.indexing.index_record`` from ``post_save``/``post_delete``
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
