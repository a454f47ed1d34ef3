"""Editorial records: link-check reports, unsaved form input kept across a
login, and which editor has which record open."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
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


class StashedInput(models.Model):
    """What an editor typed into a form that arrived after their session ended.

    Kept server-side for the one user whose form it was (``user``), for a short
    time (``expires``), and deleted as soon as the form is shown again with it
    (``editorial.stash``). Nothing here is ever saved to a record by itself:
    the editor has to press Save on the restored form, which is version-checked
    like any save.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=500)
    data = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("unsaved form input")
        verbose_name_plural = _("unsaved form input")
        default_permissions = ()

    def __str__(self):
        return f"Unsaved input for {self.path}"


class EditorPresence(models.Model):
    """Who has a record's change form open: one row per editor and record, refreshed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("editor presence")
        verbose_name_plural = _("editor presence")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"], name="editorial_presence_once"
            )
        ]

    def __str__(self):
        return f"{self.user} on {self.content_type_id}:{self.object_id}"
