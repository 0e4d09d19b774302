"""Settings shared by every environment. Everything that differs between machines comes from the
environment (django-environ); the README lists each variable."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1"]),
    REDIS_URL=(str, ""),
    EMAIL_URL=(str, "consolemail://"),
    DEFAULT_FROM_EMAIL=(str, "AI Portfolio <ai-portfolio@localhost>"),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    # Before the admin: its translated admin classes and widgets (domains/translation.py says which
    # fields are named in every language of LANGUAGES).
    "modeltranslation",
    # django.contrib.admin, whose default site has the committee's dashboard as its home page.
    "governance.admin_site.CommitteeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Ordinals ("ranked 4th", « 4e ») in the reader's language, for the priorities' sentences.
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served locally: the docs work offline
    "simple_history",
    "axes",  # failed sign-ins are counted, and a person:address pair locked out (AXES_* below)
    "rules.apps.AutodiscoverRulesConfig",
    # The project's apps, lowest layer first (core <- domains <- portfolio <- governance <- web).
    "core",
    "domains",
    "portfolio",
    "governance",
    "reporting",
    "exchange",
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the answers that stop early (413, NUL), so that those pages carry the policy too.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before anything reads the body (CSRF reads the form): a body over core.limits.REQUEST_BODY_MAX_BYTES
    # is refused (413); a NUL character in the path or a query parameter gets its answer (404 / 400).
    "core.middleware.RequestBodyLimitMiddleware",
    "core.middleware.NullCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.DatabaseTroubleMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers 429 for a locked-out sign-in
]

AUTH_USER_MODEL = "domains.User"
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# An unset (or empty) DATABASE_URL means the embedded default: a SQLite file in the project.
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# No request waits long on the database: a lock not granted within DB_LOCK_TIMEOUT_MS, or a statement
# running past DB_STATEMENT_TIMEOUT_MS, is cancelled and answered 503 with Retry-After (core.database).
# 0 turns a timeout off (a long maintenance command can set its own).
DB_LOCK_TIMEOUT_MS = env.int("DB_LOCK_TIMEOUT_MS", default=5_000)
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=30_000)
DATABASE_RETRY_AFTER_SECONDS = env.int("DATABASE_RETRY_AFTER_SECONDS", default=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={DB_LOCK_TIMEOUT_MS} -c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", max(DB_LOCK_TIMEOUT_MS / 1000, 1))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is optional: unset, the cache is local memory and Celery runs tasks in-process.
REDIS_URL = env("REDIS_URL")
# A cache that is down must not hang a request: connect and read with short timeouts (the API's
# token throttle then counts in the process, core.api.throttling).
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out sign-in is refused before any password check
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in attempts are rate-limited (django-axes, its own tables: no Redis needed): after
# AXES_FAILURE_LIMIT failures for one username from one address, that pair is refused (429) for
# AXES_COOLOFF_MINUTES, on the team site's sign-in and the admin's alike. A success resets the count.
# Behind a reverse proxy, set TRUSTED_PROXY_COUNT so the client's address is read, not the proxy's.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client's address: the connection's own, or behind TRUSTED_PROXY_COUNT reverse proxies the one that
# many hops back in X-Forwarded-For (core.http.client_address; what a client forges stays on the left).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.http.client_address"
AXES_LOCKOUT_CALLABLE = "web.views.signin_locked_out"  # our page, in the person's language
# A session ends SESSION_HOURS (8 by default: a working day) after it was last written (the sign-in, a
# message shown), and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_HOURS", default=8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as each language writes them ("1 Dec 2026", "1 déc. 2026"): config/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
# Reference data is named in each language (domains/translation.py: name_en, name_fr...). English is
# the default: it is required, and shown wherever a name has no translation yet.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = env("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")

# Celery: with no broker configured, tasks run eagerly in the calling process, so a single
# `make run` needs nothing but Python. With REDIS_URL set they go through Redis to a worker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
# A broker that is down must not hang the request that enqueues: fail fast, the outbox keeps the work.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # The outbox sweeper: notifications written while the broker or the worker was down go out here.
    "governance-dispatch-pending-notifications": {
        "task": "governance.dispatch_pending_notifications_task",
        "schedule": 60.0,
    },
    # Runs left pending (broker down when they were started) are handed out; runs whose worker died
    # are marked failed.
    "portfolio-sweep-clustering-runs": {
        "task": "portfolio.sweep_clustering_runs_task",
        "schedule": 60.0,
    },
    "exchange-sweep-import-runs": {
        "task": "exchange.sweep_import_runs_task",
        "schedule": 60.0,
    },
    "governance-remind-overdue-reviews": {
        "task": "governance.remind_overdue_reviews_task",
        "schedule": crontab(hour=8, minute=0),
    },
    "governance-remind-missing-votes": {
        "task": "governance.remind_missing_votes_task",
        "schedule": crontab(hour=8, minute=15),
    },
    "governance-remind-stale-side-effects": {
        "task": "governance.remind_stale_side_effects_task",
        "schedule": crontab(hour=8, minute=30),
    },
    # The dashboard's trends: the headline figures, once a week (Monday morning).
    "governance-snapshot-impact": {
        "task": "governance.snapshot_impact_task",
        "schedule": crontab(day_of_week=1, hour=6, minute=0),
    },
}

# Imports: the largest file an upload may be (the command has no limit), and how long a running import
# may go without a sign of life before the sweeper calls its worker gone.
EXCHANGE_IMPORT_MAX_BYTES = env.int("EXCHANGE_IMPORT_MAX_BYTES", default=20_000_000)
EXCHANGE_RUN_STALE_SECONDS = env.int("EXCHANGE_RUN_STALE_SECONDS", default=600)

# Governance: reminders and the outbox sweeper.
GOVERNANCE_REVIEW_REMINDER_DAYS = env.int("GOVERNANCE_REVIEW_REMINDER_DAYS", default=14)
GOVERNANCE_VOTE_REMINDER_DAYS_BEFORE_MEETING = env.int("GOVERNANCE_VOTE_REMINDER_DAYS_BEFORE_MEETING", default=3)
GOVERNANCE_NOTIFICATION_SWEEP_GRACE = timedelta(
    seconds=env.int("GOVERNANCE_NOTIFICATION_SWEEP_GRACE_SECONDS", default=30)
)
# Impact (governance.models.impact; README "Impact"). A use case is submitted with at least one success
# measure outside efficiency (growth, engagement, lasting results or risk): False relaxes the rule.
GOVERNANCE_SUBMISSION_REQUIRES_OUTCOME_KPI = env.bool("GOVERNANCE_SUBMISSION_REQUIRES_OUTCOME_KPI", default=True)
# A live use case (in delivery or scaled) whose side effects have not been reviewed for this many days
# shows in the committee's queue and in the daily reminder.
GOVERNANCE_SIDE_EFFECT_REVIEW_DAYS = env.int("GOVERNANCE_SIDE_EFFECT_REVIEW_DAYS", default=90)
# A measure is on track while its progress towards the target is at most this far behind the share of
# its time already elapsed (0.1: ten points behind), at risk down to half of that share, off track below.
GOVERNANCE_KPI_TOLERANCE = env.float("GOVERNANCE_KPI_TOLERANCE", default=0.1)
# A foundation at or below this readiness level holds back the use cases that need it.
FOUNDATION_LOW_READINESS = env.int("FOUNDATION_LOW_READINESS", default=2)

# Portfolios (portfolio.graph, portfolio.clustering, portfolio.matching; README "Portfolios").
# How much each kind of link pulls two use cases together, times the link's strength factor.
# conflicts_with is 0: a conflict never pulls two use cases into one portfolio.
# Priorities (portfolio.priorities; README "Priorities"): the defaults of the committee's weights,
# which it edits in the admin (Priority weights; each change audited). The standalone score is the
# weighted mean of the criteria a use case has; synergy scales what links and shared foundations add;
# conflict is what one conflicts_with link costs, before its strength factor.
PORTFOLIO_PRIORITY_WEIGHTS = {
    "business_value": 0.4,
    "feasibility": 0.25,
    "data_readiness": 0.2,
    "risk": 0.15,
    "synergy": 0.5,
    "conflict": 1.0,
}
# Duplicates at intake (portfolio.duplicates): a use case is suggested as the same idea when its text
# similarity plus these bonuses reaches the threshold, chosen on the labelled evaluation set
# (`python manage.py evaluate_duplicates`) as the lowest that keeps precision at or above 0.8.
PORTFOLIO_DUPLICATE_THRESHOLD = env.float("PORTFOLIO_DUPLICATE_THRESHOLD", default=0.4)
# The index of existing use cases is rebuilt after a change at most this often (seconds) per process
# (1.8 s at 10,000 use cases): an idea saved in the meantime is suggested once the index catches up.
PORTFOLIO_DUPLICATE_INDEX_MAX_AGE = env.int("PORTFOLIO_DUPLICATE_INDEX_MAX_AGE", default=60)
PORTFOLIO_DUPLICATE_DOMAIN_BONUS = 0.05
PORTFOLIO_DUPLICATE_FOUNDATION_BONUS = 0.2
PORTFOLIO_LINK_WEIGHTS = {
    "shares_data": 1.0,
    "shares_platform": 0.8,
    "depends_on": 1.0,
    "reinforces": 1.2,
    "conflicts_with": 0.0,
    # Two use cases the committee found to be the same idea belong together.
    "duplicates": 1.5,
}
PORTFOLIO_STRENGTH_FACTORS = {1: 0.5, 2: 1.0, 3: 1.5}
# A foundation shared by k covered use cases is a node of the graph, tied to each of them with
# weight W * (2 / k) ** PORTFOLIO_FOUNDATION_DAMPING: two users share a full W, a data lake used by a
# hundred ties each of them weakly, and the edges stay one per use of a foundation (never k² pairs).
PORTFOLIO_FOUNDATION_WEIGHTS = {"data_source": 0.8, "platform": 0.6, "model": 0.6, "infrastructure": 0.3}
PORTFOLIO_FOUNDATION_DAMPING = env.float("PORTFOLIO_FOUNDATION_DAMPING", default=1.0)
# The same for a use case's domain (0: off): a bonus for staying within a domain, damped alike.
PORTFOLIO_SAME_DOMAIN_WEIGHT = env.float("PORTFOLIO_SAME_DOMAIN_WEIGHT", default=0.0)
# Leiden's resolution (higher: smaller portfolios), the first seed, and how many seeds are tried
# (seed, seed+1, ...): the partition with the highest modularity is proposed.
PORTFOLIO_RESOLUTION = env.float("PORTFOLIO_RESOLUTION", default=1.0)
PORTFOLIO_SEED = env.int("PORTFOLIO_SEED", default=42)
PORTFOLIO_TRIALS = env.int("PORTFOLIO_TRIALS", default=5)
# Above this total weight of the graph's ties (links, and use cases' ties to the foundations they share:
# about as many links of weight 1) the resolution grows in proportion to the weight, so portfolios stay
# the size they would be in a graph of this weight however large the inventory; below it the resolution
# is plain modularity's. 0 turns the scaling off (portfolio.clustering).
PORTFOLIO_RESOLUTION_REFERENCE_WEIGHT = env.float("PORTFOLIO_RESOLUTION_REFERENCE_WEIGHT", default=10_000.0)
# Groups smaller than this are not proposed; their use cases stay unplaced.
PORTFOLIO_MIN_SIZE = env.int("PORTFOLIO_MIN_SIZE", default=3)
# A proposal keeps an existing portfolio's identity when their Jaccard overlap is at least this.
PORTFOLIO_MATCH_THRESHOLD = env.float("PORTFOLIO_MATCH_THRESHOLD", default=0.3)
# A running run whose worker has given no sign of life for this long is marked failed.
PORTFOLIO_RUN_STALE_SECONDS = env.int("PORTFOLIO_RUN_STALE_SECONDS", default=600)
# Runs read and write the whole graph: they may take longer than a request (DB_STATEMENT_TIMEOUT_MS).
PORTFOLIO_RUN_STATEMENT_TIMEOUT_MS = env.int("PORTFOLIO_RUN_STATEMENT_TIMEOUT_MS", default=600_000)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ApiAutoSchema",
    # Tokens for BI clients (created in the admin), sessions for people.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Signed in, and a read-only API token gets 403 on every write.
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ApiPermission"],
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.ApiTokenRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.api.negotiation.NamedFormatNegotiation",
    # JSON bodies are parsed with limits (core.api.parsers: depth, array length, 64-bit numbers, NUL).
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONBodyParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI Use-Case Portfolio API",
    "DESCRIPTION": "Use cases, their links and foundations, and the committee's decisions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "FoundationKindEnum": "domains.choices.FoundationKind",
        "LinkKindEnum": "portfolio.choices.LinkKind",
        "UseCaseStatusEnum": "domains.choices.Status",
        "KpiCategoryEnum": "governance.choices.KpiCategory",
        "SideEffectCategoryEnum": "governance.choices.SideEffectCategory",
        "SideEffectKindEnum": "governance.choices.SideEffectKind",
        "SideEffectStatusEnum": "governance.choices.SideEffectStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Request bodies: the same limit as the middleware's, for the parts of Django that read bodies.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # core.limits.REQUEST_BODY_MAX_BYTES

# Field history is for reading: every write goes through a service (core.admin.HistoryAdmin).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Messages live in the session, not in a cookie: the admin shows a new API token's key once through
# a message, and a key must never travel in a client-readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Content Security Policy (django-csp; csp.middleware.CSPMiddleware in MIDDLEWARE) on every page: the
# team site, the admin, the browsable API and the Swagger docs (served as SpectacularSwaggerSplitView,
# whose init script is a file of its own). Everything comes from this origin (whitenoise, the vendored
# Swagger UI), and no page has an inline script or an on*= handler: an injected <script> or handler
# does not run even if a template ever failed to escape it. tests/test_csp.py walks every kind of page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Inline styles are allowed because pages we do not write carry them: django-simple-history's
        # history list (a style attribute), DRF's browsable API (style attributes, a <style> block)
        # and Swagger UI (a <style> block in drf-spectacular's template, styles set at run time).
        # Inline CSS runs no script; what CSS could leak (url() to another host) is refused by
        # img-src / font-src / connect-src, which stay on this origin.
        "style-src": ["'self'", "'unsafe-inline'"],
        # Swagger UI's stylesheet draws its icons as data: SVG images; an <img> SVG runs no script.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
