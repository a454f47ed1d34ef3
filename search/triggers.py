"""PostgreSQL triggers that copy a record's publication to its search entry.

Save signals keep ``SearchEntry.status`` and ``publish_at`` exact for ordinary
saves; these triggers also cover ``QuerySet.update()`` (the admin's bulk
actions may use it) and raw SQL, which send no signals. There is one trigger
per registered record type's table (``core.registry``), all calling one
function; ``ensure_triggers()`` creates or replaces them and runs after every
``migrate`` (``post_migrate``), so a record type registered later gets its
trigger without a migration of its own. Other databases have no triggers;
there ``SearchEntry.objects.published()`` also checks the records themselves.
"""

from django.db import connections

from core import registry

TRIGGER = "search_sync_publication"
FUNCTION = "search_searchentry_sync_publication"
# The function of the same triggers before the search app owned the index.
OLD_FUNCTION = "core_searchentry_sync_publication"


def ensure_triggers(using: str = "default") -> list[str]:
    """Create (or replace) the function and every record table's trigger; the tables."""
    from .models import SearchEntry

    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    tables = set(connection.introspection.table_names())
    entries = SearchEntry._meta.db_table
    if entries not in tables:
        return []
    done = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE {connection.ops.quote_name(entries)}
                   SET status = NEW.status, publish_at = NEW.publish_at
                 WHERE record_type = TG_ARGV[0] AND object_id = NEW.id;
                RETURN NULL;
            END;
            $$
            """  # noqa: S608 - names from the model's own metadata, quoted
        )
        for record_type in registry.record_types():
            model = record_type.model
            if model._meta.db_table not in tables:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            if model._meta.pk.column != "id":  # the function matches on NEW.id
                continue
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} AFTER UPDATE OF status, publish_at ON {table} "
                "FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status "
                "OR OLD.publish_at IS DISTINCT FROM NEW.publish_at) "
                f"EXECUTE FUNCTION {FUNCTION}(%s)",
                [record_type.slug],
            )
            done.append(model._meta.db_table)
    return done


def drop_triggers(using: str = "default") -> None:
    """Remove every trigger of either function (and the functions)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for function in (FUNCTION, OLD_FUNCTION):
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")


def after_migrate(sender, using="default", **kwargs):
    ensure_triggers(using)
