from django.db import models
from django.urls import reverse

from core.fields import MarkdownField
from core.models import ContentModel, OrderedChild
from core.registry import Children
from core.validation import Requirements, validate_record


class Gadget(ContentModel):
    """A made-up record type: Markdown, a link to organizations and ordered parts."""

    body = MarkdownField("body", blank=True)
    organizations = models.ManyToManyField(
        "organizations.Organization", related_name="gadgets", blank=True
    )

    search_fields = ("body", Children("parts", "name"))
    publish_requirements = Requirements(fields=("summary", "body"))

    class Meta(ContentModel.Meta):
        verbose_name = "gadget"
        verbose_name_plural = "gadgets"

    def clean(self):
        super().clean()
        validate_record(self)

    def get_absolute_url(self):
        return reverse("registry_app:gadget_detail", kwargs={"slug": self.slug})


class GadgetPart(OrderedChild):
    gadget = models.ForeignKey(Gadget, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(max_length=100)

    class Meta(OrderedChild.Meta):
        verbose_name = "part"
        verbose_name_plural = "parts"

    def __str__(self):
        return self.name
