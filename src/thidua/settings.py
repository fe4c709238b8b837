"""Settings, driven by the environment (see README: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS)."""

import os
from pathlib import Path

import dj_database_url
from whitenoise.compress import Compressor as _WhiteNoiseCompressor

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("THIDUA_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
_DEV_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_KEY)
# Production refuses to start with the development key, an empty or a short key (Django's own deploy check
# asks for 50 characters, 5 of them different): sessions, tokens and sealed data all rest on it.
SECRET_KEY_MIN_LENGTH = 50
if not DEBUG and (SECRET_KEY == _DEV_KEY or len(SECRET_KEY.strip()) < SECRET_KEY_MIN_LENGTH
                  or len(set(SECRET_KEY)) < 5):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"SECRET_KEY must be set in the environment when DEBUG is off, at least {SECRET_KEY_MIN_LENGTH} random "
        "characters (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))').")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Production hardening (README: "Môi trường thật"). Defaults follow DEBUG: on in production, off in development;
# every switch can be overridden from the environment (e.g. SECURE_SSL_REDIRECT=0 when a TLS proxy already redirects).
PRODUCTION = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto (the proxy must set it, and strip it
# from clients). Only then does Django treat "X-Forwarded-Proto: https" requests as secure.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_"), "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no page script reads the CSRF cookie; forms carry the token
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (thidua.core.security.ContentSecurityPolicyMiddleware): no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)
# Login throttling (thidua.core.security, docs/SECURITY.md): this many failures within the window lock further
# attempts for LOGIN_LOCKOUT_SECONDS, whatever the password — per username and address (LOGIN_FAILURE_LIMIT), per
# username from anywhere, and per address for all usernames (much higher: an office behind NAT shares one address;
# a successful login does not reset it).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
LOGIN_USERNAME_FAILURE_LIMIT = int(os.environ.get("LOGIN_USERNAME_FAILURE_LIMIT", 10))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", 50))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", 15 * 60))
# Public endpoints without login (thidua.core.throttle): requests per client address per period (seconds);
# a limit of 0 turns the throttle off. The certificate verification page and API: 30 per minute by default.
PUBLIC_THROTTLE_RATES = {"verify": (int(os.environ.get("VERIFY_RATE_LIMIT", 30)),
                                    int(os.environ.get("VERIFY_RATE_PERIOD_SECONDS", 60))),
                         # The public honours board (/vinh-danh/ and its API): 60 per minute by default.
                         "honours": (int(os.environ.get("HONOURS_RATE_LIMIT", 60)),
                                     int(os.environ.get("HONOURS_RATE_PERIOD_SECONDS", 60)))}
# The client address: REMOTE_ADDR, or behind a proxy the last address the proxy appended to this header.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")  # e.g. X-Forwarded-For

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "thidua.lib.static_storage.StaticFilesConfig",  # django.contrib.staticfiles, collecting only what pages load
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "thidua.core",
    "thidua.orgs",
    "thidua.awards",
    "thidua.emulation",
    "thidua.reports",
    "thidua.api",
    "thidua.eligibility",
    "thidua.nominations",
    "thidua.demo",
    "thidua.jobs",
    "thidua.papers",
    "thidua.notifications",
    "thidua.office",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "thidua.core.middleware.RequestIdMiddleware",
    # API: a JSON body too large or nested too deep answers 400 JSON (core/middleware.py).
    "thidua.core.middleware.ApiJsonGuardMiddleware",
    "thidua.core.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "thidua.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The menu's "Việc của tôi" total is kept a minute per user; a write by the user forgets it (office/context.py).
    "thidua.office.context.WorkCountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A database that is down answers 503 with a Vietnamese page, not a stack trace (core/errors.py).
    "thidua.core.errors.DatabaseUnavailableMiddleware",
    # A service's refusal a page did not show itself: 403 or 409 with its message (core/errors.py).
    "thidua.core.errors.RefusalMiddleware",
    # Report pages read from the replica when THIDUA_REPLICA_URL is set (core/replica.py).
    "thidua.core.replica.ReportReplicaMiddleware",
]

ROOT_URLCONF = "thidua.urls"
WSGI_APPLICATION = "thidua.wsgi.application"

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
                "thidua.orgs.context.navigation",
                "thidua.office.context.work",
            ],
            "builtins": ["thidua.core.templatetags.vn"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'thidua.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers (the dashboard) proceed while a long import writes.
    # IMMEDIATE: a write transaction takes the lock when it begins, so concurrent writers wait (timeout) instead of
    # failing with "database is locked" when a reader upgrades to a writer.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20,
                                       "transaction_mode": "IMMEDIATE"}
# A read replica for reports (docs/SCALING.md): THIDUA_REPLICA_URL names it; the GET requests under
# THIDUA_REPLICA_PATHS (comma-separated path prefixes; default: the statistical forms) read the record apps from it
# (thidua.core.replica). Writes, sessions, accounts and jobs always use the primary.
THIDUA_REPLICA_URL = os.environ.get("THIDUA_REPLICA_URL", "")
if THIDUA_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(THIDUA_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
THIDUA_REPLICA_PATHS = [p.strip() for p in os.environ.get(
    "THIDUA_REPLICA_PATHS", "/khen-thuong/bieu-thong-ke/").split(",") if p.strip()]
DATABASE_ROUTERS = ["thidua.core.replica.ReplicaRouter"]
# Registry and API counts are exact up to this many rows; above it PostgreSQL's estimate is shown as approximate.
THIDUA_EXACT_COUNT_LIMIT = int(os.environ.get("THIDUA_EXACT_COUNT_LIMIT", 10_000))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first; older hashes (PBKDF2 of earlier demo databases) still verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# The throttled backend refuses attempts during a lockout (admin and API basic auth included).
AUTHENTICATION_BACKENDS = ["thidua.core.security.ThrottledModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "office:home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first; English available. Formats: 26.174 / 104,3% / 19/03/2019.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Figures are formatted explicitly (core.numbers), so years never read "2.018".
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["thidua.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from here once collectstatic has run
STATICFILES_DIRS = [BASE_DIR / "static"]
try:  # Bootstrap comes from the XStatic-Bootstrap package, never from a CDN.
    import xstatic.pkg.bootstrap as _xbootstrap

    STATICFILES_DIRS.append(("bootstrap", _xbootstrap.BASE_DIR))
except ImportError:  # pragma: no cover - installed by the Makefile
    pass
MEDIA_ROOT = VAR_DIR / "media"
# WhiteNoise's documented list of extensions it does not compress (already-compressed formats), plus source maps
# (.map): they are fetched only by a developer's browser tools, never by the pages, and they were 13 of the 27 MB
# of distinct content compressed and half the CPU of a production collectstatic (brotli at its best quality).
# They are still collected and served, uncompressed.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*_WhiteNoiseCompressor.SKIP_COMPRESS_EXTENSIONS, "map")
# Static files are served by WhiteNoise (no DEBUG needed); in production with hashed, compressed, cacheable names.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # WhiteNoise's CompressedManifestStaticFilesStorage, compressing each distinct content once.
        "BACKEND": "thidua.lib.static_storage.DedupedCompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "thidua.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "thidua.api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "thidua.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "thidua.api.common.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "ENUM_NAME_OVERRIDES": {
        "AwardCodeEnum": "thidua.api.eligibility.AWARD_CODES",
        "RuleAwardEnum": "thidua.api.eligibility.RULE_AWARDS",
        "DossierKindEnum": "thidua.nominations.models.DossierKind",
        # Record endpoints (api/registry.py, api/award_records.py) name these choice sets like other endpoints do.
        "RatingEnum": "thidua.awards.models.Rating",
        "InitiativeKindEnum": "thidua.awards.models.InitiativeKind",
        "InitiativeScopeEnum": "thidua.awards.models.InitiativeScope",
        "GenderEnum": "thidua.orgs.models.Gender",
        "DisciplineLevelEnum": "thidua.awards.models.DisciplineLevel",
        # Movements (api/movements.py).
        "MovementKindEnum": "thidua.emulation.models.MovementKind",
        "MovementReviewKindEnum": "thidua.emulation.models.MovementReviewKind",
        "ParticipantKindEnum": "thidua.emulation.models.ParticipantKind",
    },
    "TITLE": "thidua API",
    "DESCRIPTION": "Thi đua, khen thưởng — emulation clusters, award registry and statistics.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Background jobs (thidua.jobs; README "Công việc chạy nền"): the Django Tasks API (django-tasks backport).
# THIDUA_TASKS_BACKEND=database (default): the queue is a table of this database (SQLite on one machine, PostgreSQL
# for workers on many machines), run by `thidua worker`. =redis: RQ on Redis at REDIS_URL (django-tasks-rq), run by
# the same `thidua worker`. =immediate: no queue, the work runs inside the request (development without a worker).
THIDUA_TASKS_BACKEND = os.environ.get("THIDUA_TASKS_BACKEND", "database").strip().lower()
# One queue name for the tasks, the RQ queue and the workers (a separate name keeps two installations apart on
# one Redis server).
THIDUA_TASKS_QUEUE = os.environ.get("THIDUA_TASKS_QUEUE", "default")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if THIDUA_TASKS_BACKEND not in _TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"THIDUA_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, "
                               f"not {THIDUA_TASKS_BACKEND!r}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[THIDUA_TASKS_BACKEND], "QUEUES": [THIDUA_TASKS_QUEUE]}}
if THIDUA_TASKS_BACKEND == "redis":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    _RQ_QUEUE = {"URL": REDIS_URL, "DEFAULT_TIMEOUT": int(os.environ.get("THIDUA_JOB_TIMEOUT", 6 * 3600))}
    # django-tasks-rq reads results back through django-rq's "default" connection: it must exist.
    RQ_QUEUES = {"default": _RQ_QUEUE, THIDUA_TASKS_QUEUE: _RQ_QUEUE}
# A running job's process writes a heartbeat every THIDUA_JOB_HEARTBEAT_SECONDS; a running job whose heartbeat is
# older than THIDUA_JOB_STALE_SECONDS is marked failed by the sweep (its worker was killed or its machine stopped).
THIDUA_JOB_HEARTBEAT_SECONDS = float(os.environ.get("THIDUA_JOB_HEARTBEAT_SECONDS", 10))
THIDUA_JOB_STALE_SECONDS = float(os.environ.get("THIDUA_JOB_STALE_SECONDS", 90))
THIDUA_JOB_SWEEP_SECONDS = float(os.environ.get("THIDUA_JOB_SWEEP_SECONDS", 60))
# Word → PDF conversion (LibreOffice, seconds) runs as a job; 0 converts inside the request as before.
THIDUA_PDF_AS_JOB = env_bool("THIDUA_PDF_AS_JOB", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Digital signatures of decisions and certificates (thidua.papers.signing): "pkcs12" files per authority in
# THIDUA_SIGNING_DIR (a test CA: `thidua signing_ca`), or "pkcs11" for a USB token / HSM (module path, token label,
# PIN from the environment). TRUST_ROOTS: PEM files of the certification authorities the verification trusts.
THIDUA_SIGNING = {
    "BACKEND": os.environ.get("THIDUA_SIGNING_BACKEND", "pkcs12").strip().lower(),
    "DIR": Path(os.environ.get("THIDUA_SIGNING_DIR", VAR_DIR / "signing")),
    "TRUST_ROOTS": [p for p in os.environ.get("THIDUA_SIGNING_TRUST_ROOTS", "").split(os.pathsep) if p],
    "PKCS11_MODULE": os.environ.get("THIDUA_SIGNING_PKCS11_MODULE", ""),
    "PKCS11_TOKEN_LABEL": os.environ.get("THIDUA_SIGNING_PKCS11_TOKEN", ""),
    "PKCS11_PIN": os.environ.get("THIDUA_SIGNING_PKCS11_PIN", ""),
    "PKCS11_LABELS": {},
}
# Notifications by e-mail (thidua.notifications). Development prints the messages on the console; set EMAIL_HOST
# (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) to send them through a mail server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "thidua <no-reply@thidua.local>")
# The address of the site in e-mailed links.
THIDUA_SITE_URL = os.environ.get("THIDUA_SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
# The daily reminders (deadlines 3 working days away or passed, cluster-year steps due): `thidua worker` enqueues
# them once a day from this local hour; `thidua remind` does the same from cron.
THIDUA_REMINDER_HOUR = int(os.environ.get("THIDUA_REMINDER_HOUR", 7))
# Called by every worker's companion at each sweep (jobs/companion.py); each enqueues its job once a day.
THIDUA_DAILY_JOBS = ["thidua.office.reminders.maybe_enqueue_daily"]
