"""Model fields shared by the content apps."""

from django.db import models
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# The companion column of a Markdown field ``x`` is ``x_html``.
HTML_SUFFIX = "_html"


def _has_field(cls, name: str) -> bool:
    return any(f.name == name for f in cls._meta.local_fields)


class MarkdownField(models.TextField):
    """Editor text in Markdown: rendered (and sanitized) for readers, scanned for
    record links ("What links here", the link check) and previewed in the admin.

    Declaring a field as ``MarkdownField`` is all it takes: search indexes its
    plain text, the admin offers a preview and the link table reads its links.
    The help text starts with "Markdown." unless given.

    Each one brings a companion column, ``<name>_html`` (``RenderedMarkdownField``):
    the sanitized HTML, rendered once whenever the row is written (``save``,
    ``bulk_create``) and read by the templates, so no reader request parses
    Markdown. The migration adding the column fills it for existing rows
    (``core.fields.fill_rendered_markdown``).
    """

    description = _("Markdown text")
    is_markdown = True  # read by ``core.registry.markdown_fields``

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("Markdown."))
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        # Models rendered from migration state ("__fake__") get the companion
        # only where the state has it; abstract models pass it to their children.
        # Historical copies (``core.models.RecordHistory``) store none.
        if (
            cls._meta.abstract
            or cls.__module__ == "__fake__"
            or not getattr(self, "adds_companion", True)
        ):
            return
        html_name = f"{name}{HTML_SUFFIX}"
        if not _has_field(cls, html_name):
            cls.add_to_class(html_name, RenderedMarkdownField(source=name))


class RenderedMarkdownField(models.TextField):
    """The sanitized HTML of the Markdown field ``source`` (not editable).

    Computed in ``pre_save`` (so by ``save()``, ``create()`` and ``bulk_create``
    alike) with ``core.markdown.render_markdown`` — the parser escapes raw HTML
    and nh3 filters what it produces — and read back marked safe. Writers that
    bypass ``pre_save`` (``QuerySet.update``, ``bulk_update``, raw SQL) must
    call ``refresh_rendered_markdown`` on the rows they change.
    """

    description = _("Rendered Markdown (HTML)")

    def __init__(self, *args, source=None, **kwargs):
        self.source = source
        kwargs["editable"] = False
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, private_only=False):
        if _has_field(cls, name):
            return  # already added by its MarkdownField (a copied model: history)
        super().contribute_to_class(cls, name, private_only=private_only)

    def render(self, instance) -> str:
        from .markdown import render_markdown

        return render_markdown(getattr(instance, self.source, ""))

    def pre_save(self, model_instance, add):
        value = self.render(model_instance)
        setattr(model_instance, self.attname, value)
        return value

    def from_db_value(self, value, expression, connection):
        # Sanitized when it was written (``pre_save``), so safe to show as is.
        return mark_safe(value) if value is not None else value


def is_rendered(field) -> bool:
    """Whether ``field`` is a derived HTML column (never exported, compared or edited)."""
    return isinstance(field, RenderedMarkdownField)


def rendered_fields(model) -> list[RenderedMarkdownField]:
    return [f for f in model._meta.concrete_fields if is_rendered(f)]


def refresh_rendered_markdown(model, queryset=None, batch_size: int = 500) -> int:
    """Re-render the HTML columns of ``model``'s rows (all, or ``queryset``'s); returns
    the number of rows written. Runs through ``bulk_update`` — no save signals,
    no version bump: the HTML is derived, not edited."""
    fields = rendered_fields(model)
    if not fields:
        return 0
    rows = queryset if queryset is not None else model._base_manager.all()
    names = [f.source for f in fields] + [f.name for f in fields]
    batch, count = [], 0
    for row in rows.only("pk", *names).iterator(chunk_size=batch_size):
        changed = False
        for f in fields:
            html = f.render(row)
            if getattr(row, f.attname) != html:
                setattr(row, f.attname, html)
                changed = True
        if changed:
            batch.append(row)
        if len(batch) >= batch_size:
            model._base_manager.bulk_update(batch, [f.name for f in fields])
            count += len(batch)
            batch = []
    if batch:
        model._base_manager.bulk_update(batch, [f.name for f in fields])
        count += len(batch)
    return count


def fill_rendered_markdown(app_label: str, model_names: list[str]):
    """A ``RunPython`` function for the migration that adds the HTML columns."""

    def fill(apps, schema_editor):
        from .markdown import render_markdown

        for model_name in model_names:
            model = apps.get_model(app_label, model_name)
            fields = [
                f
                for f in model._meta.concrete_fields
                if type(f).__name__ == "RenderedMarkdownField"
            ]
            batch = []
            for row in model._base_manager.all().iterator(chunk_size=500):
                for f in fields:
                    setattr(row, f.attname, render_markdown(getattr(row, f.source)))
                batch.append(row)
                if len(batch) >= 500:
                    model._base_manager.bulk_update(batch, [f.name for f in fields])
                    batch = []
            if batch:
                model._base_manager.bulk_update(batch, [f.name for f in fields])

    return fill
