"""The Markdown link table behind "What links here" (see ``links.backlinks``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    counting the moment it is created. Written by ``links.backlinks.index_links``
    from the same save/delete signals as the search index, and by
    ``manage.py rebuild_search_index``.
    """

    # Record type slugs (core.registry: "program", "failure-mode"…).
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
