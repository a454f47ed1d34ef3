"""Abstract building blocks shared by every content app.

* ``TimeStampedModel`` – ``created``/``updated`` timestamps.
* ``PublishableQuerySet`` – the single place that decides what readers see.
* ``ContentModel`` – name, unique slug, summary, publication status, review
  date, tags and revision history: the common shape of every record type.
* ``OrderedChild`` – child rows (duties, FAQ entries, steps…) kept in order.

What a record type declares about itself lives on its model: ``search_fields``
(its search document, see ``core.registry``), ``publish_requirements`` (see
``core.validation``) and its Markdown fields (``core.fields.MarkdownField``).
The record type itself is registered in its app's ``AppConfig.ready()``.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

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

    def get_m2m_fields_from_model(self, model):
        return [f for f in model._meta.local_many_to_many if isinstance(f, models.ManyToManyField)]

    def get_meta_options_m2m(self, through_model):
        # Link snapshots are read through their version, never edited: no admin
        # permissions (whose names, "Can change HistoricalResearchAgenda_key_
        # organizations", would also not fit auth's original 50 characters).
        return {**super().get_meta_options_m2m(through_model), "default_permissions": ()}


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
