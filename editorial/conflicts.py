"""The admin side of "editors never lose work" (``SafeEditingMixin``).

On every change form of a record (and of a child row edited on its own page):

* the form carries the versions it was loaded at, the owner token for
  recovering it after a lost session (``editorial.stash``) and the tags it
  loaded; a save based on versions no longer current is refused before it is
  validated and answered with the conflict page (``editorial.concurrency``),
  status 409; the conflict page's own save goes through the same check;
* the same check guards the revert form and the bulk actions (the changelist
  carries each row's version; a row changed since the list was loaded is left
  alone and named); the model's compare-and-set catches any write that races
  the check, and the editor gets the conflict page for it too;
* input kept across a login is put back into the form once (``?_restore=``);
* the form shows who else opened or saved the record lately (``presence``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.contenttypes.models import ContentType
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import StaleVersionError

from . import presence, stash
from .concurrency import (
    COMBINED_PREFIX,
    LOADED_PREFIX,
    RESOLUTION_FLAG,
    VERSION_FIELD,
    _untracked,
    apply_resolution,
    build_conflict,
    current_child_rows,
    form_data,
    inline_specs,
    latest_change,
    missing_choices,
    parse_version,
    stale_parts,
)

ROW_VERSION_PREFIX = "_version-"


class SafeEditingMixin:
    """Version checks, the conflict page, input recovery and presence (module docstring)."""

    change_form_template = "admin/editorial/change_form.html"
    conflict_template = "admin/editorial/conflict.html"
    delete_selected_confirmation_template = "admin/editorial/delete_selected_confirmation.html"

    # --- Forms ----------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        restored = getattr(request, "_editorial_restored", None)
        if restored is None:
            return form_class

        class RestoredForm(form_class):
            def __init__(self, *args, **form_kwargs):
                if not args and "data" not in form_kwargs:
                    form_kwargs["data"] = restored
                super().__init__(*args, **form_kwargs)

        RestoredForm.__name__ = form_class.__name__
        return RestoredForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        restored = getattr(request, "_editorial_restored", None)
        if restored is not None and request.method != "POST":
            kwargs["data"] = restored
        return kwargs

    def save_model(self, request, obj, form, change):
        if change:
            if hasattr(form, "loaded_version"):
                loaded = form.loaded_version()
            else:  # a list_editable row: the changelist carries each row's version
                loaded = parse_version(request.POST.get(f"{ROW_VERSION_PREFIX}{obj.pk}", ""))
            if loaded is not None:
                obj.version = loaded  # the save is a compare-and-set against it
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except StaleVersionError as exc:
            # A list_editable save of a row saved by someone else since: all rolled back.
            who, when = latest_change(type(exc.instance), exc.instance.pk)
            detail = ", ".join(p for p in (who, _when(when)) if p)
            self.message_user(
                request,
                _(
                    "Nothing was saved: “%(record)s” was saved by someone else (%(detail)s) "
                    "after you loaded this list. Reload the list and make your changes again."
                )
                % {"record": exc.instance, "detail": detail or _("just now")},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def _plain_form_class(self, request, obj):
        """The change form's class without revert or restore wrappers (for comparing)."""
        saved = {
            name: request.__dict__.pop(name)
            for name in ("_reverting_to", "_editorial_restored")
            if name in request.__dict__
        }
        try:
            fieldsets = self.get_fieldsets(request, obj)
            return self.get_form(request, obj, change=True, fields=flatten_fieldsets(fieldsets))
        finally:
            request.__dict__.update(saved)

    # --- The version check ------------------------------------------------------------

    def check_save(self, request, object_id, with_inlines=True):
        """``None`` when the POST may go ahead (``request.POST`` may be the resolved data),
        else the conflict page. Call inside the save's transaction: it locks the row."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            return None  # the admin answers these itself
        locked = (
            type(obj)
            ._base_manager.select_for_update()
            .filter(pk=obj.pk)
            .values_list("version", flat=True)
            .first()
        )
        obj.version = locked
        form_class = self._plain_form_class(request, obj)
        specs = inline_specs(self, request, obj) if with_inlines else []
        data = request.POST
        resolving = RESOLUTION_FLAG in data
        resolved, problems = apply_resolution(data, form_class, specs) if resolving else (data, [])
        rows = current_child_rows(obj, specs)
        if stale_parts(type(obj), obj.version, resolved, specs, rows):
            conflict = build_conflict(self, request, obj, resolved, form_class, specs, rows)
            return self.render_conflict(request, obj, conflict)
        if resolving:
            original = build_conflict(self, request, obj, data, form_class, specs, rows)
            missing = missing_choices(data, original)
            if missing or problems:
                if missing:
                    original.errors.append(_("Choose what to keep for: %s.") % "; ".join(missing))
                if problems:
                    original.errors.append(
                        _(
                            "Your hand-merged text still has the <<<<<<< ======= >>>>>>> "
                            "marker lines: keep what you want between them and remove them."
                        )
                    )
                for merge in original.all_merges():
                    typed = data.get(f"{COMBINED_PREFIX}{merge.key}")
                    if merge.combined is not None and typed is not None:
                        merge.combined = typed  # show the hand merge as the editor left it
                return self.render_conflict(request, obj, original, chosen=data)
            request.POST = resolved
        return None

    def render_conflict(self, request, obj, conflict, chosen=None):
        opts = self.opts
        prefix = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
        try:
            compare_url = reverse(f"{prefix}_history_compare", args=[obj.pk])
        except NoReverseMatch:
            compare_url = None
        base_version = None
        if conflict.loaded_version is not None:
            base_version = (
                type(obj)
                .history.filter(id=obj.pk, version__lte=conflict.loaded_version)
                .order_by("-version", "-history_date")
                .first()
            )
        if compare_url and base_version is not None:
            compare_url += f"?old={base_version.history_id}"
        context = {
            **self.admin_site.each_context(request),
            "title": _("Someone else saved this record while you were editing"),
            "subtitle": str(obj),
            "opts": opts,
            "original": obj,
            "conflict": conflict,
            "chosen": chosen or {},
            "owner_token": stash.owner_token(request.user, request.path),
            "change_url": reverse(f"{prefix}_change", args=[obj.pk]),
            "history_url": reverse(f"{prefix}_history", args=[obj.pk]),
            "compare_url": compare_url,
            "saved_at_text": _when(conflict.saved_at),
            "is_revert": "_reverting_to" in request.__dict__,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.conflict_template, context, status=409)

    # --- Views ------------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersionError:
            # A write raced the check; the transaction was rolled back. Show what happened.
            if object_id is None:
                raise
            with transaction.atomic(using=router.db_for_write(self.model)):
                response = self.check_save(request, object_id)
            if response is None:
                raise
            return response

    def _changeform_view(self, request, object_id, form_url, extra_context):
        if request.method == "POST":
            if object_id is not None and "_saveasnew" not in request.POST:
                response = self.check_save(request, object_id)
                if response is not None:
                    return response
        else:
            self.restore_input(request, object_id)
        return super()._changeform_view(request, object_id, form_url, extra_context)

    def restore_input(self, request, object_id=None) -> None:
        data = stash.restore(request)
        if data is None:
            return
        if RESOLUTION_FLAG in data and object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                specs = inline_specs(self, request, obj)
                data, _problems = apply_resolution(
                    data, self._plain_form_class(request, obj), specs
                )
        request._editorial_restored = data
        messages.warning(request, stash.RESTORED_MESSAGE)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self.editing_context(request, context.get("adminform"), obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_history_view(self, request, template, context, **kwargs):
        # The revert form (django-simple-history's) gets the same hidden fields.
        if "adminform" in context and context.get("original") is not None:
            context.update(self.editing_context(request, context["adminform"], context["original"]))
        return super().render_history_view(request, template, context, **kwargs)

    def editing_context(self, request, adminform, obj) -> dict:
        """Owner token, loaded values history does not keep, and who else is here."""
        form = adminform.form if adminform is not None else None
        loaded = []
        if form is not None and obj is not None and obj.pk is not None:
            names = [n for n in form.fields if _untracked(type(obj), n)]
            if form.is_bound:
                loaded = [
                    (key, value)
                    for key, values in form.data.lists()
                    if key.startswith(LOADED_PREFIX)
                    for value in values
                ]
            else:
                loaded = [
                    (f"{LOADED_PREFIX}{key}", value)
                    for key, values in form_data(form, names).items()
                    for value in values
                ]
        context = {
            "editorial_owner_token": stash.owner_token(request.user, request.path),
            "editorial_loaded": loaded,
            "editorial_presence": [],
            "editorial_presence_url": None,
        }
        if obj is not None and obj.pk is not None:
            presence.touch(request.user, obj)
            context["editorial_presence"] = presence.others(request.user, obj)
            version = None
            if form is not None and VERSION_FIELD in form.fields:
                version = parse_version(form[VERSION_FIELD].value())
            content_type = ContentType.objects.get_for_model(obj)
            try:
                url = reverse(
                    f"{self.admin_site.name}:editorial_presence",
                    args=[content_type.pk, obj.pk],
                )
            except NoReverseMatch:
                url = None
            if url is not None and version is not None:
                url += f"?version={version}"
            context["editorial_presence_url"] = url
        return context

    # --- Bulk actions -----------------------------------------------------------------

    def action_checkbox(self, obj):
        checkbox = super().action_checkbox(obj)
        return format_html(
            '{}<input type="hidden" name="{}{}" value="{}">',
            checkbox,
            ROW_VERSION_PREFIX,
            obj.pk,
            getattr(obj, "version", ""),
        )

    def split_stale(self, request, queryset):
        """``(current rows, stale rows)`` of the selection, rows locked.

        A row is stale when the list the editor acted on showed another version
        of it. Rows the list did not show ("select all" across pages) carry no
        version and are taken as they are now.
        """
        current, stale = [], []
        for obj in queryset.select_for_update():
            posted = parse_version(request.POST.get(f"{ROW_VERSION_PREFIX}{obj.pk}", ""))
            if posted is not None and posted != obj.version:
                stale.append(obj)
            else:
                current.append(obj)
        return current, stale

    def report_stale(self, request, stale) -> None:
        if not stale:
            return
        names = []
        for obj in stale:
            who, when = latest_change(type(obj), obj.pk)
            detail = ", ".join(p for p in (who, _when(when)) if p)
            names.append(f"“{obj}” ({_('saved by')} {detail})" if detail else f"“{obj}”")
        self.message_user(
            request,
            ngettext(
                "Left unchanged because it was saved by someone else after you loaded this "
                "list: %s. Reload the list, check it and try again.",
                "Left unchanged because they were saved by someone else after you loaded this "
                "list: %s. Reload the list, check them and try again.",
                len(stale),
            )
            % "; ".join(names),
            messages.ERROR,
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (checked_delete_selected, name, description)
        return actions


def checked_delete_selected(modeladmin, request, queryset):
    """Django's "delete selected", refused for rows saved since the list was loaded."""
    with transaction.atomic(using=router.db_for_write(modeladmin.model)):
        _current, stale = modeladmin.split_stale(request, queryset)
        if stale:
            modeladmin.report_stale(request, stale)
            return None
        return delete_selected(modeladmin, request, queryset)


checked_delete_selected.allowed_permissions = ("delete",)
checked_delete_selected.short_description = delete_selected.short_description


def _when(moment) -> str:
    if moment is None:
        return ""
    return date_format(localtime(moment), "j M Y, H:i")
