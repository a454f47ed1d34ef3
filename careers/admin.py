from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from editorial.admin import (
    PUBLICATION_FIELDSET,
    ChangelistLabelsMixin,
    CheckboxManyMixin,
    ContentAdmin,
    EditorialAdminMedia,
    OrderedInline,
    OrderedStackedInline,
    TextLimitMixin,
)

from .models import (
    Background,
    BackgroundAgendaFit,
    BackgroundContribution,
    BackgroundProgramFit,
    BackgroundRoleFit,
    CareerStage,
    Program,
    Qualification,
    Role,
    RoleCategory,
    RoleDuty,
    RoleFAQ,
    RolePathwayItem,
)


@admin.register(RoleCategory)
class RoleCategoryAdmin(admin.ModelAdmin):
    Media = EditorialAdminMedia
    list_display = ("name", "slug", "updated")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created", "updated")
    list_filter = ("updated",)


class RoleDutyInline(OrderedInline):
    model = RoleDuty
    fields = ("order", "text")


class QualificationInline(OrderedInline):
    model = Qualification
    fields = ("order", "kind", "text")


class RoleFAQInline(OrderedStackedInline):
    model = RoleFAQ
    fields = ("order", "question", "answer")


class RolePathwayItemInline(OrderedInline):
    """Pin, reorder, add or hide steps of the role's "how to get there" path."""

    model = RolePathwayItem
    fields = ("order", "program", "paper", "guide", "pinned", "hidden", "note")
    autocomplete_fields = ("program", "paper", "guide")
    verbose_name_plural = _("“How to get there”: pinned, added or hidden items")


@admin.register(Role)
class RoleAdmin(ContentAdmin):
    list_display = (
        "name",
        "category",
        "salary_min",
        "salary_max",
        "status",
        "last_reviewed",
        "updated",
    )
    list_filter = ("status", "category", "employer_types")
    list_select_related = ("category",)
    autocomplete_fields = (
        "category",
        "employer_types",
        "related_roles",
        "agendas",
        "hiring_organizations",
        "programs",
    )
    inlines = [RoleDutyInline, QualificationInline, RoleFAQInline, RolePathwayItemInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "category", "summary", "overview", "tags")}),
        (
            _("Role at a glance"),
            {
                "fields": (
                    "typical_education",
                    "typical_experience",
                    "key_certifications",
                    "top_employer_types",
                    "employer_types",
                    "growth_outlook",
                    "ai_impact",
                    ("salary_min", "salary_max", "salary_currency"),
                )
            },
        ),
        (_("Outlook and application"), {"fields": ("career_outlook", "cover_letter")}),
        (
            _("Connections"),
            {"fields": ("related_roles", "agendas", "hiring_organizations", "programs")},
        ),
        PUBLICATION_FIELDSET,
    )


@admin.register(CareerStage)
class CareerStageAdmin(ChangelistLabelsMixin, TextLimitMixin, admin.ModelAdmin):
    Media = EditorialAdminMedia
    list_display = ("name", "slug", "order", "updated")
    list_editable = ("order",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created", "updated")


@admin.register(Program)
class ProgramAdmin(CheckboxManyMixin, ContentAdmin):
    list_display = ("name", "kind", "format", "cost", "organizer", "status", "updated")
    list_filter = ("status", "kind", "format", "cost", "cadence", "career_stages")
    list_select_related = ("organizer",)
    autocomplete_fields = ("organizer", "agendas")
    checkbox_fields = ("career_stages",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "summary", "description", "tags")}),
        (
            _("Practicalities"),
            {
                "fields": (
                    ("format", "location"),
                    ("duration", "duration_weeks"),
                    ("cost", "cost_notes"),
                    ("stipend_amount", "stipend_currency"),
                    "hours_per_week",
                    "website",
                )
            },
        ),
        (
            _("Who can apply, and when"),
            {
                "fields": (
                    "career_stages",
                    "entry_bar",
                    ("applications_open", "application_deadline"),
                    ("cadence", "next_cohort_start"),
                )
            },
        ),
        (_("Connections"), {"fields": ("organizer", "agendas")}),
        PUBLICATION_FIELDSET,
    )


class BackgroundContributionInline(OrderedInline):
    model = BackgroundContribution
    fields = ("order", "text")


class BackgroundAgendaFitInline(OrderedInline):
    model = BackgroundAgendaFit
    fields = ("order", "agenda", "reason")
    autocomplete_fields = ("agenda",)


class BackgroundRoleFitInline(OrderedInline):
    model = BackgroundRoleFit
    fields = ("order", "role", "reason")
    autocomplete_fields = ("role",)


class BackgroundProgramFitInline(OrderedInline):
    model = BackgroundProgramFit
    fields = ("order", "program", "reason")
    autocomplete_fields = ("program",)


@admin.register(Background)
class BackgroundAdmin(ContentAdmin):
    list_display = ("name", "order", "status", "last_reviewed", "updated")
    list_editable = ("order",)
    inlines = [
        BackgroundContributionInline,
        BackgroundAgendaFitInline,
        BackgroundRoleFitInline,
        BackgroundProgramFitInline,
    ]
    fieldsets = (
        (None, {"fields": ("name", "slug", "order", "summary", "description", "tags")}),
        PUBLICATION_FIELDSET,
    )
