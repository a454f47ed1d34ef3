"""What readers send about a record, kept for editors and never published.

Invariants:

* A ``Submission`` always names a record of a registered type (content type +
  primary key) and, optionally, which part of it (``part``: a field or child-row
  name from ``feedback.parts``; empty for "the page as a whole").
* Nothing here is shown on a reader page, exported, indexed or sent by the API;
  only the admin (editors) reads it. Its rows are not watched by the page
  cache: a submission never changes what readers see.
* Text limits hold in the database too (check constraints), not only in the
  forms: ``COMMENT_MAX``, ``PROPOSED_TEXT_MAX``, ``NOTE_MAX``.
* ``client_hash`` is a keyed hash (HMAC-SHA256 with a key derived from
  ``SECRET_KEY``) of the sender's address; the address itself is never stored.
* ``email`` is optional and goes when the submission goes (``purge_feedback``
  after ``FEEDBACK_RETENTION_DAYS``, the admin's delete or "forget the email",
  or the deletion of the record).
* An accepted suggestion may link to the version of its record that the
  editor's save produced (``accepted_version``: the django-simple-history
  ``history_id`` of that record's history table).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from core import registry
from core.models import TimeStampedModel

COMMENT_MAX = 2000
PROPOSED_TEXT_MAX = 5000
NOTE_MAX = 2000
SOURCE_URL_MAX = 500
EMAIL_MAX = 254
PART_MAX = 100


class Kind(models.TextChoices):
    USEFUL = "useful", _("Was this page useful?")
    OUTDATED = "outdated", _("Outdated or wrong")
    SUGGESTION = "suggestion", _("Suggested edit")


class State(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    SPAM = "spam", _("Spam")


class SubmissionQuerySet(models.QuerySet):
    def for_record(self, record):
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
        )

    def open(self):
        return self.filter(state=State.NEW)


class Submission(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.NEW, db_index=True
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("record type")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    part = models.CharField(
        _("part of the page"),
        max_length=PART_MAX,
        blank=True,
        help_text=_("The field or section the reader meant; empty for the page as a whole."),
    )
    useful = models.BooleanField(_("useful"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    proposed_text = models.TextField(_("proposed text"), blank=True)
    source_url = models.URLField(_("source"), max_length=SOURCE_URL_MAX, blank=True)
    email = models.EmailField(_("email for a reply"), max_length=EMAIL_MAX, blank=True)
    client_hash = models.CharField(
        _("sender (keyed hash)"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("A keyed hash of the sender's address: the same sender, never the address."),
    )
    editor_note = models.TextField(_("editor's note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    accepted_version = models.PositiveBigIntegerField(
        _("version it produced"),
        null=True,
        blank=True,
        help_text=_("The record's revision (history id) saved when the suggestion was accepted."),
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("reader submission")
        verbose_name_plural = _("reader submissions")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "state"], name="feedback_record"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="feedback_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=State.values), name="feedback_state_known"
            ),
            # An answer to "was this useful?" carries yes or no; other kinds never do.
            models.CheckConstraint(
                condition=(
                    models.Q(kind=Kind.USEFUL, useful__isnull=False)
                    | (~models.Q(kind=Kind.USEFUL) & models.Q(useful__isnull=True))
                ),
                name="feedback_useful_answer",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), COMMENT_MAX),
                name="feedback_comment_length",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("proposed_text"), PROPOSED_TEXT_MAX),
                name="feedback_proposed_text_length",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("editor_note"), NOTE_MAX),
                name="feedback_editor_note_length",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def record_model(self):
        """The record's model (content types are cached: no query after the first)."""
        return ContentType.objects.get_for_id(self.content_type_id).model_class()

    @property
    def record_type(self):
        """The registered record type this submission is about (``None`` if no longer one)."""
        model = self.record_model
        return registry.for_model(model) if model is not None else None

    @property
    def text(self) -> str:
        """What the reader wrote: the proposed text of a suggestion, else the comment."""
        return self.proposed_text if self.kind == Kind.SUGGESTION else self.comment

    def version(self):
        """The accepted record version (a historical record), or ``None``."""
        if self.accepted_version is None:
            return None
        model = self.record_model
        history = getattr(model, "history", None) if model is not None else None
        if history is None:
            return None
        return history.filter(history_id=self.accepted_version).first()
