"""Which parts of a record's page a reader can point at, derived from its model.

A record type's parts are, in model order: its editable fields that readers
see (every concrete editable field except the bookkeeping ones in
``NOT_SHOWN``), its many-to-many links to other records and its child rows
(``core.registry.child_relations``). No record type is listed by hand: the
test-only ``Gadget`` gets its parts the same way as a role.

A part is *prefillable* when the record's change form can take the proposed
text as it is — a plain text, number, date or URL field without choices.
Relations, choices and child rows are applied by the editor by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core import registry

# Fields every record has that readers do not see as content of the page.
NOT_SHOWN = frozenset({"id", "slug", "status", "publish_at", "last_reviewed", "order"})
WHOLE_PAGE_LABEL = _("The page as a whole, or something else")


@dataclass(frozen=True)
class Part:
    name: str
    label: str
    prefillable: bool


def _prefillable(field) -> bool:
    if field.is_relation or field.choices or isinstance(field, models.BooleanField):
        return False
    return isinstance(
        field,
        models.CharField
        | models.TextField
        | models.IntegerField
        | models.DecimalField
        | models.FloatField
        | models.DateField,
    )


@cache
def parts_for(model) -> tuple[Part, ...]:
    """The parts of a record type's page, in model order (see the module docstring)."""
    parts = []
    for field in model._meta.concrete_fields:
        if not field.editable or field.primary_key or field.name in NOT_SHOWN:
            continue
        parts.append(Part(field.name, capfirst(str(field.verbose_name)), _prefillable(field)))
    for field in model._meta.local_many_to_many:
        if isinstance(field, models.ManyToManyField):
            parts.append(Part(field.name, capfirst(str(field.verbose_name)), False))
    for accessor, child, _fk in registry.child_relations(model):
        parts.append(Part(accessor, capfirst(str(child._meta.verbose_name_plural)), False))
    return tuple(parts)


def get_part(model, name: str) -> Part | None:
    return next((part for part in parts_for(model) if part.name == name), None)


def part_choices(model) -> list[tuple[str, str]]:
    """Choices for the "which part of the page" select: the whole page first."""
    return [("", WHOLE_PAGE_LABEL), *((part.name, part.label) for part in parts_for(model))]


def part_label(model, name: str) -> str:
    if not name:
        return str(WHOLE_PAGE_LABEL)
    part = get_part(model, name) if model is not None else None
    return part.label if part is not None else name
