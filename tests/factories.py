"""Every factory, for tests that build a connected world across apps.

Each app's factories live with its tests (``tests/<app>/factories.py``); this
module only gathers them. Records are published unless told otherwise.
"""

from tests.careers.factories import (  # noqa: F401
    ProgramFactory,
    QualificationFactory,
    RoleCategoryFactory,
    RoleDutyFactory,
    RoleFactory,
    RoleFAQFactory,
)
from tests.core.factories import ContentFactory  # noqa: F401
from tests.guides.factories import (  # noqa: F401
    AgendaApproachFactory,
    FailureModeFactory,
    GuideFactory,
    GuideStepFactory,
    PaperFactory,
    ResearchAgendaFactory,
)
from tests.organizations.factories import OrganizationFactory, OrganizationTypeFactory  # noqa: F401
