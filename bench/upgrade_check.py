"""Check that a database built by an earlier version migrates forward with nothing lost.

    python bench/upgrade_check.py --from 0607833                  # SQLite
    python bench/upgrade_check.py --from 0607833 \\
        --database postgres://postgres@127.0.0.1:5432/fieldguide_upgrade

1. Checks out ``--from`` into a temporary worktree, migrates a fresh database
   with that code, loads the demo content and writes a whole-site export, the
   row counts of the derived tables (search index, Markdown links) and the
   editors' permissions.
2. Migrates the same database with the current code and writes the same again.
3. Compares: the two exports must hold the same records (every section, every
   field, every relation and child row), the derived tables the same number of
   rows, the Editors group the same permissions.

Both versions run with this checkout's virtualenv (``.venv``). On PostgreSQL
the database named in ``--database`` is dropped and created again.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"

SNAPSHOT = """
import json, django
django.setup()
from django.db import connection
from django.contrib.auth.models import Group
tables = set(connection.introspection.table_names())
def count(*names):
    for name in names:
        if name in tables:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
                return cursor.fetchone()[0]
    return None
group = Group.objects.filter(name="Editors").first()
print(json.dumps({
    "search_entries": count("search_searchentry", "core_searchentry"),
    "markdown_links": count("links_markdownlink", "core_markdownlink"),
    "link_reports": count("editorial_linkcheckreport", "core_linkcheckreport"),
    "editor_permissions": sorted(
        group.permissions.values_list("content_type__model", "codename")
    ) if group else [],
}))
"""


def run(cwd: Path, env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(PYTHON), *args],
        cwd=cwd,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout if capture else ""


def snapshot(cwd: Path, env: dict) -> dict:
    export = json.loads(run(cwd, env, "manage.py", "export_content", capture=True))
    derived = json.loads(run(cwd, env, "-c", SNAPSHOT, capture=True))
    return {"export": export, **derived}


def reset_postgres(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    base = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    base += ["-U", parts.username or "postgres"]
    subprocess.run(["dropdb", "--if-exists", *base, name], check=True)
    subprocess.run(["createdb", *base, name], check=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="rev", required=True, help="The earlier commit.")
    parser.add_argument("--database", help="A PostgreSQL URL (default: a SQLite file).")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="upgrade-check-") as tmp:
        tmp = Path(tmp)
        old = tmp / "old"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(old), args.rev],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            url = args.database or f"sqlite:///{tmp / 'upgrade.sqlite3'}"
            if args.database:
                reset_postgres(args.database)
            env = {
                **os.environ,
                "DEBUG": "1",
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "LOG_LEVEL": "WARNING",
            }
            env.pop("PYTHONPATH", None)
            run(old, env, "manage.py", "migrate", "--noinput", "-v0")
            run(old, env, "manage.py", "load_demo_content", "-v0")
            before = snapshot(old, env)
            run(ROOT, env, "manage.py", "migrate", "--noinput", "-v0")
            after = snapshot(ROOT, env)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False
            )

    problems = []
    old_sections = {k: v for k, v in before["export"].items() if k not in ("format", "version")}
    new_sections = {k: v for k, v in after["export"].items() if k not in ("format", "version")}
    for section in sorted(set(old_sections) | set(new_sections)):
        if old_sections.get(section) != new_sections.get(section):
            problems.append(f"export section {section!r} differs")
    for key in ("search_entries", "markdown_links", "link_reports", "editor_permissions"):
        if before[key] != after[key]:
            problems.append(f"{key}: {before[key]!r} before, {after[key]!r} after")
    records = sum(len(rows) for rows in old_sections.values())
    print(
        f"{records} records in {len(old_sections)} sections; "
        f"{after['search_entries']} search entries, {after['markdown_links']} Markdown links, "
        f"{len(after['editor_permissions'])} editor permissions"
    )
    for problem in problems:
        print("  " + problem)
    print("identical" if not problems else f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
