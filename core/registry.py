"""The record-type registry: every kind of record readers can reach, in one place.

A content app registers each of its record types once, in its
``AppConfig.ready()``::

    from core import registry

    registry.register(
        registry.RecordType(
            model=Program,
            slug="program",              # permanent URLs, Markdown links, ?type=
            listing="programs",          # the listing's path segment
            detail_url_name="careers:program_detail",
            list_url_name="careers:program_list",
            order=50,                    # navigation, search and home page
            blurb="Fellowships, courses and residencies that lead into the work.",
            filterset="careers.filters.ProgramFilter",
            api_fields="careers.api.ProgramFields",
            api_filterset="careers.api.ProgramAPIFilter",
        )
    )

Everything else about a record type is declared on its model and read from
there (``model_facts``): which fields are Markdown (``core.fields.MarkdownField``),
what goes into its search document (``search_fields``), what it needs before it
may be published (``publish_requirements``), its child rows (every
``core.models.OrderedChild`` with a foreign key to it) and its links to other
records (its relation fields).

Search, "What links here", the API, exports, feeds, the sitemap, the review
dashboard, the page cache, navigation, the home and tag pages, the Editors
group and whole-site export/import all read this registry; none of them lists
record types itself. Adding a record type takes a model in its app, one
``register(...)`` call and its templates (see ``docs/architecture.md``).
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.db import models
from django.utils.module_loading import import_string

# --------------------------------------------------------------------------
# What a model declares for search (``search_fields``)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Related:
    """The name (``str()``) of a related record: a role's category, a program's organizer."""

    name: str


@dataclass(frozen=True)
class Children:
    """Text of a record's child rows: one part per row, its ``fields`` joined by a space."""

    accessor: str
    fields: tuple[str, ...]

    def __init__(self, accessor: str, *fields: str):
        object.__setattr__(self, "accessor", accessor)
        object.__setattr__(self, "fields", fields)


# --------------------------------------------------------------------------
# Record types
# --------------------------------------------------------------------------


def _resolve(value):
    """A class given directly or as a dotted path (resolved when first used)."""
    if isinstance(value, str):
        return import_string(value)
    return value


@dataclass(frozen=True, eq=False)
class RecordType:
    """One kind of record readers can reach (see the module docstring)."""

    model: type[models.Model]
    slug: str  # "failure-mode": permanent URLs, Markdown link prefix, search ?type=
    listing: str  # "failure-modes": the listing's path segment, exports, feeds, API
    detail_url_name: str  # "guides:failuremode_detail"
    list_url_name: str  # "guides:failuremode_list"
    # Position in the main navigation, the search filter and (unless
    # ``home_order``) the home and tag pages; "What links here" groups follow
    # ``backlinks_order`` (default: ``order``).
    order: int = 100
    home_order: int | None = None
    backlinks_order: int | None = None
    # Short labels for navigation and search ("Papers"); default: the model's verbose names.
    label: str = ""
    plural: str = ""
    blurb: str = ""  # one sentence on the home page
    home_action: str = ""  # a call to action at the top of the home page ("Explore roles")
    link_prefixes: tuple[str, ...] = ()  # extra Markdown link prefixes, e.g. ("org",)
    card_related: tuple[str, ...] = ()  # select_related for the cards on home and tag pages
    # Editor-managed vocabularies that belong to this type (organization types):
    # exported, imported and loaded with it, and watched by the page cache.
    taxonomies: tuple[str, ...] = ()
    filterset: object = None  # the listing page's FilterSet (class or dotted path)
    api_fields: object = None  # the type's own API fields (a core.api.RecordFields)
    api_filterset: object = None  # API-only filters, added to the listing's

    # -- derived -------------------------------------------------------------

    @property
    def model_label(self) -> str:
        return self.model._meta.label

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def heading(self) -> str:
        """The plural as a heading: "Papers and books"."""
        return _capfirst(self.verbose_name_plural)

    @property
    def display_label(self) -> str:
        return self.label or _capfirst(self.verbose_name)

    @property
    def display_plural(self) -> str:
        return self.plural or self.heading

    @property
    def prefixes(self) -> tuple[str, ...]:
        """Markdown record-link prefixes: the slug, then any extra ones."""
        return (self.slug, *self.link_prefixes)

    @cached_property
    def filterset_class(self):
        return _resolve(self.filterset)

    @cached_property
    def api_fields_class(self):
        return _resolve(self.api_fields)

    @cached_property
    def api_filterset_class(self):
        return _resolve(self.api_filterset)

    @cached_property
    def taxonomy_models(self) -> list[type[models.Model]]:
        return [apps.get_model(label) for label in self.taxonomies]

    def __repr__(self) -> str:
        return f"<RecordType {self.slug}: {self.model_label}>"


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


class RegistryError(Exception):
    pass


_TYPES: dict[str, RecordType] = {}


def register(record_type: RecordType) -> RecordType:
    """Add a record type (from an ``AppConfig.ready()``); names must be unique.

    Registering the same model again replaces its entry (``ready()`` may run twice
    in tests); any other clash of slug, listing or link prefix is an error.
    """
    existing = _TYPES.get(record_type.slug)
    if existing is not None and existing.model_label != record_type.model_label:
        raise RegistryError(f"Record type slug {record_type.slug!r} is taken by {existing}.")
    for other in _TYPES.values():
        if other.slug == record_type.slug:
            continue
        if other.model is record_type.model:
            raise RegistryError(f"{record_type.model_label} is already registered as {other}.")
        if other.listing == record_type.listing:
            raise RegistryError(f"Listing {record_type.listing!r} is taken by {other}.")
        clash = set(other.prefixes) & set(record_type.prefixes)
        if clash:
            raise RegistryError(f"Link prefix {sorted(clash)} is taken by {other}.")
    _TYPES[record_type.slug] = record_type
    _invalidate()
    return record_type


def unregister(slug: str) -> None:
    """Remove a record type (tests only)."""
    _TYPES.pop(slug, None)
    _invalidate()


def _invalidate() -> None:
    for cached in (_by_model, _by_listing, _by_prefix, _parents, _watched):
        cached.clear()


_by_model: dict[type, RecordType | None] = {}
_by_listing: dict[str, RecordType] = {}
_by_prefix: dict[str, RecordType] = {}
_parents: dict[type, tuple[RecordType, str] | None] = {}
_watched: dict[str, frozenset] = {}


def record_types(order: str = "order") -> list[RecordType]:
    """Every record type, by ``order`` (or ``"home_order"``, ``"backlinks_order"``).

    Ties keep the order of registration (``INSTALLED_APPS``, then ``ready()``).
    """
    types = list(_TYPES.values())
    if order == "registration":
        return types

    def position(record_type):
        value = getattr(record_type, order)
        return record_type.order if value is None else value

    return sorted(types, key=position)


def get(slug: str) -> RecordType | None:
    """The record type with this slug (``"failure-mode"``), or ``None``."""
    return _TYPES.get(slug)


def slugs() -> list[str]:
    return [record_type.slug for record_type in record_types()]


def for_listing(listing: str) -> RecordType | None:
    """The record type whose listing is ``/<listing>/``, or ``None``."""
    if not _by_listing:
        _by_listing.update({rt.listing: rt for rt in _TYPES.values()})
    return _by_listing.get(listing)


def for_prefix(prefix: str) -> RecordType | None:
    """The record type a Markdown link prefix (``org``, ``program``…) names, or ``None``."""
    if not _by_prefix:
        _by_prefix.update({p: rt for rt in _TYPES.values() for p in rt.prefixes})
    return _by_prefix.get(prefix)


def link_prefixes() -> dict[str, RecordType]:
    for_prefix("")
    return dict(_by_prefix)


def for_model(model_or_instance) -> RecordType | None:
    """The record type of a model class or instance (``None`` for other models)."""
    model = model_or_instance if inspect.isclass(model_or_instance) else type(model_or_instance)
    try:
        return _by_model[model]
    except KeyError:
        pass
    concrete = getattr(model._meta, "concrete_model", None) or model
    found = next((rt for rt in _TYPES.values() if rt.model is concrete), None)
    if found is None:
        # A historical model (migrations) or a class loaded twice: match by label.
        label = concrete._meta.label
        found = next((rt for rt in _TYPES.values() if rt.model_label == label), None)
    _by_model[model] = found  # misses too: signal receivers ask for every saved model
    return found


def model(slug: str) -> type[models.Model]:
    """The model of a registered record type, found at runtime (``model("program")``)."""
    record_type = get(slug)
    if record_type is None:
        raise LookupError(f"No record type {slug!r} is registered.")
    return record_type.model


def record_models() -> list[type[models.Model]]:
    """The model of every record type, in ``order``."""
    return [record_type.model for record_type in record_types()]


def app_labels() -> set[str]:
    """The apps that own record types (their models are content)."""
    return {record_type.model._meta.app_label for record_type in _TYPES.values()}


def taxonomy_models() -> list[type[models.Model]]:
    """Every registered taxonomy, in registration order, without repeats."""
    found: list[type[models.Model]] = []
    for record_type in _TYPES.values():
        for taxonomy in record_type.taxonomy_models:
            if taxonomy not in found:
                found.append(taxonomy)
    return found


# --------------------------------------------------------------------------
# Facts declared on models
# --------------------------------------------------------------------------


def child_relations(model) -> list[tuple[str, type[models.Model], str]]:
    """``[(accessor, child model, fk name)]`` for the record's ordered child rows.

    Every ``core.models.OrderedChild`` with a foreign key to ``model`` is one of
    its child rows (duties, FAQ entries, approaches, steps…), sorted by accessor.
    """
    relations = []
    for rel in model._meta.related_objects:
        # ``core.models.OrderedChild`` marks its subclasses (no import: models read the registry).
        if rel.one_to_many and getattr(rel.related_model, "is_ordered_child", False):
            relations.append((rel.get_accessor_name(), rel.related_model, rel.field.name))
    return sorted(relations, key=lambda item: item[0])


def parent_of(child_model) -> tuple[RecordType, str] | None:
    """``(record type, fk name)`` when ``child_model`` holds child rows of a record type."""
    try:
        return _parents[child_model]
    except KeyError:
        pass
    found = None
    for record_type in _TYPES.values():
        for _accessor, child, fk_name in child_relations(record_type.model):
            if child is child_model:
                found = (record_type, fk_name)
    _parents[child_model] = found
    return found


def parent_record(row):
    """``(record type, parent pk, parent or None)`` of a child row, or ``None``.

    The parent is ``None`` when it no longer exists (it is being deleted with
    its rows); read through the base manager, so drafts are found too.
    """
    found = parent_of(type(row))
    if found is None:
        return None
    record_type, fk_name = found
    parent_pk = getattr(row, f"{fk_name}_id", None)
    if parent_pk is None:
        return None
    parent = record_type.model._base_manager.filter(pk=parent_pk).first()
    return record_type, parent_pk, parent


def markdown_fields(model) -> list[str]:
    """Names of the model's Markdown fields (``core.fields.MarkdownField``)."""
    from .fields import MarkdownField

    return [f.name for f in model._meta.concrete_fields if isinstance(f, MarkdownField)]


def search_fields(model) -> tuple:
    """What the model's search document holds (``Model.search_fields``)."""
    return tuple(getattr(model, "search_fields", ()))


def related_record_fields(model):
    """Forward foreign keys and many-to-many fields of ``model`` to other record types."""
    for model_field in model._meta.get_fields():
        if not (model_field.many_to_many or model_field.many_to_one):
            continue
        if model_field.auto_created and not model_field.concrete:
            continue  # reverse relations
        if model_field.related_model is not None and for_model(model_field.related_model):
            yield model_field


def watched_models() -> frozenset[type[models.Model]]:
    """Every model whose rows a reader page can show: records, their child rows, taxonomies."""
    if "models" not in _watched:
        found: list[type[models.Model]] = []
        for record_type in record_types(order="registration"):
            found.append(record_type.model)
            found.extend(child for _accessor, child, _fk in child_relations(record_type.model))
            found.extend(record_type.taxonomy_models)
        _watched["models"] = frozenset(found)
    return _watched["models"]


_SNAKE_RE = re.compile(r"(?<!^)(?=[A-Z])")


def transfer_name(model) -> str:
    """The section name of a model in exports and demo files: ``ResearchAgenda`` →
    ``research_agendas``, ``RoleCategory`` → ``role_categories``, ``Crux`` → ``cruxes``."""
    name = _SNAKE_RE.sub("_", model.__name__).lower()
    if name.endswith("y") and not name.endswith(("ay", "ey", "oy", "uy")):
        return name[:-1] + "ies"
    if name.endswith(("s", "x")):
        return name + "es"
    return name + "s"


def transfer_models() -> list[tuple[str, type[models.Model]]]:
    """``[(section name, model)]`` in load order: taxonomies, then record types,
    each after the records its foreign keys point at (registration order otherwise)."""
    ordered = list(taxonomy_models())
    pending = [rt.model for rt in record_types(order="registration")]
    while pending:
        for candidate in pending:
            targets = {
                f.related_model
                for f in candidate._meta.concrete_fields
                if f.many_to_one and f.related_model is not candidate
            }
            waiting = targets & set(pending)
            if not waiting:
                ordered.append(candidate)
                pending.remove(candidate)
                break
        else:  # a cycle of foreign keys: keep registration order
            ordered.extend(pending)
            break
    return [(transfer_name(m), m) for m in ordered]
