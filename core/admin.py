"""Admin building blocks shared by every content app."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import Status

PUBLICATION_FIELDSET = (
    _("Publication"),
    {"fields": ("status", "publish_at", "last_reviewed", "created", "updated")},
)


class ContentAdmin(SimpleHistoryAdmin):
    """Admin for a ``core.models.ContentModel``: status, review date, history."""

    list_display = ("name", "status", "publish_at", "last_reviewed", "updated")
    list_filter = ("status",)
    list_per_page = 50
    search_fields = ("name", "slug", "summary")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created", "updated")
    date_hierarchy = "updated"
    save_on_top = True
    actions = ("publish", "unpublish", "mark_reviewed")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.action(description=_("Publish selected records now"), permissions=["change"])
    def publish(self, request, queryset):
        updated = queryset.update(status=Status.PUBLISHED, publish_at=timezone.now())
        self.message_user(
            request,
            ngettext("%d record published.", "%d records published.", updated) % updated,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish selected records (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        updated = queryset.update(status=Status.DRAFT)
        self.message_user(
            request,
            ngettext("%d record moved to draft.", "%d records moved to draft.", updated) % updated,
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark selected records as reviewed today"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        updated = queryset.update(last_reviewed=timezone.localdate())
        self.message_user(
            request,
            ngettext("%d record marked reviewed.", "%d records marked reviewed.", updated) % updated,
            messages.SUCCESS,
        )


class OrderedInline(admin.TabularInline):
    """Child rows an editor orders by the ``order`` column."""

    extra = 0
    show_change_link = False
