"""factory_boy factories for the organizations app."""

import factory

from organizations.models import Organization, OrganizationType
from tests.core.factories import ContentFactory


class OrganizationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationType
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")


class OrganizationFactory(ContentFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    type = factory.SubFactory(OrganizationTypeFactory)
    description = "A **Markdown** description."
    website = "https://example.org/"
    founded_year = 2015
    country = "GB"
