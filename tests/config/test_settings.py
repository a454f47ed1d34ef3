"""The settings refuse unsafe production configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "a-real-random-secret-key-for-this-test-0123456789abcdef"


def run_settings(**env_overrides):
    """Import config.settings in a fresh interpreter with the given environment."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "0", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "short", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        (
            {"DEBUG": "0", "SECRET_KEY": "django-insecure-" + "x" * 40, "ALLOWED_HOSTS": "a.org"},
            "SECRET_KEY",
        ),
        ({"DEBUG": "0", "SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        ({"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "example.org"} | {"DEBUG": ""}, None),
    ],
)
def test_unsafe_production_settings_are_refused(env, message):
    result = run_settings(**env)
    if message is None:
        # DEBUG unset means off; with a real key and hosts the app starts.
        assert result.returncode == 0, result.stderr
        assert "started" in result.stdout
    else:
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert message in result.stderr


def test_debug_defaults_to_off(settings):
    from config.settings import env_bool

    assert env_bool("SURELY_UNSET_VARIABLE_FOR_TEST") is False
    assert settings.DEBUG is False


def test_no_pending_migrations():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _database_options(**env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DB_JIT", "DB_RANDOM_PAGE_COST", "DATABASE_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", **env_overrides)
    code = "from django.conf import settings as s; print(s.DATABASES['default'].get('OPTIONS'))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_postgresql_sessions_get_the_planner_settings_of_an_in_memory_database():
    url = "postgres://user@db.example.org:5432/fieldguide"
    both = "-c jit=off -c random_page_cost=1.1"
    assert f"'options': '{both}'" in _database_options(DATABASE_URL=url)
    assert "'options': '-c random_page_cost=1.1'" in _database_options(DATABASE_URL=url, DB_JIT="1")
    assert "'options': '-c jit=off -c random_page_cost=2.0'" in _database_options(
        DATABASE_URL=url, DB_RANDOM_PAGE_COST="2"
    )
    kept = _database_options(DATABASE_URL=url, DB_JIT="1", DB_RANDOM_PAGE_COST="server")
    assert "options'" not in kept and "connect_timeout" in kept
    # Options given in the URL are kept.
    with_options = _database_options(DATABASE_URL=url + "?options=-c%20statement_timeout%3D5000")
    assert f"'options': '-c statement_timeout=5000 {both}'" in with_options
    assert "jit" not in _database_options(DATABASE_URL="sqlite:////tmp/x.sqlite3")


def test_a_random_page_cost_that_is_not_a_number_is_refused():
    result = run_settings(
        DEBUG="1", DATABASE_URL="postgres://u@db.example.org/f", DB_RANDOM_PAGE_COST="fast"
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DB_RANDOM_PAGE_COST" in result.stderr
