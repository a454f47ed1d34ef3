"""Admin building blocks shared by every content app.

``ContentAdmin`` is the admin for every record type. On top of Django's admin
and django-simple-history's history/revert pages it adds:

* form checks that show as ordinary form errors (text size limits, tag length,
  model ``clean()`` errors on any field, child rows required to publish);
* a "Review due" list filter and the bulk actions publish / send to review /
  unpublish / mark reviewed, which save record by record so every change lands
  in the revision history;
* a "Compare versions" page (``<id>/history/compare/``) showing the field-by-field
  and child-row differences between two versions; reverting (history → a
  version → Revert) restores the record's child rows too;
* a preview of the saved, rendered Markdown on the change form (no JavaScript
  needed) and a live "Preview" button beside each Markdown textarea
  (``static/admin_extra/editorial.js``, progressive enhancement);
* optimistic concurrency on every way of writing a record from the admin —
  change form, inline child rows, links, bulk actions, revert — with the
  conflict page, recovery of input sent after the session ended, and who else
  is editing (``editorial.conflicts.SafeEditingMixin``, ``editorial.concurrency``).

Site-wide editorial pages (the review dashboard, the link-check report, the
Markdown preview endpoint) are in ``editorial.views``; ``editorial.sites``
(the project's ``AdminSite``) adds them to the admin's URLs, so they share its
login and staff checks.
"""

import contextlib

from adminsortable2.admin import (
    CustomInlineFormSetMixin,
    SortableAdminBase,
    SortableInlineAdminMixin,
)
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from taggit.admin import TagAdmin
from taggit.models import Tag

from core import registry
from core.fields import MarkdownField
from core.history import version_links
from core.markdown import render_markdown
from core.models import StaleVersionError, Status
from core.validation import MAX_TEXT_LENGTH, publish_problems, requirements_for

from . import desk
from .concurrency import VERSION_FIELD, VersionedFormMixin, parse_version, version_field
from .conflicts import SafeEditingMixin
from .formhooks import ChangeFormHooksMixin
from .models import LinkCheckReport
from .review import review_after_months, review_cutoff
from .revisions import restore_children, version_window_end

PUBLICATION_FIELDSET = (
    _("Publication"),
    {"fields": ("status", "publish_at", "last_reviewed", "created", "updated")},
)

TAG_MAX_LENGTH = 100  # taggit's Tag.name


class EditorialAdminMedia:
    css = {"all": ("admin_extra/editorial.css",)}
    js = ("admin_extra/editorial.js",)


# --- Forms ----------------------------------------------------------------------


class EditorialFormMixin:
    """Errors for fields the form does not show go to the top of the form.

    A model's ``clean()`` names the field at fault; if that field is not on this
    form (read-only, or left out of the fieldsets) Django would raise instead of
    showing the message.
    """

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name in list(error.error_dict):
                if name != forms.forms.NON_FIELD_ERRORS and name not in self.fields:
                    messages_ = error.error_dict.pop(name)
                    label = name.replace("_", " ")
                    error.error_dict.setdefault(forms.forms.NON_FIELD_ERRORS, []).extend(
                        ValidationError(f"{label.capitalize()}: {m.message}", code=m.code)
                        for m in messages_
                    )
        return super().add_error(field, error)


class ContentAdminForm(VersionedFormMixin, EditorialFormMixin, forms.ModelForm):
    loaded_version = version_field()

    def clean_tags(self):
        tags = self.cleaned_data.get("tags") or []
        too_long = [tag for tag in tags if len(tag) > TAG_MAX_LENGTH]
        if too_long:
            raise ValidationError(
                _("Tags can be at most %(limit)s characters long: %(tags)s"),
                params={"limit": TAG_MAX_LENGTH, "tags": ", ".join(t[:40] + "…" for t in too_long)},
                code="max_length",
            )
        return tags


class ChildRowForm(VersionedFormMixin, EditorialFormMixin, forms.ModelForm):
    loaded_version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A row's inputs sit in a table (or list) without a <label> each: name them
        # for screen readers, with the row's number ("Text, duty 3").
        number = self.prefix.rsplit("-", 1)[-1] if self.prefix else ""
        row = (
            f"{self._meta.model._meta.verbose_name} {int(number) + 1}"
            if number.isdigit()
            else str(_("new %(row)s") % {"row": self._meta.model._meta.verbose_name})
        )
        for name, field in self.fields.items():
            if field.widget.is_hidden or name == "DELETE":
                continue
            label = str(field.label or name.replace("_", " ")).capitalize()
            field.widget.attrs.setdefault("aria-label", f"{label}, {row}")


class TextLimitMixin:
    """Caps every text field at ``core.validation.MAX_TEXT_LENGTH`` and tags Markdown fields.

    The cap is a form error on the server and ``maxlength`` in the browser, so a
    pasted 10 MB text is cut in the textarea instead of failing the request.
    Textareas start at ``textarea_rows`` rows and grow with their text.
    """

    textarea_rows = 3

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField):
            kwargs.setdefault("max_length", MAX_TEXT_LENGTH)
        elif isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # "example.org" → https://example.org
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, forms.Textarea):
            # Textareas start small and grow with their text (CSS field-sizing):
            # a one-sentence duty is one line, not ten empty rows.
            formfield.widget.attrs["rows"] = self.textarea_rows
            formfield.widget.attrs["class"] = " ".join(
                filter(None, [formfield.widget.attrs.get("class"), "editorial-grow"])
            )
        if formfield is not None and isinstance(formfield.widget, forms.MultiWidget):
            # A date-and-time pair has one <label> for two inputs: name each part.
            label = str(db_field.verbose_name).capitalize()
            parts = (_("date"), _("time")) if isinstance(db_field, models.DateTimeField) else ()
            for index, widget in enumerate(formfield.widget.widgets):
                part = parts[index] if index < len(parts) else str(index + 1)
                widget.attrs.setdefault("aria-label", f"{label}: {part}")
        if formfield is not None and isinstance(db_field, MarkdownField):
            with contextlib.suppress(NoReverseMatch):  # the preview is an enhancement
                formfield.widget.attrs["data-markdown-preview"] = reverse(
                    f"{self.admin_site.name}:editorial_markdown_preview"
                )
        return formfield


class ChangelistLabelsMixin:
    """Names the inputs of ``list_editable`` columns for screen readers ("Order, Governance")."""

    def get_changelist_form(self, request, **kwargs):
        form_class = super().get_changelist_form(request, **kwargs)

        class LabelledChangelistForm(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                for name, field in self.fields.items():
                    if not field.widget.is_hidden:
                        label = str(field.label or name).capitalize()
                        field.widget.attrs.setdefault("aria-label", f"{label}, {self.instance}")

        LabelledChangelistForm.__name__ = form_class.__name__
        return LabelledChangelistForm


class CheckboxManyMixin:
    """Short editor-managed lists (career stages, alignment problems, timelines' positions)
    as labelled checkboxes in a fieldset: Django's two-box "filter" widget names its
    icons with ``aria-label`` on bare spans, which axe refuses, and needs its script."""

    checkbox_fields: tuple[str, ...] = ()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.checkbox_fields:
            kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# --- Inlines --------------------------------------------------------------------


class PublishRequiredChildrenFormSet(BaseInlineFormSet):
    """Refuses to publish a record without the child rows it needs (a role's duties).

    Each row saves (and deletes) against the version its form was loaded at, so
    a row changed in the meantime is never overwritten (``core.models.VersionedModel``).
    """

    def save_existing(self, form, obj, commit=True):
        loaded = parse_version(form.cleaned_data.get(VERSION_FIELD))
        if loaded is not None:
            obj.version = loaded
        return super().save_existing(form, obj, commit=commit)

    def delete_existing(self, obj, commit=True):
        form = next((f for f in self.deleted_forms if f.instance is obj), None)
        loaded = parse_version(form.cleaned_data.get(VERSION_FIELD)) if form else None
        if (
            commit
            and loaded is not None
            and not type(obj)._base_manager.filter(pk=obj.pk, version=loaded).exists()
        ):
            from core.models import StaleVersionError

            raise StaleVersionError(obj, loaded)
        return super().delete_existing(obj, commit=commit)

    def clean(self):
        super().clean()
        parent = self.instance
        if parent is None or getattr(parent, "status", None) != Status.PUBLISHED:
            return
        accessor = self.fk.remote_field.get_accessor_name()
        for name, message in requirements_for(parent).children:
            if name != accessor:
                continue
            live = 0
            for form in self.forms:
                if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                    continue
                if self.can_delete and self._should_delete_form(form):
                    continue
                if form.instance.pk is not None or form.has_changed():
                    live += 1
            if live == 0:
                raise ValidationError(message, code="required_to_publish")


class SortableChildrenFormSet(CustomInlineFormSetMixin, PublishRequiredChildrenFormSet):
    """Rows numbered by their place in the list (django-admin-sortable2 keeps the
    hidden ``order`` inputs in step with drag and drop and the move buttons);
    each row still saves against the version it was loaded at."""


class ChildInlineMixin(TextLimitMixin):
    form = ChildRowForm
    formset = PublishRequiredChildrenFormSet
    extra = 0
    textarea_rows = 1

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if VERSION_FIELD in fields else [*fields, VERSION_FIELD]


class SortableChildMixin(SortableInlineAdminMixin):
    """django-admin-sortable2's inline, without a second ``order`` input when the
    inline's ``fields`` name it inside a line (``("order", "minutes")``)."""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        nested = [f for item in fields if isinstance(item, list | tuple) for f in item]
        if self.default_order_field in nested and fields[-1] == self.default_order_field:
            fields.pop()
        return fields


class OrderedInline(SortableChildMixin, ChildInlineMixin, admin.TabularInline):
    """Child rows as a compact, numbered list: reordered by dragging a row's handle
    (django-admin-sortable2) or with its "move up" / "move down" buttons (keyboard)."""

    formset = SortableChildrenFormSet
    template = "admin/editorial/edit_inline/sortable_tabular.html"
    show_change_link = False


class OrderedStackedInline(SortableChildMixin, ChildInlineMixin, admin.StackedInline):
    """Child rows with long text, one under another; each row folds to its title."""

    formset = SortableChildrenFormSet
    template = "admin/editorial/edit_inline/sortable_stacked.html"
    textarea_rows = 2


# --- List filter ----------------------------------------------------------------


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        months = review_after_months()
        return (
            ("due", _("Due (not reviewed in %(months)s months)") % {"months": months}),
            ("never", _("Never reviewed")),
            ("recent", _("Reviewed recently")),
        )

    def queryset(self, request, queryset):
        cutoff = review_cutoff()
        if self.value() == "due":
            return queryset.filter(
                models.Q(last_reviewed__isnull=True) | models.Q(last_reviewed__lt=cutoff)
            )
        if self.value() == "never":
            return queryset.filter(last_reviewed__isnull=True)
        if self.value() == "recent":
            return queryset.filter(last_reviewed__gte=cutoff)
        return queryset


# --- History --------------------------------------------------------------------


class HistoryCompareMixin:
    """A "Compare versions" page and revert that also restores links and child rows.

    The revert form starts from the version's values *and* its many-to-many
    links (``core.history.version_links``), so saving it puts the old links back
    like every other field; child rows (and their links) are restored after.
    """

    object_history_template = "admin/editorial/object_history.html"
    object_history_list_template = "admin/editorial/object_history_list.html"
    object_history_form_template = "admin/editorial/object_history_form.html"
    compare_template = "admin/editorial/compare.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        compare = [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.history_compare_view),
                name="{}_{}_history_compare".format(*info),
            )
        ]
        return compare + super().get_urls()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        version = getattr(request, "_reverting_to", None)
        if version is None:
            return form_class
        links = version_links(version)
        live = (
            self.model._base_manager.filter(pk=version.instance.pk)
            .values_list("version", flat=True)
            .first()
        )

        class RevertForm(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                if not self.is_bound:  # a submitted form keeps what the editor chose
                    for name, pks in links.items():
                        if name in self.fields:
                            self.initial[name] = pks
                    # The revert replaces the record as it is now: check against that.
                    self.initial[VERSION_FIELD] = live

        RevertForm.__name__ = form_class.__name__
        return RevertForm

    def _history_records(self, object_id):
        history = self.model.history
        return history.filter(id=object_id).order_by("-history_date", "-history_id")

    def _object_for_history(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            latest = self._history_records(object_id).first()
            if latest is None:
                raise Http404
            obj = latest.instance
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        context = {
            "compare_url": reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}"
                "_history_compare",
                args=[object_id],
            )
        }
        context.update(extra_context or {})
        return super().history_view(request, object_id, extra_context=context)

    def history_compare_view(self, request, object_id):
        object_id = unquote(object_id)
        try:
            self.model._meta.pk.to_python(object_id)
        except ValidationError as exc:
            raise Http404 from exc
        obj = self._object_for_history(request, object_id)
        records = list(self._history_records(obj.pk).select_related("history_user"))

        def pick(param):
            raw = request.GET.get(param, "")
            if not raw:
                return None
            if not raw.isdigit():
                raise Http404("Unknown version")
            for record in records:
                if record.history_id == int(raw):
                    return record
            raise Http404("Unknown version")

        new = pick("new") or (records[0] if records else None)
        old = pick("old")
        if old is None and new is not None:
            older = [
                r
                for r in records
                if (r.history_date, r.history_id) < (new.history_date, new.history_id)
            ]
            old = older[0] if older else None
        if (
            old is not None
            and new is not None
            and (old.history_date, old.history_id)
            > (
                new.history_date,
                new.history_id,
            )
        ):
            old, new = new, old

        comparison = None
        if old is not None and new is not None and old.history_id != new.history_id:
            from .diffing import compare_versions

            comparison = compare_versions(self.model, old, new)

        prefix = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare versions: %s") % obj,
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "records": records,
            "old": old,
            "new": new,
            "comparison": comparison,
            "history_url": reverse(f"{prefix}_history", args=[obj.pk]),
            "change_url": reverse(f"{prefix}_change", args=[obj.pk])
            if self.get_object(request, str(obj.pk)) is not None
            else None,
            "revert_url": reverse(f"{prefix}_simple_history", args=[obj.pk, old.history_id])
            if old is not None and not self.revert_disabled(request, obj)
            else None,
        }
        return render(request, self.compare_template, context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not str(version_id).isdigit():
            raise Http404("Unknown version")
        version = self.model.history.filter(
            id=unquote(object_id), history_id=int(version_id)
        ).first()
        if version is None:
            raise Http404("Unknown version")
        request._reverting_to = version  # read by get_form (the form's initial links)
        context = {
            "child_labels": [
                str(child._meta.verbose_name_plural)
                for _accessor, child, _fk in registry.child_relations(self.model)
            ],
            "compare_url": reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}"
                "_history_compare",
                args=[version.instance.pk],
            )
            + f"?old={version.history_id}",
        }
        context.update(extra_context or {})
        if request.method != "POST":
            self.restore_input(request)
            return super().history_form_view(request, object_id, version_id, context)
        # Reverting: the window must be measured before the revert adds a version.
        window_end = version_window_end(version)
        try:
            with transaction.atomic():
                refused = self.check_save(request, object_id, with_inlines=False)
                if refused is not None:
                    return refused
                response = super().history_form_view(request, object_id, version_id, context)
                if response.status_code in (301, 302):
                    self._restore_children_after_revert(request, version, window_end)
        except StaleVersionError:
            # A write raced the check: rolled back; show the editor what changed.
            with transaction.atomic():
                refused = self.check_save(request, object_id, with_inlines=False)
            if refused is None:
                raise
            return refused
        return response

    def _restore_children_after_revert(self, request, version, window_end) -> None:
        obj = self.model._default_manager.filter(pk=version.instance.pk).first()
        if obj is None:
            return
        changed = restore_children(obj, window_end)
        if changed:
            self.message_user(
                request,
                ngettext(
                    "%d child row restored to that version.",
                    "%d child rows restored to that version.",
                    changed,
                )
                % changed,
                messages.INFO,
            )


# --- Content admin --------------------------------------------------------------


class ContentAdmin(
    ChangelistLabelsMixin,
    SortableAdminBase,
    ChangeFormHooksMixin,
    TextLimitMixin,
    SafeEditingMixin,
    HistoryCompareMixin,
    SimpleHistoryAdmin,
):
    """Admin for a ``core.models.ContentModel``: status, review date, history, stale
    saves refused (``editorial.conflicts``); apps above editorial take part in its
    change form through hooks (``editorial.formhooks``)."""

    form = ContentAdminForm
    # A URL typed without a scheme is taken as https (Django 6.0's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "status", "publish_at", "last_reviewed", "updated")
    list_filter = ("status", ReviewDueFilter)
    list_per_page = 50
    search_fields = ("name", "slug", "summary")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created", "updated", "markdown_preview")
    date_hierarchy = "updated"
    save_on_top = True
    actions = ("publish", "send_to_review", "unpublish", "mark_reviewed")
    Media = EditorialAdminMedia

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if ReviewDueFilter not in filters:
            filters.insert(1 if filters[:1] == ["status"] else 0, ReviewDueFilter)
        return filters

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not self.fieldsets:  # a type whose admin declares no sections
            fieldsets = desk.default_sections(self.model, list(_flat(fieldsets[0][1]["fields"])))
        fieldsets = desk.arrange_sections(fieldsets)
        if registry.markdown_fields(self.model) and not any(
            "markdown_preview" in _flat(options.get("fields", ())) for _name, options in fieldsets
        ):
            fieldsets.append(
                (
                    _("Preview of the saved text"),
                    {
                        "fields": ("markdown_preview",),
                        "classes": ("collapse",),
                        "description": _(
                            "How readers see the Markdown fields as last saved. Use "
                            "“Save and continue editing” to refresh it."
                        ),
                    },
                )
            )
        return fieldsets

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and desk.MARK_REVIEWED in request.POST and object_id:
            # "Mark reviewed today" in the side panel: the form saved as it is, with
            # today's review date, through the same version checks as any save.
            request.POST = desk.mark_reviewed_post(request.POST)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        if adminform is not None:
            desk.open_sections_with_errors(adminform)
        context.update(desk.panel_context(self, request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("Rendered Markdown"))
    def markdown_preview(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the record to see a preview.")
        from .linkcheck import check_link, extract_links

        parts = []
        for name in registry.markdown_fields(type(obj)):
            text = getattr(obj, name)
            if not text:
                continue
            label = obj._meta.get_field(name).verbose_name
            problems = [
                (href, found[1]) for href in extract_links(text) if (found := check_link(href))
            ]
            warning = ""
            if problems:
                warning = format_html(
                    '<ul class="editorial-link-problems">{}</ul>',
                    format_html_join("", "<li><code>{}</code>: {}</li>", problems),
                )
            parts.append(
                format_html(
                    '<section class="editorial-preview"><h4>{}</h4>{}'
                    '<div class="editorial-preview-body">{}</div></section>',
                    str(label).capitalize(),
                    warning,
                    render_markdown(text),
                )
            )
        if not parts:
            return _("No Markdown text yet.")
        return format_html_join("", "{}", ((p,) for p in parts))

    # --- Bulk actions (saved one by one so each change is in the history) ---

    def _save_with_history(self, request, obj, reason):
        obj._history_user = request.user
        obj._change_reason = reason
        obj.save()

    @admin.action(description=_("Publish selected records now"), permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        published, refused = 0, []
        with transaction.atomic():
            rows, stale = self.split_stale(request, queryset)
            for obj in rows:
                problems = publish_problems(obj)
                if problems:
                    refused.append(f"“{obj}”: {'; '.join(problems)}")
                    continue
                if obj.is_published:
                    continue
                obj.status = Status.PUBLISHED
                if obj.publish_at is None or obj.publish_at > now or not _was_published(obj):
                    obj.publish_at = now
                self._save_with_history(request, obj, "Published (bulk action)")
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("%d record published.", "%d records published.", published) % published,
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                _("Not published — fill in what is missing first: %s") % " | ".join(refused),
                messages.ERROR,
            )
        self.report_stale(request, stale)
        if not published and not refused and not stale:
            self.message_user(request, _("The selected records were already published."))

    @admin.action(description=_("Send selected records to review"), permissions=["change"])
    def send_to_review(self, request, queryset):
        count = self._set_status(request, queryset, Status.REVIEW, "Sent to review (bulk action)")
        self.message_user(
            request,
            ngettext("%d record sent to review.", "%d records sent to review.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish selected records (back to draft)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = self._set_status(request, queryset, Status.DRAFT, "Unpublished (bulk action)")
        self.message_user(
            request,
            ngettext("%d record moved to draft.", "%d records moved to draft.", count) % count,
            messages.SUCCESS,
        )

    def _set_status(self, request, queryset, status, reason):
        count = 0
        with transaction.atomic():
            rows, stale = self.split_stale(request, queryset)
            for obj in rows:
                if obj.status == status:
                    continue
                obj.status = status
                self._save_with_history(request, obj, reason)
                count += 1
        self.report_stale(request, stale)
        return count

    @admin.action(description=_("Mark selected records as reviewed today"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        today = timezone.localdate()
        count = 0
        with transaction.atomic():
            rows, stale = self.split_stale(request, queryset)
            for obj in rows:
                obj.last_reviewed = today
                self._save_with_history(request, obj, "Marked reviewed (bulk action)")
                count += 1
        self.report_stale(request, stale)
        self.message_user(
            request,
            ngettext("%d record marked reviewed.", "%d records marked reviewed.", count) % count,
            messages.SUCCESS,
        )


def _was_published(obj) -> bool:
    """Whether the record has been published before (then its date is kept)."""
    return obj.history.filter(status=Status.PUBLISHED).exists()


def _flat(fields):
    for item in fields:
        if isinstance(item, list | tuple):
            yield from item
        else:
            yield item


class ChildHistoryAdmin(TextLimitMixin, SafeEditingMixin, HistoryCompareMixin, SimpleHistoryAdmin):
    """History (and compare) pages for a child row model edited inline elsewhere."""

    form = ChildRowForm
    Media = EditorialAdminMedia

    def has_module_permission(self, request):
        return False


# --- Link check reports ---------------------------------------------------------


@admin.register(LinkCheckReport)
class LinkCheckReportAdmin(admin.ModelAdmin):
    """Reports are written by ``check_links``; the latest is shown on its own page."""

    list_display = ("created", "records_checked", "links_checked", "problem_count")
    readonly_fields = ("created", "records_checked", "links_checked", "problems")
    exclude = ("references",)

    def has_module_permission(self, request):
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Tags (django-taggit's admin, with the editors' styles) ------------------------


class EditorialTagAdmin(ChangelistLabelsMixin, TagAdmin):
    Media = EditorialAdminMedia


if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)
admin.site.register(Tag, EditorialTagAdmin)
