"""Load the decision page's reader stages and timelines (``pathfinder/content/*.json``).

Idempotent: rows are matched by slug and saved only when a field differs; a
stage's reading path and a timeline's positions are rewritten only when they
differ. A guide step or crux position the file names that does not exist is
reported and skipped (the content it points to may not be loaded yet).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from guides.models import CruxPosition, GuideStep

from ...models import ReaderStage, ReaderStageStep, Timeline

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
FIELDS = ("name", "order", "description")


class Command(BaseCommand):
    help = "Load the decision page's reader stages and timelines. Safe to run repeatedly."

    def handle(self, *args, **options):
        data = {}
        for file in sorted(CONTENT_DIR.glob("*.json")):
            for key, value in json.loads(file.read_text(encoding="utf-8")).items():
                if not key.startswith("_"):
                    data.setdefault(key, []).extend(value)
        self.missing = []
        with transaction.atomic():
            for row in data.get("reader_stages", []):
                stage = self._upsert(ReaderStage, row, ("advice",))
                steps = [s for s in (self._step(*ref) for ref in row.get("steps", [])) if s]
                current = [r.guide_step_id for r in stage.steps.order_by("order", "pk")]
                if current != [s.pk for s in steps]:
                    stage.steps.all().delete()
                    ReaderStageStep.objects.bulk_create(
                        ReaderStageStep(stage=stage, guide_step=s, order=n)
                        for n, s in enumerate(steps, start=1)
                    )
            for row in data.get("timelines", []):
                timeline = self._upsert(Timeline, row, ())
                positions = [
                    p for p in (self._position(*ref) for ref in row.get("positions", [])) if p
                ]
                if {p.pk for p in positions} != set(
                    timeline.positions.values_list("pk", flat=True)
                ):
                    timeline.positions.set(positions)
        for what in self.missing:
            self.stdout.write(f"Skipped (not loaded): {what}")
        if options.get("verbosity", 1):
            self.stdout.write("Loaded the decision page's stages and timelines.")

    def _upsert(self, model, row, extra):
        values = {name: row[name] for name in (*FIELDS, *extra) if name in row}
        obj = model.objects.filter(slug=row["slug"]).first()
        if obj is None:
            return model.objects.create(slug=row["slug"], **values)
        if any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save()
        return obj

    def _step(self, guide_slug, title):
        step = GuideStep.objects.filter(guide__slug=guide_slug, title=title).first()
        if step is None:
            self.missing.append(f"guide step “{title}” of {guide_slug}")
        return step

    def _position(self, crux_slug, stance):
        position = CruxPosition.objects.filter(crux__slug=crux_slug, stance__iexact=stance).first()
        if position is None:
            self.missing.append(f"position “{stance}” of crux {crux_slug}")
        return position
