import pytest

from careers.models import Program
from tests.careers.factories import ProgramFactory, RoleFactory
from tests.guides.factories import (
    FailureModeFactory,
    GuideFactory,
    GuideStepFactory,
    ResearchAgendaFactory,
)
from tests.organizations.factories import OrganizationTypeFactory

from .factories import (
    BackgroundFactory,
    CareerStageFactory,
    CruxFactory,
    ReaderStageFactory,
    TimelineFactory,
    agenda_fit,
    position,
    program_fit,
    quick_project,
    role_fit,
    stage_steps,
)


@pytest.fixture
def world(db):
    """A small connected world: every section of the plan has something to show."""
    early = CareerStageFactory(name="Early-career", slug="early-career", order=1)
    senior = CareerStageFactory(name="Senior", slug="senior", order=2)
    security = BackgroundFactory(name="Security", slug="security")
    control = ResearchAgendaFactory(
        name="AI Control", slug="ai-control", order=1, if_you_believe="monitoring can work"
    )
    interp = ResearchAgendaFactory(
        name="Interpretability", slug="interp", order=2, if_you_believe="models are legible"
    )
    agenda_fit(security, control, "Security background very relevant")
    mode = FailureModeFactory(name="Deceptive alignment", slug="deceptive-alignment")
    mode.agendas.add(control, interp)
    quick_project(control, "Red-team a model for deceptive behaviour")
    lab = OrganizationTypeFactory(
        name="Frontier lab",
        slug="frontier-lab",
        pros="Frontier models\nResources",
        cons="Racing dynamics",
        good_fit_for="Empirical researchers",
    )
    role = RoleFactory(name="Safety engineer", slug="safety-engineer")
    role.employer_types.add(lab)
    role.agendas.add(control)
    role_fit(security, role, "Red-teaming is security work")
    mats = ProgramFactory(
        name="MATS",
        slug="mats",
        format=Program.Format.ONLINE,
        cost=Program.Cost.FUNDED,
        hours_per_week=10,
    )
    mats.career_stages.set([early])
    program_fit(security, mats, "Mentored research")
    mats.agendas.add(control)
    berkeley = ProgramFactory(
        name="Berkeley residency",
        slug="berkeley",
        format=Program.Format.IN_PERSON,
        location="Berkeley",
        cost=Program.Cost.FUNDED,
    )
    berkeley.career_stages.set([senior])
    berkeley.agendas.add(control)
    crux = CruxFactory(name="What if timelines are short?", slug="timelines")
    short_position = position(crux, "Short timelines", agendas=[control], organization_types=[lab])
    position(crux, "Long timelines", agendas=[interp])
    short = TimelineFactory(name="Short", slug="short", description="5–10 years")
    short.positions.add(short_position)
    guide = GuideFactory(name="For Researchers", slug="for-researchers")
    step_one = GuideStepFactory(guide=guide, title="Compare the agendas", minutes=30, order=1)
    step_two = GuideStepFactory(guide=guide, title="Try a quick project", minutes=1200, order=2)
    step_one.agendas.add(control)
    exploring = ReaderStageFactory(name="Just exploring", slug="exploring")
    stage_steps(exploring, [step_one, step_two])
    return {
        "security": security,
        "control": control,
        "interp": interp,
        "mode": mode,
        "role": role,
        "mats": mats,
        "berkeley": berkeley,
        "crux": crux,
        "short": short,
        "exploring": exploring,
        "lab": lab,
        "early": early,
    }


FULL_QUERY = (
    "background=security&bet=ai-control&concern=deceptive-alignment&timeline=short"
    "&stage=exploring&hours=10&career=early-career&where=online&paid=on"
)
