"""Settings for ZeroCrop, read from the environment.

Operator-facing variables (all optional unless stated):
- ZEROCROP_DATA_DIR   folder for the SQLite database, uploads and the demo secret (default ./data)
- DATABASE_URL        e.g. postgres://postgres@127.0.0.1:5432/zerocrop (default: SQLite in data)
- ZEROCROP_SECRET_KEY required outside the demo
- ZEROCROP_AUDIT_KEY  key of the audit chain's HMAC, required outside the demo; kept out of the DB
- ZEROCROP_DEMO=1     demo mode: the secret and audit keys are generated into the data folder
- ZEROCROP_CLIENT_IP_HEADER  behind a reverse proxy: the request header it sets to the client
                      address (e.g. HTTP_X_REAL_IP); default: the connection's own address
- ZEROCROP_DEBUG=1    debug pages (never in production)
- ZEROCROP_ALLOWED_HOSTS  comma-separated (default localhost,127.0.0.1)
- ZEROCROP_BASEMAP_URL    map tile URL template (default none: vector layers on a plain background)
- ZEROCROP_BASEMAP_ATTRIBUTION
- ZEROCROP_REDIS_URL  job queue on Redis instead of SQLite
- ZEROCROP_TODAY      pretend today is this ISO date (training and demos only); with
                      ZEROCROP_DEMO=1 and no ZEROCROP_TODAY the demo runs at DEMO_TODAY
- ZEROCROP_ERADICATE_DAYS  days a finding may wait for eradication before it is overdue (3)
- ZEROCROP_RECHECK_DAYS    days from eradication to its re-check (复查) (7)
- ZEROCROP_TARGET_MATCH_M  metres within which a target is linked to a target, plot or finding (50)
- ZEROCROP_HTTPS=1    behind an HTTPS proxy: secure cookies, redirect to HTTPS, HSTS
- ZEROCROP_HSTS_SECONDS  HSTS max-age when ZEROCROP_HTTPS=1 (default one year)
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from zerocrop.config.headers import tile_source

env = environ.Env()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(env.str("ZEROCROP_DATA_DIR", default=str(PROJECT_DIR / "data"))).resolve()
DEMO = env.bool("ZEROCROP_DEMO", default=False)
DEBUG = env.bool("ZEROCROP_DEBUG", default=False)

# Everything below opens files in the data folder (the SQLite databases of the site and of the
# job queue, the cache, uploads): a fresh folder is created here, once, rather than letting the
# first of them fail with "unable to open database file".
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError as _error:
    _why = "没有写权限" if isinstance(_error, PermissionError) else "路径不可用"
    raise ImproperlyConfigured(
        f"无法创建数据文件夹 {DATA_DIR}（{_why}）；请检查 ZEROCROP_DATA_DIR。"
    ) from None


def _key(variable: str, file_name: str, missing: str) -> str:
    """The configured key, else the random key the demo wrote into the data folder."""
    key = env.str(variable, default="")
    if key:
        return key
    key_file = DATA_DIR / file_name
    if not key_file.exists() and not DEMO:
        raise ImproperlyConfigured(missing)
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _key(
    "ZEROCROP_SECRET_KEY",
    "secret_key",
    "未设置 ZEROCROP_SECRET_KEY。生产环境必须提供密钥；演示请设置 ZEROCROP_DEMO=1。",
)
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
    "ninja",  # its Swagger UI assets become our static files: the API docs use no CDN
    "zerocrop.core.axes_app.AxesConfig",  # django-axes, named in Chinese in the admin
    "csp",
    "zerocrop.core",
    "zerocrop.org",
    "zerocrop.campaigns",
    "zerocrop.geo",
    "zerocrop.patrols",
    "zerocrop.findings",
    "zerocrop.monitoring",
    "zerocrop.field",
    "zerocrop.demo",  # last: the demo data of every app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zerocrop.core.middleware.UploadLimitMiddleware",  # before anything that reads the body
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
                "zerocrop.core.context_processors.navigation",
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
# Where a role lands after login when no ?next= is given (others land on LOGIN_REDIRECT_URL).
ZEROCROP_ROLE_LANDING = {"grid_worker": "my-tasks"}
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
# 等保 2.0 login-failure handling (shared/reference/reliability.md §1.3): 5 consecutive failures
# lock a user name *from that address* for 30 minutes, counted from the 5th failure; attempts
# during the lock do not extend it; a success resets the count. Locking the name alone let
# anyone keep the admin out for good; what slows guessing a name from many addresses is
# core.login_throttle, which never locks.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zerocrop.org.views.locked_out"  # auth/locked.html with the lock's end
AXES_VERBOSE = False
# The client address is the connection's (REMOTE_ADDR) unless the operator names the one header
# their reverse proxy sets; X-Forwarded-For sent by a client is never believed.
AXES_IPWARE_META_PRECEDENCE_ORDER = (env.str("ZEROCROP_CLIENT_IP_HEADER", default="REMOTE_ADDR"),)
AXES_IPWARE_PROXY_COUNT = None
# Per user name, from any address: after this many failures within the window, one attempt is
# let through every `interval` seconds (others refused with the wait); addresses the user has
# logged in from before are not slowed.
ZEROCROP_LOGIN_THROTTLE = {"failures": 10, "window_s": 15 * 60, "interval_s": 5}
# Throttle state lives in a file cache in the data folder: shared by every gunicorn worker on
# the machine (locmem is per process), and outside the database, so it adds no write that a
# busy SQLite could refuse with "database is locked" during a login.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 10000},
    }
}
# The audit chain's HMAC key, kept out of the database (beside the secret key in the demo), and
# its append-only checkpoint file (core.audit).
ZEROCROP_AUDIT_KEY = _key(
    "ZEROCROP_AUDIT_KEY",
    "audit_key",
    "未设置 ZEROCROP_AUDIT_KEY。生产环境必须提供审计链密钥（保存在数据库之外）；"
    "演示请设置 ZEROCROP_DEMO=1。",
)
ZEROCROP_AUDIT_CHECKPOINT_FILE = DATA_DIR / "audit-checkpoints.log"
ZEROCROP_AUDIT_CHECKPOINT_EVERY = 100

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
WORKBOX_MODULES = (
    "workbox-sw",
    "workbox-core",
    "workbox-precaching",
    "workbox-routing",
    "workbox-strategies",
    "workbox-expiration",
)
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap/dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons/font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org/dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet/dist"),
    ("vendor/leaflet-draw", NODE_MODULES / "leaflet-draw/dist"),
    ("vendor/echarts", NODE_MODULES / "echarts/dist"),
    ("vendor/tom-select", NODE_MODULES / "tom-select/dist"),
    # the offline field app (/field/app/): IndexedDB, its service worker, the export ZIP
    ("vendor/dexie", NODE_MODULES / "dexie/dist"),
    ("vendor/fflate", NODE_MODULES / "fflate/umd"),
    *((f"vendor/{name}", NODE_MODULES / name / "build") for name in WORKBOX_MODULES),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

# Uploads. Each route's body and file limits come from these (core/upload_limits.py); the
# middleware refuses a larger Content-Length, the first handler counts bytes as they arrive.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # the non-file fields of one request
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # a request larger than this spools files to disk
FILE_UPLOAD_HANDLERS = [
    "zerocrop.core.upload_handlers.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
ZEROCROP_SCAN_MAX_BYTES = env.int("ZEROCROP_SCAN_MAX_BYTES", default=10 * 1024 * 1024)
ZEROCROP_NOTICE_MAX_BYTES = 2 * 1024 * 1024
ZEROCROP_TRACK_MAX_BYTES = 50 * 1024 * 1024
ZEROCROP_TARGET_MAX_BYTES = 50 * 1024 * 1024
ZEROCROP_PHOTO_MAX_COUNT = 20
# Days a finding may wait for eradication before it is overdue, and from eradication to re-check.
ZEROCROP_ERADICATE_DAYS = env.int("ZEROCROP_ERADICATE_DAYS", default=3)
ZEROCROP_RECHECK_DAYS = env.int("ZEROCROP_RECHECK_DAYS", default=7)
ZEROCROP_TARGET_MATCH_M = env.float("ZEROCROP_TARGET_MATCH_M", default=50.0)

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
    SECURE_SSL_REDIRECT = True
    # The health probe talks to gunicorn directly, without the proxy's header.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("ZEROCROP_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# Deploy checks silenced on purpose; each needs its reason here (tests/core/test_security_headers).
DEPLOY_CHECKS_SILENCED = {
    "security.W021": "HSTS preload 要向浏览器厂商登记整个域名且难以撤回，乡镇政务域名不宜登记；"
    "HSTS 本身已开启（SECURE_HSTS_SECONDS）。",
}
# Added to (not replacing) any checks silenced above for other reasons.
SILENCED_SYSTEM_CHECKS = list(DEPLOY_CHECKS_SILENCED)

ZEROCROP_BASEMAP_URL = env.str("ZEROCROP_BASEMAP_URL", default="")
try:
    _tile_source = tile_source(ZEROCROP_BASEMAP_URL) if ZEROCROP_BASEMAP_URL else None
except ValueError as error:
    raise ImproperlyConfigured(f"ZEROCROP_BASEMAP_URL 无效：{error}") from None

# No inline script anywhere (templates pass data with json_script and load static files), so
# the next text-as-HTML mistake cannot run script. Style attributes stay allowed (progress bars
# and map heights are set in templates), <style> elements do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *([_tile_source] if _tile_source else [])],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Field pages locate the worker and will take photos; every other powerful feature is off.
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "camera": ["self"],
    "screen-wake-lock": ["self"],  # the field pages keep the screen on during a patrol
    **dict.fromkeys(
        [
            "accelerometer",
            "autoplay",
            "browsing-topics",
            "display-capture",
            "encrypted-media",
            "fullscreen",
            "gyroscope",
            "hid",
            "idle-detection",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "picture-in-picture",
            "publickey-credentials-get",
            "serial",
            "usb",
            "xr-spatial-tracking",
        ],
        [],
    ),
}
ZEROCROP_BASEMAP_ATTRIBUTION = env.str("ZEROCROP_BASEMAP_ATTRIBUTION", default="")
# The demo campaign (利剑-22) is 2022's: at the real date it would read "行动已结束" and every
# round would be years overdue. This day lies in its 踏查铲毒 phase and the poppy flowering window
# (tests/core/test_clock.py checks both against the demo data). Production never uses it.
DEMO_TODAY = "2022-07-10"
ZEROCROP_TODAY = env.str("ZEROCROP_TODAY", default="") or (DEMO_TODAY if DEMO else "")
if ZEROCROP_TODAY:
    try:
        date.fromisoformat(ZEROCROP_TODAY)
    except ValueError:
        raise ImproperlyConfigured(
            f"ZEROCROP_TODAY 无效：{ZEROCROP_TODAY!r}，应为 YYYY-MM-DD 格式的日期"
        ) from None

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
