"""What links here: every published record that points at a record.

``backlinks_for(obj)`` returns ``{group label: [records]}`` — e.g.
``{"Guides": [...], "Roles": [...]}`` — of the *published* records that link
to ``obj`` through

* a relation (a foreign key or many-to-many field on the other record, e.g. a
  role's "programs that lead in", a paper's organizations);
* a guide step that names it (``GuideStep.LINK_FIELDS``), or a role's
  editor-chosen pathway item (``careers.RolePathwayItem``);
* a Markdown record link in any Markdown field, ``[MATS](program:mats)``
  (also in child rows: role FAQ answers, guide step bodies).

It runs exactly one query per source record type (seven), whatever the number
of links: each query ORs ``pk IN (subquery)`` conditions, so nothing joins into
the outer query and no row is repeated. Render with
``partials/backlinks.html``; ``BacklinksMixin`` adds ``backlinks`` to a
DetailView's context.
"""

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q

from core.api.registry import RECORD_TYPES, record_type_for
from core.markdown import RECORD_LINK_PREFIXES

# Per group, at most this many records (a hub organization stays readable).
BACKLINK_LIMIT = 100

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


@dataclass(frozen=True)
class ChildText:
    """Markdown in child rows: ``model_label.field``, reaching the parent by ``parent``."""

    model_label: str
    field: str
    parent: str


@dataclass(frozen=True)
class ChildLink:
    """A child row that links the parent to other records (e.g. guide steps)."""

    model_label: str
    parent: str
    fields: tuple[str, ...] | None = None  # None: every FK/M2M to the target


@dataclass(frozen=True)
class Source:
    """A record type that can link to others, and where its links live."""

    record_type: str  # key of core.api.registry.RECORD_TYPES
    markdown: tuple[str, ...]  # own Markdown fields
    child_text: tuple[ChildText, ...] = ()
    child_links: tuple[ChildLink, ...] = ()
    exclude_relations: tuple[str, ...] = field(default=())

    @property
    def model(self):
        return RECORD_TYPES[self.record_type].model


# Source types, in the order their groups are shown.
SOURCES = (
    Source(
        "guide",
        markdown=("intro",),
        child_text=(ChildText("guides.GuideStep", "body", "guide"),),
        child_links=(ChildLink("guides.GuideStep", "guide"),),
    ),
    Source(
        "role",
        markdown=("overview", "career_outlook", "cover_letter"),
        child_text=(ChildText("careers.RoleFAQ", "answer", "role"),),
        child_links=(ChildLink("careers.RolePathwayItem", "role"),),
    ),
    Source(
        "agenda",
        markdown=(
            "key_insight",
            "description",
            "open_questions",
            "how_to_contribute",
            "background_fit",
        ),
    ),
    Source("program", markdown=("description",)),
    Source("organization", markdown=("description",)),
    Source("paper", markdown=("description",)),
    Source("failure-mode", markdown=("body", "why_it_matters")),
)


def link_prefixes(model) -> list[str]:
    """Markdown link prefixes that name ``model`` (``org`` and ``organization``…)."""
    record_type = record_type_for(model)
    if record_type is None:
        return []
    return sorted(
        prefix
        for prefix, url_name in RECORD_LINK_PREFIXES.items()
        if url_name == record_type.detail_url_name
    )


def markdown_link_regex(obj) -> str | None:
    """A regular expression matching a Markdown link to ``obj`` by slug.

    Matches inline links ``](program:mats)`` and ``](program:mats "title")``,
    autolinks ``<program:mats>`` and reference definitions
    ``[id]: program:mats``, but not ``program:mats-2``. The syntax is shared by
    Python's ``re`` (SQLite) and PostgreSQL's regular expressions.
    """
    prefixes = link_prefixes(type(obj))
    if not prefixes or not SLUG_RE.match(obj.slug or ""):
        return None
    names = "|".join(prefixes)
    return rf"(\(|<|\]:[ \t]*)({names}):{obj.slug}([)>\s\"']|$)"


def _relation_fields(model, target_model, names=None):
    """Forward FK/M2M fields of ``model`` pointing at ``target_model``."""
    for model_field in model._meta.get_fields():
        if not (model_field.many_to_many or model_field.many_to_one):
            continue
        if model_field.auto_created and not model_field.concrete:
            continue  # reverse relations
        if model_field.related_model is not target_model:
            continue
        if names is not None and model_field.name not in names:
            continue
        yield model_field


def source_condition(source: Source, obj) -> Q | None:
    """The OR of every way a ``source`` record can link to ``obj`` (or ``None``)."""
    target_model = type(obj)._meta.concrete_model
    model = source.model
    condition = Q()
    found = False

    def add(q):
        nonlocal condition, found
        condition = condition | q if found else q
        found = True

    # Relations on the source record itself.
    for model_field in _relation_fields(model, target_model):
        if model_field.name in source.exclude_relations:
            continue
        linked = model.objects.filter(**{model_field.name: obj}).values("pk")
        add(Q(pk__in=linked))

    # Child rows linking the source to the target (guide steps, pathway items).
    for child in source.child_links:
        child_model = apps.get_model(child.model_label)
        for model_field in _relation_fields(child_model, target_model, child.fields):
            linked = child_model.objects.filter(**{model_field.name: obj}).values(child.parent)
            add(Q(pk__in=linked))

    # Markdown record links, in the source's own fields and in child rows.
    pattern = markdown_link_regex(obj)
    if pattern:
        for name in source.markdown:
            add(Q(**{f"{name}__regex": pattern}))
        for child in source.child_text:
            child_model = apps.get_model(child.model_label)
            linked = child_model.objects.filter(**{f"{child.field}__regex": pattern}).values(
                child.parent
            )
            add(Q(pk__in=linked))

    return condition if found else None


def backlinks_for(obj, *, limit: int = BACKLINK_LIMIT, exclude=()) -> dict[str, list]:
    """``{group label: [published records linking to obj]}``; empty groups left out.

    One query per source record type; the records need no further queries to
    render (name, summary, URL, type label). ``exclude`` lists record type
    slugs (``"role"``, ``"guide"``…) to leave out, e.g. groups the page already
    shows in full.
    """
    groups: dict[str, list] = {}
    for source in SOURCES:
        if source.record_type in exclude:
            continue
        condition = source_condition(source, obj)
        if condition is None:
            continue
        model = source.model
        queryset = model.objects.published().filter(condition)
        if model is type(obj)._meta.concrete_model:
            queryset = queryset.exclude(pk=obj.pk)
        records = list(queryset[:limit])
        if records:
            label = str(model._meta.verbose_name_plural)
            groups[label[:1].upper() + label[1:]] = records
    return groups


class BacklinksMixin:
    """Adds ``backlinks`` (``backlinks_for(self.object)``) to a DetailView's context.

    Set ``backlinks_exclude = ("role",)`` to leave out groups the page already lists.
    """

    backlinks_exclude: tuple[str, ...] = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["backlinks"] = backlinks_for(self.object, exclude=self.backlinks_exclude)
        return context
