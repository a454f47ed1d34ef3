"""The three reader forms, with the honeypot and the signed fill time.

Every form is bound to one record (its type's parts are the choices of
"which part of the page"; the signed ``started`` value names the record) and
has a length limit on every field. A filled honeypot, a post sooner than the
minimum fill time, an expired or forged ``started`` value are non-field errors
with the codes ``honeypot``, ``too_fast``, ``expired`` and ``missing``;
``data_for_retry()`` gives the reader's text back for the form shown again,
with the honeypot emptied and a fresh ``started`` value where the old one
cannot be used.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import guard
from .models import (
    COMMENT_MAX,
    EMAIL_MAX,
    PROPOSED_TEXT_MAX,
    SOURCE_URL_MAX,
    Kind,
)
from .parts import part_choices

HONEYPOT = "leave_empty"
STARTED = "started"

GUARD_MESSAGES = {
    "honeypot": _(
        "Your message was not sent: a field that people cannot see was filled in, which "
        "usually means an automatic form filler. Please check your message and send it again."
    ),
    "too_fast": _(
        "That was sent quicker than a person can fill in the form. Please check your "
        "message and send it again."
    ),
    "expired": _(
        "This form was open for a long time. Please check your message and send it again."
    ),
    "missing": _(
        "This form could not be checked (it may come from an old copy of the page). "
        "Please check your message and send it again."
    ),
}


class FeedbackForm(forms.Form):
    """Fields and checks every reader form shares (see the module docstring)."""

    kind: str = ""

    started = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    leave_empty = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, record_type, record, **kwargs):
        """``record=None``: an unbound form of the record type, only for rendering its
        fields (the same on every record of the type; ``feedback.record_pages``)."""
        kwargs.setdefault("auto_id", f"fb-{self.kind}-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.record_type = record_type
        self.record = record
        self.key = guard.record_key(record_type, record.pk) if record is not None else None
        if "part" in self.fields:
            self.fields["part"].choices = part_choices(record_type.model)
        if not self.is_bound and self.key is not None:
            self.initial[STARTED] = guard.start_token(self.key)

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT, "").strip():
            raise ValidationError(GUARD_MESSAGES["honeypot"], code="honeypot")
        problem = guard.fill_problem(self.data.get(STARTED, ""), self.key)
        if problem is not None:
            raise ValidationError(GUARD_MESSAGES[problem], code=problem)
        return cleaned

    def data_for_retry(self):
        """The reader's data for the form shown again (honeypot empty, usable ``started``)."""
        data = self.data.copy()
        data[HONEYPOT] = ""
        if guard.fill_problem(data.get(STARTED, ""), self.key) in ("missing", "expired"):
            data[STARTED] = guard.start_token(self.key)
        return data

    def visible_content_fields(self):
        return [field for field in self.visible_fields() if field.name != HONEYPOT]

    def submission_values(self) -> dict:
        """The model fields this form fills, from ``cleaned_data``."""
        raise NotImplementedError


def _source_field():
    return forms.URLField(
        label=_("A source that shows it (optional)"),
        required=False,
        max_length=SOURCE_URL_MAX,
        assume_scheme="https",
        help_text=_("A web address, e.g. the organization’s own page."),
        widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )


def _email_field():
    return forms.EmailField(
        label=_("Your email, if you would like a reply (optional)"),
        required=False,
        max_length=EMAIL_MAX,
        help_text=_(
            "Only the editors see it. It is deleted with your message (see the privacy notice)."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def _part_field(label):
    return forms.ChoiceField(label=label, required=False, choices=())


class UsefulForm(FeedbackForm):
    kind = Kind.USEFUL

    answer = forms.ChoiceField(
        label=_("Was this page useful?"),
        choices=(("yes", _("Yes")), ("no", _("No"))),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        help_text=format_lazy(_("Sent with your answer. Up to {} characters."), f"{COMMENT_MAX:,}"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def submission_values(self):
        return {
            "useful": self.cleaned_data["answer"] == "yes",
            "comment": self.cleaned_data["comment"],
        }


class OutdatedForm(FeedbackForm):
    kind = Kind.OUTDATED

    part = _part_field(_("Which part of the page?"))
    comment = forms.CharField(
        label=_("What is outdated or wrong?"),
        max_length=COMMENT_MAX,
        help_text=format_lazy(_("Up to {} characters."), f"{COMMENT_MAX:,}"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    source_url = _source_field()
    email = _email_field()

    def submission_values(self):
        data = self.cleaned_data
        return {
            "part": data["part"],
            "comment": data["comment"],
            "source_url": data["source_url"],
            "email": data["email"],
        }


class SuggestionForm(FeedbackForm):
    kind = Kind.SUGGESTION

    part = _part_field(_("Which part of the page would you change?"))
    proposed_text = forms.CharField(
        label=_("Your proposed text"),
        max_length=PROPOSED_TEXT_MAX,
        help_text=format_lazy(
            _("The text as you would have it. Up to {} characters."), f"{PROPOSED_TEXT_MAX:,}"
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    source_url = _source_field()
    email = _email_field()

    def submission_values(self):
        data = self.cleaned_data
        return {
            "part": data["part"],
            "proposed_text": data["proposed_text"],
            "source_url": data["source_url"],
            "email": data["email"],
        }


FORMS = {form.kind: form for form in (UsefulForm, OutdatedForm, SuggestionForm)}
