"""Settings for the test suite: the production settings with a fast hasher.

The database still comes from ``DATABASE_URL`` so the same suite runs on SQLite
(the default) and on PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-only-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DEBUG", "0")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The test client speaks plain HTTP; HTTPS behaviour is tested with secure=True.
SECURE_SSL_REDIRECT = False
# The test client's login() calls authenticate() without a request, which
# django-axes refuses; tests of login throttling turn it on with override_settings.
AXES_ENABLED = False

# A record type defined only for the tests (tests/registry_app): it must appear
# everywhere the registry reaches without any other app naming it.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.registry_app"]  # noqa: F405
ROOT_URLCONF = "tests.registry_app.urls"
