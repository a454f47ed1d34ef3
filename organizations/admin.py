from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from editorial.admin import (
    PUBLICATION_FIELDSET,
    ChangelistLabelsMixin,
    ContentAdmin,
    EditorialAdminMedia,
    TextLimitMixin,
)

from .models import Organization, OrganizationType


@admin.register(OrganizationType)
class OrganizationTypeAdmin(ChangelistLabelsMixin, TextLimitMixin, admin.ModelAdmin):
    Media = EditorialAdminMedia
    list_display = ("name", "plural_name", "slug", "order", "updated")
    list_editable = ("order",)
    search_fields = ("name", "plural_name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created", "updated")
    list_filter = ("updated",)
    fieldsets = (
        (None, {"fields": ("name", "plural_name", "slug", "order", "description")}),
        (
            _("Fit notes for readers choosing where to work"),
            {"fields": ("pros", "cons", "good_fit_for")},
        ),
        (_("Dates"), {"fields": ("created", "updated")}),
    )


@admin.register(Organization)
class OrganizationAdmin(ContentAdmin):
    list_display = (
        "name",
        "type",
        "country",
        "operating_status",
        "status",
        "last_reviewed",
        "updated",
    )
    list_filter = ("status", "type", "operating_status", "country")
    list_select_related = ("type",)
    search_fields = ("name", "slug", "summary", "headquarters")
    autocomplete_fields = ("type",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "type", "summary", "description", "tags")}),
        (
            _("Facts"),
            {
                "fields": (
                    "website",
                    "careers_url",
                    ("founded_year", "closed_year"),
                    "operating_status",
                    "headquarters",
                    "country",
                )
            },
        ),
        PUBLICATION_FIELDSET,
    )
