"""Settings for the AI Safety Field Guide, read from the environment.

Every value a deployment changes comes from an environment variable; nothing
secret lives in the repository. With ``DEBUG`` off the process refuses to start
without a real ``SECRET_KEY`` and an explicit ``ALLOWED_HOSTS``.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# Marks the throwaway key used only when DEBUG is on; never valid in production.
INSECURE_KEY_PREFIX = "django-insecure-"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

if DEBUG:
    SECRET_KEY = SECRET_KEY or INSECURE_KEY_PREFIX + "local-development-only"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    if not SECRET_KEY or SECRET_KEY.startswith(INSECURE_KEY_PREFIX) or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 32 characters when DEBUG is off."
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list this site's host names (no '*') when DEBUG is off."
        )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Key rotation: put the new key in SECRET_KEY and the old one(s) here
# (comma-separated) until sessions and signed links made with them expire.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

# The admin lives at a configurable path ("admin/" by default), e.g. ADMIN_URL=editors-7f3a/.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip().strip("/") + "/"
if not re.fullmatch(r"[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*/", ADMIN_URL):
    raise ImproperlyConfigured("ADMIN_URL must be a relative path such as 'admin/'.")

INSTALLED_APPS = [
    # Django's admin with the editors' site (editorial.sites.EditorialAdminSite).
    "editorial.apps.EditorialAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "django_countries",
    "taggit",
    "simple_history",
    "adminsortable2",  # drag-and-drop ordering of child rows in the admin
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from our own static files
    "csp",
    "axes",
    # The project's apps, kernel first (docs/architecture.md):
    # core ← links, editorial ← content apps ← search, opendata, feedback ← pathfinder ← demo.
    "core",
    "links",
    "editorial",
    "organizations",
    "guides",
    "careers",
    "search",
    "opendata",
    # Before feedback: its link on agenda and role pages comes before the feedback forms.
    "pathfinder",
    "feedback",
    "demo",
]

MIDDLEWARE = [
    # First: request id and one access-log line around everything below.
    "core.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.CSPMiddleware",  # django-csp's, the header built once
    # Whole pages for anonymous readers (core/cache.py): a hit skips everything below.
    "core.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.MessageMiddleware",  # Django's, the storage made on first use
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.HistoryRequestMiddleware",  # simple_history's, where it can matter
    # A database outage becomes a 503 page (process_exception runs bottom-up).
    "core.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: turns a lockout into core.errors.login_locked_out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast (and serve the 503 page) instead of hanging when the server is unreachable.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    )
    # PostgreSQL's JIT compiler (on by default) compiles any query the planner
    # costs above jit_above_cost, 10–20 ms each time; page queries read a few
    # hundred rows and never win that back (a role page's query went 3 → 20 ms
    # when its estimate crossed the line). DB_JIT=1 leaves it on.
    session = []
    if not env_bool("DB_JIT"):
        session.append("-c jit=off")
    # The planner's cost of a random page read (the server's default, 4, is for
    # spinning disks): on SSD or a database that fits in memory, 1.1 is the usual
    # value, and with 4 PostgreSQL preferred reading whole tables to fetching the
    # few hundred rows a page shows by key (a tag page's query: 69 -> 35 ms).
    # DB_RANDOM_PAGE_COST=server keeps the server's setting.
    page_cost = os.environ.get("DB_RANDOM_PAGE_COST", "1.1").strip()
    if page_cost and page_cost != "server":
        try:
            session.append(f"-c random_page_cost={float(page_cost)}")
        except ValueError:
            raise ImproperlyConfigured(
                "DB_RANDOM_PAGE_COST must be a number (e.g. 1.1) or 'server'."
            ) from None
    if session:
        options = DATABASES["default"]["OPTIONS"]
        options["options"] = " ".join([options.get("options", ""), *session]).strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, reusing its client handle (core/redis_cache.py).
            "BACKEND": "core.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fieldguide",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Page cache for anonymous readers (core/cache.py). Unset: on only when the cache
# is shared (Redis), as invalidation has to reach every worker process.
# PAGE_CACHE=1 forces it on (correct with a single process), PAGE_CACHE=0 off.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE") if os.environ.get("PAGE_CACHE", "").strip() else None
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", "600"))
# Cache-Control max-age for browsers; 0 = revalidate every time (ETag → 304).
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "0"))
# Shared caches in front (Varnish, a CDN; docs/deployment.md): who purges pages by
# key when content changes, where, and the s-maxage they may keep pages for
# (unset: a day with a purger, else 0). A miss is rendered once (a short lock).
PAGE_CACHE_PURGER = os.environ.get("PAGE_CACHE_PURGER", "").strip()
PAGE_CACHE_PURGE_URL = os.environ.get("PAGE_CACHE_PURGE_URL", "").strip()
PAGE_CACHE_SHARED_MAX_AGE = (
    int(os.environ["PAGE_CACHE_SHARED_MAX_AGE"])
    if os.environ.get("PAGE_CACHE_SHARED_MAX_AGE", "").strip()
    else None
)
PAGE_CACHE_LOCK_SECONDS = float(os.environ.get("PAGE_CACHE_LOCK_SECONDS", "5"))
PAGE_CACHE_STALE_SECONDS = float(os.environ.get("PAGE_CACHE_STALE_SECONDS", "10"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# WhiteNoise serves the hashed names collectstatic writes (the only ones templates
# link to) with "Cache-Control: max-age=315360000, public, immutable" and a gzip or
# Brotli copy when the browser accepts it; unhashed names get WHITENOISE_MAX_AGE.
WHITENOISE_MAX_AGE = int(os.environ.get("WHITENOISE_MAX_AGE", "0" if DEBUG else "3600"))

# Site identity used for canonical URLs, feeds and structured data.
SITE_NAME = os.environ.get("SITE_NAME", "AI Safety Field Guide")
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# Open data API (opendata/api): read-only JSON, no sessions or browsable HTML (keeps
# the strict CSP), OpenAPI 3 schema at /api/schema/ (drf-spectacular).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "opendata.api.pagination.APIPagination",
    "PAGE_SIZE": 20,
    # ?format= is a program filter (online, in-person…), not a renderer switch.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI Safety Field Guide open data API",
    "DESCRIPTION": (
        "Read-only JSON for every published record: organizations, roles, programs, "
        "research agendas, papers, failure modes and guides."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The interactive docs (/api/docs/) load Swagger UI from our static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

TAGGIT_CASE_INSENSITIVE = True

# Editorial: records not reviewed for this many months are listed on the admin's
# "Records due a review" page and by its "review due" filter.
REVIEW_AFTER_MONTHS = int(os.environ.get("REVIEW_AFTER_MONTHS", "6"))


def env_positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 1 (got {raw!r}).")
    return value


# Reader feedback (feedback/): "was this useful?", reports and suggested edits.
# At most FEEDBACK_RATE_LIMIT posts per client address in FEEDBACK_RATE_WINDOW
# seconds (counted in the shared cache); a form sent sooner than
# FEEDBACK_MIN_FILL_SECONDS after its page was rendered, or later than
# FEEDBACK_FORM_MAX_AGE seconds, is shown again instead of stored. purge_feedback
# deletes submissions older than FEEDBACK_RETENTION_DAYS (docs/privacy.md).
FEEDBACK_RATE_LIMIT = env_positive_int("FEEDBACK_RATE_LIMIT", 20)
FEEDBACK_RATE_WINDOW = env_positive_int("FEEDBACK_RATE_WINDOW", 3600)
FEEDBACK_MIN_FILL_SECONDS = env_positive_int("FEEDBACK_MIN_FILL_SECONDS", 3)
FEEDBACK_FORM_MAX_AGE = env_positive_int("FEEDBACK_FORM_MAX_AGE", 24 * 60 * 60)
FEEDBACK_RETENTION_DAYS = env_positive_int("FEEDBACK_RETENTION_DAYS", 180)

LOGIN_URL = "admin:login"

# Secure defaults; local development over plain HTTP relaxes only what it must.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# HTTPS. TLS may end at a proxy: then set SECURE_PROXY_SSL_HEADER to the header
# it sets, e.g. "HTTP_X_FORWARDED_PROTO,https", and make sure the proxy strips
# that header from clients. SECURE_SSL_REDIRECT=0 if the proxy redirects itself.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes speak plain HTTP
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be 'HEADER_NAME,value'.")
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header[0], _proxy_ssl_header[1])
# Number of trusted proxies that append to X-Forwarded-For (for login throttling by IP).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# Staff sessions (readers never log in) end after SESSION_COOKIE_AGE seconds
# (8 hours by default) or when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"

# Request size limits. There are no file uploads; if one is added, validate its
# type and size in the form as well (these limits only bound memory use).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # request body, excluding files
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o755

# Content-Security-Policy (django-csp 4). Self-hosted CSS and JS only: no inline
# scripts or styles anywhere, including the admin. JSON-LD blocks are data, not
# scripts, and are not affected.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": not DEBUG,
    }
}
if os.environ.get("CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = os.environ["CSP_REPORT_URI"]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# username from one address, that pair is locked out for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.errors.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"

# Structured logs: one JSON object per line on stdout (LOG_FORMAT=text for a
# human-readable line), every record carrying the request id.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIDFilter"}},
    "formatters": {
        "json": {"()": "core.logging.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "text" if LOG_FORMAT == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers are replaced: everything goes through the root handler.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # runserver's request lines duplicate fieldguide.access.
        "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Scanners send foreign Host headers all day; the access line records the 400.
        "django.security.DisallowedHost": {"level": "CRITICAL"},
    },
}
