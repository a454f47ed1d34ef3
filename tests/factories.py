"""factory_boy factories for every model. Records are published unless told otherwise."""

import factory
from django.utils import timezone

from careers.models import Program, Qualification, Role, RoleCategory, RoleDuty, RoleFAQ
from core.models import Status
from guides.models import AgendaApproach, FailureMode, Guide, GuideStep, Paper, ResearchAgenda
from organizations.models import Organization, OrganizationType


class ContentFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Record {n}")
    slug = factory.Sequence(lambda n: f"record-{n}")
    summary = factory.Faker("sentence")
    status = Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


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


class RoleCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ResearchAgendaFactory(ContentFactory):
    class Meta:
        model = ResearchAgenda

    name = factory.Sequence(lambda n: f"Agenda {n}")
    slug = factory.Sequence(lambda n: f"agenda-{n}")
    goal = "Understand what models compute."
    key_bet = "Understanding internals is tractable."
    if_you_believe = "we must see inside models"


class AgendaApproachFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaApproach

    agenda = factory.SubFactory(ResearchAgendaFactory)
    name = factory.Sequence(lambda n: f"Approach {n}")
    description = "How it works."
    order = factory.Sequence(lambda n: n)


class PaperFactory(ContentFactory):
    class Meta:
        model = Paper

    name = factory.Sequence(lambda n: f"Paper {n}")
    slug = factory.Sequence(lambda n: f"paper-{n}")
    authors = "A. Author, B. Author"
    year = 2022
    kind = Paper.Kind.PAPER
    url = "https://example.org/paper"


class FailureModeFactory(ContentFactory):
    class Meta:
        model = FailureMode

    name = factory.Sequence(lambda n: f"Failure mode {n}")
    slug = factory.Sequence(lambda n: f"failure-mode-{n}")
    body = "What goes wrong."


class ProgramFactory(ContentFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    kind = Program.Kind.TRAINING
    format = Program.Format.IN_PERSON
    cost = Program.Cost.FUNDED
    duration = "10 weeks"
    duration_weeks = 10
    organizer = factory.SubFactory(OrganizationFactory)


class RoleFactory(ContentFactory):
    class Meta:
        model = Role

    name = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.Sequence(lambda n: f"role-{n}")
    category = factory.SubFactory(RoleCategoryFactory)
    overview = "What the job is."
    salary_min = 100_000
    salary_max = 200_000


class RoleDutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleDuty

    role = factory.SubFactory(RoleFactory)
    text = factory.Sequence(lambda n: f"Duty {n}")
    order = factory.Sequence(lambda n: n)


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    role = factory.SubFactory(RoleFactory)
    kind = Qualification.Kind.EDUCATION
    text = factory.Sequence(lambda n: f"Qualification {n}")
    order = factory.Sequence(lambda n: n)


class RoleFAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleFAQ

    role = factory.SubFactory(RoleFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "An answer."
    order = factory.Sequence(lambda n: n)


class GuideFactory(ContentFactory):
    class Meta:
        model = Guide

    name = factory.Sequence(lambda n: f"Guide {n}")
    slug = factory.Sequence(lambda n: f"guide-{n}")
    audience = "Researchers"


class GuideStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuideStep

    guide = factory.SubFactory(GuideFactory)
    title = factory.Sequence(lambda n: f"Step {n}")
    minutes = 20
    order = factory.Sequence(lambda n: n)
