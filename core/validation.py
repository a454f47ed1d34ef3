"""Validation rules every record shares: text limits and what publishing needs.

* ``MAX_TEXT_LENGTH`` and the checks every model's ``clean()`` runs
  (``validate_record``): text length, NUL characters, the sections a published
  record needs.
* What a record needs before it may be published is declared on its model as
  ``publish_requirements = Requirements(...)`` (text fields, child rows);
  ``publish_problems(obj)`` lists what is still missing — checked by model
  ``clean()`` (text sections), by the admin's inline formsets (child rows) and
  by the bulk "publish" action (both).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .status import Status

# The longest text an editor may put in one field (about 8,000 words). Keeps
# requests under DATA_UPLOAD_MAX_MEMORY_SIZE and search text under PostgreSQL's
# tsvector limit; the admin's textareas carry it as ``maxlength``.
MAX_TEXT_LENGTH = 50_000


@dataclass(frozen=True)
class Requirements:
    """What a record type needs before it can be published (``Model.publish_requirements``)."""

    fields: tuple[str, ...] = ("summary",)
    # (accessor of an OrderedChild relation, message when it has no rows)
    children: tuple[tuple[str, str], ...] = ()


def requirements_for(model_or_obj) -> Requirements:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return getattr(model, "publish_requirements", None) or Requirements()


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_published(obj) -> bool:
    return getattr(obj, "status", None) == Status.PUBLISHED


def field_publish_problems(obj) -> dict[str, str]:
    """``{field: message}`` for the text sections a published record still lacks."""
    if not _is_published(obj):
        return {}
    problems = {}
    for name in requirements_for(obj).fields:
        if _is_blank(getattr(obj, name, None)):
            label = obj._meta.get_field(name).verbose_name
            problems[name] = str(
                _("Fill in “%(field)s” before publishing this %(type)s.")
                % {"field": label, "type": obj._meta.verbose_name}
            )
    return problems


def publish_problems(obj) -> list[str]:
    """Everything that stops ``obj`` (saved, with its child rows) being published."""
    problems = []
    for name in requirements_for(obj).fields:
        if _is_blank(getattr(obj, name, None)):
            problems.append(
                str(_("“%(field)s” is empty") % {"field": obj._meta.get_field(name).verbose_name})
            )
    for accessor, message in requirements_for(obj).children:
        if obj.pk is None or not getattr(obj, accessor).exists():
            problems.append(str(message))
    return problems


def text_length_errors(obj, limit: int = MAX_TEXT_LENGTH) -> dict[str, str]:
    errors = {}
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.TextField) and field.editable:
            value = getattr(obj, field.attname)
            if isinstance(value, str) and len(value) > limit:
                errors[field.name] = str(
                    _(
                        "This text is %(length)s characters long; the limit is %(limit)s. "
                        "Shorten it or split it into sections."
                    )
                    % {"length": f"{len(value):,}", "limit": f"{limit:,}"}
                )
    return errors


def nul_errors(obj) -> dict[str, str]:
    errors = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname, None)
        if isinstance(value, str) and "\x00" in value:
            errors[field.name] = str(_("Null characters are not allowed."))
    return errors


def validate_record(obj, errors: dict[str, str] | None = None) -> None:
    """Shared checks for a record's ``clean()``; raises one ``ValidationError``.

    ``errors`` are the model's own field errors, merged with the common ones:
    text length, NUL characters and the sections required to publish.
    """
    merged: dict[str, list[str]] = {}
    for source in (errors or {}, text_length_errors(obj), nul_errors(obj)):
        for field, message in source.items():
            merged.setdefault(field, []).append(message)
    for field, message in field_publish_problems(obj).items():
        merged.setdefault(field, []).append(message)
    if merged:
        raise ValidationError(merged)
