"""Conflicting saves in the admin: detect them, show them field by field, merge.

Every change form carries the version of the record it was loaded at (the
hidden ``loaded_version`` field, ``VersionedFormMixin``), and so does every
inline child row. A save whose versions are no longer current is refused
before anything is validated or written (``find_conflict``, with the record's
row locked), and the editor gets the conflict page instead: a three-way
comparison (``build_conflict``) of

* **base** — the version the editor loaded: the latest historical row with
  ``version <=`` the loaded one (django-simple-history keeps the version with
  every row, links included); tags, which history does not keep, travel with
  the form as ``_loaded-tags``;
* **theirs** — the record as it is now, and who saved it when;
* **mine** — what the editor sent.

A field only one side changed is merged without asking; a field both changed
(to different values) needs a choice, or for text a hand merge (pre-filled with
a line-by-line three-way merge). Child rows are matched by id: rows the other
editor deleted or the editor deleted are row-level choices when the other side
changed them, rows only one side touched follow that side, rows added on
either side stay.

The conflict page is a form that posts back to the same URL with the editor's
own data (as sent), the other side's values for every field that differs
(``_theirs-<key>``), the choices (``_merge-<field>``, ``_row-<prefix>-<i>``)
and the *current* versions. ``apply_resolution`` turns that into ordinary form
data, which then goes through the same version check and the same validation
as any save: if someone saved again in the meantime, the editor gets a new
conflict page based on the version they resolved against.

Invariants: nothing is written while a conflict is shown; a field both sides
changed is never taken from either side without the editor's choice; the
model-level compare-and-set (``core.models.VersionedModel``) stays the last
line of defence for writes that race the check.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.widgets import ChoiceWidget
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.history import version_links

from .diffing import Segment, text_diff

VERSION_FIELD = "loaded_version"
LOADED_PREFIX = "_loaded-"
THEIRS_PREFIX = "_theirs-"
COMBINED_PREFIX = "_combined-"
MERGE_PREFIX = "_merge-"
ROW_PREFIX = "_row-"
RESOLUTION_FLAG = "_conflict_resolution"
# Keys of the posted form that are not the editor's data.
CONTROL_KEYS = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", RESOLUTION_FLAG}
CONTROL_PREFIXES = (LOADED_PREFIX, THEIRS_PREFIX, COMBINED_PREFIX, MERGE_PREFIX, ROW_PREFIX)
EMPTY = "—"
EMPTY_LIST = "__empty__"  # a posted list with no values (unticked box, no links)
MARK_THEIRS = "<<<<<<< {who}"
MARK_SPLIT = "======="
MARK_MINE = ">>>>>>> yours"
MARKER_RE = re.compile(r"^(<<<<<<< |=======$|>>>>>>> )", re.MULTILINE)


# --- The version fields on the admin's forms --------------------------------------


def parse_version(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def version_field() -> forms.Field:
    """The hidden ``loaded_version`` field (declare it on the form class).

    Lenient on purpose: a missing or mangled value is no form error, it is
    treated as "version unknown", which the conflict check refuses like a
    stale one.
    """
    return forms.CharField(required=False, widget=forms.HiddenInput, label=_("loaded version"))


class VersionedFormMixin:
    """Fills ``loaded_version`` (``version_field``) with the version of the row loaded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None and VERSION_FIELD not in self.initial:
            self.initial[VERSION_FIELD] = getattr(instance, "version", "")

    def loaded_version(self) -> int | None:
        data = self.cleaned_data.get(VERSION_FIELD) if hasattr(self, "cleaned_data") else None
        return parse_version(data)


# --- Form values as posted data -------------------------------------------------------


def _inner(widget):
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    return widget


def widget_keys(widget, name: str) -> list[str]:
    """The posted keys a widget reads (``publish_at_0``, ``publish_at_1`` for a split one)."""
    widget = _inner(widget)
    if isinstance(widget, forms.MultiWidget):
        keys = []
        for sub, suffix in zip(widget.widgets, widget.widgets_names, strict=True):
            keys.extend(widget_keys(sub, name + suffix))
        return keys
    return [name]


def widget_data(widget, name: str, value) -> dict[str, list[str]]:
    """What a browser would post for ``value`` shown in ``widget`` (``{key: [values]}``)."""
    widget = _inner(widget)
    if isinstance(widget, forms.MultiWidget):
        values = value if isinstance(value, list | tuple) else widget.decompress(value)
        data: dict[str, list[str]] = {}
        for sub, suffix, sub_value in zip(
            widget.widgets, widget.widgets_names, values, strict=False
        ):
            data.update(widget_data(sub, name + suffix, sub_value))
        return data
    if isinstance(widget, forms.CheckboxInput):
        return {name: ["on"]} if widget.check_test(value) else {name: []}
    if isinstance(widget, ChoiceWidget):
        formatted = widget.format_value(value)
        if widget.allow_multiple_selected:
            return {name: [str(v) for v in formatted]}
        return {name: [str(formatted[0]) if formatted else ""]}
    formatted = widget.format_value(value)
    return {name: ["" if formatted is None else str(formatted)]}


def form_data(form, names) -> dict[str, list[str]]:
    """Posted data for the (unbound) ``form``'s initial values of the fields ``names``."""
    data: dict[str, list[str]] = {}
    for name in names:
        bound = form[name]
        data.update(widget_data(bound.field.widget, bound.html_name, bound.value()))
    return data


# --- Comparing values -----------------------------------------------------------------


@dataclass
class Value:
    """One side's value of one field: comparable and readable."""

    key: object  # for comparison
    text: str  # for people
    raw: str = ""  # the plain text of a text field (for a hand merge)
    pks: list | None = None  # the linked records of a many-to-many field


def _clean(form_field, data: dict, html_name: str):
    value = form_field.widget.value_from_datadict(data, {}, html_name)
    try:
        return True, form_field.clean(value), value
    except (ValidationError, ValueError, TypeError):
        return False, None, value


def _display(form_field, value) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet | list | tuple):
        items = [str(v) for v in value]
        return ", ".join(sorted(items, key=str.casefold)) or EMPTY
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    if hasattr(value, "year") and hasattr(value, "month"):
        return date_format(value, "DATE_FORMAT")
    choices = getattr(form_field, "choices", None)
    if choices and not isinstance(form_field, forms.ModelChoiceField):
        labels = {str(k): v for k, v in _flat_choices(choices)}
        return str(labels.get(str(value), value))
    return str(value)


def _flat_choices(choices):
    for key, label in choices:
        if isinstance(label, list | tuple):
            yield from _flat_choices(label)
        else:
            yield key, label


def value_of(form_field, data: dict, html_name: str) -> Value:
    ok, cleaned, raw = _clean(form_field, data, html_name)
    if not ok:
        text = raw if isinstance(raw, str) else ", ".join(map(str, raw or []))
        return Value(key=("invalid", text), text=text or EMPTY, raw=text)
    if isinstance(cleaned, models.QuerySet):
        pks = sorted(obj.pk for obj in cleaned)
        return Value(key=tuple(pks), text=_display(form_field, list(cleaned)), pks=pks)
    if isinstance(cleaned, models.Model):
        return Value(key=("pk", cleaned.pk), text=str(cleaned))
    if isinstance(cleaned, list | tuple):  # tags
        names = sorted({str(v).casefold() for v in cleaned})
        return Value(key=tuple(names), text=", ".join(sorted(map(str, cleaned))) or EMPTY)
    if isinstance(cleaned, str):
        text = cleaned.replace("\r\n", "\n")
        return Value(key=text.strip(), text=text or EMPTY, raw=text)
    return Value(key=cleaned, text=_display(form_field, cleaned))


# --- Three-way merge of a text ----------------------------------------------------------


def merge_text(base: str, theirs: str, mine: str, who: str) -> tuple[str, bool]:
    """A line-by-line three-way merge: ``(text, clean)``.

    Changes to different lines are combined; where both changed the same lines
    both versions are kept between conflict markers for the editor to settle.
    """
    base_lines = base.split("\n")
    theirs_lines = theirs.split("\n")
    mine_lines = mine.split("\n")

    def changes(other):
        matcher = difflib.SequenceMatcher(a=base_lines, b=other, autojunk=False)
        return [
            (i1, i2, other[j1:j2])
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal"
        ]

    ours, theirs_changes = changes(mine_lines), changes(theirs_lines)
    edits = sorted(
        [(i1, i2, lines, "mine") for i1, i2, lines in ours]
        + [(i1, i2, lines, "theirs") for i1, i2, lines in theirs_changes]
    )
    result: list[str] = []
    clean = True
    position = 0
    index = 0
    while index < len(edits):
        start, end, _lines, _side = edits[index]
        group = [edits[index]]
        index += 1
        # Edits that touch or overlap the same base lines form one group.
        while index < len(edits) and (
            edits[index][0] < end or (edits[index][0] == end == start) or edits[index][0] == start
        ):
            end = max(end, edits[index][1])
            group.append(edits[index])
            index += 1
        result.extend(base_lines[position:start])
        sides = {g[3] for g in group}
        if len(sides) == 1:
            cursor = start
            for g_start, g_end, g_lines, _side in group:
                result.extend(base_lines[cursor:g_start])
                result.extend(g_lines)
                cursor = g_end
            result.extend(base_lines[cursor:end])
        else:
            theirs_text = _apply(base_lines, start, end, [g for g in group if g[3] == "theirs"])
            mine_text = _apply(base_lines, start, end, [g for g in group if g[3] == "mine"])
            if theirs_text == mine_text:
                result.extend(mine_text)
            else:
                clean = False
                result.append(MARK_THEIRS.format(who=who))
                result.extend(theirs_text)
                result.append(MARK_SPLIT)
                result.extend(mine_text)
                result.append(MARK_MINE)
        position = end
    result.extend(base_lines[position:])
    return "\n".join(result), clean


def _apply(base_lines, start, end, group):
    out, cursor = [], start
    for g_start, g_end, g_lines, _side in group:
        out.extend(base_lines[cursor:g_start])
        out.extend(g_lines)
        cursor = g_end
    out.extend(base_lines[cursor:end])
    return out


def has_markers(text: str) -> bool:
    return bool(MARKER_RE.search(text or ""))


# --- The conflict -------------------------------------------------------------------------


@dataclass
class FieldMerge:
    key: str  # the field's html name ("summary", "duties-0-text")
    label: str
    base: Value | None
    theirs: Value
    mine: Value
    theirs_data: dict[str, list[str]]
    status: str = "same"  # same | theirs | mine | conflict
    combined: str | None = None  # a text's pre-filled hand merge
    combined_clean: bool = False
    combined_data: dict[str, list[str]] | None = None  # a merged set of links
    combined_text: str = ""
    error: str = ""

    @property
    def text_field(self) -> bool:
        return self.combined is not None

    def segments(self, side: str) -> list[Segment] | None:
        """A diff from the base to one side, for long or multi-line text."""
        if self.base is None or (not self.base.raw and not getattr(self, side).raw):
            return None
        other = getattr(self, side).raw
        if "\n" not in self.base.raw + other and max(len(self.base.raw), len(other)) <= 80:
            return None
        return text_diff(self.base.raw, other)

    @property
    def theirs_segments(self):
        return self.segments("theirs")

    @property
    def mine_segments(self):
        return self.segments("mine")


@dataclass
class RowMerge:
    prefix: str
    index: int | None  # the row's form in the editor's formset (None: added by them)
    label: str
    status: str  # changed | same | added-theirs | added-mine | deleted-theirs | deleted-mine
    fields: list[FieldMerge] = field(default_factory=list)
    choice: str = ""  # the row-level choice asked for: "deleted-theirs" / "deleted-mine"
    auto: str = ""  # the row-level decision made without asking: "drop"
    error: str = ""

    @property
    def choice_name(self) -> str:
        return f"{ROW_PREFIX}{self.prefix}-{self.index}"

    @property
    def conflicts(self) -> list[FieldMerge]:
        if self.status != "changed":
            return []  # a deleted row is one row-level choice, not one per field
        return [f for f in self.fields if f.status == "conflict"]

    @property
    def merged(self) -> list[FieldMerge]:
        if self.status != "changed":
            return []
        return [f for f in self.fields if f.status in ("theirs", "mine")]


@dataclass
class SectionMerge:
    label: str
    prefix: str
    rows: list[RowMerge]

    @property
    def changes(self) -> list[RowMerge]:
        return [row for row in self.rows if row.status != "same"]


@dataclass
class Conflict:
    obj: models.Model
    loaded_version: int | None
    current_version: int
    base_known: bool
    saved_by: str
    saved_at: object
    fields: list[FieldMerge]
    sections: list[SectionMerge]
    mine_data: list[tuple[str, str]]
    theirs_data: list[tuple[str, str]]
    errors: list[str] = field(default_factory=list)

    @property
    def conflicts(self) -> list[FieldMerge]:
        return [f for f in self.fields if f.status == "conflict"]

    @property
    def merged(self) -> list[FieldMerge]:
        return [f for f in self.fields if f.status in ("theirs", "mine")]

    def all_merges(self):
        return list(_all_merges(self.fields, self.sections))

    @property
    def row_changes(self) -> list[RowMerge]:
        return [r for s in self.sections for r in s.rows if r.status != "same"]

    @property
    def to_decide(self) -> int:
        count = len(self.conflicts)
        for section in self.sections:
            for row in section.rows:
                count += len(row.conflicts) + (1 if row.choice else 0)
        return count


def _history_at(model, pk, version):
    """The historical row of ``model`` ``pk`` as of ``version`` (None if unknown)."""
    if version is None:
        return None
    return (
        model.history.filter(id=pk, version__lte=version)
        .order_by("-version", "-history_date", "-history_id")
        .first()
    )


def latest_change(model, pk):
    """``(user name or "", when)`` of the latest saved version of a record or row."""
    row = (
        model.history.filter(id=pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if row is None:
        return "", None
    user = row.history_user.get_username() if row.history_user is not None else ""
    return user, row.history_date


def _merge_fields(
    form_class, names, mine_data, current, base_instance, base_initial, prefix, who
) -> list[FieldMerge]:
    """Three-way compare the fields ``names`` of one form (the record or one child row)."""
    kwargs = {"prefix": prefix} if prefix else {}
    theirs_form = form_class(instance=current, **kwargs) if current is not None else None
    base_form = (
        form_class(instance=base_instance, initial=base_initial, **kwargs)
        if base_instance is not None
        else None
    )
    mine_form = form_class(**kwargs)
    merges = []
    for name in names:
        bound = mine_form[name]
        form_field, html_name = bound.field, bound.html_name
        mine = value_of(form_field, mine_data, html_name)
        theirs_data = form_data(theirs_form, [name]) if theirs_form is not None else {}
        theirs = value_of(form_field, _qd(theirs_data), html_name)
        base = None
        if base_form is not None:
            base = value_of(form_field, _qd(form_data(base_form, [name])), html_name)
        label = str(form_field.label or name.replace("_", " "))
        merge = FieldMerge(
            key=html_name,
            label=label[:1].upper() + label[1:],
            base=base,
            theirs=theirs,
            mine=mine,
            theirs_data=theirs_data,
        )
        if mine.key == theirs.key:
            merge.status = "same"
        elif base is not None and mine.key == base.key:
            merge.status = "theirs"
        elif base is not None and theirs.key == base.key:
            merge.status = "mine"
        else:
            merge.status = "conflict"
            _offer_combination(merge, form_field, html_name, who)
        merges.append(merge)
    return merges


def _offer_combination(merge: FieldMerge, form_field, html_name: str, who: str) -> None:
    widget = _inner(form_field.widget)
    if merge.mine.pks is not None and merge.theirs.pks is not None:
        base = set(merge.base.pks or []) if merge.base is not None else set()
        theirs, mine = set(merge.theirs.pks), set(merge.mine.pks)
        combined = (base | (theirs - base) | (mine - base)) - (base - theirs) - (base - mine)
        merge.combined_data = {html_name: [str(pk) for pk in sorted(combined)]}
        objects = form_field.queryset.filter(pk__in=combined)
        merge.combined_text = _display(form_field, list(objects))
    elif isinstance(widget, forms.Textarea | forms.TextInput) and not isinstance(
        widget, forms.NumberInput | forms.DateInput | forms.TimeInput | forms.EmailInput
    ):
        base_text = merge.base.raw if merge.base is not None else ""
        if isinstance(merge.theirs.key, str) and isinstance(merge.mine.key, str):
            merge.combined, merge.combined_clean = merge_text(
                base_text, merge.theirs.raw, merge.mine.raw, who
            )


def _qd(data: dict[str, list[str]]) -> QueryDict:
    qd = QueryDict(mutable=True)
    for key, values in data.items():
        qd.setlist(key, list(values))
    return qd


def _form_names(form_class) -> list[str]:
    form = form_class()
    return [name for name in form.fields if name != VERSION_FIELD]


@dataclass
class InlineSpec:
    prefix: str
    formset_class: type
    model: type[models.Model]
    fk_name: str
    label: str


def inline_specs(model_admin, request, obj) -> list[InlineSpec]:
    """Every inline formset of the change form, with the prefix the admin gives it."""
    specs, prefixes = [], {}
    for formset_class, inline in model_admin.get_formsets_with_inlines(request, obj):
        prefix = formset_class.get_default_prefix()
        prefixes[prefix] = prefixes.get(prefix, 0) + 1
        if prefixes[prefix] != 1 or not prefix:
            prefix = f"{prefix}-{prefixes[prefix]}"
        label = str(inline.verbose_name_plural or formset_class.model._meta.verbose_name_plural)
        specs.append(
            InlineSpec(
                prefix=prefix,
                formset_class=formset_class,
                model=formset_class.model,
                fk_name=formset_class.fk.name,
                label=label[:1].upper() + label[1:],
            )
        )
    return specs


def _posted_rows(data, spec: InlineSpec):
    """``[(index, pk or None, loaded version, deleted)]`` of a posted formset."""
    try:
        total = int(data.get(f"{spec.prefix}-TOTAL_FORMS", "0"))
        initial = int(data.get(f"{spec.prefix}-INITIAL_FORMS", "0"))
    except ValueError:
        return []
    pk_name = spec.model._meta.pk.name
    rows = []
    for index in range(min(total, 1000)):
        base = f"{spec.prefix}-{index}-"
        pk = parse_version(data.get(base + pk_name, "")) if index < initial else None
        rows.append(
            (
                index,
                pk,
                parse_version(data.get(base + VERSION_FIELD, "")),
                bool(data.get(base + "DELETE")),
            )
        )
    return rows


def stale_parts(model, obj_version, data, specs, current_rows) -> bool:
    """Whether the posted versions (record and rows) are no longer all current."""
    loaded = parse_version(data.get(VERSION_FIELD, ""))
    if loaded is None or loaded != obj_version:
        return True
    for spec in specs:
        rows = current_rows[spec.prefix]
        for _index, pk, version, _deleted in _posted_rows(data, spec):
            if pk is None:
                continue
            row = rows.get(pk)
            if row is None or version is None or version != row.version:
                return True
    return False


def current_child_rows(obj, specs) -> dict[str, dict[int, models.Model]]:
    return {
        spec.prefix: {
            row.pk: row
            for row in spec.model._default_manager.filter(**{f"{spec.fk_name}_id": obj.pk})
        }
        for spec in specs
    }


def _links_initial(model, history_row) -> dict:
    if history_row is None:
        return {}
    return version_links(history_row)


def build_conflict(model_admin, request, obj, data, form_class, specs, current_rows) -> Conflict:
    """The three-way comparison of a stale save (see the module docstring)."""
    model = type(obj)
    loaded = parse_version(data.get(VERSION_FIELD, ""))
    who, when = latest_change(model, obj.pk)
    who_label = who or _("the other editor")
    base_row = _history_at(model, obj.pk, loaded)
    base_instance = base_row.instance if base_row is not None else None
    base_initial = _links_initial(model, base_row)
    names = _form_names(form_class)
    untracked = [n for n in names if _untracked(model, n)]
    for name in untracked:
        # Tags: history does not keep them; the form carried what it loaded.
        if f"{LOADED_PREFIX}{name}" in data:
            base_initial[name] = data.get(f"{LOADED_PREFIX}{name}")
        else:
            base_initial[name] = None
    fields = _merge_fields(form_class, names, data, obj, base_instance, base_initial, "", who_label)
    for merge in fields:
        if (
            merge.base is not None
            and merge.key in untracked
            and base_initial.get(merge.key) is None
        ):
            merge.base = None  # unknown: never guess
            if merge.status != "same":
                merge.status = "conflict"
                _offer_combination(merge, form_class().fields[merge.key], merge.key, who_label)

    sections = []
    for spec in specs:
        rows = []
        live = current_rows[spec.prefix]
        child_names = [
            n
            for n in _form_names(spec.formset_class.form)
            if n not in (spec.fk_name, spec.model._meta.pk.name)
        ]
        seen = set()
        for index, pk, version, deleted in _posted_rows(data, spec):
            row_prefix = f"{spec.prefix}-{index}"
            if pk is None:
                typed = any(data.get(f"{row_prefix}-{n}") not in (None, "") for n in child_names)
                if typed and not deleted:
                    rows.append(RowMerge(spec.prefix, index, _("new row"), "added-mine"))
                continue
            seen.add(pk)
            current = live.get(pk)
            base_child = _history_at(spec.model, pk, version)
            base_child_instance = base_child.instance if base_child is not None else None
            merges = _merge_fields(
                spec.formset_class.form,
                child_names,
                data,
                current,
                base_child_instance,
                _links_initial(spec.model, base_child),
                row_prefix,
                who_label,
            )
            label = str(current or base_child_instance or pk)
            if current is None:
                changed_by_me = any(m.base is None or m.mine.key != m.base.key for m in merges)
                row = RowMerge(spec.prefix, index, label, "deleted-theirs")
                if deleted:
                    row.auto = "drop"
                elif changed_by_me:
                    row.choice = "deleted-theirs"
                else:
                    row.auto = "drop"
                row.fields = [m for m in merges if m.base is None or m.mine.key != m.base.key]
                rows.append(row)
                continue
            if deleted:
                changed_by_them = any(m.base is None or m.theirs.key != m.base.key for m in merges)
                row = RowMerge(spec.prefix, index, label, "deleted-mine")
                if changed_by_them:
                    row.choice = "deleted-mine"
                    row.fields = [m for m in merges if m.base is None or m.theirs.key != m.base.key]
                rows.append(row)
                continue
            status = "changed" if any(m.status != "same" for m in merges) else "same"
            rows.append(RowMerge(spec.prefix, index, label, status, merges))
        for pk, current in live.items():
            if pk not in seen:
                rows.append(RowMerge(spec.prefix, None, str(current), "added-theirs"))
        sections.append(SectionMerge(spec.label, spec.prefix, rows))

    mine_pairs = [
        (key, value)
        for key, values in data.lists()
        if key not in CONTROL_KEYS
        and (key.startswith(LOADED_PREFIX) or not key.startswith(CONTROL_PREFIXES))
        for value in values
    ]
    theirs_pairs = [(f"{THEIRS_PREFIX}{VERSION_FIELD}", str(obj.version))]
    for section in sections:
        for row in section.rows:
            live_row = (
                current_rows[section.prefix].get(
                    parse_version(data.get(f"{section.prefix}-{row.index}-id", ""))
                )
                if row.index is not None
                else None
            )
            if live_row is not None:
                theirs_pairs.append(
                    (
                        f"{THEIRS_PREFIX}{section.prefix}-{row.index}-{VERSION_FIELD}",
                        str(live_row.version),
                    )
                )
    for merge in _all_merges(fields, sections):
        for key, values in merge.theirs_data.items():
            theirs_pairs.extend(_pairs(f"{THEIRS_PREFIX}{key}", values))
        if merge.combined_data:
            for key, values in merge.combined_data.items():
                theirs_pairs.extend(_pairs(f"{COMBINED_PREFIX}{key}", values))
    for name in untracked:
        for key, values in form_data(form_class(instance=obj), [name]).items():
            theirs_pairs.extend(_pairs(f"{THEIRS_PREFIX}{LOADED_PREFIX}{key}", values))
    return Conflict(
        obj=obj,
        loaded_version=loaded,
        current_version=obj.version,
        base_known=base_row is not None,
        saved_by=who,
        saved_at=when,
        fields=fields,
        sections=sections,
        mine_data=mine_pairs,
        theirs_data=theirs_pairs,
    )


def _pairs(key: str, values: list[str]) -> list[tuple[str, str]]:
    return [(key, v) for v in values] if values else [(key, EMPTY_LIST)]


def _untracked(model, name: str) -> bool:
    """A form field that revision history does not keep (tags)."""
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return False
    if model_field.concrete and not model_field.many_to_many:
        return False
    return not isinstance(model_field, models.ManyToManyField)


def _all_merges(fields, sections):
    yield from fields
    for section in sections:
        for row in section.rows:
            yield from row.fields


# --- Turning the editor's choices into form data --------------------------------------------


def _field_for(form_class, specs, key: str):
    """The form field whose html name is ``key`` (record or child row), or ``None``."""
    form = form_class()
    if key in form.fields and key != VERSION_FIELD:
        return form.fields[key]
    for spec in specs:
        match = re.fullmatch(rf"{re.escape(spec.prefix)}-(\d+)-(.+)", key)
        if match and match.group(2) in spec.formset_class.form.base_fields:
            return spec.formset_class.form.base_fields[match.group(2)]
    return None


def _field_keys_for(form_class, specs, key: str) -> list[str] | None:
    """The posted keys of the field whose html name is ``key``."""
    form_field = _field_for(form_class, specs, key)
    return None if form_field is None else widget_keys(form_field.widget, key)


def _substitute(data: QueryDict, keys: list[str], source_prefix: str) -> None:
    for key in keys:
        values = data.getlist(f"{source_prefix}{key}")
        data.setlist(key, [] if values == [EMPTY_LIST] else values)


def apply_resolution(data: QueryDict, form_class, specs) -> tuple[QueryDict, list[str]]:
    """The editor's choices on the conflict page → ordinary change-form data.

    Returns the data and a list of problems (a choice missing, conflict markers
    left in a hand merge); with problems the conflict page is shown again.
    """
    result = data.copy()
    problems: list[str] = []
    # The versions (and loaded tags) the editor resolved against become the base.
    for key in data:
        if key.startswith(THEIRS_PREFIX):
            target = key[len(THEIRS_PREFIX) :]
            if target.endswith(VERSION_FIELD) or target.startswith(LOADED_PREFIX):
                _substitute(result, [target], THEIRS_PREFIX)
    for key, choice in data.items():
        if not key.startswith(MERGE_PREFIX):
            continue
        field_key = key[len(MERGE_PREFIX) :]
        keys = _field_keys_for(form_class, specs, field_key)
        if keys is None:
            continue
        if choice == "theirs":
            _substitute(result, keys, THEIRS_PREFIX)
        elif choice == "combined":
            widget = _inner(_field_for(form_class, specs, field_key).widget)
            multiple = getattr(widget, "allow_multiple_selected", False)
            if f"{COMBINED_PREFIX}{field_key}" in data and len(keys) == 1 and not multiple:
                text = data.get(f"{COMBINED_PREFIX}{field_key}", "")
                if has_markers(text):
                    problems.append(field_key)
                result.setlist(field_key, [text])
            else:
                _substitute(result, keys, COMBINED_PREFIX)
    for key, choice in data.items():
        if not key.startswith(ROW_PREFIX):
            continue
        row_prefix = key[len(ROW_PREFIX) :]
        spec = next((s for s in specs if row_prefix.startswith(f"{s.prefix}-")), None)
        if spec is None:
            continue
        pk_key = f"{row_prefix}-{spec.model._meta.pk.name}"
        if choice == "drop":
            result.setlist(pk_key, [""])
            result.setlist(f"{row_prefix}-DELETE", ["on"])
        elif choice == "restore":
            total_key = f"{spec.prefix}-TOTAL_FORMS"
            total = int(result.get(total_key, "0"))
            new_prefix = f"{spec.prefix}-{total}"
            for row_key, values in list(result.lists()):
                if row_key.startswith(f"{row_prefix}-"):
                    suffix = row_key[len(row_prefix) + 1 :]
                    if suffix in (spec.model._meta.pk.name, VERSION_FIELD, "DELETE"):
                        continue
                    result.setlist(f"{new_prefix}-{suffix}", values)
            result.setlist(total_key, [str(total + 1)])
            result.setlist(pk_key, [""])
            result.setlist(f"{row_prefix}-DELETE", ["on"])
        elif choice == "keep":
            result.pop(f"{row_prefix}-DELETE", None)
            for name in spec.formset_class.form.base_fields:
                if name in (spec.fk_name, VERSION_FIELD):
                    continue
                widget = spec.formset_class.form.base_fields[name].widget
                _substitute(result, widget_keys(widget, f"{row_prefix}-{name}"), THEIRS_PREFIX)
        elif choice == "delete":
            result.setlist(f"{row_prefix}-DELETE", ["on"])
    for key in list(result):
        if key.startswith(CONTROL_PREFIXES) and not key.startswith(LOADED_PREFIX):
            result.pop(key)
    result.pop(RESOLUTION_FLAG, None)
    return result, problems


def missing_choices(data: QueryDict, conflict: Conflict) -> list[str]:
    """Labels of the fields and rows on ``conflict`` that ``data`` has no choice for."""
    missing = []
    for merge in conflict.conflicts:
        if not data.get(f"{MERGE_PREFIX}{merge.key}"):
            missing.append(merge.label)
    for section in conflict.sections:
        for row in section.rows:
            if row.choice and not data.get(row.choice_name):
                missing.append(f"{section.label}: {row.label}")
            for merge in row.conflicts:
                if not data.get(f"{MERGE_PREFIX}{merge.key}"):
                    missing.append(f"{section.label}: {row.label} — {merge.label}")
    return missing
