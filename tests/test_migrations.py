"""Migrations are reversible: every app goes to zero and back on a real database."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython, RunSQL

PROJECT_APPS = {"core", "organizations", "careers", "guides"}


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
