"""A record's neighbourhood: what it links to and what links to it, by type (a small map).

``neighbourhood(obj, backlinks)`` builds the map every detail page shows above
"What links here" (``partials/neighbourhood.html``, an SVG with the same
records as a list behind it). It runs no query: it reads the record's relations
to other record types that the detail view has already loaded
(``select_related``/``prefetch_related``, which every detail view uses for the
relations its page shows: forward ones are "links to", reverse ones "linked
from"), and adds the page's ``backlinks`` to "linked from".
Relations the view did not load are left out rather than fetched, and only
published records appear.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core import registry

# Per group, at most this many records are drawn (the list behind holds them all).
DRAWN_PER_GROUP = 5
LABEL_CHARS = 22
LINE_HEIGHT = 22
GROUP_GAP = 14
TOP = 66  # below the record's own box and the column headings


@dataclass
class Node:
    name: str
    url: str
    short: str
    y: int = 0


@dataclass
class Group:
    label: str
    records: list
    nodes: list[Node] = field(default_factory=list)
    more: int = 0
    y: int = 0
    more_y: int = 0


@dataclass
class Neighbourhood:
    name: str
    links_to: list[Group]
    linked_from: list[Group]
    height: int = 0

    @property
    def description(self) -> str:
        def part(groups):
            return ", ".join(f"{len(g.records)} {g.label.lower()}" for g in groups) or "nothing"

        return f"{self.name} links to {part(self.links_to)}; linked from {part(self.linked_from)}."

    def __bool__(self):
        return bool(self.links_to or self.linked_from)


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


def _layout(groups: list[Group]) -> int:
    y = TOP
    for group in groups:
        group.y = y + 14
        y += LINE_HEIGHT
        drawn = group.records[:DRAWN_PER_GROUP]
        group.nodes = [
            Node(r.name, r.get_absolute_url(), _short(r.name), y + 14 + i * LINE_HEIGHT)
            for i, r in enumerate(drawn)
        ]
        y += LINE_HEIGHT * len(drawn)
        group.more = len(group.records) - len(drawn)
        if group.more:
            group.more_y = y + 14
            y += LINE_HEIGHT
        y += GROUP_GAP
    return y


def _published(record) -> bool:
    return getattr(record, "is_published", True) is not False


def _same(record, obj) -> bool:
    return type(record)._meta.concrete_model is type(obj)._meta.concrete_model and (
        record.pk == obj.pk
    )


def loaded_relations(obj) -> tuple[dict[str, list], dict[str, list]]:
    """``(links to, linked from)`` by type label, from relations the view already loaded.

    Forward relations (a foreign key or many-to-many field on ``obj``) are links
    to; reverse ones (another record's field pointing here, e.g. an agenda's
    ``papers``) are links from. Nothing is fetched.
    """
    outgoing: dict[str, list] = {}
    incoming: dict[str, list] = {}
    prefetched = getattr(obj, "_prefetched_objects_cache", {})
    for model_field in type(obj)._meta.get_fields():
        if not model_field.is_relation or model_field.related_model is None:
            continue
        record_type = registry.for_model(model_field.related_model)
        if record_type is None:
            continue
        reverse = model_field.auto_created and not model_field.concrete
        if model_field.many_to_many or model_field.one_to_many:
            name = model_field.get_accessor_name() if reverse else model_field.name
            if name not in prefetched:
                continue
            records = list(prefetched[name])
        elif not reverse and model_field.is_cached(obj):
            related = model_field.get_cached_value(obj)
            records = [related] if related is not None else []
        else:
            continue
        records = [r for r in records if _published(r) and not _same(r, obj)]
        if records:
            target = incoming if reverse else outgoing
            group = target.setdefault(record_type.display_plural, [])
            group.extend(r for r in records if r not in group)
    return outgoing, incoming


def neighbourhood(obj, backlinks: dict[str, list]) -> Neighbourhood:
    outgoing, incoming = loaded_relations(obj)
    for label, records in backlinks.items():
        group = incoming.setdefault(label, [])
        group.extend(r for r in records if r not in group)
    hood = Neighbourhood(
        obj.name,
        [Group(label, records) for label, records in outgoing.items()],
        [Group(label, records) for label, records in incoming.items()],
    )
    hood.height = max(_layout(hood.links_to), _layout(hood.linked_from), TOP) + 4
    return hood
