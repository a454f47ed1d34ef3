"""factory_boy factories for the guides app."""

import factory

from guides.models import (
    AgendaApproach,
    AlignmentProblem,
    Crux,
    CruxPosition,
    FailureMode,
    Guide,
    GuideStep,
    Paper,
    ResearchAgenda,
)
from tests.core.factories import ContentFactory


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


class AlignmentProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlignmentProblem
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Problem {n}")
    slug = factory.Sequence(lambda n: f"problem-{n}")


class CruxFactory(ContentFactory):
    class Meta:
        model = Crux

    name = factory.Sequence(lambda n: f"Is question {n} settled?")
    slug = factory.Sequence(lambda n: f"crux-{n}")
    description = "Why it matters."


class CruxPositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CruxPosition

    crux = factory.SubFactory(CruxFactory)
    stance = factory.Sequence(lambda n: f"Position {n}")
    arguments = "- An argument"
    order = factory.Sequence(lambda n: n)
