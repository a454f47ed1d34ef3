"""Write every record, relation, tag and child row to one versioned JSON document.

    manage.py export_content > content.json
    manage.py export_content --output content.json

See ``opendata.transfer`` for the format and docs/editing.md for backups.
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from opendata import transfer


class Command(BaseCommand):
    help = "Export the whole content set as JSON (format ai-safety-field-guide, version 1)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args, **options):
        document = transfer.export_content()
        text = transfer.dumps(document)
        counts = ", ".join(
            f"{len(document[name])} {name.replace('_', ' ')}"
            for name, _model in transfer.section_models()
        )
        if options["output"]:
            path = Path(options["output"])
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
            self.stderr.write(f"Exported {counts} to {path}.")
        else:
            self.stdout.ending = ""
            self.stdout.write(text)
            self.stdout.flush()
            self.stderr.write(f"Exported {counts}.")
