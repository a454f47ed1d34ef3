"""Import a document written by ``export_content`` (all or nothing, idempotent).

    manage.py import_content content.json
    manage.py import_content - < content.json
    manage.py import_content --dry-run content.json

Records are matched by slug: new ones are created, existing ones updated to
match the file, records not in the file are left alone. Any error rolls the
whole import back and names the record at fault.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import progress
from opendata import transfer


class Command(BaseCommand):
    help = "Import content exported by export_content (atomic; matches records by slug)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The JSON file, or - for standard input.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, then roll back.",
        )

    def handle(self, *args, **options):
        source = options["path"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {source}: {exc}") from exc
        try:
            with progress.reporting(self, options["verbosity"]):
                document = transfer.loads(text)
                counts = transfer.import_content(document, dry_run=options["dry_run"])
        except transfer.TransferError as exc:
            raise CommandError(str(exc)) from exc
        prefix = "Dry run (nothing saved): would have " if options["dry_run"] else "Imported: "
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged."
            )
        )
