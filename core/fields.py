"""Model fields shared by the content apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MarkdownField(models.TextField):
    """Editor text in Markdown: rendered (and sanitized) for readers, scanned for
    record links ("What links here", the link check) and previewed in the admin.

    Declaring a field as ``MarkdownField`` is all it takes: search indexes its
    plain text, the admin offers a preview and the link table reads its links.
    The help text starts with "Markdown." unless given.
    """

    description = _("Markdown text")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("Markdown."))
        super().__init__(*args, **kwargs)
