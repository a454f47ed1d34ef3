"""Factories for the decision page's tests: issue 14's records and pathfinder's lists."""

import factory

from careers.models import (
    Background,
    BackgroundAgendaFit,
    BackgroundContribution,
    BackgroundProgramFit,
    BackgroundRoleFit,
    CareerStage,
)
from guides.models import AgendaQuickProject, Crux, CruxPosition
from pathfinder.models import ReaderStage, ReaderStageStep, Timeline
from tests.core.factories import ContentFactory


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

    @factory.post_generation
    def contributions(self, create, extracted, **kwargs):
        if create:
            BackgroundContribution.objects.create(background=self, text="Something useful")


def agenda_fit(background, agenda, reason="fits well"):
    return BackgroundAgendaFit.objects.create(background=background, agenda=agenda, reason=reason)


def role_fit(background, role, reason="fits the role"):
    return BackgroundRoleFit.objects.create(background=background, role=role, reason=reason)


def program_fit(background, program, reason="fits the program"):
    return BackgroundProgramFit.objects.create(
        background=background, program=program, reason=reason
    )


class CruxFactory(ContentFactory):
    class Meta:
        model = Crux

    name = factory.Sequence(lambda n: f"Question {n}?")
    slug = factory.Sequence(lambda n: f"crux-{n}")


def position(crux, stance, agendas=(), organization_types=(), arguments="- An argument"):
    row = CruxPosition.objects.create(crux=crux, stance=stance, arguments=arguments)
    row.agendas.set(agendas)
    row.organization_types.set(organization_types)
    return row


def quick_project(agenda, title, weeks=(1, 4)):
    return AgendaQuickProject.objects.create(
        agenda=agenda, title=title, weeks_min=weeks[0], weeks_max=weeks[1]
    )


class TimelineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Timeline
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Timeline {n}")
    slug = factory.Sequence(lambda n: f"timeline-{n}")


class ReaderStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReaderStage

    name = factory.Sequence(lambda n: f"Reader stage {n}")
    slug = factory.Sequence(lambda n: f"reader-stage-{n}")


def stage_steps(stage, steps):
    for number, step in enumerate(steps, start=1):
        ReaderStageStep.objects.create(stage=stage, guide_step=step, order=number)
