from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from editorial.admin import (
    PUBLICATION_FIELDSET,
    ChangelistLabelsMixin,
    CheckboxManyMixin,
    ChildHistoryAdmin,
    ContentAdmin,
    EditorialAdminMedia,
    OrderedInline,
    OrderedStackedInline,
    TextLimitMixin,
)

from .models import (
    AgendaApproach,
    AgendaQuickProject,
    AlignmentProblem,
    Crux,
    CruxPosition,
    FailureMode,
    Guide,
    GuideStep,
    Paper,
    ResearchAgenda,
)


class AgendaApproachInline(OrderedInline):
    model = AgendaApproach
    fields = ("order", "name", "description")


class AgendaQuickProjectInline(OrderedInline):
    model = AgendaQuickProject
    fields = ("order", "title", "description", "weeks_min", "weeks_max")


@admin.register(AlignmentProblem)
class AlignmentProblemAdmin(ChangelistLabelsMixin, TextLimitMixin, admin.ModelAdmin):
    """The editor-managed list of "orthodox" alignment problems agendas link to."""

    Media = EditorialAdminMedia

    list_display = ("name", "slug", "order", "updated")
    list_editable = ("order",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created", "updated")


@admin.register(ResearchAgenda)
class ResearchAgendaAdmin(CheckboxManyMixin, ContentAdmin):
    list_display = ("name", "order", "research_status", "status", "last_reviewed", "updated")
    list_editable = ("order",)
    list_filter = ("status", "research_status", "target_case", "broad_approach", "problems")
    autocomplete_fields = (
        "key_organizations",
        "funders",
        "critiques",
        "parent",
        "superseded_by",
    )
    checkbox_fields = ("problems",)
    inlines = [AgendaApproachInline, AgendaQuickProjectInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "order", "summary", "tags")}),
        (
            _("The bet"),
            {"fields": ("goal", "key_bet", "if_you_believe", "key_insight", "description")},
        ),
        (
            _("Getting involved"),
            {
                "fields": (
                    "open_questions",
                    "how_to_contribute",
                    "background_fit",
                    "key_organizations",
                )
            },
        ),
        (
            _("As the field's reviews describe it"),
            {
                "fields": (
                    "theory_of_change",
                    ("target_case", "broad_approach"),
                    "problems",
                    ("fte_min", "fte_max", "fte_estimated_on"),
                    "funders",
                    "critiques",
                )
            },
        ),
        (
            _("Status and lineage"),
            {"fields": ("research_status", "parent", "renamed_from", "superseded_by")},
        ),
        PUBLICATION_FIELDSET,
    )


@admin.register(Paper)
class PaperAdmin(ContentAdmin):
    list_display = ("name", "authors", "year", "kind", "status", "updated")
    list_filter = ("status", "kind", "level", "year", "agendas")
    search_fields = ("name", "slug", "authors", "venue", "summary")
    autocomplete_fields = ("organizations", "agendas")
    fieldsets = (
        (
            None,
            {"fields": ("name", "slug", "authors", ("year", "kind", "level"), "venue", "url")},
        ),
        (_("About"), {"fields": ("summary", "description", "reading_minutes", "tags")}),
        (_("Related"), {"fields": ("organizations", "agendas")}),
        PUBLICATION_FIELDSET,
    )


@admin.register(FailureMode)
class FailureModeAdmin(ContentAdmin):
    autocomplete_fields = ("agendas", "papers")
    fieldsets = (
        (None, {"fields": ("name", "slug", "summary", "body", "why_it_matters", "tags")}),
        (_("Related"), {"fields": ("agendas", "papers")}),
        PUBLICATION_FIELDSET,
    )


class GuideStepInline(OrderedStackedInline):
    model = GuideStep
    fields = (
        "minutes",  # the order: by dragging or the move buttons (editorial.admin)
        "section",
        "title",
        "body",
        "agendas",
        "failure_modes",
        "papers",
        "organizations",
        "programs",
        "roles",
    )
    autocomplete_fields = GuideStep.LINK_FIELDS


@admin.register(Guide)
class GuideAdmin(ContentAdmin):
    list_display = ("name", "audience", "order", "status", "last_reviewed", "updated")
    inlines = [GuideStepInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "order", "audience", "summary", "intro", "tags")}),
        PUBLICATION_FIELDSET,
    )


@admin.register(GuideStep)
class GuideStepAdmin(ChildHistoryAdmin):
    """Steps are edited inline on their guide; this page lets editors find one."""

    list_display = ("title", "guide", "order", "minutes")
    list_filter = ("guide",)
    list_select_related = ("guide",)
    search_fields = ("title", "guide__name")
    autocomplete_fields = ("guide", *GuideStep.LINK_FIELDS)


class CruxPositionInline(OrderedStackedInline):
    model = CruxPosition
    fields = (
        "order",
        "stance",
        "arguments",
        "next_steps",
        "agendas",
        "organization_types",
    )
    autocomplete_fields = ("agendas", "organization_types")


@admin.register(Crux)
class CruxAdmin(ContentAdmin):
    list_display = ("name", "order", "status", "last_reviewed", "updated")
    list_editable = ("order",)
    inlines = [CruxPositionInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "order", "summary", "description", "consider", "tags")}),
        PUBLICATION_FIELDSET,
    )
