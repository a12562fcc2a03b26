"""Settings for ZeroCrop, read from the environment.

Operator-facing variables (all optional unless stated):
- ZEROCROP_DATA_DIR   folder for the SQLite database, uploads and the demo secret (default ./data)
- DATABASE_URL        e.g. postgres://postgres@127.0.0.1:5432/zerocrop (default: SQLite in data)
- ZEROCROP_SECRET_KEY required outside the demo
- ZEROCROP_DEMO=1     demo mode: a secret key is generated into the data folder
- ZEROCROP_DEBUG=1    debug pages (never in production)
- ZEROCROP_ALLOWED_HOSTS  comma-separated (default localhost,127.0.0.1)
- ZEROCROP_BASEMAP_URL    map tile URL template (default none: vector layers on a plain background)
- ZEROCROP_BASEMAP_ATTRIBUTION
- ZEROCROP_REDIS_URL  job queue on Redis instead of SQLite
- ZEROCROP_TODAY      pretend today is this ISO date (training and demos only)
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(env.str("ZEROCROP_DATA_DIR", default=str(PROJECT_DIR / "data"))).resolve()
DEMO = env.bool("ZEROCROP_DEMO", default=False)
DEBUG = env.bool("ZEROCROP_DEBUG", default=False)


def _secret_key() -> str:
    """The configured key, else the random key the demo wrote into the data folder."""
    key = env.str("ZEROCROP_SECRET_KEY", default="")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists() and not DEMO:
        raise ImproperlyConfigured(
            "未设置 ZEROCROP_SECRET_KEY。生产环境必须提供密钥；演示请设置 ZEROCROP_DEMO=1。"
        )
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ZEROCROP_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("ZEROCROP_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "axes",
    "zerocrop.core",
    "zerocrop.org",
    "zerocrop.campaigns",
    "zerocrop.geo",
    "zerocrop.patrols",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zerocrop.core.middleware.SessionKeepAliveMiddleware",
    "zerocrop.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "zerocrop.core.dbbusy.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "zerocrop.config.urls"
WSGI_APPLICATION = "zerocrop.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zerocrop.campaigns.context_processors.current_campaign",
            ],
        },
    },
]

SQLITE_PATH = DATA_DIR / "zerocrop.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
        # Every transaction takes the write lock at BEGIN. A DEFERRED one that has read and then
        # writes must upgrade its lock, and SQLite refuses that at once ("database is locked")
        # whatever the timeout; an IMMEDIATE one waits its turn.
        "transaction_mode": "IMMEDIATE",
        # Seconds a writer waits for the lock (sqlite3's busy handler; one setting, so no
        # busy_timeout pragma beside it). The longest write is creating a round at its cap
        # (patrols.cells.MAX_CELLS_PER_ROUND), under 1 s of lock; 20 s lets a queue of such
        # writes drain on a loaded server and stays below gunicorn's 30 s worker timeout.
        # Past it, core.dbbusy answers 503 "数据库正忙，请稍后重试".
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "zerocrop.core.passwords.CharacterClassValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 等保 2.0 login-failure handling (shared/reference/reliability.md §1.3): lock a user name after
# 5 consecutive failures for 30 minutes; a success resets the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "auth/locked.html"
AXES_VERBOSE = False
# axes warns when the IP address is not part of the lock; locking the user name is what the
# rule asks for, and cannot be bypassed by changing the browser.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
NODE_MODULES = PROJECT_DIR / "node_modules"
# Front-end libraries come from npm (package.json) into node_modules and are served from there.
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap/dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons/font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org/dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet/dist"),
    ("vendor/leaflet-draw", NODE_MODULES / "leaflet-draw/dist"),
    ("vendor/echarts", NODE_MODULES / "echarts/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

# Uploads: a notice, a scan or a geo file is never larger than this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
ZEROCROP_SCAN_MAX_BYTES = env.int("ZEROCROP_SCAN_MAX_BYTES", default=10 * 1024 * 1024)
ZEROCROP_NOTICE_MAX_BYTES = 2 * 1024 * 1024
ZEROCROP_TRACK_MAX_BYTES = 50 * 1024 * 1024
ZEROCROP_PHOTO_MAX_COUNT = 20

SESSION_COOKIE_HTTPONLY = True
# Idle timeout: 30 minutes without a request logs the user out (等保 idle-timeout guidance).
# core.middleware.SessionKeepAliveMiddleware renews the session at most once a minute, so
# the map's parallel requests do not all write it.
SESSION_COOKIE_AGE = env.int("ZEROCROP_IDLE_TIMEOUT_S", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env.bool("ZEROCROP_HTTPS", default=False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

ZEROCROP_BASEMAP_URL = env.str("ZEROCROP_BASEMAP_URL", default="")
ZEROCROP_BASEMAP_ATTRIBUTION = env.str("ZEROCROP_BASEMAP_ATTRIBUTION", default="")
ZEROCROP_TODAY = env.str("ZEROCROP_TODAY", default="")

_redis_url = env.str("ZEROCROP_REDIS_URL", default="")
if _redis_url:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "zerocrop", "url": _redis_url}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "zerocrop",
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": env.bool("ZEROCROP_JOBS_IMMEDIATE", default=False),
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
