"""Editorial records: the reports of the internal link check."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkCheckReport(models.Model):
    """The result of one ``manage.py check_links`` run (the admin shows the latest).

    ``problems`` is a list of ``{"kind", "record_type", "record", "record_id",
    "admin_url", "field", "link", "message"}`` dicts; ``references`` is the
    snapshot of guide-step links (``{step_id: [[model label, pk, slug], …]}``)
    the next run compares against to spot records deleted in between.
    """

    created = models.DateTimeField(_("checked at"), auto_now_add=True, db_index=True)
    records_checked = models.PositiveIntegerField(_("records checked"), default=0)
    links_checked = models.PositiveIntegerField(_("links checked"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    references = models.JSONField(_("guide step references"), default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        get_latest_by = "created"
        verbose_name = _("link check report")
        verbose_name_plural = _("link check reports")

    def __str__(self):
        return f"Link check {self.created:%Y-%m-%d %H:%M} ({len(self.problems)} problems)"

    @property
    def problem_count(self) -> int:
        return len(self.problems)
