"""Abstract building blocks shared by every content app.

* ``TimeStampedModel`` – ``created``/``updated`` timestamps.
* ``PublishableQuerySet`` – the single place that decides what readers see.
* ``ContentModel`` – name, unique slug, summary, publication status, review
  date, tags and revision history: the common shape of every record type.
* ``OrderedChild`` – child rows (duties, FAQ entries, steps…) kept in order.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


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
    history = HistoricalRecords(inherit=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

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

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]
