from django.contrib import admin

from editorial.admin import ContentAdmin, OrderedInline

from .models import Gadget, GadgetPart


class GadgetPartInline(OrderedInline):
    model = GadgetPart
    fields = ("order", "name")


@admin.register(Gadget)
class GadgetAdmin(ContentAdmin):
    inlines = [GadgetPartInline]
    autocomplete_fields = ()
