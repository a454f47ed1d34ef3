from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import MarkdownField
from core.indexes import NullsOrderedIndex
from core.models import ContentModel, OrderedChild, TimeStampedModel
from core.registry import Children, Related
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
        return reverse("careers:role_list") + f"?category={self.slug}"


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
        return reverse("careers:role_detail", kwargs={"slug": self.slug})

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


class Program(ContentModel):
    """A training program, fellowship or residency that leads into the field."""

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
    application_deadline = models.DateField(_("application deadline"), null=True, blank=True)
    next_cohort_start = models.DateField(_("next cohort starts"), null=True, blank=True)

    search_fields = (
        "kind",
        Related("organizer"),
        "description",
        "duration",
        "location",
        "cost_notes",
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
        ]

    def clean(self):
        super().clean()
        validate_record(self)

    def get_absolute_url(self):
        return reverse("careers:program_detail", kwargs={"slug": self.slug})


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
