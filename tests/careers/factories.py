"""factory_boy factories for the careers app."""

import factory

from careers.models import (
    Background,
    CareerStage,
    Program,
    Qualification,
    Role,
    RoleCategory,
    RoleDuty,
    RoleFAQ,
)
from tests.core.factories import ContentFactory
from tests.organizations.factories import OrganizationFactory


class RoleCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


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


class CareerStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareerStage
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Stage {n}")
    slug = factory.Sequence(lambda n: f"stage-{n}")


class BackgroundFactory(ContentFactory):
    class Meta:
        model = Background

    name = factory.Sequence(lambda n: f"Background {n}")
    slug = factory.Sequence(lambda n: f"background-{n}")
    description = "Who has it and what it brings."
