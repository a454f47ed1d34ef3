from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from core.fields import MarkdownField
from core.indexes import NullsOrderedIndex
from core.models import ContentModel, OrderedChild, TimeStampedModel
from core.registry import Children
from core.reversing import slug_url, view_url
from core.validation import Requirements, validate_record

PAPER_YEAR_MIN = 1900
PAPER_YEAR_MAX = 2100


class Level(models.TextChoices):
    INTRODUCTORY = "introductory", _("Introductory")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class AlignmentProblem(TimeStampedModel):
    """One of the "orthodox" hard problems of alignment (an editor-managed list).

    Agendas say which of them they could help with; the comparison page and the
    decision pages read the links, not prose.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("One or two sentences readers see.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("alignment problem")
        verbose_name_plural = _("alignment problems")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return view_url("guides:agenda_list") + f"?problem={self.slug}"


class ResearchAgenda(ContentModel):
    """A research direction: what it tries to do and the bet it makes."""

    class TargetCase(models.TextChoices):
        AVERAGE = "average", _("Average case")
        PESSIMISTIC = "pessimistic", _("Pessimistic case")
        WORST = "worst", _("Worst case")

    class Approach(models.TextChoices):
        ENGINEERING = "engineering", _("Engineering")
        BEHAVIOURIST = "behaviourist", _("Behaviourist science")
        COGNITIVIST = "cognitivist", _("Cognitivist science")

    class ResearchStatus(models.TextChoices):
        EMERGING = "emerging", _("Emerging")
        ACTIVE = "active", _("Active")
        MATURE = "mature", _("Mature")
        DECLINING = "declining", _("Declining")
        ARCHIVED = "archived", _("Archived")

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
    # -- what the field's reviews record per agenda --------------------------
    theory_of_change = MarkdownField(
        _("theory of change"),
        blank=True,
        help_text=_("Markdown. How success on this agenda would make AI go well."),
    )
    target_case = models.CharField(
        _("target case"),
        max_length=12,
        choices=TargetCase.choices,
        blank=True,
        db_index=True,
        help_text=_("Which case the agenda aims to make safe. Leave empty when not known."),
    )
    problems = models.ManyToManyField(
        AlignmentProblem,
        verbose_name=_("alignment problems it could help with"),
        related_name="agendas",
        blank=True,
        help_text=_("From the editor-managed list of “orthodox” alignment problems."),
    )
    broad_approach = models.CharField(
        _("broad approach"),
        max_length=12,
        choices=Approach.choices,
        blank=True,
        db_index=True,
        help_text=_("Engineering, behaviourist science or cognitivist science."),
    )
    fte_min = models.PositiveIntegerField(
        _("full-time researchers (from)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100_000)],
        help_text=_("Lower end of the estimate. Leave empty when no estimate is known."),
    )
    fte_max = models.PositiveIntegerField(
        _("full-time researchers (to)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100_000)],
        help_text=_("Upper end of the estimate; the same as “from” for a single figure."),
    )
    fte_estimated_on = models.DateField(
        _("estimate dated"),
        null=True,
        blank=True,
        help_text=_("When the researcher estimate was made."),
    )
    funders = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("funders"),
        related_name="funded_agendas",
        blank=True,
        help_text=_("Organizations known to fund work on this agenda."),
    )
    critiques = models.ManyToManyField(
        "guides.Paper",
        verbose_name=_("critiques"),
        related_name="critiqued_agendas",
        blank=True,
        help_text=_("Papers or posts arguing against the agenda or its bet."),
    )
    research_status = models.CharField(
        _("research status"),
        max_length=10,
        choices=ResearchStatus.choices,
        blank=True,
        db_index=True,
        help_text=_(
            "Emerging, active, mature, declining or archived. Leave empty when not known. "
            "(Not the publication status.)"
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agenda"),
        on_delete=models.PROTECT,
        related_name="sub_agendas",
        null=True,
        blank=True,
        help_text=_("The broader agenda this one is part of."),
    )
    renamed_from = models.CharField(
        _("renamed from"),
        max_length=200,
        blank=True,
        help_text=_(
            "A former name readers may know it by. Change the slug when renaming: the old "
            "address then redirects here."
        ),
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        on_delete=models.PROTECT,
        related_name="supersedes",
        null=True,
        blank=True,
        help_text=_("The agenda that took this one's place (usually with status “archived”)."),
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
        "theory_of_change",
        "renamed_from",
        Children("approaches", "name", "description"),
        Children("quick_projects", "title", "description"),
    )
    publish_requirements = Requirements(fields=("summary", "goal"))

    class Meta(ContentModel.Meta):
        ordering = ["order", "name"]
        verbose_name = _("research agenda")
        verbose_name_plural = _("research agendas")
        constraints = [
            models.CheckConstraint(
                condition=Q(fte_min__isnull=True)
                | Q(fte_max__isnull=True)
                | Q(fte_min__lte=F("fte_max")),
                name="agenda_fte_min_lte_max",
                violation_error_message=_("The lowest researcher estimate is above the highest."),
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="agenda_not_own_parent"),
            models.CheckConstraint(
                condition=~Q(superseded_by=F("pk")), name="agenda_not_superseded_by_itself"
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.fte_min is not None and self.fte_max is not None and self.fte_min > self.fte_max:
            errors["fte_max"] = _(
                "The highest estimate (%(max)s) is below the lowest (%(min)s)."
            ) % {"max": self.fte_max, "min": self.fte_min}
        errors.update(self.lineage_errors())
        validate_record(self, errors)

    # -- lineage ---------------------------------------------------------------

    def _chain(self, field_name: str, start_id):
        """Ids met following ``field_name`` from ``start_id`` (stops at a repeat)."""
        seen = []
        current = start_id
        while current is not None and current not in seen and len(seen) < 100:
            seen.append(current)
            current = (
                type(self)
                ._base_manager.filter(pk=current)
                .values_list(f"{field_name}_id", flat=True)
                .first()
            )
        return seen

    def _descendant_ids(self) -> set:
        """Every agenda below this one (sub-agendas, their sub-agendas…)."""
        found: set = set()
        frontier = {self.pk}
        while frontier and len(found) < 10_000:
            children = (
                set(
                    type(self)
                    ._base_manager.filter(parent_id__in=frontier)
                    .values_list("pk", flat=True)
                )
                - found
            )
            found |= children
            frontier = children
        return found

    def lineage_errors(self) -> dict:
        """Form errors for a parent or successor that would make a loop."""
        errors = {}
        pk = self.pk
        if self.parent_id is not None:
            if pk is not None and self.parent_id == pk:
                errors["parent"] = _("An agenda cannot be its own parent.")
            elif pk is not None and pk in self._chain("parent", self.parent_id):
                errors["parent"] = _(
                    "That agenda is below this one; choosing it as the parent would make a loop."
                )
        if self.superseded_by_id is not None:
            if pk is not None and self.superseded_by_id == pk:
                errors["superseded_by"] = _("An agenda cannot be superseded by itself.")
            elif pk is not None and (
                self.superseded_by_id in self._descendant_ids()
                or pk in self._chain("superseded_by", self.superseded_by_id)
            ):
                errors["superseded_by"] = _(
                    "That agenda descends from this one or is already replaced by it; "
                    "choosing it would make a loop."
                )
        return errors

    def get_absolute_url(self):
        return slug_url("guides:agenda_detail", self.slug)

    @property
    def has_fte_estimate(self) -> bool:
        return self.fte_min is not None or self.fte_max is not None

    @property
    def fte_label(self) -> str:
        """ "10–30", "about 40" or "" (not known)."""
        low, high = self.fte_min, self.fte_max
        if low is None and high is None:
            return ""
        if low is None or high is None or low == high:
            return str(low if high is None else high)
        return f"{low}–{high}"


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


class AgendaQuickProject(OrderedChild):
    """A small project (1–4 weeks) that tests one's fit for the agenda."""

    agenda = models.ForeignKey(
        ResearchAgenda,
        on_delete=models.CASCADE,
        related_name="quick_projects",
        verbose_name=_("agenda"),
    )
    title = models.CharField(_("project"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weeks_min = models.PositiveSmallIntegerField(
        _("weeks (from)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("Time estimate in weeks; leave empty when not known."),
    )
    weeks_max = models.PositiveSmallIntegerField(
        _("weeks (to)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )

    class Meta(OrderedChild.Meta):
        verbose_name = _("quick project")
        verbose_name_plural = _("quick projects (1–4 weeks)")
        constraints = [
            models.CheckConstraint(
                condition=Q(weeks_min__isnull=True)
                | Q(weeks_max__isnull=True)
                | Q(weeks_min__lte=F("weeks_max")),
                name="agendaquickproject_weeks_min_lte_max",
                violation_error_message=_("The shortest estimate is above the longest."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if (
            self.weeks_min is not None
            and self.weeks_max is not None
            and self.weeks_min > self.weeks_max
        ):
            raise ValidationError({"weeks_max": _("The longest estimate is below the shortest.")})

    @property
    def weeks_label(self) -> str:
        low, high = self.weeks_min, self.weeks_max
        if low is None and high is None:
            return ""
        if low is None or high is None or low == high:
            n = low if high is None else high
            return f"{n} week" + ("" if n == 1 else "s")
        return f"{low}–{high} weeks"


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
    # The order papers are listed in everywhere: newest first, undated last (a
    # plain "-year" puts them first on PostgreSQL, last on SQLite), then title.
    LISTING_ORDER = (F("year").desc(nulls_last=True), "name")
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
        return slug_url("guides:paper_detail", self.slug)

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
        return slug_url("guides:failuremode_detail", self.slug)


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
        return slug_url("guides:guide_detail", self.slug)

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


class Crux(ContentModel):
    """A question a researcher weighs before choosing a direction, with its positions.

    Each position (``CruxPosition``) carries the arguments or evidence for it and
    what it points to: agendas, kinds of organization and next steps.
    """

    name = models.CharField(
        _("question"), max_length=300, help_text=_("The question, as a reader would ask it.")
    )
    description = MarkdownField(
        _("why it matters"),
        blank=True,
        help_text=_("Markdown. Why the question matters for choosing what to work on."),
    )
    consider = MarkdownField(
        _("how to weigh it"),
        blank=True,
        help_text=_("Markdown. Advice on weighing the positions (“Consider: …”)."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Position in the list of cruxes.")
    )

    search_fields = (
        "description",
        "consider",
        Children("positions", "stance", "arguments", "next_steps"),
    )
    publish_requirements = Requirements(
        fields=("summary",),
        children=(("positions", _("A published crux needs its positions.")),),
    )

    class Meta(ContentModel.Meta):
        ordering = ["order", "name"]
        verbose_name = _("crux")
        verbose_name_plural = _("cruxes")

    def clean(self):
        super().clean()
        validate_record(self)

    def get_absolute_url(self):
        return slug_url("guides:crux_detail", self.slug)


class CruxPosition(OrderedChild):
    """One side of a crux: the arguments for it and where it points."""

    crux = models.ForeignKey(
        Crux, on_delete=models.CASCADE, related_name="positions", verbose_name=_("crux")
    )
    stance = models.CharField(
        _("position"),
        max_length=300,
        help_text=_("The position in a few words, e.g. “For joining labs”."),
    )
    arguments = MarkdownField(
        _("arguments and evidence"),
        blank=True,
        help_text=_("Markdown list: the arguments or evidence for this position."),
    )
    next_steps = MarkdownField(
        _("what it points to"),
        blank=True,
        help_text=_("Markdown. What a reader who holds this position might do next."),
    )
    agendas = models.ManyToManyField(
        ResearchAgenda,
        verbose_name=_("agendas it points to"),
        related_name="crux_positions",
        blank=True,
    )
    organization_types = models.ManyToManyField(
        "organizations.OrganizationType",
        verbose_name=_("organization types it points to"),
        related_name="crux_positions",
        blank=True,
    )

    class Meta(OrderedChild.Meta):
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return self.stance
