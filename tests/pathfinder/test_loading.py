"""``pathfinder.loading.fill``: a relation set from rows the plan already read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathfinder import loading
from tests.careers.factories import ProgramFactory, RoleFactory

pytestmark = pytest.mark.django_db


def test_a_filled_relation_reads_without_a_query_and_refuses_to_be_narrowed():
    role = RoleFactory()
    first, second = ProgramFactory(name="First"), ProgramFactory(name="Second")
    other = ProgramFactory(name="Not the role's")
    role.programs.add(first)  # in the database: one program; the plan fills two

    loading.fill(role, "programs", [second, first])
    with CaptureQueriesContext(connection) as queries:
        assert list(role.programs.all()) == [second, first]
        assert role.programs.count() == 2
        assert role.programs.exists()
        assert role.programs.all()[0] == second
    assert len(queries) == 0
    # Narrowing it would query rows that are not the role's: it raises instead.
    with pytest.raises(TypeError, match=r"only be read with \.all\(\)"):
        role.programs.filter(pk=other.pk)
    with pytest.raises(TypeError):
        role.programs.all().order_by("name")
