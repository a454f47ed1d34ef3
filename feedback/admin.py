"""The editors' queue of reader submissions.

States new / accepted / rejected / spam; filters by state, kind, record type
and record (``?record=<type>:<pk>``, the review dashboard's links); bulk
actions to set the state or forget email addresses. What a reader sent is
shown read-only and as text: escaped, line breaks kept, addresses and links
never turned into links. "Open in the record's form" accepts a submission in
one step (``feedback.accept``). Nobody adds submissions here.

Queries on the list: the page of submissions, their content types (joined)
and one query per record type for the records' names (``prefetch_related``
on the generic relation).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import registry

from .accept import accept_url
from .models import NOTE_MAX, Kind, State, Submission
from .parts import part_label

EXCERPT = 90
RECORD_CHOICES = 20


def _record_value(value: str):
    """``"organization:12"`` → ``(record type, 12)``, or ``None``."""
    slug, _sep, pk = (value or "").partition(":")
    record_type = registry.get(slug)
    if record_type is None or not pk.isdigit() or len(pk) > 18:
        return None
    return record_type, int(pk)


class RecordTypeFilter(admin.SimpleListFilter):
    title = _("record type")
    parameter_name = "record_type"

    def lookups(self, request, model_admin):
        return [(rt.slug, rt.display_plural) for rt in registry.record_types()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        record_type = registry.get(self.value())
        if record_type is None:
            return queryset.none()
        return queryset.filter(content_type=ContentType.objects.get_for_model(record_type.model))


class RecordFilter(admin.SimpleListFilter):
    """One record's submissions. Offers the records with most open submissions."""

    title = _("record")
    parameter_name = "record"

    def lookups(self, request, model_admin):
        rows = list(
            Submission.objects.open()
            .values("content_type_id", "object_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "content_type_id", "object_id")[:RECORD_CHOICES]
        )
        wanted = [(row["content_type_id"], row["object_id"]) for row in rows]
        counts = {(row["content_type_id"], row["object_id"]): row["n"] for row in rows}
        selected = _record_value(self.value())
        if selected is not None:
            ct = ContentType.objects.get_for_model(selected[0].model)
            if (ct.pk, selected[1]) not in counts:
                wanted.append((ct.pk, selected[1]))
        names = {}
        by_type: dict[int, list[int]] = {}
        for content_type_id, pk in wanted:
            by_type.setdefault(content_type_id, []).append(pk)
        choices = []
        for content_type_id, pks in by_type.items():
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            record_type = registry.for_model(model) if model is not None else None
            if record_type is None:
                continue
            for pk, name in model._base_manager.filter(pk__in=pks).values_list("pk", "name"):
                names[(content_type_id, pk)] = (record_type, name)
        for key in wanted:
            if key not in names:
                continue
            record_type, name = names[key]
            open_count = counts.get(key)
            label = f"{record_type.display_label}: {name}"
            if open_count:
                label += f" ({open_count} open)"
            choices.append((f"{record_type.slug}:{key[1]}", label))
        if self.value() and not any(value == self.value() for value, _label in choices):
            choices.append((self.value(), _("(this record)")))
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        found = _record_value(self.value())
        if found is None:
            return queryset.none()
        record_type, pk = found
        return queryset.filter(
            content_type=ContentType.objects.get_for_model(record_type.model), object_id=pk
        )


class ReplyWantedFilter(admin.SimpleListFilter):
    title = _("reply wanted")
    parameter_name = "reply"

    def lookups(self, request, model_admin):
        return (("yes", _("Left an email address")), ("no", _("No email address")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(email="")
        if self.value() == "no":
            return queryset.filter(email="")
        return queryset


class SubmissionForm(forms.ModelForm):
    editor_note = forms.CharField(
        label=_("Editor's note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the editors only, e.g. what was changed or why it was rejected."),
    )

    class Meta:
        model = Submission
        fields = ("state", "editor_note")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    form = SubmissionForm
    list_display = ("sent", "what", "record_link", "excerpt", "state", "next_step")
    list_display_links = ("sent",)
    list_filter = ("state", "kind", RecordTypeFilter, RecordFilter, ReplyWantedFilter)
    list_select_related = ()  # content types come from ContentType's cache
    list_per_page = 50
    search_fields = ("comment", "proposed_text", "email", "client_hash")
    search_help_text = _("Searches what readers wrote, their email and the sender hash.")
    date_hierarchy = "created"
    actions = ("mark_accepted", "mark_rejected", "mark_spam", "mark_new", "forget_email")
    readonly_fields = (
        "kind",
        "record_link",
        "part_display",
        "answer",
        "message",
        "source_display",
        "email_display",
        "created",
        "client_hash",
        "reviewed_by",
        "reviewed_at",
        "version_link",
        "next_step",
    )
    fieldsets = (
        (
            _("What the reader sent"),
            {
                "fields": (
                    "kind",
                    "record_link",
                    "part_display",
                    "answer",
                    "message",
                    "source_display",
                    "email_display",
                    "created",
                ),
                "description": _(
                    "Shown as the reader wrote it, as plain text: check addresses before "
                    "opening them."
                ),
            },
        ),
        (
            _("Review"),
            {
                "fields": (
                    "next_step",
                    "state",
                    "editor_note",
                    "reviewed_by",
                    "reviewed_at",
                    "version_link",
                )
            },
        ),
        (
            _("Sender"),
            {
                "fields": ("client_hash",),
                "description": _(
                    "A keyed hash of the sender's address (the address is not kept): the same "
                    "value means the same sender. Search for it to see their other submissions."
                ),
            },
        ),
    )

    class Media:
        # The editors' admin styles (focus, target sizes, breadcrumbs) and the queue's own.
        css = {"all": ("admin_extra/editorial.css", "feedback/admin.css")}

    # What each kind of submission has (the others' fields would only show "—").
    SENT_FIELDS = {
        Kind.USEFUL: ("kind", "record_link", "answer", "message", "created"),
        Kind.OUTDATED: (
            "kind",
            "record_link",
            "part_display",
            "message",
            "source_display",
            "email_display",
            "created",
        ),
    }

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        sent = self.SENT_FIELDS.get(getattr(obj, "kind", None))
        if sent is None:
            return fieldsets
        (title, options), *rest = fieldsets
        return [(title, {**options, "fields": sent}), *rest]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("reviewed_by").prefetch_related("record")
        )

    def has_add_permission(self, request):
        return False

    # --- columns and read-only fields ------------------------------------------

    @admin.display(description=_("record"))
    def record_link(self, obj):
        record = obj.record
        record_type = obj.record_type
        type_label = (
            record_type.display_label
            if record_type
            else obj.record_model._meta.verbose_name
            if obj.record_model
            else obj.content_type_id
        )
        if record is None:
            return format_html("{} #{} <em>(deleted)</em>", type_label, obj.object_id)
        model = type(record)
        try:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.pk]
            )
        except NoReverseMatch:
            url = None
        if url:
            return format_html(
                '<a href="{}">{}</a> <span class="feedback-type">{}</span>', url, record, type_label
            )
        return format_html('{} <span class="feedback-type">{}</span>', record, type_label)

    @admin.display(description=_("part of the page"))
    def part_display(self, obj):
        return part_label(obj.record_model, obj.part)

    @admin.display(description=_("what they wrote"))
    def excerpt(self, obj):
        text = Truncator(obj.text).chars(EXCERPT)
        if obj.kind == Kind.USEFUL:
            answer = _("Yes") if obj.useful else _("No")
            return f"{answer} — {text}" if text else str(answer)
        return text

    @admin.display(description=_("sent"), ordering="created")
    def sent(self, obj):
        return date_format(timezone.localtime(obj.created), "j M Y, H:i")

    @admin.display(description=_("what"), ordering="kind")
    def what(self, obj):
        if obj.kind == Kind.USEFUL:
            return obj.get_kind_display()
        return f"{obj.get_kind_display()} · {self.part_display(obj)}"

    @admin.display(description=_("useful"))
    def answer(self, obj):
        if obj.kind != Kind.USEFUL:
            return "—"
        return _("Yes") if obj.useful else _("No")

    @admin.display(description=_("what they wrote"))
    def message(self, obj):
        if not obj.text:
            return "—"
        return format_html('<div class="feedback-text">{}</div>', obj.text)

    @admin.display(description=_("source"))
    def source_display(self, obj):
        if not obj.source_url:
            return "—"
        return format_html('<span class="feedback-plain">{}</span>', obj.source_url)

    @admin.display(description=_("email for a reply"))
    def email_display(self, obj):
        if not obj.email:
            return "—"
        return format_html('<span class="feedback-plain">{}</span>', obj.email)

    @admin.display(description=_("version it produced"))
    def version_link(self, obj):
        if obj.accepted_version is None:
            return "—"
        model = obj.record_model
        try:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_history_compare",
                args=[obj.object_id],
            )
        except (NoReverseMatch, AttributeError):
            return f"#{obj.accepted_version}"
        return format_html(
            '<a href="{}?new={}">Version #{} — compare with the one before</a>',
            url,
            obj.accepted_version,
            obj.accepted_version,
        )

    @admin.display(description=_("next step"))
    def next_step(self, obj):
        if obj.pk is None or obj.state != State.NEW or obj.record is None:
            return "—"
        url = accept_url(obj, self.admin_site.name)
        if url is None:
            return "—"
        label = (
            _("Open in the record’s form")
            if obj.kind == Kind.SUGGESTION
            else _("Fix in the record’s form")
        )
        return format_html('<a class="button feedback-accept" href="{}">{}</a>', url, label)

    # --- saving ---------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if "state" in form.changed_data:
            if obj.state == State.NEW:
                obj.reviewed_by, obj.reviewed_at = None, None
            else:
                obj.reviewed_by, obj.reviewed_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)

    # --- bulk actions ---------------------------------------------------------

    def _set_state(self, request, queryset, state):
        now = timezone.now()
        reviewer = None if state == State.NEW else request.user
        count = queryset.exclude(state=state).update(
            state=state,
            reviewed_by=reviewer,
            reviewed_at=None if state == State.NEW else now,
            updated=now,
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d submission marked “%(state)s”.",
                "%(count)d submissions marked “%(state)s”.",
                count,
            )
            % {"count": count, "state": State(state).label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark selected as accepted"), permissions=["change"])
    def mark_accepted(self, request, queryset):
        self._set_state(request, queryset, State.ACCEPTED)

    @admin.action(description=_("Mark selected as rejected"), permissions=["change"])
    def mark_rejected(self, request, queryset):
        self._set_state(request, queryset, State.REJECTED)

    @admin.action(description=_("Mark selected as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_state(request, queryset, State.SPAM)

    @admin.action(description=_("Mark selected as new again"), permissions=["change"])
    def mark_new(self, request, queryset):
        self._set_state(request, queryset, State.NEW)

    @admin.action(
        description=_("Forget the email addresses of the selected (after replying)"),
        permissions=["change"],
    )
    def forget_email(self, request, queryset):
        count = queryset.exclude(email="").update(email="", updated=timezone.now())
        self.message_user(
            request,
            ngettext("%d email address deleted.", "%d email addresses deleted.", count) % count,
            messages.SUCCESS,
        )
