"""Settings shared by every environment.

The environment is read here and only here (django-environ). Every value has a default that
works on a fresh machine: SQLite in the project folder and Celery tasks run in-process.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-insecure-key-change-me-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_celery_beat",
    "staffing",
    "scheduler",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "staffing.middleware.SessionActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "staffing.middleware.SiteTimeZoneMiddleware",
    "staffing.idempotency.IdempotencyKeyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Axes first so a locked-out user is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "staffing.context_processors.navigation",
                "scheduler.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English and Simplified Chinese from day one.
LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Country whose public holidays and make-up working days the forecasts and rosters use.
HOLIDAY_COUNTRY = env("HOLIDAY_COUNTRY", default="CN")
# The domain in the UIDs of calendar-feed events (stable per agent and day).
CALENDAR_UID_DOMAIN = env("CALENDAR_UID_DOMAIN", default="opencenter-wfm.local")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # documents the refusals, Idempotency-Key, and (through LockingAutoSchema) If-Match/ETag
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.ErrorDocumentingAutoSchema",
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "OpenCenter WFM API",
    "DESCRIPTION": "Workforce management for bank customer-service centers.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery: with no broker configured, tasks run in-process (eager) so nothing needs installing.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Login lockout (django-axes): 5 failures lock the username from that address for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# The audit trail (staffing/audit.py) is read-only in the admin: no "revert to this version".
SIMPLE_HISTORY_REVERT_DISABLED = True

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# An idle timeout rather than an absolute one: staffing.middleware.SessionActivityMiddleware
# renews a session in use at most this often (not a database write on every request).
SESSION_ACTIVITY_REFRESH_SECONDS = env.int("SESSION_ACTIVITY_REFRESH_SECONDS", default=60)

# The cache. Production sets CACHE_URL to Redis (e.g. redis://127.0.0.1:6379/1, another database
# than Celery's); with nothing set each process keeps its own memory cache.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # An unreachable cache fails fast, and the read cache then reads the database.
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 0.5)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 0.5)
CACHE_IS_SHARED = CACHES["default"]["BACKEND"] not in {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
# Cached reads of the busiest pages (staffing/readcache.py): a write makes them obsolete at once,
# so they are only correct when every server process shares the cache. Sessions stay in the
# database: a logout must hold even while the cache is unreachable.
READ_CACHE = env.bool("READ_CACHE", default=CACHE_IS_SHARED)
# Backstop lifetime of a cached read (seconds), should a write the cache cannot see happen
# (a bulk update of an unaudited model, a generation lost while the cache was unreachable).
READ_CACHE_SECONDS = env.int("READ_CACHE_SECONDS", default=300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
DEMO_SEEDERS: list[str] = ["scheduler.demo.seed_demand", "scheduler.demo_rosters.seed_rosters"]

# Roster engine: CP-SAT workers per solve task (size to the worker machine's cores), a fixed
# seed for reproducible rosters, the Celery queue solver tasks go to, and how often a running
# solve writes its progress.
SOLVER_WORKERS = env.int("SOLVER_WORKERS", default=2)
SOLVER_SEED = env.int("SOLVER_SEED", default=1)
SOLVER_QUEUE = env("SOLVER_QUEUE", default="solver")
SOLVER_PROGRESS_SECONDS = env.float("SOLVER_PROGRESS_SECONDS", default=2.0)

# A task whose worker died unacknowledged goes back to the queue after this many seconds
# (Redis); longer than the longest solve, or a slow solve would be started twice.
# A worker looks for such tasks every interval x throttle seconds (kombu's Redis transport).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
# A solve task's soft time limit is the run's solver limit plus this grace (reading the inputs,
# writing the draft); past it the run fails and writes nothing. The hard limit, this much later,
# ends a solve that ignores the soft one.
SOLVER_TASK_GRACE_SECONDS = env.int("SOLVER_TASK_GRACE_SECONDS", default=300)
SOLVER_TASK_KILL_AFTER_SECONDS = env.int("SOLVER_TASK_KILL_AFTER_SECONDS", default=60)
# Sending a task to a broker that is down is retried this often, then the request goes on: the
# run stays queued in the database and the sweeper below sends it when the broker is back.
BROKER_SEND_RETRIES = env.int("BROKER_SEND_RETRIES", default=2)
# The sweeper sends queued runs the broker never got once they are this old (the request's own
# send may still be under way before that), and sends again runs still queued after the longer
# delay (a broker restarted without persistence loses its queue; a duplicate is harmless).
ROSTER_RUN_UNSENT_AFTER_SECONDS = env.int("ROSTER_RUN_UNSENT_AFTER_SECONDS", default=30)
ROSTER_RUN_RESEND_AFTER_SECONDS = env.int("ROSTER_RUN_RESEND_AFTER_SECONDS", default=3 * 3600)
CELERY_BEAT_SCHEDULE = {
    "roster-run-sweep": {"task": "scheduler.roster_run_sweep", "schedule": 60.0},
}
# Fault injection for the worker-crash tests only: seconds a run waits between solving and
# writing its draft. Always 0 in production.
SOLVER_FAULT_DELAY_SECONDS = env.float("SOLVER_FAULT_DELAY_SECONDS", default=0.0)

# Content-Security-Policy (django-csp): scripts only from our own static files (no inline script,
# no CDN); inline style attributes are allowed (colours of the roster board). The API docs page,
# whose Swagger UI starts with an inline script, is exempted in config/urls.py.
# How long an Idempotency-Key answer is kept for replay (staffing/idempotency.py).
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=24)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
