"""Check every internal link and guide-step reference; store the report.

    manage.py check_links            # prints the problems, stores the report
    manage.py check_links --fail     # exit status 1 when there are problems (for cron/CI)

Editors see the latest report in the admin (Editorial → Link check).
"""

from django.core.management.base import BaseCommand, CommandError

from core import progress
from editorial.linkcheck import problems_of, run_link_check


class Command(BaseCommand):
    help = "Find internal links that no longer resolve and guide steps pointing at hidden records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fail", action="store_true", help="Exit with status 1 if any problem is found."
        )

    def handle(self, *args, **options):
        with progress.reporting(self, options["verbosity"]):
            report = run_link_check()
        problems = problems_of(report)
        for problem in problems:
            self.stdout.write(
                f"{problem.record_model} “{problem.record}” — {problem.field}: "
                f"{problem.link} — {problem.message}"
            )
        summary = (
            f"Checked {report.links_checked} links in {report.records_checked} records: "
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''}."
        )
        if problems and options["fail"]:
            raise CommandError(summary)
        self.stdout.write(self.style.WARNING(summary) if problems else self.style.SUCCESS(summary))
