"""Reader feedback: "was this page useful?", "report something outdated or wrong"
and "suggest an edit" on every record page, into a queue editors work from.

The app sits above the content apps (``docs/architecture.md``): it reads the
record types from ``core.registry`` and reaches the pages it serves through
hooks (``core.hooks``), so no app below it names it:

* ``record_page_context`` / ``record_page_sections`` — the three forms on
  every published record's page (``feedback.record_pages``);
* ``content_admin_initial`` / ``content_admin_before_save`` /
  ``content_admin_saved`` — a suggestion opens in its record's change form
  with the proposed text filled in, and saving the record accepts it
  (``feedback.accept``);
* ``review_dashboard_sections`` — counts per record on the editors' review
  dashboard (``feedback.dashboard``).

The Editors group gets every permission on the app's models after each
``migrate`` and ``flush``, like the content apps.
"""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Reader feedback"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import hooks

        from . import accept, dashboard, record_pages, signals

        hooks.register("record_page_context", record_pages.feedback_context)
        hooks.register("record_page_sections", record_pages.feedback_sections)
        hooks.register("content_admin_initial", accept.suggested_initial)
        hooks.register("content_admin_before_save", accept.note_change_reason)
        hooks.register("content_admin_saved", accept.mark_accepted)
        hooks.register("review_dashboard_sections", dashboard.review_section)
        post_delete.connect(signals.record_deleted, dispatch_uid="feedback-record-deleted")
        post_migrate.connect(
            signals.grant_editors, sender=self, dispatch_uid="feedback-editors-permissions"
        )
