"""Query budgets that depend on how many record types are registered.

Some queries run once per record type: "What links here" (one per type that
can link to a record), the home page's sections, the sitemap and the site
feed. Budgets say so instead of hard-coding today's seven types, so a record
type added by an app (like the tests' own ``registry_app``) raises them by
exactly that much.
"""

from core import registry


def per_record_type(exclude=()) -> int:
    """How many registered record types there are, leaving out ``exclude`` (slugs)."""
    return sum(1 for rt in registry.record_types() if rt.slug not in exclude)
