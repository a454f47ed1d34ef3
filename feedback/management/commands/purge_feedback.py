"""Delete reader submissions older than a number of days (docs/privacy.md).

``manage.py purge_feedback`` deletes every submission (whatever its state,
with its email address) created more than ``FEEDBACK_RETENTION_DAYS`` days
ago (setting, from the environment; default 180). ``--days N`` overrides the
setting for one run, ``--dry-run`` only counts. Run it daily (cron, a
scheduled job); it is idempotent.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from feedback.models import Submission


class Command(BaseCommand):
    help = "Delete reader submissions older than FEEDBACK_RETENTION_DAYS (or --days) days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Delete submissions older than this many days (default: FEEDBACK_RETENTION_DAYS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        if days is None:
            days = settings.FEEDBACK_RETENTION_DAYS
        if days < 1:
            raise CommandError("--days must be at least 1.")
        cutoff = timezone.now() - timedelta(days=days)
        old = Submission.objects.filter(created__lt=cutoff)
        if dry_run:
            count = old.count()
            self.stdout.write(f"{count} submission(s) older than {days} days would be deleted.")
            return
        count, _by_model = old.delete()
        self.stdout.write(f"Deleted {count} submission(s) older than {days} days.")
