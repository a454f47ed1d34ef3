from django.contrib import admin

from editorial.admin import (
    ChangelistLabelsMixin,
    CheckboxManyMixin,
    EditorialAdminMedia,
    TextLimitMixin,
)

from .models import ReaderStage, ReaderStageStep, Timeline


class ReaderStageStepInline(admin.StackedInline):
    # Stacked: every input keeps its visible label (a tabular row's inputs have none).
    model = ReaderStageStep
    extra = 0
    fields = ("order", "guide_step")
    autocomplete_fields = ("guide_step",)
    verbose_name_plural = "Reading path (guide steps, in order)"


@admin.register(ReaderStage)
class ReaderStageAdmin(ChangelistLabelsMixin, TextLimitMixin, admin.ModelAdmin):
    """How far along a reader is, and the next steps the decision page gives them."""

    Media = EditorialAdminMedia

    list_display = ("name", "slug", "order", "updated")
    list_editable = ("order",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created", "updated")
    inlines = (ReaderStageStepInline,)


@admin.register(Timeline)
class TimelineAdmin(ChangelistLabelsMixin, CheckboxManyMixin, TextLimitMixin, admin.ModelAdmin):
    """Short, medium or long timelines: the crux positions that assume each."""

    Media = EditorialAdminMedia

    list_display = ("name", "slug", "description", "order", "updated")
    list_editable = ("order",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created", "updated")
    checkbox_fields = ("positions",)
