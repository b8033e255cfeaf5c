"""Settings for Newsroom, read from environment variables.

Development needs no variables at all: DEBUG is on, the database is SQLite in
the project folder and media files live in ./media. Production sets
DJANGO_DEBUG=0 and must then name its own SECRET_KEY and ALLOWED_HOSTS; the
settings refuse to load without them rather than run with a guessable key.
"""

import datetime
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from newsroom.static_headers import static_file_headers_add

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

if DEBUG:
    SECRET_KEY = SECRET_KEY or "development-only-key-never-use-in-production-3f9a1c"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# A refused form gets a page saying what to do (templates/403_csrf.html), not Django's.
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"

# The public address of the site, used where a request is not at hand
# (feeds and sitemaps built outside a request, the sample loader's output).
SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Let the app serve MEDIA_URL with DEBUG off: loopback runs only (browser
# checks, the benchmark); production puts a web server or object storage there.
NEWSROOM_SERVE_MEDIA = env_bool("NEWSROOM_SERVE_MEDIA", False)
NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "University Newsroom")
NEWSROOM_LANGUAGE = "en"
# Open Graph's og:locale (language_TERRITORY) for pages in NEWSROOM_LANGUAGE.
NEWSROOM_LOCALE = os.environ.get("NEWSROOM_LOCALE", "en_US")
if not NEWSROOM_LOCALE.startswith(f"{NEWSROOM_LANGUAGE}_"):
    raise ImproperlyConfigured(
        f"NEWSROOM_LOCALE must be {NEWSROOM_LANGUAGE}_TERRITORY, such as en_US, "
        f"not {NEWSROOM_LOCALE!r}: the pages are in {NEWSROOM_LANGUAGE!r}."
    )
# The WebSub hub (https://www.w3.org/TR/websub/) every feed names with
# rel="hub" and is told of each change (newsroom/websub.py); empty: no hub.
NEWSROOM_WEBSUB_HUB = os.environ.get("NEWSROOM_WEBSUB_HUB", "").strip()
_hub_scheme, _, _hub_rest = NEWSROOM_WEBSUB_HUB.partition("://")
if NEWSROOM_WEBSUB_HUB and (_hub_scheme not in {"http", "https"} or not _hub_rest.split("/")[0]):
    raise ImproperlyConfigured(
        f"NEWSROOM_WEBSUB_HUB must be an http(s) address, not {NEWSROOM_WEBSUB_HUB!r}."
    )
# Origins (scheme://host[:port], comma-separated) whose pages may read the
# read API from a browser, or "*" for any; empty: no cross-origin reads.
# Servers (portal back ends, apps) need no CORS at all.
NEWSROOM_API_CORS_ORIGINS = env_list("NEWSROOM_API_CORS_ORIGINS")
if any(
    origin != "*" and not (origin.startswith(("https://", "http://")) and origin.count("/") == 2)
    for origin in NEWSROOM_API_CORS_ORIGINS
):
    raise ImproperlyConfigured(
        "NEWSROOM_API_CORS_ORIGINS takes origins such as https://portal.example.ac.kr "
        "(scheme and host, no path or trailing slash), or *."
    )

INSTALLED_APPS = [
    # Django's admin, with our site class (labelled choosers).
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "reversion",
    "axes",
    "django_prose_editor",
    # The task queue in the database (django.tasks backend): `manage.py db_worker`.
    "django_tasks_db",
    # The read API (newsroom/webapi.py): listed for its Swagger UI files and
    # template, served from here rather than a CDN the CSP would refuse.
    "ninja",
    "newsroom",
    "institutions",
    "articles",
]

# "KAIST" typed where the tag "kaist" exists is that tag, on every path that
# adds tags (the admin form also spells names as stored; imports rely on this).
TAGGIT_CASE_INSENSITIVE = True

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before the page cache: an address with a NUL or other control character
    # gets a plain 400 without a cache round trip, a query (PostgreSQL refuses
    # NUL with a 500) or an entry filed under junk; and every response from
    # further in, cache hits and static files too, gets the policy headers.
    "newsroom.requestguard.RequestGuardMiddleware",
    # A lost database connection answers 503 (a POST keeps its input), never
    # 500. Outside the page cache, whose miss path may read the schedule from
    # the database, and everything else that may query; inside the request
    # guard, so the 503 gets the policy headers. A hit costs it nothing.
    "newsroom.outage.DatabaseOutageMiddleware",
    # Old WordPress addresses (/?p=123, /2019/05/slug/) answer 301 to the
    # story's address: before the page cache, which would answer /?p=123
    # with the front page. It reads the database only for would-be 404s.
    "articles.redirects.ImportedAddressRedirectMiddleware",
    # Compresses HTML, feeds, sitemaps and JSON on the way out. Outside the
    # page cache, so the cache keeps one uncompressed copy per page (its key
    # ignores Accept-Encoding, and a hit swaps the CSP nonce inside the body,
    # which it could not do in gzip) and each hit is compressed for a reader
    # who asks for gzip, with Vary: Accept-Encoding either way. Nothing
    # outside it rewrites a body. BREACH needs a secret in a compressed body
    # beside text an attacker chooses, read over many requests: public pages
    # carry none (no CSRF token: the search form is a GET; the CSP nonce is
    # new on every response). The admin's CSRF token is masked anew on every
    # response, Django pads each gzip body with up to 100 random bytes, and
    # SameSite=Lax session cookies keep cross-site subrequests signed out.
    "django.middleware.gzip.GZipMiddleware",
    # Outside everything else: a hit skips the rest.
    "newsroom.pagecache.AnonymousPageCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Adds the "cache is down" notice to admin pages; its place does not matter.
    "newsroom.outage.CacheOutageNoticeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

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
                "django.template.context_processors.csp",
                "articles.context_processors.newsroom",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if not DATABASES["default"].get("NAME"):
    raise ImproperlyConfigured("DATABASE_URL must name a database.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database is written by several threads at once (the
    # development server, autosave and presence beacons beside a save). With
    # SQLite's default deferred transactions a reader that turns writer fails
    # at once with "database is locked" (seen on 2 of 35 admin saves under
    # autosave): transactions take the write lock when they begin and wait up
    # to 20 s for it, and WAL lets pages read while a save writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("NEWSROOM_CACHE_PREFIX", "newsroom"),
            # A dead or hung Redis must not hold a request: past these the
            # cache answers a miss and its breaker opens (newsroom/cache.py).
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole pages for anonymous readers, invalidated on every relevant change and
# at each scheduled publication or embargo end (newsroom/pagecache.py). Only
# safe with a cache that every app server shares, hence on with Redis.
NEWSROOM_PAGE_CACHE = env_bool("NEWSROOM_PAGE_CACHE", bool(os.environ.get("REDIS_URL")))
NEWSROOM_PAGE_CACHE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_SECONDS", 600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("NEWSROOM_TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

# Media can live on S3-compatible storage (django-storages) in a larger
# deployment; the default keeps uploads on the local disk.
# The public-list indexes carry extra columns for PostgreSQL's index-only
# scans; SQLite, the development database, builds them without and says so.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# NEWSROOM_S3_BUCKET puts media in an S3-compatible bucket (django-storages),
# which every app server shares (docs/scale.md). Objects are written with no
# ACL, so all are private; the bucket policy makes renditions/ public by prefix
# and nothing else (docs/media.md). Pages name renditions by their plain bucket
# or CDN address (unsigned: querystring_auth off); staff read originals at
# /admin/media/, streamed by the app with its own credentials. Credentials come
# from boto3's usual chain: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and
# AWS_SESSION_TOKEN) in the environment, a profile, or an instance role.
if os.environ.get("NEWSROOM_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["NEWSROOM_S3_BUCKET"],
            # Another S3-compatible service (MinIO, Ceph, moto); none for AWS itself.
            "endpoint_url": os.environ.get("NEWSROOM_S3_ENDPOINT_URL") or None,
            # None: AWS_DEFAULT_REGION, as boto3 reads it.
            "region_name": os.environ.get("NEWSROOM_S3_REGION") or None,
            # "path" for services that have no host name per bucket.
            "addressing_style": os.environ.get("NEWSROOM_S3_ADDRESSING_STYLE") or None,
            # The readers' address of the bucket: a CDN ("media.example.ac.kr") or
            # the site's own proxy ("news.example.ac.kr/media"); else the bucket's.
            "custom_domain": os.environ.get("NEWSROOM_S3_CUSTOM_DOMAIN") or None,
            "url_protocol": os.environ.get("NEWSROOM_S3_URL_PROTOCOL") or "https:",
            "querystring_auth": False,
            "default_acl": None,
            # As on disk: a save never replaces another file of the same name.
            "file_overwrite": False,
        },
    }


def _bucket_origins():
    """Where readers' browsers fetch renditions from when media is in a bucket.

    The CSP's img-src must name that origin or every image is refused. It
    follows from the storage options: the CDN or proxy domain if one is set,
    else the S3 endpoint (path style: the endpoint itself; virtual hosting:
    the bucket's own host name), else AWS's own host names for the bucket.
    """
    options = STORAGES["default"].get("OPTIONS", {})
    bucket = options.get("bucket_name")
    if not bucket:
        return []
    if options.get("custom_domain"):
        return [f"{options['url_protocol']}//{options['custom_domain'].split('/')[0]}"]
    if options.get("endpoint_url"):
        endpoint = urlsplit(options["endpoint_url"])
        return [
            f"{endpoint.scheme}://{endpoint.netloc}",
            f"{endpoint.scheme}://{bucket}.{endpoint.netloc}",
        ]
    region = options.get("region_name") or os.environ.get("AWS_DEFAULT_REGION")
    hosts = [f"{bucket}.s3.amazonaws.com"] + (
        [f"{bucket}.s3.{region}.amazonaws.com"] if region else []
    )
    return [f"https://{host}" for host in hosts]


# Origins other than the site's own that serve media to readers: derived
# from the bucket settings, or given outright (a CDN in front of the disk).
NEWSROOM_MEDIA_ORIGINS = env_list("NEWSROOM_MEDIA_ORIGINS") or _bucket_origins()
for _origin in NEWSROOM_MEDIA_ORIGINS:
    # Only plain origins: a keyword or a second directive here would loosen
    # the CSP for every page.
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", _origin):
        raise ImproperlyConfigured(
            f"NEWSROOM_MEDIA_ORIGINS takes origins such as https://media.example.ac.kr, "
            f"not {_origin!r}."
        )

# Uploads above this size are refused by the image validators; Django itself
# streams anything larger than the memory limit to a temporary file.
NEWSROOM_MAX_IMAGE_BYTES = 20 * 1024 * 1024
NEWSROOM_MAX_IMAGE_PIXELS = 50_000_000
# Lead images with more pixels than this get their renditions from the task
# worker instead of inside the upload's request (gunicorn allows it 30 s).
# Measured on a 2-core machine under load, eight renditions of a rotated (EXIF
# orientation 6), ICC-tagged JPEG: 12 MP 2.0-3.9 s, 49 MP 5.7-9.2 s; stripping the
# original at upload, which stays in the request, adds 1.0-1.4 s and 4.0-4.7 s.
NEWSROOM_RENDITIONS_INLINE_PIXELS = env_int("NEWSROOM_RENDITIONS_INLINE_PIXELS", 12_000_000)

# Background work (django.tasks) is queued in the database and run by
# `manage.py db_worker`, in development as in production (docs/media.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Workflow notifications (articles/notifications.py) go through Django's
# mailer: printed to the console in development, SMTP in production (tests
# get Django's in-memory outbox). They leave after the save commits; a mail
# server that fails is logged, and the timeout bounds one that hangs.
_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_email_backend = os.environ.get("DJANGO_EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else _SMTP_BACKEND
)
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        # Only the SMTP backend takes these; the others refuse unknown options.
        "OPTIONS": {
            "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
            "port": env_int("DJANGO_EMAIL_PORT", 25),
            "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
            "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
            "timeout": env_int("DJANGO_EMAIL_TIMEOUT", 10),
        }
        if _email_backend == _SMTP_BACKEND
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "newsroom@localhost")
# Off: notifications stay in the admin only.
NEWSROOM_NOTIFY_EMAIL = env_bool("NEWSROOM_NOTIFY_EMAIL", True)

LOGIN_URL = "admin:login"

# Sign-in throttling (django-axes): after five wrong passwords for one account
# from one address, that pair is locked out for 15 minutes with a page that
# says so (HTTP 429); a right password resets the count. The pair rather than
# the account alone, so nobody can lock a colleague out from elsewhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("NEWSROOM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("NEWSROOM_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsroom.views.sign_in_locked_out"
AXES_VERBOSE = False

# Security headers. The policy allows no inline script: JSON-LD and any
# script we add carry the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *NEWSROOM_MEDIA_ORIGINS],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Django has no settings for these two; newsroom.requestguard sends them.
# The site uses none of these browser features (it runs no script at all).
# Only features Chromium knows: it logs a console error for each unknown one
# on every page (seven were, among them battery, bluetooth and web-share).
NEWSROOM_PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "clipboard-read",
        "clipboard-write",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "identity-credentials-get",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "storage-access",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
}
# Other sites may link to our pages and files but not embed them; uploads in
# production come from the web server or object storage, not from here.
NEWSROOM_CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# WhiteNoise answers before the CSP middleware: static files get their own.
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers_add
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    # Behind a TLS-terminating proxy in production. A loopback run with
    # DEBUG off (browser checks, the benchmark) turns the redirect off.
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    if env_bool("DJANGO_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        # The client's address is the last one the proxy appended.
        AXES_IPWARE_PROXY_COUNT = 1

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
