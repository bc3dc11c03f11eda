"""The one settings module. Every deployment knob is a ZHENGWU_* environment variable.

docs/operations.md lists them all with their defaults.
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("ZHENGWU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def _secret_key() -> str:
    key = os.environ.get("ZHENGWU_SECRET_KEY")
    if key:
        return key
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("ZHENGWU_DEBUG")
ALLOWED_HOSTS = env_list("ZHENGWU_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("ZHENGWU_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "zhengwu.accounts.lockout.LoginProtectionConfig",  # django-axes
    "zhengwu.core",
    "zhengwu.workdays",
    "zhengwu.accounts",
    "zhengwu.catalog",
    "zhengwu.cases",
    "zhengwu.ratings",
    "zhengwu.supervision",
    "zhengwu.notifications",
    "zhengwu.assessment",
    "zhengwu.tickets",
    "zhengwu.joint",
    "zhengwu.licences",
    "zhengwu.trading",
    "zhengwu.disclosure",
    "zhengwu.hall",
    "zhengwu.evaluation",
    "zhengwu.exchange",
    "zhengwu.demo",
]

MIDDLEWARE = [
    "zhengwu.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "zhengwu.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhengwu.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zhengwu.core.middleware.RejectNulMiddleware",
    "zhengwu.core.replicas.ReadYourWritesMiddleware",
    "zhengwu.core.middleware.ApiErrorMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhengwu.urls"
WSGI_APPLICATION = "zhengwu.wsgi.application"
ASGI_APPLICATION = "zhengwu.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhengwu.core.context_processors.site",
                "zhengwu.notifications.context_processors.unread",
            ],
            # ``person``, ``cn_date`` and ``cn_datetime`` on every template.
            "builtins": ["zhengwu.core.templatetags.zhengwu_display"],
        },
    }
]

DATABASE_URL = os.environ.get("ZHENGWU_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'zhengwu.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("ZHENGWU_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writing transaction takes the write lock at BEGIN, so two writers queue
        # instead of failing on a lock upgrade; WAL lets readers run beside the writer.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The test database is a file too, so concurrent writers queue as they do in production
    # (pytest-xdist gives each worker its own copy).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_zhengwu.sqlite3")}
    # The ticket report's covering index carries its counted columns with INCLUDE on PostgreSQL;
    # SQLite keeps the key columns only, which is all it needs at its size.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
    "ZHENGWU_DB_JIT", False
):
    # No JIT compilation: the reports are index scans of a period, and compiling their
    # expressions cost more than it saved (bench/indicators.py: 160 ms of JIT in a 320 ms query).
    # Behind pgbouncer, add ``options`` to its ``ignore_startup_parameters``.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "ZHENGWU_DB_PREPARED_STATEMENTS", True
):
    # Parameters bound by the server, and a statement run twice on a connection is prepared
    # there (parsed and planned once). Turn off behind a pooler in transaction mode (pgbouncer).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 2}
    )

# Streaming replicas (docs/operations.md, "A province on one deployment"): the reports, the
# dashboard, the board, the public statistics and the exports read from them through
# ``zhengwu.core.replicas.ReplicaRouter``; a replica down or lagging is skipped.
REPLICA_DATABASES: list[str] = []
for _number, _url in enumerate(
    [
        u.strip()
        for u in os.environ.get("ZHENGWU_DATABASE_REPLICA_URLS", "").split(",")
        if u.strip()
    ],
    start=1,
):
    _alias = f"replica{_number}"
    DATABASES[_alias] = dj_database_url.parse(
        _url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    DATABASES[_alias]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        # A replica that does not answer is skipped, quickly.
        "connect_timeout": int(os.environ.get("ZHENGWU_REPLICA_CONNECT_TIMEOUT", "2")),
    }
    # Tests never build a database on a replica: it streams the primary's.
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
    REPLICA_DATABASES.append(_alias)
REPLICA_PIN_SECONDS = float(os.environ.get("ZHENGWU_REPLICA_PIN_SECONDS", "5"))
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("ZHENGWU_REPLICA_MAX_LAG_SECONDS", "10"))
REPLICA_CHECK_SECONDS = float(os.environ.get("ZHENGWU_REPLICA_CHECK_SECONDS", "5"))
DATABASE_ROUTERS = ["zhengwu.core.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-axes checks every login (site and admin) first: a locked-out account or address is
# refused before its password is even tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Every password set through accounts.services (and the admin's forms); staff passwords are at
# least STAFF_PASSWORD_MIN_LENGTH long (accounts.passwords).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zhengwu.accounts.passwords.StaffMinimumLengthValidator"},
]
STAFF_PASSWORD_MIN_LENGTH = int(os.environ.get("ZHENGWU_STAFF_PASSWORD_MIN_LENGTH", "10"))

# Login throttling (django-axes, docs/operations.md): after LOGIN_FAILURE_LIMIT failed logins
# for one username, or from one address, that username or address is locked out for the
# cool-off; every attempt and lockout is recorded (admin: 登录保护).
AXES_FAILURE_LIMIT = int(os.environ.get("ZHENGWU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=float(os.environ.get("ZHENGWU_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "zhengwu.accounts.lockout.lockout_response"
# The address the front proxy put in REMOTE_ADDR (as the rate limits read it), never a header a
# client can set.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_VERBOSE = False

# The cache every process shares (rate limits): the database by default (its table is created by
# ``migrate``), Redis at scale with ZHENGWU_CACHE_URL=redis://host:6379/0.
CACHE_URL = os.environ.get("ZHENGWU_CACHE_URL", "").strip()
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "zhengwu",
        }
    }
elif CACHE_URL in ("", "db", "database"):
    CACHES = {
        "default": {
            "BACKEND": "zhengwu.core.cache.DatabaseCache",
            "LOCATION": "zhengwu_cache",
            # Culling drops counts: keep room for a day's worth of addresses.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
else:
    raise ImproperlyConfigured("ZHENGWU_CACHE_URL must be empty (the database) or redis://...")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# One display style per kind of date (docs/decisions/0006).
FORMAT_MODULE_PATH = ["zhengwu.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("ZHENGWU_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # collectstatic fills it; whitenoise reads it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("ZHENGWU_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"  # uploads are served only through permission-checked views
# The largest file an applicant may upload for one material (bytes).
UPLOAD_MAX_BYTES = int(os.environ.get("ZHENGWU_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("ZHENGWU_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "ZHENGWU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("ZHENGWU_FROM_EMAIL", "zhengwu@localhost")

# Security headers. HTTPS-only settings switch on with ZHENGWU_HTTPS=1 (behind nginx with TLS).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = env_bool("ZHENGWU_HTTPS")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "zhengwu.core.middleware.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("ZHENGWU_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

CSRF_FAILURE_VIEW = "zhengwu.core.views.csrf_failure"
SITE_NAME = _("Zhengwu government service platform")
# How often (seconds) each process checks whether another process changed the working-day calendar.
WORKDAYS_RECHECK_SECONDS = float(os.environ.get("ZHENGWU_WORKDAYS_RECHECK_SECONDS", "5"))
# The bench-only endpoints (bench/) exist only when this is on; never in production.
BENCH_ENDPOINTS = env_bool("ZHENGWU_BENCH_ENDPOINTS")

# The public address of the site (https://zhengwu.example.gov.cn), used in links that leave it:
# the rating QR codes and SMS invitations. Empty: the address the request came in on.
PUBLIC_URL = os.environ.get("ZHENGWU_PUBLIC_URL", "").rstrip("/")
# Text messages (zhengwu.core.sms): a dotted path to a backend class; the default logs them.
SMS_BACKEND = os.environ.get("ZHENGWU_SMS_BACKEND", "zhengwu.core.sms.LoggingBackend")
# Connections the day's supervision sweep writes the levels of a large cases table on at once
# (PostgreSQL; docs/supervision.md).
SWEEP_WORKERS = int(os.environ.get("ZHENGWU_SWEEP_WORKERS", "2"))
# The period a one-time notice gives the applicant to hand in the missing materials, in working
# days (docs/cases.md, 申请人告知); the sweep reminds them the working day before it ends.
SUPPLEMENT_PERIOD_WORKDAYS = int(os.environ.get("ZHENGWU_SUPPLEMENT_PERIOD_WORKDAYS", "10"))
# 一业一证 indicator (docs/assessment.md): the licence type code of a business licence (a new
# enterprise's 设立登记).
BUSINESS_LICENCE_TYPE = os.environ.get("ZHENGWU_BUSINESS_LICENCE_TYPE", "YYZZ")
# 好差评 (docs/ratings.md).
# 先办后录 (DOMAIN §4): an action recorded more than this many working days after it occurred.
RETROACTIVE_MARGIN_WORKDAYS = int(os.environ.get("ZHENGWU_RETROACTIVE_MARGIN_WORKDAYS", "1"))
# Disclosure requests (docs/disclosure.md): the working days an applicant has to pay the
# information processing fee (国办函〔2020〕109号), the longest 补正 period a notice may give, and
# the ticket category an application turned into a hotline ticket (art. 39) is filed under.
DISCLOSURE_PAYMENT_WORKDAYS = int(os.environ.get("ZHENGWU_DISCLOSURE_PAYMENT_WORKDAYS", "20"))
DISCLOSURE_SUPPLEMENT_MAX_WORKDAYS = int(
    os.environ.get("ZHENGWU_DISCLOSURE_SUPPLEMENT_MAX_WORKDAYS", "60")
)
DISCLOSURE_TICKET_CATEGORY = os.environ.get("ZHENGWU_DISCLOSURE_TICKET_CATEGORY", "ZWFW")
# The hall's queue (docs/hall.md): priorities of numbers (green channel 绿色通道, appointment;
# higher is called first), the length of an appointment slot, how many days ahead slots are
# opened, and how early before its slot an appointment may be turned into a number.
HALL_PRIORITY_GREEN = int(os.environ.get("ZHENGWU_HALL_PRIORITY_GREEN", "2"))
HALL_PRIORITY_APPOINTMENT = int(os.environ.get("ZHENGWU_HALL_PRIORITY_APPOINTMENT", "1"))
HALL_SLOT_MINUTES = int(os.environ.get("ZHENGWU_HALL_SLOT_MINUTES", "30"))
HALL_BOOKING_DAYS = int(os.environ.get("ZHENGWU_HALL_BOOKING_DAYS", "7"))
HALL_ARRIVE_EARLY_MINUTES = int(os.environ.get("ZHENGWU_HALL_ARRIVE_EARLY_MINUTES", "60"))
RATINGS_WINDOW_DAYS = int(os.environ.get("ZHENGWU_RATINGS_WINDOW_DAYS", "7"))
RATINGS_INVITE_AFTER_DAYS = int(os.environ.get("ZHENGWU_RATINGS_INVITE_AFTER_DAYS", "3"))
RATINGS_RECTIFY_WORKDAYS = int(os.environ.get("ZHENGWU_RATINGS_RECTIFY_WORKDAYS", "5"))


def _exchange(name: str, default: str) -> str:
    """An outbound exchange setting; the older ``ZHENGWU_RATINGS_PUSH_*`` name still counts."""
    return os.environ.get(
        f"ZHENGWU_EXCHANGE_PUSH_{name}", os.environ.get(f"ZHENGWU_RATINGS_PUSH_{name}", default)
    )


# The one outbox to the provincial platform (docs/exchange.md): where, with which token, how many
# records a request, how long to wait, the back-off, and when a record becomes failed; how long
# another hotline platform has to acknowledge a transfer before it is urged.
EXCHANGE_PUSH_URL = _exchange("URL", "")
EXCHANGE_PUSH_TOKEN = _exchange("TOKEN", "")
EXCHANGE_PUSH_BATCH = int(_exchange("BATCH", "200"))
EXCHANGE_PUSH_TIMEOUT = float(_exchange("TIMEOUT", "10"))
EXCHANGE_PUSH_BASE_SECONDS = float(_exchange("BASE_SECONDS", "30"))
EXCHANGE_PUSH_CAP_SECONDS = float(_exchange("CAP_SECONDS", "3600"))
EXCHANGE_PUSH_JITTER = float(_exchange("JITTER", "0.2"))
EXCHANGE_PUSH_MAX_ATTEMPTS = int(_exchange("MAX_ATTEMPTS", "20"))
# Tickets: the classifier's model file (falls back to the model shipped with the package when
# this file does not exist), the least probability a suggestion needs, and what counts as a
# possible duplicate of a call (similarity threshold 0..1 over a window of days).
TICKET_CLASSIFIER_PATH = Path(
    os.environ.get("ZHENGWU_TICKET_CLASSIFIER_PATH", VAR_DIR / "tickets" / "classifier.json.gz")
)
# 0 turns off the model shipped with the package (the routing rules decide until one is trained).
TICKET_CLASSIFIER_SHIPPED = env_bool("ZHENGWU_TICKET_CLASSIFIER_SHIPPED", default=True)
TICKET_CLASSIFIER_MIN_PROBABILITY = float(
    os.environ.get("ZHENGWU_TICKET_CLASSIFIER_MIN_PROBABILITY", "0.2")
)
TICKET_DUPLICATE_THRESHOLD = float(os.environ.get("ZHENGWU_TICKET_DUPLICATE_THRESHOLD", "0.3"))
TICKET_DUPLICATE_DAYS = int(os.environ.get("ZHENGWU_TICKET_DUPLICATE_DAYS", "7"))
# The knowledge base: how many of the latest answered consultations it learns from.
TICKET_KNOWLEDGE_ANSWERS = int(os.environ.get("ZHENGWU_TICKET_KNOWLEDGE_ANSWERS", "5000"))


def _env_map(name: str, default: str) -> dict[str, int]:
    """``key=number,key=number`` (e.g. ``consult=3,complaint=5``) over the default's keys."""
    values = {}
    for source in (default, os.environ.get(name, "")):
        for part in source.split(","):
            key, sep, number = part.partition("=")
            if sep and key.strip():
                values[key.strip()] = int(number)
    return values


# Ticket deadlines (DOMAIN.md §7, docs/tickets.md): working days to reply by kind; an urgent
# ticket's hours (0: the end of the dispatch day); working days for the unit to accept; the most
# working days one extension may add; the response working days of a 督办 by level.
TICKET_REPLY_WORKDAYS = _env_map(
    "ZHENGWU_TICKET_REPLY_WORKDAYS", "consult=3,help=3,complaint=5,report=5,suggestion=5"
)
TICKET_URGENT_HOURS = int(os.environ.get("ZHENGWU_TICKET_URGENT_HOURS", "0"))
TICKET_ACCEPT_WORKDAYS = int(os.environ.get("ZHENGWU_TICKET_ACCEPT_WORKDAYS", "1"))
TICKET_EXTENSION_MAX_WORKDAYS = int(os.environ.get("ZHENGWU_TICKET_EXTENSION_MAX_WORKDAYS", "5"))
TICKET_URGE_RESPONSE_WORKDAYS = {
    int(level): days
    for level, days in _env_map("ZHENGWU_TICKET_URGE_RESPONSE_WORKDAYS", "1=2,2=1,3=1").items()
}
