from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.fields import MarkdownField
from core.models import ContentModel, TimeStampedModel
from core.registry import Related
from core.reversing import slug_url, view_url
from core.validation import Requirements, validate_record

FOUNDED_YEAR_MIN = 1800
FOUNDED_YEAR_MAX = 2100


class OrganizationType(TimeStampedModel):
    """A kind of organization readers filter by: frontier lab, safety nonprofit…"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    plural_name = models.CharField(
        _("plural name"), max_length=100, blank=True, help_text=_("e.g. “Frontier labs”.")
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Fit notes for someone choosing where to work.
    pros = models.TextField(
        _("pros"), blank=True, help_text=_("One per line: what working at one offers.")
    )
    cons = models.TextField(
        _("cons"), blank=True, help_text=_("One per line: the drawbacks to weigh.")
    )
    good_fit_for = models.CharField(
        _("a good fit for"),
        max_length=300,
        blank=True,
        help_text=_("One sentence: who tends to thrive there."),
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("organization type")
        verbose_name_plural = _("organization types")

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        return self.plural_name or self.name

    @property
    def pros_list(self) -> list[str]:
        return [line.strip() for line in self.pros.splitlines() if line.strip()]

    @property
    def cons_list(self) -> list[str]:
        return [line.strip() for line in self.cons.splitlines() if line.strip()]

    @property
    def has_fit_notes(self) -> bool:
        return bool(self.pros.strip() or self.cons.strip() or self.good_fit_for.strip())

    def get_absolute_url(self):
        return view_url("organizations:organization_list") + f"?type={self.slug}"


class Organization(ContentModel):
    class OperatingStatus(models.TextChoices):
        ACTIVE = "active", _("Active")
        DEFUNCT = "defunct", _("Defunct")

    type = models.ForeignKey(
        OrganizationType,
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    description = MarkdownField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    careers_url = models.URLField(_("careers page"), blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FOUNDED_YEAR_MIN), MaxValueValidator(FOUNDED_YEAR_MAX)],
    )
    closed_year = models.PositiveSmallIntegerField(
        _("closed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FOUNDED_YEAR_MIN), MaxValueValidator(FOUNDED_YEAR_MAX)],
        help_text=_("For defunct organizations."),
    )
    headquarters = models.CharField(_("headquarters"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True, db_index=True)
    operating_status = models.CharField(
        _("operating status"),
        max_length=10,
        choices=OperatingStatus.choices,
        default=OperatingStatus.ACTIVE,
        db_index=True,
    )

    search_fields = (Related("type"), "description", "headquarters")
    publish_requirements = Requirements(fields=("summary", "description"))

    class Meta(ContentModel.Meta):
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [
            *ContentModel.Meta.indexes,
            # The listing's order (name, then id): a page is an index scan, not a sort.
            models.Index(fields=["name", "id"], name="org_listing_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(founded_year__gte=FOUNDED_YEAR_MIN, founded_year__lte=FOUNDED_YEAR_MAX),
                name="organization_founded_year_in_range",
            ),
            models.CheckConstraint(
                condition=Q(closed_year__isnull=True)
                | Q(founded_year__isnull=True)
                | Q(closed_year__gte=models.F("founded_year")),
                name="organization_closed_after_founded",
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.founded_year is not None
            and self.closed_year is not None
            and self.closed_year < self.founded_year
        ):
            errors["closed_year"] = _("The closing year cannot be before the founding year.")
        if self.closed_year is not None and self.operating_status != self.OperatingStatus.DEFUNCT:
            errors["operating_status"] = _(
                "An organization with a closing year is defunct; set the status to "
                "“Defunct” or clear the closing year."
            )
        validate_record(self, errors)

    def get_absolute_url(self):
        return slug_url("organizations:organization_detail", self.slug)

    @property
    def is_defunct(self) -> bool:
        return self.operating_status == self.OperatingStatus.DEFUNCT
