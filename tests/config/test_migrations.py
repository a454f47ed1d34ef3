"""Data safety: reversible migrations, deletes that never silently take content along,
and database constraints that hold even when the ORM's validation is bypassed."""

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython, RunSQL

PROJECT_APPS = {"core", "organizations", "careers", "guides", "feedback"}


def test_every_data_or_sql_migration_can_be_reversed():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    irreversible = [
        f"{app}.{name}: {type(op).__name__}"
        for (app, name), migration in loader.disk_migrations.items()
        if app in PROJECT_APPS
        for op in migration.operations
        if isinstance(op, RunPython | RunSQL) and not op.reversible
    ]
    assert not irreversible


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_all_apps_migrate_to_zero_and_back():
    executor = MigrationExecutor(connection)
    apps = sorted(executor.loader.migrated_apps)
    assert set(apps) >= PROJECT_APPS
    leaves = executor.loader.graph.leaf_nodes()

    # Backwards: unapply every migration of every app, dependents first.
    executor.migrate([(app, None) for app in apps])
    executor.loader.build_graph()
    assert not executor.loader.applied_migrations
    leftover = set(connection.introspection.table_names()) - {"django_migrations"}
    assert not leftover, f"tables left after migrating to zero: {sorted(leftover)}"

    # Forwards again: the schema and the data migrations come back.
    call_command("migrate", verbosity=0, interactive=False)
    executor.loader.build_graph()
    assert set(leaves) <= set(executor.loader.applied_migrations)
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())

    from django.contrib.auth.models import Group

    assert Group.objects.filter(name="Editors").exists()


# --- on_delete policy ------------------------------------------------------------

# Reviewed CASCADEs. Everything else in the project must PROTECT (or SET_NULL).
# * Child rows (duties, FAQ entries, approaches, steps, pathway items) belong to
#   their parent record and go with it.
# * A role's "how to get there" pin on a program, paper or guide means nothing
#   once that record is gone; the admin's delete confirmation lists the pins.
REVIEWED_CASCADES = {
    ("careers", "roleduty", "role"),
    ("careers", "qualification", "role"),
    ("careers", "rolefaq", "role"),
    ("careers", "rolepathwayitem", "role"),
    ("careers", "rolepathwayitem", "program"),
    ("careers", "rolepathwayitem", "paper"),
    ("careers", "rolepathwayitem", "guide"),
    ("guides", "agendaapproach", "agenda"),
    ("guides", "guidestep", "guide"),
    # Issue 14: child rows of their record (quick projects, crux positions, contributions)…
    ("guides", "agendaquickproject", "agenda"),
    ("guides", "cruxposition", "crux"),
    ("careers", "backgroundcontribution", "background"),
    # …and a background's fits: a link with its one-line reason, meaningless without either end
    # (like a pathway item); the admin's delete confirmation lists them.
    ("careers", "backgroundagendafit", "background"),
    ("careers", "backgroundagendafit", "agenda"),
    ("careers", "backgroundrolefit", "background"),
    ("careers", "backgroundrolefit", "role"),
    ("careers", "backgroundprogramfit", "background"),
    ("careers", "backgroundprogramfit", "program"),
}


def test_every_foreign_key_has_a_reviewed_on_delete():
    unreviewed = []
    for model in django_apps.get_models():
        opts = model._meta
        if opts.app_label not in PROJECT_APPS or opts.model_name.startswith("historical"):
            continue
        for field in opts.get_fields():
            if not (isinstance(field, models.ForeignKey) and field.concrete):
                continue
            key = (opts.app_label, opts.model_name, field.name)
            if (
                field.remote_field.on_delete is models.CASCADE
                and key not in REVIEWED_CASCADES
                and field.related_model._meta.app_label in PROJECT_APPS
            ):
                unreviewed.append(".".join(key))
    assert not unreviewed, (
        "CASCADE deletes content along with the record it points to; use PROTECT "
        f"or add it to REVIEWED_CASCADES with a reason: {unreviewed}"
    )


@pytest.mark.django_db
def test_deleting_a_referenced_record_is_refused():
    from django.db.models import ProtectedError

    from tests import factories

    program = factories.ProgramFactory()
    role = factories.RoleFactory()
    for record in (program.organizer, program.organizer.type, role.category):
        with pytest.raises(ProtectedError):
            record.delete()


@pytest.mark.django_db
def test_admin_delete_confirmation_lists_what_goes_with_a_record(editor_client):
    from django.urls import reverse

    from tests import factories

    approach = factories.AgendaApproachFactory()
    agenda = approach.agenda
    role = factories.RoleFactory()
    role.agendas.add(agenda)
    url = reverse("admin:guides_researchagenda_delete", args=[agenda.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    listed = str(response.context["deleted_objects"])
    assert approach.name in listed
    # The role's link to the agenda is listed too (Django names it by its through row).
    assert "relationship" in listed and "agenda" in listed.lower()
    assert str(role.agendas.through.objects.get(role=role)) in listed


@pytest.mark.django_db
def test_admin_refuses_to_delete_a_protected_record(editor_client):
    from django.urls import reverse

    from tests import factories

    program = factories.ProgramFactory()
    url = reverse("admin:organizations_organization_delete", args=[program.organizer.pk])
    response = editor_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert response.context["protected"]
    assert type(program.organizer).objects.filter(pk=program.organizer.pk).exists()


# --- Database constraints -----------------------------------------------------------


def _violates(queryset, **values) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
def test_database_constraints_hold_without_the_orm():
    from careers.models import Program, Role
    from guides.models import GuideStep, Paper
    from organizations.models import Organization
    from tests import factories

    org = factories.OrganizationFactory(founded_year=2015)
    role = factories.RoleFactory(salary_min=100, salary_max=200)
    other = factories.RoleFactory()
    step = factories.GuideStepFactory()
    paper = factories.PaperFactory()
    program = factories.ProgramFactory()

    orgs = Organization.objects.filter(pk=org.pk)
    assert _violates(orgs, closed_year=2000)  # closed before founded
    assert _violates(orgs, founded_year=1200)
    assert _violates(Role.objects.filter(pk=role.pk), salary_min=300)  # min above max
    assert _violates(Role.objects.filter(pk=role.pk), slug=other.slug)  # slugs unique
    assert _violates(GuideStep.objects.filter(pk=step.pk), minutes=0)
    assert _violates(Paper.objects.filter(pk=paper.pk), year=3000)
    assert _violates(Program.objects.filter(pk=program.pk), duration_weeks=0)
