"""What the decision page reads besides the content records.

Two small editor-managed lists, both tuned in the admin:

* ``ReaderStage`` — how far along a reader is (just exploring, seriously
  considering, ready to commit, still uncertain), each with its next steps as
  an ordered reading path of existing guide steps;
* ``Timeline`` — short, medium or long timelines, each naming the crux
  positions that assume it (and so, through what those positions point to,
  the agendas and organization types it favours).

Nothing here names a particular record: the scoring (``pathfinder.scoring``)
reads these links and the content apps' own (background fits, agenda bets,
failure-mode links, crux positions).
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class ReaderStage(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("One sentence the reader sees under the stage on the decision page."),
    )
    advice = models.TextField(
        _("advice"),
        blank=True,
        help_text=_("Plain text shown above the reading path, e.g. the seed's “That's fine.”"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("reader stage")
        verbose_name_plural = _("reader stages")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("pathfinder:plan") + f"?stage={self.slug}"


class ReaderStageStep(models.Model):
    """One guide step on a stage's reading path, in the editors' order."""

    stage = models.ForeignKey(
        ReaderStage, on_delete=models.CASCADE, related_name="steps", verbose_name=_("stage")
    )
    guide_step = models.ForeignKey(
        "guides.GuideStep",
        on_delete=models.CASCADE,
        related_name="reader_stage_steps",
        verbose_name=_("guide step"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("step on the reading path")
        verbose_name_plural = _("steps on the reading path")
        constraints = [
            models.UniqueConstraint(fields=["stage", "guide_step"], name="readerstagestep_unique"),
        ]

    def __str__(self):
        return str(self.guide_step)


class Timeline(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("The span it stands for, e.g. “5–10 years”."),
    )
    positions = models.ManyToManyField(
        "guides.CruxPosition",
        verbose_name=_("crux positions that assume it"),
        related_name="timelines",
        blank=True,
        help_text=_(
            "Readers who choose this timeline are pointed where these positions point "
            "(their agendas and organization types)."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("timeline")
        verbose_name_plural = _("timelines")

    def __str__(self):
        return self.name
