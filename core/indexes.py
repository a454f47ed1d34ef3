"""Index helpers for the listing orders (see docs/performance.md, "Queries and indexes")."""

from django.db import models
from django.db.models.expressions import OrderBy


class NullsOrderedIndex(models.Index):
    """A ``models.Index`` whose ``NULLS FIRST/LAST`` is kept only where indexes allow it.

    PostgreSQL needs the index's NULL placement to match ``ORDER BY year DESC
    NULLS LAST`` before it can read the order off the index; SQLite refuses the
    modifier in an index definition (and already sorts NULLs last in a
    descending index), so there it is dropped.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql" or not self.expressions:
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        portable = models.Index(
            *(
                OrderBy(expression.expression, descending=expression.descending)
                if isinstance(expression, OrderBy)
                else expression
                for expression in self.expressions
            ),
            name=self.name,
            db_tablespace=self.db_tablespace,
            opclasses=self.opclasses,
            condition=self.condition,
            include=self.include,
        )
        return portable.create_sql(model, schema_editor, using=using, **kwargs)
