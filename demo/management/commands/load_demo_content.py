"""Load the demo content in ``demo/content/*.json`` — idempotently.

Every JSON file in the folder is merged. Each top-level key names a section —
a registered record type or taxonomy, named as in whole-site exports
(``organizations``, ``research_agendas``…) — holding a list of records keyed by ``slug``;
``defaults`` supplies the publication fields shared by every record and keys
starting with ``_`` are comments.

Running the command twice changes nothing the second time: records are matched
by slug, a record is saved only when one of its fields differs (so
simple-history gains no rows), many-to-many links and tags are rewritten only
when they differ, and child rows (duties, FAQ entries, approaches, steps…) are
matched by position and updated in place (a record that does not list a kind
of child row leaves those rows alone). Everything runs in one transaction:
an unknown slug anywhere aborts the whole load with an error naming the record.
"""

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from core import registry
from core.fields import is_rendered

DEMO_DIR = Path(__file__).resolve().parents[2] / "content"
CHANGE_REASON = "Loaded demo content"
# Publication fields a record inherits from the ``defaults`` section.
PUBLICATION_FIELDS = ("status", "publish_at", "last_reviewed")
# Fields the database maintains itself.
# ``version`` is the optimistic-concurrency counter (core.models.VersionedModel).
AUTOMATIC_FIELDS = {"id", "created", "updated", "version"}
# ``[text](prefix:slug)`` — a Markdown link to a record (see core.markdown).
RECORD_LINK_RE = re.compile(r"\]\(\s*([a-z][a-z-]*):([^)\s]+)\s*\)")


@dataclass(frozen=True)
class Children:
    """Ordered child rows stored under ``key`` on a parent record."""

    key: str
    model: type[models.Model]
    parent_field: str
    fks: dict[str, str] = field(default_factory=dict)
    m2m: dict[str, str] = field(default_factory=dict)

    def expand(self, value) -> list[dict]:
        """The rows of ``value``, which may use the demo files' two shorthands.

        * ``["…", "…"]`` for rows with one text field (a role's duties);
        * ``{"education": ["…"], …}`` for rows with one choice and one text
          field (a role's qualifications, grouped by kind).
        """
        if isinstance(value, dict):
            choice, text = _choice_field(self.model), _text_field(self.model)
            if choice is None or text is None:
                raise TypeError("expected a list of rows")
            return [{choice: kind, text: item} for kind, items in value.items() for item in items]
        if not isinstance(value, list):
            raise TypeError("expected a list of rows")
        text = _text_field(self.model)
        rows = []
        for row in value:
            if isinstance(row, str):
                if text is None:
                    raise TypeError("expected an object for each row")
                row = {text: row}
            rows.append(row)
        return rows


@dataclass(frozen=True)
class Section:
    """One top-level key of the JSON: a model whose records are keyed by slug."""

    key: str
    model: type[models.Model]
    fks: dict[str, str] = field(default_factory=dict)
    m2m: dict[str, str] = field(default_factory=dict)
    children: tuple[Children, ...] = ()

    @property
    def is_content(self) -> bool:
        return any(f.name == "tags" for f in self.model._meta.get_fields())

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)


def _own_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if not f.is_relation
        and f.name not in AUTOMATIC_FIELDS
        and f.name != "order"
        and not is_rendered(f)
    ]


def _text_field(model) -> str | None:
    texts = [
        f.name
        for f in _own_fields(model)
        if isinstance(f, models.CharField | models.TextField) and not f.choices
    ]
    return texts[0] if len(texts) == 1 else None


def _choice_field(model) -> str | None:
    choices = [f.name for f in _own_fields(model) if f.choices]
    return choices[0] if len(choices) == 1 else None


def _relations(model, section_of, exclude=()):
    """``({fk: section}, {m2m: section})`` for the model's links to loaded sections."""
    fks = {
        f.name: section_of[f.related_model]
        for f in model._meta.concrete_fields
        if f.many_to_one and f.related_model in section_of and f.name not in exclude
    }
    m2m = {
        f.name: section_of[f.related_model]
        for f in model._meta.many_to_many
        if f.related_model in section_of
    }
    return fks, m2m


def build_sections() -> tuple[Section, ...]:
    """Every taxonomy and record type (``core.registry``), in load order: a section's
    foreign keys point only at earlier sections."""
    ordered = registry.transfer_models()
    section_of = {model: name for name, model in ordered}
    sections = []
    for name, model in ordered:
        fks, m2m = _relations(model, section_of)
        children = []
        for accessor, child, fk_name in registry.child_relations(model):
            child_fks, child_m2m = _relations(child, section_of, exclude=(fk_name,))
            children.append(Children(accessor, child, fk_name, child_fks, child_m2m))
        sections.append(Section(name, model, fks, m2m, tuple(children)))
    return tuple(sections)


SECTIONS = build_sections()
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
# Markdown link prefix → section holding the linked records.
LINK_SECTIONS = {
    prefix: next(s.key for s in SECTIONS if s.model is record_type.model)
    for prefix, record_type in registry.link_prefixes().items()
}


def _scalar_fields(model, exclude=()):
    return [
        f
        for f in model._meta.concrete_fields
        if not f.is_relation
        and f.name not in AUTOMATIC_FIELDS
        and f.name not in exclude
        and not is_rendered(f)
    ]


def _strings(value):
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class Command(BaseCommand):
    help = "Load the demo content (demo/content/*.json). Safe to run repeatedly."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            default=str(DEMO_DIR),
            help="A JSON file, or a folder whose *.json files are merged (default: demo/content).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, then roll back."
        )

    # -- entry point ---------------------------------------------------------

    def handle(self, *args, **options):
        path = Path(options["path"])
        data, defaults = self._read(path)
        self.stats = defaultdict(Counter)
        self.index = {key: {} for key in SECTIONS_BY_KEY}  # section → slug → saved object
        self.json_slugs = {
            key: {record["slug"] for record in data.get(key, [])} for key in SECTIONS_BY_KEY
        }

        with transaction.atomic():
            self._check_links(data)
            for section in SECTIONS:
                for record in data.get(section.key, []):
                    self._upsert(section, record, defaults)
            related_roles = self._symmetric_related_roles(data.get("roles", []))
            for section in SECTIONS:
                for record in data.get(section.key, []):
                    obj = self.index[section.key][record["slug"]]
                    self._relations(section, obj, record, related_roles)
                    for children in section.children:
                        self._children(section, children, obj, record)
            if options["dry_run"]:
                transaction.set_rollback(True)

        self._report(path, dry_run=options["dry_run"])
        if not options["dry_run"] and path == DEMO_DIR:
            # The decision page's reader stages and timelines name guide steps and
            # crux positions loaded above (pathfinder/content/).
            call_command("load_pathfinder_content", verbosity=options.get("verbosity", 1))

    # -- reading and validation ---------------------------------------------

    def _read(self, path):
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        if not files:
            raise CommandError(f"No demo content found at {path}.")
        data, defaults = defaultdict(list), {}
        for file in files:
            try:
                content = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read {file}: {exc}") from exc
            for key, value in content.items():
                if key.startswith("_"):
                    continue
                if key == "defaults":
                    defaults.update(value)
                elif key in SECTIONS_BY_KEY:
                    data[key].extend(value)
                else:
                    raise CommandError(f"{file.name}: unknown section “{key}”.")
        unknown = set(defaults) - set(PUBLICATION_FIELDS)
        if unknown:
            raise CommandError(f"Unknown defaults: {', '.join(sorted(unknown))}.")
        for key, records in data.items():
            seen = set()
            for position, record in enumerate(records):
                slug = record.get("slug") if isinstance(record, dict) else None
                if not slug:
                    raise CommandError(f"{key}[{position}] has no slug.")
                if slug in seen:
                    raise CommandError(f"{key}: slug “{slug}” appears more than once.")
                seen.add(slug)
                self._check_keys(SECTIONS_BY_KEY[key], record)
        return data, defaults

    def _check_keys(self, section, record):
        allowed = {f.name for f in _scalar_fields(section.model)}
        allowed |= set(section.fks) | set(section.m2m) | {c.key for c in section.children}
        if section.is_content:
            allowed.add("tags")
        unknown = set(record) - allowed
        if unknown:
            names = ", ".join(sorted(unknown))
            raise CommandError(f"{section.label} “{record['slug']}”: unknown field(s) {names}.")

    def _check_links(self, data):
        """Every ``[text](prefix:slug)`` must name an existing or loaded record."""
        for section in SECTIONS:
            for record in data.get(section.key, []):
                for text in _strings(record):
                    for prefix, slug in RECORD_LINK_RE.findall(text):
                        if prefix not in LINK_SECTIONS:
                            continue
                        target = LINK_SECTIONS[prefix]
                        if not self._exists(target, slug):
                            raise CommandError(
                                f"{section.label} “{record['slug']}”: Markdown link "
                                f"“{prefix}:{slug}” points at an unknown "
                                f"{SECTIONS_BY_KEY[target].label}."
                            )

    def _exists(self, section_key, slug):
        if slug in self.json_slugs[section_key]:
            return True
        return SECTIONS_BY_KEY[section_key].model.objects.filter(slug=slug).exists()

    def _resolve(self, owner, field_name, section_key, slug):
        """The object ``slug`` in ``section_key``, or a CommandError naming ``owner``."""
        if slug in self.index[section_key]:
            return self.index[section_key][slug]
        target = SECTIONS_BY_KEY[section_key]
        obj = target.model.objects.filter(slug=slug).first()
        if obj is None:
            raise CommandError(
                f"{owner}: “{field_name}” refers to unknown {target.label} “{slug}”."
            )
        self.index[section_key][slug] = obj
        return obj

    # -- writing -------------------------------------------------------------

    def _assign(self, obj, values):
        """Set ``values`` on ``obj``; return True if anything changed."""
        changed = False
        for f, value in values.items():
            current = getattr(obj, f.attname)
            current = getattr(current, "code", current)  # django-countries' Country
            if current != value:
                setattr(obj, f.attname, value)
                changed = True
        return changed

    def _save(self, obj, owner, created, changed, label):
        if created or changed:
            try:
                obj.full_clean()
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    detail = "; ".join(
                        f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items()
                    )
                else:
                    detail = " ".join(exc.messages)
                raise CommandError(f"{owner}: {detail}") from exc
            obj._change_reason = CHANGE_REASON
            obj.save()
        self.stats[label]["created" if created else "updated" if changed else "unchanged"] += 1

    def _values(self, model, record, owner, defaults=None, exclude=()):
        values = {}
        for f in _scalar_fields(model, exclude):
            if f.name in record:
                raw = record[f.name]
            elif defaults is not None and f.name in defaults:
                raw = defaults[f.name]
            else:
                raw = f.get_default()
            try:
                values[f] = f.to_python(raw)
            except ValidationError as exc:
                raise CommandError(f"{owner}: “{f.name}”: {' '.join(exc.messages)}") from exc
        return values

    def _upsert(self, section, record, defaults):
        slug = record["slug"]
        owner = f"{section.label} “{slug}”"
        values = self._values(
            section.model, record, owner, defaults if section.is_content else None
        )
        for name, target in section.fks.items():
            fk = section.model._meta.get_field(name)
            ref = record.get(name)
            values[fk] = self._resolve(owner, name, target, ref).pk if ref else None
        obj = section.model.objects.filter(slug=slug).first()
        created = obj is None
        if created:
            obj = section.model()
        changed = self._assign(obj, values)
        self._save(obj, owner, created, changed, section.key)
        self.index[section.key][slug] = obj

    def _symmetric_related_roles(self, roles):
        """``related_roles`` is symmetrical: each side must list the other."""
        related = {role["slug"]: set(role.get("related_roles", [])) for role in roles}
        for slug, others in list(related.items()):
            for other in others:
                if other in related:
                    related[other].add(slug)
        return related

    def _set_m2m(self, obj, owner, name, target, slugs):
        wanted = [self._resolve(owner, name, target, slug) for slug in slugs]
        manager = getattr(obj, name)
        if set(manager.values_list("pk", flat=True)) != {o.pk for o in wanted}:
            manager.set(wanted)
            self.stats["links"]["updated"] += 1

    def _relations(self, section, obj, record, related_roles):
        owner = f"{section.label} “{record['slug']}”"
        for name, target in section.m2m.items():
            slugs = record.get(name, [])
            if section.key == "roles" and name == "related_roles":
                slugs = sorted(related_roles[record["slug"]])
            self._set_m2m(obj, owner, name, target, slugs)
        if section.is_content:
            tags = record.get("tags", [])
            if {t.casefold() for t in obj.tags.names()} != {t.casefold() for t in tags}:
                obj.tags.set(tags)
                self.stats["tags"]["updated"] += 1

    def _children(self, section, spec, parent, record):
        owner = f"{section.label} “{record['slug']}”"
        if spec.key not in record:
            return  # not listed: this record's rows of this kind are left alone
        raw = record[spec.key]
        try:
            rows = [] if raw is None else spec.expand(raw)
        except (TypeError, AttributeError) as exc:
            raise CommandError(f"{owner}: “{spec.key}”: {exc}") from exc
        allowed = {f.name for f in _scalar_fields(spec.model)} | set(spec.m2m) | set(spec.fks)
        existing = list(
            spec.model.objects.filter(**{spec.parent_field: parent}).order_by("order", "pk")
        )
        label = spec.key
        for position, row in enumerate(rows):
            row_owner = f"{owner}, {spec.key}[{position}]"
            unknown = set(row) - allowed - {"order"}
            if unknown:
                raise CommandError(f"{row_owner}: unknown field(s) {', '.join(sorted(unknown))}.")
            values = self._values(spec.model, {**row, "order": position}, row_owner)
            for name, target in spec.fks.items():
                fk = spec.model._meta.get_field(name)
                ref = row.get(name)
                values[fk] = self._resolve(row_owner, name, target, ref).pk if ref else None
            if position < len(existing):
                child, created = existing[position], False
            else:
                child, created = spec.model(**{spec.parent_field: parent}), True
            changed = self._assign(child, values)
            self._save(child, row_owner, created, changed, label)
            for name, target in spec.m2m.items():
                self._set_m2m(child, row_owner, name, target, row.get(name, []))
        for extra in existing[len(rows) :]:
            extra._change_reason = CHANGE_REASON
            extra.delete()
            self.stats[label]["deleted"] += 1

    # -- reporting -----------------------------------------------------------

    def _report(self, path, dry_run):
        suffix = " (dry run, rolled back)" if dry_run else ""
        self.stdout.write(f"Demo content from {path}{suffix}:")
        changes = 0
        for label, counts in self.stats.items():
            if label in ("links", "tags"):
                continue
            total = sum(counts[k] for k in ("created", "updated", "unchanged"))
            parts = [f"{counts[k]} {k}" for k in ("created", "updated", "deleted") if counts[k]]
            changes += counts["created"] + counts["updated"] + counts["deleted"]
            detail = ", ".join(parts) if parts else "unchanged"
            self.stdout.write(f"  {label.replace('_', ' '):<20} {total:>4}  ({detail})")
        relation_changes = self.stats["links"]["updated"] + self.stats["tags"]["updated"]
        self.stdout.write(
            f"  link sets rewritten: {self.stats['links']['updated']}, "
            f"tag sets rewritten: {self.stats['tags']['updated']}"
        )
        if changes + relation_changes == 0:
            self.stdout.write(self.style.SUCCESS("Demo content is up to date; nothing changed."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))
