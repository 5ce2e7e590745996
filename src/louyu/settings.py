"""Louyu settings, read from the environment (see README, "Configuration").

With nothing set, Louyu runs in development mode on a SQLite file under ``var/`` with the
database task backend, console e-mail and local file storage.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(environ.Env().str("LOUYU_VAR_DIR", default=str(PROJECT_DIR / "var")))

DEV_SECRET_KEY = "louyu-development-key-not-for-production"

env = environ.Env(
    LOUYU_DEBUG=(bool, False),
    LOUYU_PRODUCTION=(bool, False),
)
DEBUG = env.bool("LOUYU_DEBUG")
PRODUCTION = env.bool("LOUYU_PRODUCTION")
SECRET_KEY = env.str("LOUYU_SECRET_KEY", default=DEV_SECRET_KEY)
if PRODUCTION:
    DEBUG = False
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "LOUYU_PRODUCTION is set but LOUYU_SECRET_KEY is the development key or shorter "
            "than 50 characters; refusing to start."
        )

ALLOWED_HOSTS = env.list("LOUYU_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("LOUYU_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_prometheus",
    "louyu.core",
    "louyu.search",
    "louyu.buildings",
    "louyu.complaints",
    "louyu.cases",
    "louyu.workplans",
    "louyu.inspections",
    "louyu.reporting",
    "louyu.articles",
    "louyu.library",
    "louyu.web",
    "louyu.api",
    "louyu.demo",
    # After louyu.core, whose audited axes_reset* commands replace axes' own.
    "axes",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "louyu.core.middleware.DefaultChineseLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "louyu.core.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "louyu.core.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "louyu.core.middleware.RequestContextMiddleware",
    # Last: turns a refused login into the lockout page (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "louyu.urls"
WSGI_APPLICATION = "louyu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "louyu.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'louyu.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("LOUYU_DB_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    if env.bool("LOUYU_DB_PREPARED_STATEMENTS", default=True):
        # Values bound on the server and statements prepared from their 5th run on, so
        # PostgreSQL parses and plans a repeated statement once per connection (ADR 0010).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 5}
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
# Axes first (refuses a locked-out username and address before the password is checked),
# then ModelBackend with permission sets cached per process (louyu.core.authz, ADR 0006).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "louyu.core.authz.CachedPermissionBackend",
]
LOUYU_PERMISSION_CACHE_SECONDS = env.float("LOUYU_PERMISSION_CACHE_SECONDS", default=60)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login lockout (django-axes, docs/adr/0014): after LOUYU_LOGIN_FAILURE_LIMIT failed logins
# for one username from one client address, that pair is refused for
# LOUYU_LOGIN_LOCKOUT_MINUTES counted from the last counted failure. Attempts are rows in the
# database (shared by every process); lockouts and unlocks are audited (louyu.core.lockout).
AXES_FAILURE_LIMIT = env.int("LOUYU_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("LOUYU_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "louyu.core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "louyu.web.views.auth.login_locked_out"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # louyu.core.admin registers an audited one
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and storage ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("LOUYU_STATIC_ROOT", default=str(PROJECT_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("LOUYU_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env.str(
            "LOUYU_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env.json("LOUYU_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
# Outside production WhiteNoise serves the apps' static files straight from their folders, so
# `make run` (DEBUG off: the project's own 403/404/500 pages) needs no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail and SMS -------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("LOUYU_EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("LOUYU_DEFAULT_FROM_EMAIL", default="louyu@localhost")
LOUYU_NOTIFICATION_CHANNELS = env.list(
    "LOUYU_NOTIFICATION_CHANNELS",
    default=[
        "louyu.core.notifications.InAppChannel",
        "louyu.core.notifications.EmailChannel",
        "louyu.core.notifications.SmsChannel",
    ],
)
LOUYU_SMS_BACKEND = env.str("LOUYU_SMS_BACKEND", default="louyu.core.sms.ConsoleSmsBackend")

# --- Background tasks -----------------------------------------------------------------------
# LOUYU_TASK_BACKEND: "database" (default, worker: `louyu db_worker`), "rq" (Redis, worker:
# `louyu rqworker default --job-class django_tasks_rq.backend.Job`), or "immediate" (tests).
TASK_BACKEND = env.str("LOUYU_TASK_BACKEND", default="database")
REDIS_URL = env.str("LOUYU_REDIS_URL", default="redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"LOUYU_TASK_BACKEND must be one of {sorted(_TASK_BACKENDS)}, not {TASK_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}

# The cache holds the rate-limit counters and used public-form tokens, so several web
# processes must share it: Redis at LOUYU_CACHE_URL, or at LOUYU_REDIS_URL when
# LOUYU_REDIS_CACHE is true (the default with the rq task backend, which has Redis anyway);
# otherwise per-process memory, which `check --deploy` warns about (louyu.core.checks).
CACHE_URL = env.str("LOUYU_CACHE_URL", default="")
if not CACHE_URL and env.bool("LOUYU_REDIS_CACHE", default=TASK_BACKEND == "rq"):
    CACHE_URL = REDIS_URL
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "louyu.core.rest.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "louyu.core.rest.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "louyu.core.rest.negotiation.ContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "louyu.core.rest.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "louyu.core.rest.errors.exception_handler",
    # Per client address, counted in the cache (louyu.core.rest.throttling, docs/adr/0014).
    "DEFAULT_THROTTLE_CLASSES": ["louyu.core.rest.throttling.AnonAddressThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("LOUYU_API_ANON_RATE", default="60/min"),
        "token_failure": env.str("LOUYU_API_TOKEN_FAILURE_RATE", default="10/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Louyu API",
    "DESCRIPTION": "商务楼宇宽带接入市场联合整治监管平台 REST API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "louyu.core.rest.schema.add_throttled_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "BuildingImportStatusEnum": "louyu.buildings.models.ImportStatus",
        "ImportRowActionEnum": "louyu.buildings.import_engine.preview.ACTIONS",
        "PresenceStatusEnum": "louyu.buildings.models.PresenceStatus",
        "ComplaintStateEnum": "louyu.complaints.workflow.State",
        "ReplyResultEnum": "louyu.complaints.workflow.ReplyResult",
        "CaseStateEnum": "louyu.cases.workflow.State",
        "CaseSourceEnum": "louyu.cases.workflow.Source",
        "CaseSeverityEnum": "louyu.cases.workflow.Severity",
        "CaseSupervisionLevelEnum": "louyu.cases.workflow.SupervisionLevel",
        "EnforcementActionKindEnum": "louyu.cases.workflow.ActionKind",
        "CaseFileKindEnum": "louyu.cases.models.CaseFile.Kind",
        "PresenceSourceEnum": "louyu.buildings.models.PresenceSource",
        "ReferralKindEnum": "louyu.complaints.models.Referral.Kind",
        "WorkPlanStateEnum": "louyu.workplans.workflow.State",
        "MeasureStatusEnum": "louyu.workplans.workflow.MeasureStatus",
        "WorkPlanOutcomeEnum": "louyu.workplans.workflow.Outcome",
        "InspectionPlanStateEnum": "louyu.inspections.workflow.State",
        "StratumKindEnum": "louyu.inspections.workflow.StratumKind",
        "InspectionOutcomeEnum": "louyu.inspections.workflow.Outcome",
        "NotInspectedReasonEnum": "louyu.inspections.workflow.NotInspectedReason",
        "PhotoCaptureSourceEnum": "louyu.inspections.workflow.CaptureSource",
        "MonthlyReportStateEnum": "louyu.reporting.workflow.ReportState",
        # Bulletins and practices share one publication pipeline (draft, reviewed, published).
        "PublicationStateEnum": "louyu.reporting.workflow.BulletinState",
        "BulletinActionEnum": "louyu.reporting.serializers.BULLETIN_ACTIONS",
        "ActionItemStateEnum": "louyu.library.workflow.ActionState",
        "MeetingKindEnum": "louyu.library.workflow.MeetingKind",
        "AgendaKindEnum": "louyu.library.workflow.AgendaKind",
    },
}

# --- Security -------------------------------------------------------------------------------
# Content-Security-Policy (django-csp): scripts only from our own static files, no inline
# script anywhere. Inline styles stay allowed: a few templates set a width or white-space
# in a style attribute, and Bootstrap, htmx and Swagger UI set styles from script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("LOUYU_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("LOUYU_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging: never personal data; structured enough to grep ----------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOUYU_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every step of every PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# --- Louyu rules that are deployment settings, not data -------------------------------------
# How long before a work item's due time its assignee is reminded.
LOUYU_REMINDER_LEAD_HOURS = env.int("LOUYU_REMINDER_LEAD_HOURS", default=48)
# Periodic jobs run by `louyu scheduler`: task path -> interval in seconds.
LOUYU_PERIODIC_TASKS = {
    "louyu.core.tasks.send_work_item_reminders": env.int(
        "LOUYU_REMINDER_INTERVAL_SECONDS", default=300
    ),
    "louyu.complaints.tasks.send_complaint_deadline_reminders": env.int(
        "LOUYU_COMPLAINT_REMINDER_INTERVAL_SECONDS", default=900
    ),
    "louyu.complaints.tasks.erase_expired_personal_data": 24 * 3600,
    "louyu.cases.tasks.send_case_deadline_reminders": env.int(
        "LOUYU_CASE_REMINDER_INTERVAL_SECONDS", default=3600
    ),
    # The rolled-up figures are at most this far behind (docs/adr/0011).
    "louyu.reporting.tasks.refresh_figures": env.int("LOUYU_FIGURES_REFRESH_SECONDS", default=60),
    "louyu.reporting.tasks.rebuild_figures": 24 * 3600,
    "louyu.reporting.tasks.open_monthly_reports": 3600,
    # Import jobs whose worker stopped beating are failed within a minute (import_jobs).
    "louyu.buildings.tasks.fail_dead_imports": 15,
}
# Complainants' personal data is erased this many days after a complaint ended.
LOUYU_COMPLAINT_RETENTION_DAYS = env.int("LOUYU_COMPLAINT_RETENTION_DAYS", default=730)
# API tokens older than this many days are refused (0: never). Off by default: Open311
# clients keep one token in their configuration. Tokens are replaced on every password
# change either way (louyu.core.api_tokens).
LOUYU_API_TOKEN_MAX_AGE_DAYS = env.int("LOUYU_API_TOKEN_MAX_AGE_DAYS", default=0)
LOUYU_TRUSTED_PROXY_COUNT = env.int("LOUYU_TRUSTED_PROXY_COUNT", default=0)
# Client networks (after LOUYU_TRUSTED_PROXY_COUNT) that may read /healthz details and /metrics
# without logging in: monitoring on the host or the private network.
LOUYU_INTERNAL_NETWORKS = env.list("LOUYU_INTERNAL_NETWORKS", default=["127.0.0.0/8", "::1/128"])
# The largest building import file accepted (bytes); larger uploads are refused unread.
LOUYU_IMPORT_MAX_BYTES = env.int("LOUYU_IMPORT_MAX_BYTES", default=30 * 1024 * 1024)
# Reference articles: the largest article file (bytes) and the most files in one import.
LOUYU_ARTICLE_MAX_BYTES = env.int("LOUYU_ARTICLE_MAX_BYTES", default=5 * 1024 * 1024)
LOUYU_ARTICLE_MAX_FILES = env.int("LOUYU_ARTICLE_MAX_FILES", default=100)
# An XLSX is a zip: its parts may expand to at most this many bytes in all (zip bombs).
LOUYU_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int(
    "LOUYU_IMPORT_MAX_UNCOMPRESSED_BYTES", default=512 * 1024 * 1024
)
# The import file is parsed in a child process with at most this much more memory (MB) and
# this much CPU time (s); past either the child dies, and only the child.
LOUYU_IMPORT_PARSE_MEMORY_MB = env.int("LOUYU_IMPORT_PARSE_MEMORY_MB", default=2048)
LOUYU_IMPORT_PARSE_CPU_SECONDS = env.int("LOUYU_IMPORT_PARSE_CPU_SECONDS", default=300)
SPECTACULAR_SETTINGS.update(
    {
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
    }
)

# --- Public complaint pages (/public/) --------------------------------------------------------
# Attachments: largest file (bytes), most files per complaint, largest image (pixels; more is
# treated as a decompression bomb).
LOUYU_ATTACHMENT_MAX_BYTES = env.int("LOUYU_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
LOUYU_ATTACHMENT_MAX_FILES = env.int("LOUYU_ATTACHMENT_MAX_FILES", default=5)
LOUYU_ATTACHMENT_MAX_PIXELS = env.int("LOUYU_ATTACHMENT_MAX_PIXELS", default=50_000_000)
# A public form submitted sooner than this after it was shown is refused (bots).
LOUYU_PUBLIC_FORM_MIN_SECONDS = env.float("LOUYU_PUBLIC_FORM_MIN_SECONDS", default=3.0)
# Rate limits kept in the cache: name -> (requests, window in seconds).
LOUYU_PUBLIC_RATE_LIMITS = {
    "complaint_ip": (env.int("LOUYU_PUBLIC_COMPLAINTS_PER_IP_HOUR", default=5), 3600),
    "complaint_phone": (env.int("LOUYU_PUBLIC_COMPLAINTS_PER_PHONE_DAY", default=3), 86400),
    "track_ip": (env.int("LOUYU_PUBLIC_TRACK_PER_IP_HOUR", default=20), 3600),
    "building_search_ip": (env.int("LOUYU_PUBLIC_SEARCH_PER_IP_MINUTE", default=60), 60),
    "open311_ip": (env.int("LOUYU_OPEN311_PER_IP_MINUTE", default=60), 60),
    # Open311 request lists built from the database (not from the cache), all clients together.
    "open311_feed": (env.int("LOUYU_OPEN311_FEED_BUILDS_PER_MINUTE", default=120), 60),
}
# How long an Open311 request list is served from the cache.
LOUYU_OPEN311_CACHE_SECONDS = env.int("LOUYU_OPEN311_CACHE_SECONDS", default=30)
