"""Settings for Grid Academy (网格学院).

Everything that differs between a laptop, CI and production comes from the environment:
DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, MEDIA_ROOT, PRIVATE_MEDIA_ROOT,
PRIVATE_MEDIA_ACCEL_REDIRECT, REDIS_CACHE_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or _DEV_SECRET
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("生产环境（DEBUG=0）必须通过环境变量 SECRET_KEY 设置密钥")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "lms",
    "courses",
    "casebank",
    "assessments",
    "assessments.mentorship",
    "assessments.competitions",
    "certificates",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_celery_beat",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # django-ninja's templates and static files: the API docs page works offline (no CDN).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.middleware.QueryNullReplaceMiddleware",
    # Static files from STATIC_ROOT (collectstatic) with DEBUG off, so `make demo` serves what production serves.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.middleware.ForcePasswordChangeMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = os.environ.get("ROOT_URLCONF", "lms.urls")  # the benches add a floor view (tests/bench/urls_floor.py)
# The 400/403/404/500 pages are templates of the same names (lms/templates); a CSRF failure gets the same layout.
CSRF_FAILURE_VIEW = "lms.views.csrf_failure"

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
                "lms.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "lms.wsgi.application"

# Database: SQLite file under var/ (WAL mode) unless DATABASE_URL names another database.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'gridacademy.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        # Take the write lock when a transaction begins, so two writers queue instead of failing
        # with "database is locked" half-way through.
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "lms.auth_backends.GridModelBackend",
    "lms.auth_backends.InitialPasswordBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed-login limits, counted over a sliding window (see lms/services.py: login_failure_record).
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60))
# Finished export jobs and their files (personal data) are deleted after this many days.
EXPORT_JOB_KEEP_DAYS = int(os.environ.get("EXPORT_JOB_KEEP_DAYS", 7))
# Rows of the case/FAQ search log are deleted after this many days (docs/rules.md §10).
SEARCH_LOG_KEEP_DAYS = int(os.environ.get("SEARCH_LOG_KEEP_DAYS", 180))
# Import files up to this many rows (and bytes) are checked and applied in the request; larger ones
# by a Celery task with a progress page (lms.services_imports). Import jobs are pruned like exports.
IMPORT_INLINE_ROWS = int(os.environ.get("IMPORT_INLINE_ROWS", 500))
IMPORT_INLINE_BYTES = int(os.environ.get("IMPORT_INLINE_BYTES", 512 * 1024))
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", 5))
LOGIN_FAILURES_PER_IP = int(os.environ.get("LOGIN_FAILURES_PER_IP", 20))

LANGUAGE_CODE = "zh-hans"
# Our translations come first: locale/zh_Hans fills the Wagtail admin strings its zh_Hans catalogue lacks.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up when it is missing (before collectstatic)
# Public media only: Wagtail images and documents of course content, served at MEDIA_URL by Django when
# SERVE_PUBLIC_MEDIA is on (default: with DEBUG; `make demo` turns it on) and by nginx in production.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
SERVE_PUBLIC_MEDIA = env_bool("SERVE_PUBLIC_MEDIA", DEBUG)
# Files holding personal data (certificate PDFs and scans, bulk-issuance batches, export files, case
# compilations) live here, outside MEDIA_ROOT, and no URL maps it: only views that check who is
# asking send them (lms.private_media). Behind nginx, PRIVATE_MEDIA_ACCEL_REDIRECT names an
# `internal` location that aliases PRIVATE_MEDIA_ROOT (e.g. "/_private/"); the views then answer
# with an X-Accel-Redirect header and nginx sends the file.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
PRIVATE_MEDIA_ACCEL_REDIRECT = os.environ.get("PRIVATE_MEDIA_ACCEL_REDIRECT", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Sessions live in the database, so any app server behind a load balancer can serve any request.
SESSION_ENGINE = "lms.sessions"
SESSION_COOKIE_AGE = 14 * 24 * 3600

REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL")
if REDIS_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: eager in-process without a broker; real workers with CELERY_BROKER_URL.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Courses: training-hours requirements (学时), and how recent a hire is auto-enrolled in onboarding.
COURSES_ONBOARDING_HOURS = int(os.environ.get("COURSES_ONBOARDING_HOURS", 40))
COURSES_ANNUAL_HOURS = int(os.environ.get("COURSES_ANNUAL_HOURS", 40))
COURSES_ONBOARDING_RECENT_DAYS = 31
# Role codes (lms.roles) the annual hours requirement applies to, comma-separated in the environment:
# the compliance report counts only people holding one of them (docs/rules.md §4).
COURSES_REQUIRED_ROLES = [
    c.strip() for c in os.environ.get("COURSES_REQUIRED_ROLES", "trainee").split(",") if c.strip()
]

# Mentorship (docs/rules.md, 12. 导师制): terms a mentor may hold on one day, home visits a month.
MENTOR_CAPACITY = int(os.environ.get("MENTOR_CAPACITY", 2))
MENTOR_VISITS_PER_MONTH = int(os.environ.get("MENTOR_VISITS_PER_MONTH", 2))
# Days from a term's start to sign-off the centre measured before mentorship (the cohort report's baseline).
MENTOR_BASELINE_DAYS = int(os.environ.get("MENTOR_BASELINE_DAYS", 180))

# Certificates (docs/rules.md, 8–9): the centre's name on what the platform prints, and the first month
# allowances may be computed for (YYYY-MM; empty: the month of the earliest certificate recorded).
CERTIFICATE_ISSUER = os.environ.get("CERTIFICATE_ISSUER", "网格学院")
ALLOWANCE_START_MONTH = os.environ.get("ALLOWANCE_START_MONTH", "")

# Resident survey (群众评价): a printed survey link is accepted for this many days after it was made.
SURVEY_LINK_MAX_AGE_DAYS = int(os.environ.get("SURVEY_LINK_MAX_AGE_DAYS", 400))
# Seconds between two rebuilds of a competition board (docs/rules.md, 14.6): a burst of scores costs one rebuild a second.
COMPETITION_BOARD_INTERVAL = float(os.environ.get("COMPETITION_BOARD_INTERVAL", 1.0))

# Wagtail
WAGTAIL_SITE_NAME = "网格学院"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# The admin speaks Chinese only: no user can pick a language (e.g. English) in their Wagtail profile.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
# Search: the database backend with jieba segmentation (casebank/search/backend.py). A deployment
# moves to Elasticsearch/OpenSearch with a Chinese analyzer by setting SEARCH_BACKEND (e.g.
# modelsearch.backends.elasticsearch8) and SEARCH_URL; no app code changes.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": os.environ.get("SEARCH_BACKEND", "casebank.search.backend")}}
if os.environ.get("SEARCH_URL"):
    WAGTAILSEARCH_BACKENDS["default"].update(
        URLS=[os.environ["SEARCH_URL"]], INDEX=os.environ.get("SEARCH_INDEX", "gridacademy")
    )
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "zip"]
# Wagtail's own background work (search index updates, reference index) stays immediate.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Security. In production (DEBUG=0) every `manage.py check --deploy` item is on; TLS is expected
# to end at the load balancer, which sets X-Forwarded-Proto.
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# HTTPS=0 keeps production settings but drops the HTTPS-only items: `make demo` runs DEBUG off over
# plain HTTP on 127.0.0.1, where Secure cookies and an HTTPS redirect would lock the browser out.
HTTPS = env_bool("HTTPS", not DEBUG)
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Wagtail's page preview shows the page inside an iframe of the admin, which needs SAMEORIGIN
# rather than DENY; frames from other origins are still refused.
SILENCED_SYSTEM_CHECKS = ["security.W019"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Tests use a fast hasher; production keeps Django's default PBKDF2.
if os.environ.get("GRID_FAST_PASSWORD_HASHER") == "1":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
