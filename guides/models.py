from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import MarkdownField
from core.indexes import NullsOrderedIndex
from core.models import ContentModel, OrderedChild
from core.registry import Children
from core.validation import Requirements, validate_record

PAPER_YEAR_MIN = 1900
PAPER_YEAR_MAX = 2100


class Level(models.TextChoices):
    INTRODUCTORY = "introductory", _("Introductory")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class ResearchAgenda(ContentModel):
    """A research direction: what it tries to do and the bet it makes."""

    goal = models.TextField(_("goal"), blank=True)
    key_bet = models.TextField(
        _("key bet"), blank=True, help_text=_("The assumption the agenda stakes its work on.")
    )
    if_you_believe = models.TextField(
        _("if you believe…"),
        blank=True,
        help_text=_("Completes “Work on this if you believe…”."),
    )
    key_insight = MarkdownField(_("key insight"), blank=True)
    description = MarkdownField(_("description"), blank=True)
    open_questions = MarkdownField(_("open questions"), blank=True)
    how_to_contribute = MarkdownField(_("how to contribute"), blank=True)
    background_fit = MarkdownField(
        _("background fit"),
        blank=True,
        help_text=_("Markdown. Which backgrounds suit this agenda."),
    )
    key_organizations = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("key organizations"),
        related_name="agendas",
        blank=True,
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Position in listings and in the comparison table.")
    )

    search_fields = (
        "goal",
        "key_bet",
        "if_you_believe",
        "key_insight",
        "description",
        "open_questions",
        "how_to_contribute",
        "background_fit",
        Children("approaches", "name", "description"),
    )
    publish_requirements = Requirements(fields=("summary", "goal"))

    class Meta(ContentModel.Meta):
        ordering = ["order", "name"]
        verbose_name = _("research agenda")
        verbose_name_plural = _("research agendas")

    def clean(self):
        super().clean()
        validate_record(self)

    def get_absolute_url(self):
        return reverse("guides:agenda_detail", kwargs={"slug": self.slug})


class AgendaApproach(OrderedChild):
    agenda = models.ForeignKey(
        ResearchAgenda,
        on_delete=models.CASCADE,
        related_name="approaches",
        verbose_name=_("agenda"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta(OrderedChild.Meta):
        verbose_name = _("approach")
        verbose_name_plural = _("approaches")

    def __str__(self):
        return self.name


class Paper(ContentModel):
    """A paper, book, post or report on the reading lists."""

    class Kind(models.TextChoices):
        PAPER = "paper", _("Paper")
        BOOK = "book", _("Book")
        POST = "post", _("Post")
        REPORT = "report", _("Report")

    name = models.CharField(_("title"), max_length=300)
    authors = models.CharField(_("authors"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        db_index=True,
        validators=[MinValueValidator(PAPER_YEAR_MIN), MaxValueValidator(PAPER_YEAR_MAX)],
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.PAPER, db_index=True
    )
    level = models.CharField(
        _("level"), max_length=15, choices=Level.choices, default=Level.INTERMEDIATE
    )
    venue = models.CharField(_("venue or publisher"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    reading_minutes = models.PositiveIntegerField(
        _("reading time (minutes)"), null=True, blank=True
    )
    description = MarkdownField(_("description"), blank=True)
    organizations = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("organizations"),
        related_name="papers",
        blank=True,
    )
    agendas = models.ManyToManyField(
        ResearchAgenda, verbose_name=_("research agendas"), related_name="papers", blank=True
    )

    search_fields = ("authors", "venue", "description")
    publish_requirements = Requirements(fields=("summary", "authors"))

    class Meta(ContentModel.Meta):
        ordering = ["-year", "name"]
        verbose_name = _("paper or book")
        verbose_name_plural = _("papers and books")
        indexes = [
            *ContentModel.Meta.indexes,
            # The listing's order (newest first, undated last, then title and id).
            NullsOrderedIndex(
                F("year").desc(nulls_last=True), "name", "id", name="paper_listing_order_idx"
            ),
            # The year and kind facets count published papers by these columns:
            # an index-only scan instead of reading every paper's text.
            models.Index(
                fields=["status", "publish_at", "year", "kind", "id"],
                name="paper_published_facets_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True)
                | Q(year__gte=PAPER_YEAR_MIN, year__lte=PAPER_YEAR_MAX),
                name="paper_year_in_range",
            ),
        ]

    def clean(self):
        super().clean()
        validate_record(self)

    def get_absolute_url(self):
        return reverse("guides:paper_detail", kwargs={"slug": self.slug})

    # What ``type_label`` reads: loaded with the record wherever a list shows it.
    label_fields = ("kind",)

    @property
    def type_label(self) -> str:
        return self.get_kind_display()


class FailureMode(ContentModel):
    """A way advanced AI could go wrong: goal misgeneralization, power-seeking…"""

    body = MarkdownField(_("body"), blank=True)
    why_it_matters = MarkdownField(_("why it matters"), blank=True)
    agendas = models.ManyToManyField(
        ResearchAgenda,
        verbose_name=_("research agendas"),
        related_name="failure_modes",
        blank=True,
    )
    papers = models.ManyToManyField(
        Paper, verbose_name=_("papers"), related_name="failure_modes", blank=True
    )

    search_fields = ("body", "why_it_matters")
    publish_requirements = Requirements(fields=("summary", "body"))

    class Meta(ContentModel.Meta):
        verbose_name = _("failure mode")
        verbose_name_plural = _("failure modes")

    def clean(self):
        super().clean()
        validate_record(self)

    def get_absolute_url(self):
        return reverse("guides:failuremode_detail", kwargs={"slug": self.slug})


class Guide(ContentModel):
    """A reading path: ordered steps, each with a time estimate."""

    name = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    intro = MarkdownField(_("introduction"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    search_fields = ("audience", "intro", Children("steps", "section", "title", "body"))
    publish_requirements = Requirements(
        fields=("summary",),
        children=(("steps", _("A published guide needs at least one step.")),),
    )

    class Meta(ContentModel.Meta):
        ordering = ["order", "name"]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def clean(self):
        super().clean()
        validate_record(self)

    def get_absolute_url(self):
        return reverse("guides:guide_detail", kwargs={"slug": self.slug})

    @property
    def total_minutes(self) -> int:
        """Sum of the steps' estimates (uses prefetched steps when present)."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "steps" in cache:
            return sum(step.minutes for step in cache["steps"])
        return self.steps.aggregate(total=Sum("minutes"))["total"] or 0


class GuideStep(OrderedChild):
    """One step on a reading path, linking to the records it asks you to read."""

    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="steps", verbose_name=_("guide")
    )
    section = models.CharField(
        _("section"), max_length=200, blank=True, help_text=_("Groups steps under a heading.")
    )
    title = models.CharField(_("title"), max_length=200)
    minutes = models.PositiveIntegerField(
        _("time (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    body = MarkdownField(_("body"), blank=True)
    roles = models.ManyToManyField(
        "careers.Role", verbose_name=_("roles"), related_name="guide_steps", blank=True
    )
    programs = models.ManyToManyField(
        "careers.Program", verbose_name=_("programs"), related_name="guide_steps", blank=True
    )
    organizations = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("organizations"),
        related_name="guide_steps",
        blank=True,
    )
    agendas = models.ManyToManyField(
        ResearchAgenda, verbose_name=_("research agendas"), related_name="guide_steps", blank=True
    )
    papers = models.ManyToManyField(
        Paper, verbose_name=_("papers"), related_name="guide_steps", blank=True
    )
    failure_modes = models.ManyToManyField(
        FailureMode, verbose_name=_("failure modes"), related_name="guide_steps", blank=True
    )

    class Meta(OrderedChild.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1), name="guidestep_minutes_positive"),
        ]

    def __str__(self):
        return self.title

    LINK_FIELDS = ("agendas", "failure_modes", "papers", "organizations", "programs", "roles")
