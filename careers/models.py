import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import MarkdownField
from core.indexes import NullsOrderedIndex
from core.models import ContentModel, OrderedChild, PublishableQuerySet, TimeStampedModel
from core.registry import Children, Related
from core.reversing import slug_url, view_url
from core.validation import Requirements, validate_record


class RoleCategory(TimeStampedModel):
    """A career family, e.g. “Artificial Intelligence”."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("role category")
        verbose_name_plural = _("role categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return view_url("careers:role_list") + f"?category={self.slug}"


class CareerStage(TimeStampedModel):
    """A career stage a program accepts: student, early-career, mid-career, senior."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.CharField(
        _("description"), max_length=300, blank=True, help_text=_("Who counts as this stage.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("career stage")
        verbose_name_plural = _("career stages")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return view_url("careers:program_list") + f"?stage={self.slug}"


class Role(ContentModel):
    """A career profile: what the job is, what it pays and how to get there."""

    name = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(
        RoleCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="roles",
    )
    overview = MarkdownField(_("overview"), blank=True)
    # The "role at a glance" panel.
    typical_education = models.TextField(_("typical education"), blank=True)
    typical_experience = models.TextField(_("typical experience"), blank=True)
    key_certifications = models.TextField(_("key certifications"), blank=True)
    top_employer_types = models.TextField(_("top employer types"), blank=True)
    growth_outlook = models.TextField(_("growth outlook"), blank=True)
    ai_impact = models.TextField(_("AI impact (through 2030)"), blank=True)
    employer_types = models.ManyToManyField(
        "organizations.OrganizationType",
        verbose_name=_("employer types"),
        related_name="roles",
        blank=True,
        help_text=_("Kinds of organization that hire for this role (used by the role filter)."),
    )
    salary_min = models.PositiveIntegerField(_("salary from"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("salary to"), null=True, blank=True)
    salary_currency = models.CharField(
        _("salary currency"),
        max_length=3,
        default="USD",
        help_text=_("ISO 4217 code, e.g. USD, GBP, EUR."),
    )
    career_outlook = MarkdownField(_("career outlook"), blank=True)
    cover_letter = MarkdownField(_("sample cover letter"), blank=True)
    related_roles = models.ManyToManyField(
        "self", verbose_name=_("related roles"), symmetrical=True, blank=True
    )
    agendas = models.ManyToManyField(
        "guides.ResearchAgenda",
        verbose_name=_("research agendas"),
        related_name="roles",
        blank=True,
    )
    hiring_organizations = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("organizations hiring"),
        related_name="roles",
        blank=True,
    )
    programs = models.ManyToManyField(
        "careers.Program",
        verbose_name=_("programs that lead in"),
        related_name="roles",
        blank=True,
    )

    search_fields = (
        Related("category"),
        "overview",
        "typical_education",
        "typical_experience",
        "key_certifications",
        "top_employer_types",
        "growth_outlook",
        "ai_impact",
        "career_outlook",
        Children("duties", "text"),
        Children("qualifications", "text"),
        Children("faqs", "question", "answer"),
    )
    publish_requirements = Requirements(
        fields=("summary", "overview"),
        children=(("duties", _("A published role needs at least one duty.")),),
    )

    class Meta(ContentModel.Meta):
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        indexes = [
            *ContentModel.Meta.indexes,
            # The listing's orders (careers.filters.RoleOrdering): title, salary up, salary down.
            models.Index(fields=["name", "id"], name="role_listing_order_idx"),
            models.Index(
                fields=["salary_min", "salary_max", "name", "id"], name="role_salary_asc_idx"
            ),
            NullsOrderedIndex(
                F("salary_max").desc(nulls_last=True),
                F("salary_min").desc(nulls_last=True),
                "name",
                "id",
                name="role_salary_desc_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=F("salary_max")),
                name="role_salary_min_lte_max",
                violation_error_message=_("The lowest salary cannot be above the highest."),
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.salary_min is not None
            and self.salary_max is not None
            and self.salary_min > self.salary_max
        ):
            errors["salary_max"] = _(
                "The highest salary (%(max)s) is below the lowest (%(min)s)."
            ) % {"max": f"{self.salary_max:,}", "min": f"{self.salary_min:,}"}
        currency = self.salary_currency or ""
        if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
            errors["salary_currency"] = _("Use a three-letter ISO 4217 code such as USD.")
        else:
            self.salary_currency = currency.upper()
        validate_record(self, errors)

    def get_absolute_url(self):
        return slug_url("careers:role_detail", self.slug)

    @property
    def has_salary(self) -> bool:
        return self.salary_min is not None or self.salary_max is not None


class RoleDuty(OrderedChild):
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="duties", verbose_name=_("role")
    )
    text = models.TextField(_("duty"))

    class Meta(OrderedChild.Meta):
        verbose_name = _("duty")
        verbose_name_plural = _("duties and responsibilities")

    def __str__(self):
        return self.text[:80]


class Qualification(OrderedChild):
    class Kind(models.TextChoices):
        EDUCATION = "education", _("Education")
        SUBFIELD = "subfield", _("Research subfield experience")
        TECHNICAL = "technical", _("Technical skills")
        SOFT = "soft", _("Soft skills and disposition")
        COMMUNITY = "community", _("Community pathways")

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="qualifications", verbose_name=_("role")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("qualification"))

    class Meta(OrderedChild.Meta):
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")

    def __str__(self):
        return self.text[:80]


class RoleFAQ(OrderedChild):
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="faqs", verbose_name=_("role")
    )
    question = models.CharField(_("question"), max_length=300)
    answer = MarkdownField(_("answer"))

    class Meta(OrderedChild.Meta):
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ")

    def __str__(self):
        return self.question


class ApplicationStatus(models.TextChoices):
    """What readers see about applying: computed from the window, never stored."""

    OPEN = "open", _("Open now")
    OPENING_SOON = "opening-soon", _("Opening soon")
    ROLLING = "rolling", _("Rolling")
    CLOSED = "closed", _("Closed")
    UNKNOWN = "unknown", _("Dates not known")


class ProgramQuerySet(PublishableQuerySet):
    def with_application_status(self, today: datetime.date | None = None):
        """Annotate ``application_state`` (an ``ApplicationStatus`` value) as of ``today``.

        The same rule as ``Program.application_status`` (see there), in SQL, so the
        listing can filter and count by it.
        """
        today = today or timezone.localdate()
        opens, closes = "applications_open", "application_deadline"
        return self.annotate(
            application_state=Case(
                When(
                    Q(**{f"{closes}__lt": today}) & ~Q(cadence=Program.Cadence.ROLLING),
                    then=Value(ApplicationStatus.CLOSED),
                ),
                When(**{f"{opens}__gt": today}, then=Value(ApplicationStatus.OPENING_SOON)),
                When(cadence=Program.Cadence.ROLLING, then=Value(ApplicationStatus.ROLLING)),
                When(
                    Q(**{f"{opens}__isnull": False}) | Q(**{f"{closes}__isnull": False}),
                    then=Value(ApplicationStatus.OPEN),
                ),
                default=Value(ApplicationStatus.UNKNOWN),
                output_field=models.CharField(),
            )
        )

    def by_next_deadline(self, today: datetime.date | None = None):
        """Deadlines still to come first (soonest first), then the rest by name."""
        today = today or timezone.localdate()
        return self.annotate(
            upcoming=Case(
                When(application_deadline__gte=today, then=F("application_deadline")),
                default=Value(None),
                output_field=models.DateField(),
            )
        ).order_by(F("upcoming").asc(nulls_last=True), "name", "pk")


class Program(ContentModel):
    """A training program, fellowship or residency that leads into the field."""

    class Cadence(models.TextChoices):
        ROLLING = "rolling", _("Rolling")
        YEARLY = "yearly", _("Yearly")
        COHORT = "cohort", _("Per cohort")

    class Kind(models.TextChoices):
        TRAINING = "training", _("Research training")
        BOOTCAMP = "bootcamp", _("Engineering bootcamp")
        FELLOWSHIP = "fellowship", _("Fellowship")
        RESIDENCY = "residency", _("Residency")
        CAMP = "camp", _("Research camp")
        COURSE = "course", _("Course")
        COMMUNITY = "community", _("Community")

    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in-person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    class Cost(models.TextChoices):
        FUNDED = "funded", _("Funded (stipend)")
        FREE = "free", _("Free")
        PAID = "paid", _("Paid")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, db_index=True)
    duration = models.CharField(
        _("duration"), max_length=100, blank=True, help_text=_("e.g. “10 weeks”.")
    )
    duration_weeks = models.PositiveSmallIntegerField(
        _("duration (weeks)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(520)],
    )
    cost = models.CharField(_("cost"), max_length=10, choices=Cost.choices, db_index=True)
    cost_notes = models.CharField(_("cost and funding"), max_length=300, blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    description = MarkdownField(_("description"), blank=True)
    organizer = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="programs",
        null=True,
        blank=True,
    )
    agendas = models.ManyToManyField(
        "guides.ResearchAgenda",
        verbose_name=_("research agendas"),
        related_name="programs",
        blank=True,
    )
    website = models.URLField(_("website"), blank=True)
    application_deadline = models.DateField(
        _("applications close"),
        null=True,
        blank=True,
        help_text=_("The application deadline. Leave empty when not known."),
    )
    next_cohort_start = models.DateField(_("next cohort starts"), null=True, blank=True)
    # -- eligibility and the application window ---------------------------------
    career_stages = models.ManyToManyField(
        CareerStage,
        verbose_name=_("career stages accepted"),
        related_name="programs",
        blank=True,
        help_text=_("Leave empty when not known."),
    )
    entry_bar = models.CharField(
        _("entry bar"),
        max_length=300,
        blank=True,
        help_text=_("In one sentence: what an applicant needs to get in."),
    )
    stipend_amount = models.PositiveIntegerField(
        _("stipend amount"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10_000_000)],
        help_text=_("Only when the program says; leave empty when not known."),
    )
    stipend_currency = models.CharField(
        _("stipend currency"),
        max_length=3,
        blank=True,
        help_text=_("ISO 4217 code, e.g. USD, GBP, EUR (required with an amount)."),
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text=_("Expected time commitment. Leave empty when not known."),
    )
    applications_open = models.DateField(
        _("applications open"),
        null=True,
        blank=True,
        help_text=_("First day applications are accepted. Leave empty when not known."),
    )
    cadence = models.CharField(
        _("cadence"),
        max_length=10,
        choices=Cadence.choices,
        blank=True,
        db_index=True,
        help_text=_("How often it takes people: rolling, yearly or per cohort."),
    )

    objects = ProgramQuerySet.as_manager()

    search_fields = (
        "kind",
        Related("organizer"),
        "description",
        "duration",
        "location",
        "cost_notes",
        "entry_bar",
    )
    publish_requirements = Requirements(fields=("summary", "description"))

    class Meta(ContentModel.Meta):
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_weeks__isnull=True) | Q(duration_weeks__gte=1),
                name="program_duration_positive",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__gte=1, hours_per_week__lte=168),
                name="program_hours_per_week_in_range",
                violation_error_message=_("Hours per week must be between 1 and 168."),
            ),
            models.CheckConstraint(
                condition=Q(applications_open__isnull=True)
                | Q(application_deadline__isnull=True)
                | Q(applications_open__lte=F("application_deadline")),
                name="program_window_opens_before_close",
                violation_error_message=_("Applications cannot close before they open."),
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.applications_open
            and self.application_deadline
            and self.application_deadline < self.applications_open
        ):
            errors["application_deadline"] = _(
                "Applications close (%(close)s) before they open (%(open)s)."
            ) % {
                "close": self.application_deadline.isoformat(),
                "open": self.applications_open.isoformat(),
            }
        currency = (self.stipend_currency or "").strip()
        if currency:
            if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
                errors["stipend_currency"] = _("Use a three-letter ISO 4217 code such as USD.")
            else:
                self.stipend_currency = currency.upper()
        elif self.stipend_amount is not None:
            errors["stipend_currency"] = _("Give the currency of the stipend amount.")
        validate_record(self, errors)

    def get_absolute_url(self):
        return slug_url("careers:program_detail", self.slug)

    def application_status_on(self, today: datetime.date) -> str:
        """The ``ApplicationStatus`` on ``today``.

        Closed after the closing day (unless rolling); opening soon before the
        opening day; rolling when the cadence is; open from the opening day
        through the closing day (inclusive) when either is known; otherwise not known.
        """
        opens, closes = self.applications_open, self.application_deadline
        if closes and closes < today and self.cadence != self.Cadence.ROLLING:
            return ApplicationStatus.CLOSED
        if opens and opens > today:
            return ApplicationStatus.OPENING_SOON
        if self.cadence == self.Cadence.ROLLING:
            return ApplicationStatus.ROLLING
        if opens or closes:
            return ApplicationStatus.OPEN
        return ApplicationStatus.UNKNOWN

    @property
    def application_status(self) -> str:
        annotated = getattr(self, "application_state", None)
        if annotated:
            return annotated
        return self.application_status_on(timezone.localdate())

    @property
    def application_status_label(self) -> str:
        return ApplicationStatus(self.application_status).label

    @property
    def is_paid(self) -> bool | None:
        """Whether participants are paid (a stipend): ``None`` when the cost is not known."""
        if not self.cost:
            return None
        return self.cost == self.Cost.FUNDED


class RolePathwayItem(OrderedChild):
    """An editor's choice on a role's "how to get there" path.

    The path is built from the records (programs that lead in, guides and papers
    on the role's agendas, introductory first); a row here changes it for one
    record: *pinned* puts it at the top, in ``order``; otherwise it joins the
    automatic steps at its level (adding it if it would not be there); *hidden*
    leaves it out. Exactly one of program, paper or guide is set.
    """

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="pathway_items", verbose_name=_("role")
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="role_pathway_items",
        null=True,
        blank=True,
    )
    paper = models.ForeignKey(
        "guides.Paper",
        verbose_name=_("paper or book"),
        on_delete=models.CASCADE,
        related_name="role_pathway_items",
        null=True,
        blank=True,
    )
    guide = models.ForeignKey(
        "guides.Guide",
        verbose_name=_("guide"),
        on_delete=models.CASCADE,
        related_name="role_pathway_items",
        null=True,
        blank=True,
    )
    pinned = models.BooleanField(
        _("pinned"),
        default=True,
        help_text=_(
            "Pinned items come first on the path, in this order. Unpinned items join the "
            "automatic steps at their level."
        ),
    )
    hidden = models.BooleanField(
        _("hidden"),
        default=False,
        help_text=_(
            "Leave this record out of the path, even when it would be added automatically."
        ),
    )
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("Why this step; shown under it.")
    )

    class Meta(OrderedChild.Meta):
        verbose_name = _("“how to get there” item")
        verbose_name_plural = _("“how to get there”: pinned, added or hidden items")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(program__isnull=False, paper__isnull=True, guide__isnull=True)
                    | Q(program__isnull=True, paper__isnull=False, guide__isnull=True)
                    | Q(program__isnull=True, paper__isnull=True, guide__isnull=False)
                ),
                name="rolepathwayitem_exactly_one_record",
                violation_error_message=_("Choose exactly one program, paper or guide."),
            ),
            models.CheckConstraint(
                condition=~Q(pinned=True, hidden=True),
                name="rolepathwayitem_not_pinned_and_hidden",
                violation_error_message=_("An item cannot be both pinned and hidden."),
            ),
            models.UniqueConstraint(
                fields=["role", "program"], name="rolepathwayitem_unique_program"
            ),
            models.UniqueConstraint(fields=["role", "paper"], name="rolepathwayitem_unique_paper"),
            models.UniqueConstraint(fields=["role", "guide"], name="rolepathwayitem_unique_guide"),
        ]

    def __str__(self):
        record = self.record
        return str(record) if record else str(_("(empty)"))

    @property
    def record(self):
        return self.program or self.paper or self.guide


class Background(ContentModel):
    """A background a reader brings (deep-learning engineering, theory and mathematics…).

    Its contributions are ordered child rows; its fit with agendas, roles and
    programs are child rows too, each with the one-line reason readers see.
    """

    description = MarkdownField(
        _("description"),
        blank=True,
        help_text=_("Markdown. Who has this background and what it brings."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Position in the list of backgrounds.")
    )

    search_fields = (
        "description",
        Children("contributions", "text"),
        Children("agenda_fits", "reason"),
        Children("role_fits", "reason"),
        Children("program_fits", "reason"),
    )
    publish_requirements = Requirements(
        fields=("summary",),
        children=(("contributions", _("A published background needs at least one contribution.")),),
    )

    class Meta(ContentModel.Meta):
        ordering = ["order", "name"]
        verbose_name = _("background")
        verbose_name_plural = _("backgrounds")

    def clean(self):
        super().clean()
        validate_record(self)

    def get_absolute_url(self):
        return slug_url("careers:background_detail", self.slug)


class BackgroundContribution(OrderedChild):
    """What someone with the background can contribute (one line)."""

    background = models.ForeignKey(
        Background,
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("background"),
    )
    text = models.CharField(_("contribution"), max_length=300)

    class Meta(OrderedChild.Meta):
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self):
        return self.text


REASON_HELP = _("One line readers see: why this background fits.")


class BackgroundAgendaFit(OrderedChild):
    background = models.ForeignKey(
        Background,
        on_delete=models.CASCADE,
        related_name="agenda_fits",
        verbose_name=_("background"),
    )
    agenda = models.ForeignKey(
        "guides.ResearchAgenda",
        on_delete=models.CASCADE,
        related_name="background_fits",
        verbose_name=_("research agenda"),
    )
    reason = models.CharField(_("reason"), max_length=300, help_text=REASON_HELP)

    class Meta(OrderedChild.Meta):
        verbose_name = _("agenda it fits")
        verbose_name_plural = _("agendas it fits")
        constraints = [
            models.UniqueConstraint(
                fields=["background", "agenda"], name="backgroundagendafit_unique"
            ),
        ]

    def __str__(self):
        return f"{self.agenda}: {self.reason}" if self.agenda_id else self.reason


class BackgroundRoleFit(OrderedChild):
    background = models.ForeignKey(
        Background,
        on_delete=models.CASCADE,
        related_name="role_fits",
        verbose_name=_("background"),
    )
    role = models.ForeignKey(
        Role,
        on_delete=models.CASCADE,
        related_name="background_fits",
        verbose_name=_("role"),
    )
    reason = models.CharField(_("reason"), max_length=300, help_text=REASON_HELP)

    class Meta(OrderedChild.Meta):
        verbose_name = _("role it fits")
        verbose_name_plural = _("roles it fits")
        constraints = [
            models.UniqueConstraint(fields=["background", "role"], name="backgroundrolefit_unique"),
        ]

    def __str__(self):
        return f"{self.role}: {self.reason}" if self.role_id else self.reason


class BackgroundProgramFit(OrderedChild):
    background = models.ForeignKey(
        Background,
        on_delete=models.CASCADE,
        related_name="program_fits",
        verbose_name=_("background"),
    )
    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="background_fits",
        verbose_name=_("program"),
    )
    reason = models.CharField(_("reason"), max_length=300, help_text=REASON_HELP)

    class Meta(OrderedChild.Meta):
        verbose_name = _("program it fits")
        verbose_name_plural = _("programs it fits")
        constraints = [
            models.UniqueConstraint(
                fields=["background", "program"], name="backgroundprogramfit_unique"
            ),
        ]

    def __str__(self):
        return f"{self.program}: {self.reason}" if self.program_id else self.reason
