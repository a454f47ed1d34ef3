"""Find internal links that no longer lead anywhere a reader can go.

``run_link_check()`` scans every Markdown field of every record and child row
and every child row's links to other records (a guide step's records), and
stores the result as an ``editorial.LinkCheckReport`` (``manage.py
check_links`` runs it; the admin shows the latest report). Record types,
their Markdown fields and child rows come from ``core.registry``. It reports:

* ``broken-link`` — a record link (``program:mats``) naming no record, or a
  site-relative URL (``/roles/nope/``) that matches no page;
* ``unpublished-link`` — a link to a record readers cannot see (draft, in review
  or scheduled for later);
* ``unknown-link-type`` — ``progam:mats`` and similar: a prefix that is neither a
  record type nor http(s)/mailto, which the renderer drops;
* ``step-unpublished`` — a child row (a guide step) pointing at an unpublished record;
* ``step-deleted`` — a child row that pointed at a record that has since been
  deleted (found by comparing with the previous report's snapshot of those
  links; it is reported until the parent record is next saved).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import progress, registry
from core.markdown import extract_links, resolve_record_link, site_path, split_record_link
from core.models import Status

from .models import LinkCheckReport
from .permissions import content_models

EXTERNAL_SCHEMES = {"http", "https", "mailto"}
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")

KIND_LABELS = {
    "broken-link": "Link leads nowhere",
    "unpublished-link": "Link to an unpublished record",
    "unknown-link-type": "Unknown link type",
    "step-unpublished": "Step points at an unpublished record",
    "step-deleted": "Step pointed at a deleted record",
}


@dataclass
class Problem:
    kind: str
    record_model: str  # label of the record that holds the link, e.g. "careers.Role"
    record_id: int
    record: str
    field: str
    link: str
    message: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def _record_state(label: str, slug: str) -> tuple[str, str] | None:
    """``(kind, message)`` when the record behind a link is missing or hidden."""
    model = apps.get_model(label)
    record = model._default_manager.filter(slug=slug).first()
    name = model._meta.verbose_name
    if record is None:
        return "broken-link", f"There is no {name} with the slug “{slug}”."
    if not record.is_published:
        if record.status == Status.PUBLISHED:
            when = timezone.localtime(record.publish_at).strftime("%Y-%m-%d %H:%M")
            state = f"scheduled for {when}"
        else:
            state = record.get_status_display().lower()
        return "unpublished-link", f"The {name} “{record}” is not published ({state})."
    return None


def check_link(href: str) -> tuple[str, str] | None:
    """``(kind, message)`` if ``href`` is an internal link that is broken, else None."""
    href = href.strip()
    parts = split_record_link(href)
    if parts is not None:
        prefix, slug = parts
        if resolve_record_link(href) is None:
            return "broken-link", f"Record links of type “{prefix}:” have no page on the site."
        return _record_state(registry.for_prefix(prefix).model_label, slug)
    path = site_path(href)
    if path is not None:
        try:
            match = resolve(path)
        except Resolver404:
            if settings.APPEND_SLASH and not path.endswith("/"):
                try:
                    match = resolve(path + "/")
                except Resolver404:
                    return "broken-link", f"No page on the site answers at {path}."
            else:
                return "broken-link", f"No page on the site answers at {path}."
        detail = next(
            (rt for rt in registry.record_types() if rt.detail_url_name == match.view_name), None
        )
        if detail and "slug" in match.kwargs:
            return _record_state(detail.model_label, match.kwargs["slug"])
        return None
    scheme = _SCHEME_RE.match(href)
    if scheme and scheme.group(1).lower() not in EXTERNAL_SCHEMES:
        known = ", ".join(sorted({f"{p}:" for p in registry.link_prefixes()}))
        return (
            "unknown-link-type",
            f"“{scheme.group(1)}:” is not a record type; use one of {known} or a full URL.",
        )
    return None


def _markdown_sources():
    """Yield ``(owner record, field label, text)`` for every Markdown field."""
    for model in content_models():
        fields = registry.markdown_fields(model)
        if fields:
            for record in model._default_manager.only("pk", "name", *fields).iterator():
                for name in fields:
                    label = str(model._meta.get_field(name).verbose_name)
                    yield record, label, getattr(record, name)
        for _accessor, child_model, fk_name in registry.child_relations(model):
            child_fields = registry.markdown_fields(child_model)
            if not child_fields:
                continue
            rows = child_model._default_manager.select_related(fk_name).iterator()
            for row in rows:
                parent = getattr(row, fk_name)
                for name in child_fields:
                    label = (
                        f"{child_model._meta.verbose_name} “{str(row)[:60]}”: "
                        f"{child_model._meta.get_field(name).verbose_name}"
                    )
                    yield parent, label, getattr(row, name)


@dataclass
class LinkingRow:
    """A child row with many-to-many links to other records (a guide step)."""

    key: str  # "guides.GuideStep:12", the row's key in the report's snapshot
    row: object
    parent: object
    targets: dict  # {(model label, pk): record}

    @property
    def field(self) -> str:
        return f"{self.row._meta.verbose_name} “{self.row}”"


def _linking_rows() -> dict[str, LinkingRow]:
    """Every child row's many-to-many links to records, by row key."""
    rows = {}
    for model in content_models():
        for _accessor, child_model, fk_name in registry.child_relations(model):
            names = [f.name for f in registry.related_record_fields(child_model) if f.many_to_many]
            if not names:
                continue
            for row in child_model.objects.select_related(fk_name).prefetch_related(*names):
                targets = {}
                for name in names:
                    for target in getattr(row, name).all():
                        targets[(target._meta.label, target.pk)] = target
                key = f"{child_model._meta.label}:{row.pk}"
                rows[key] = LinkingRow(key, row, getattr(row, fk_name), targets)
    return rows


def _prefix_for(label: str) -> str:
    record_type = next((rt for rt in registry.record_types() if rt.model_label == label), None)
    return record_type.slug if record_type else "?"


def run_link_check() -> LinkCheckReport:
    """Check every internal link now and store (and return) the report."""
    problems: list[Problem] = []
    records = set()
    links_checked = 0

    for owner, field_label, text in progress.track(
        _markdown_sources(), desc="Checking links", unit="fields"
    ):
        records.add((owner._meta.label, owner.pk))
        for href in extract_links(text):
            links_checked += 1
            found = check_link(href)
            if found:
                kind, message = found
                problems.append(
                    Problem(
                        kind=kind,
                        record_model=owner._meta.label,
                        record_id=owner.pk,
                        record=str(owner),
                        field=field_label,
                        link=href,
                        message=message,
                    )
                )

    linking = _linking_rows()
    for item in linking.values():
        parent = item.parent
        records.add((parent._meta.label, parent.pk))
        for target in item.targets.values():
            links_checked += 1
            if not target.is_published:
                problems.append(
                    Problem(
                        kind="step-unpublished",
                        record_model=parent._meta.label,
                        record_id=parent.pk,
                        record=str(parent),
                        field=item.field,
                        link=f"{_prefix_for(target._meta.label)}:{target.slug}",
                        message=(
                            f"The {target._meta.verbose_name} “{target}” is not published "
                            f"({target.get_status_display().lower()}); readers will not see it "
                            "in this step."
                        ),
                    )
                )

    # Deleted targets: links present in the previous snapshot whose record is gone.
    now = timezone.now()
    snapshot: dict[str, list] = {}
    previous = LinkCheckReport.objects.order_by("-created", "-pk").first()
    old_refs = previous.references if previous else {}
    for key, item in linking.items():
        snapshot[key] = [[label, pk, t.slug, None] for (label, pk), t in item.targets.items()]
    for key, entries in (old_refs or {}).items():
        item = linking.get(key)
        if item is None or not isinstance(entries, list):
            continue
        for entry in entries:
            try:
                label, pk, slug, first_seen = [*entry, None][:4]
                model = apps.get_model(label)
            except (LookupError, TypeError, ValueError):
                continue
            if (label, pk) in item.targets or model._default_manager.filter(pk=pk).exists():
                continue
            seen = parse_datetime(first_seen) if first_seen else now
            if seen and item.parent.updated > seen:
                continue  # the parent has been edited since: an editor has seen to it
            snapshot[key].append([label, pk, slug, (seen or now).isoformat()])
            links_checked += 1
            problems.append(
                Problem(
                    kind="step-deleted",
                    record_model=item.parent._meta.label,
                    record_id=item.parent.pk,
                    record=str(item.parent),
                    field=item.field,
                    link=f"{_prefix_for(label)}:{slug}",
                    message=(
                        f"This step linked to the {model._meta.verbose_name} “{slug}”, "
                        f"which has been deleted. Pick a replacement and save the "
                        f"{item.parent._meta.verbose_name}."
                    ),
                )
            )

    problems.sort(key=lambda p: (p.record_model, p.record.lower(), p.record_id, p.field, p.link))
    with transaction.atomic():
        report = LinkCheckReport.objects.create(
            records_checked=len(records),
            links_checked=links_checked,
            problems=[asdict(p) for p in problems],
            references=snapshot,
        )
        # Keep a short history of reports; only the latest is shown.
        keep = list(
            LinkCheckReport.objects.order_by("-created", "-pk").values_list("pk", flat=True)[:20]
        )
        LinkCheckReport.objects.exclude(pk__in=keep).delete()
    return report


def problems_of(report: LinkCheckReport) -> list[Problem]:
    fields = Problem.__dataclass_fields__
    return [Problem(**{k: v for k, v in row.items() if k in fields}) for row in report.problems]
