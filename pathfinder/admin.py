from django.contrib import admin

from editorial.admin import TextLimitMixin

from .models import ReaderStage, ReaderStageStep, Timeline


class ReaderStageStepInline(admin.TabularInline):
    model = ReaderStageStep
    extra = 0
    fields = ("order", "guide_step")
    autocomplete_fields = ("guide_step",)
    verbose_name_plural = "Reading path (guide steps, in order)"


@admin.register(ReaderStage)
class ReaderStageAdmin(TextLimitMixin, admin.ModelAdmin):
    """How far along a reader is, and the next steps the decision page gives them."""

    list_display = ("name", "slug", "order", "updated")
    list_editable = ("order",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created", "updated")
    inlines = (ReaderStageStepInline,)


@admin.register(Timeline)
class TimelineAdmin(TextLimitMixin, admin.ModelAdmin):
    """Short, medium or long timelines: the crux positions that assume each."""

    list_display = ("name", "slug", "description", "order", "updated")
    list_editable = ("order",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created", "updated")
    filter_horizontal = ("positions",)
