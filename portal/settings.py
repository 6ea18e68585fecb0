"""One settings file for every environment; production differs only by its environment variables.

See docs/deploy.md for the variables and what each one changes.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from portal import dburl

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development).")
    SECRET_KEY = "django-insecure-local-development-only-" + "x" * 24

# The key of the bank-account digests that ring signals match on (complaints.identity.account_digest): kept apart
# from SECRET_KEY so that rotating that key does not break matching; changing this one does (docs/operations.md).
IDENTITY_MATCH_KEY = os.environ.get("PORTAL_IDENTITY_MATCH_KEY", "") or SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so that its admin classes patch the right one.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "portal.app_names.AxesConfig",
    "simple_history",
    # portal before the tasks app: its `db_worker` (one that waits out a database outage) replaces the library's.
    "portal",
    "portal.app_names.TasksDatabaseConfig",
    "notices",
    "complaints",
    "reception",
]

MIDDLEWARE = [
    # Gzip for the HTML pages the page cache does not hold (it compresses its own pages once, when it stores
    # them); outside it, so that what it stores is the plain page. BREACH: portal/compression.py.
    "portal.compression.CompressPages",
    # So that a stored page carries every header the others add; hits are normally answered even earlier, by
    # portal.pagecache.PageCacheWSGIHandler (portal/wsgi.py).
    "portal.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.staff_sessions.StaffSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # axes must be last: it turns a lockout signalled by the auth backend into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.site",
            ],
        },
    },
]

# A SQLite file is the zero-setup default of `make run`; every real deployment (and the test suite) sets
# DATABASE_URL to PostgreSQL. Persistent connections with health checks: a connection that died while the
# database restarted is replaced on the next request instead of failing it. The URL may name a primary and its
# standby (libpq's multi-host form, portal/dburl.py), so that a failover needs no restart (docs/operations.md).
DATABASES = {
    "default": dburl.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when the database is unreachable, so that visitors get the 503 page quickly.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
USING_POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# An optional streaming replica (a hot standby of the primary) for exports, reports, statistics and the
# dashboard (portal/replica.py; docs/scaling.md). Nothing is migrated or written there.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dburl.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # No long runs of one character or of consecutive ones ("aaaaaaaaaaaa", "123456789012"): portal/passwords.py.
    {"NAME": "portal.passwords.RepeatedOrSequentialCharactersValidator", "OPTIONS": {"max_run": 4}},
    # Hard to guess: zxcvbn's score at least 3 of 4, the user's and the company's names counted as guessable.
    {"NAME": "portal.passwords.GuessablePasswordValidator", "OPTIONS": {"min_score": 3}},
]
# Words every password is checked against besides the site profile's company names (portal/passwords.py).
PORTAL_PASSWORD_COMPANY_WORDS = ("xiaokang",)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff login throttling: five failures for one user name from one address lock it for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("PORTAL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/lockout.html"
# How many trusted proxies stand in front of gunicorn, each adding one address to X-Forwarded-For: the client's
# address for rate limits and sign-in lock-outs is the one the outermost trusted proxy saw. Deliberately without a
# default: unset behind a proxy, every visitor would share the proxy's address (portal.W003 in check --deploy).
PORTAL_PROXY_COUNT = int(os.environ["PORTAL_PROXY_COUNT"]) if os.environ.get("PORTAL_PROXY_COUNT", "").strip() else None
AXES_IPWARE_PROXY_COUNT = PORTAL_PROXY_COUNT or 0

# Database sessions, minus Django's look-up before inserting a new one (portal/sessions.py).
SESSION_ENGINE = "portal.sessions"
# Sessions end after eight hours and when the browser closes; staff sessions also after 30 minutes without a
# request and 8 hours after sign-in, however active (portal/staff_sessions.py).
SESSION_COOKIE_AGE = 8 * 60 * 60
PORTAL_STAFF_IDLE_SECONDS = int(os.environ.get("PORTAL_STAFF_IDLE_SECONDS", str(30 * 60)))
PORTAL_STAFF_SESSION_SECONDS = int(os.environ.get("PORTAL_STAFF_SESSION_SECONDS", str(8 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Internationalisation: Chinese at /…, English at /en/…; see portal/urls.py.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates in one style ("9 December 2026"), the same as the reception days and letters: portal/formats/.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_LANGUAGES = ("zh-hans", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("zh-hans",)
# Beside each app's translation.py (found by modeltranslation itself): the compliance sub-package's code lists.
MODELTRANSLATION_TRANSLATION_FILES = ("complaints.compliance.translation",)
# The translation tabs in the admin (django-modeltranslation) need jQuery UI: served from here, never from a
# third-party host.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("PORTAL_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("PORTAL_MEDIA_ROOT", BASE_DIR / "media"))
# Files are never served from MEDIA_URL directly: public notice attachments and staff-only complaint
# attachments each go through a view that decides who may read them.
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads: anything above this is refused before a view reads it (see portal.uploads).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
PORTAL_MAX_REQUEST_BYTES = int(os.environ.get("PORTAL_MAX_REQUEST_BYTES", str(55 * 1024 * 1024)))
# Folders of MEDIA_ROOT that hold uploads: `cleanup_orphan_uploads` deletes files there no record points to.
PORTAL_UPLOAD_FOLDERS = ("complaints", "notices")

# Retention (docs/operations.md): the personal data of a complaint is anonymised this many years after it
# ended (closed, withdrawn, rejected or merged), unless it is on legal hold. The statistics stay.
PORTAL_RETENTION_YEARS = int(os.environ.get("PORTAL_RETENTION_YEARS", "5"))
# The time limit of a review by the superior unit, in calendar days from the request (the company's policy: the
# regulation gives the complainant 30 days to ask, and the company decides a review in as many).
PORTAL_REVIEW_LIMIT_DAYS = int(os.environ.get("PORTAL_REVIEW_LIMIT_DAYS", "30"))
# The exchange with the national complaint platform (complaints/compliance/platform/adapter.py): files both ways
# until an interface client with the same two methods is named here.
PORTAL_PLATFORM_EXCHANGE = os.environ.get(
    "PORTAL_PLATFORM_EXCHANGE", "complaints.compliance.platform.adapter.FileExchange"
)

# A complainant's account (docs/operations.md, "Accounts"): a sign-in code by SMS is good for 5 minutes and 5
# wrong tries; a signed-in session ends after 15 idle minutes or 2 hours, and its cookie with the browser.
PORTAL_ACCOUNT_CODE_SECONDS = int(os.environ.get("PORTAL_ACCOUNT_CODE_SECONDS", "300"))
PORTAL_ACCOUNT_CODE_TRIES = int(os.environ.get("PORTAL_ACCOUNT_CODE_TRIES", "5"))
PORTAL_ACCOUNT_IDLE_SECONDS = int(os.environ.get("PORTAL_ACCOUNT_IDLE_SECONDS", str(15 * 60)))
PORTAL_ACCOUNT_SESSION_SECONDS = int(os.environ.get("PORTAL_ACCOUNT_SESSION_SECONDS", str(2 * 60 * 60)))
# Codes asked an hour: this many for one number from one address (then that address waits); past the looser
# ceiling for one number from anywhere, a new code is sent at most once per PORTAL_ACCOUNT_CODE_SLOW_SECONDS (the
# owner is slowed, never locked out). Wrong codes an hour from one address: PORTAL_ACCOUNT_WRONG_CODES_PER_ADDRESS.
PORTAL_ACCOUNT_CODES_PER_NUMBER_ADDRESS = int(os.environ.get("PORTAL_ACCOUNT_CODES_PER_NUMBER_ADDRESS", "5"))
PORTAL_ACCOUNT_CODES_PER_NUMBER = int(os.environ.get("PORTAL_ACCOUNT_CODES_PER_NUMBER", "10"))
PORTAL_ACCOUNT_CODE_SLOW_SECONDS = int(os.environ.get("PORTAL_ACCOUNT_CODE_SLOW_SECONDS", "600"))
PORTAL_ACCOUNT_WRONG_CODES_PER_ADDRESS = int(os.environ.get("PORTAL_ACCOUNT_WRONG_CODES_PER_ADDRESS", "30"))
# The company's stated limit for answering a request about one's personal data (PIPL Art. 50), in working days.
PORTAL_DATA_REQUEST_WORKING_DAYS = int(os.environ.get("PORTAL_DATA_REQUEST_WORKING_DAYS", "15"))
# The company's limit to answer an invitation to mediate (应调响应), in working days from the invitation.
PORTAL_MEDIATION_RESPONSE_WORKING_DAYS = int(os.environ.get("PORTAL_MEDIATION_RESPONSE_WORKING_DAYS", "3"))
# Call-back requests an hour from one address.
PORTAL_CALLBACK_LIMIT = int(os.environ.get("PORTAL_CALLBACK_LIMIT", "5"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Pages and fragments rendered by one release are not served by the next (set per deploy).
            "KEY_PREFIX": os.environ.get("PORTAL_RELEASE", ""),
            # A Redis that does not answer within a quarter of a second is treated as gone (portal/cache.py).
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    # One memory cache per process (the page-cache version is shared through a file: portal/pagecache.py).
    # 1,000 entries of ≈ 30 KB pages is ≈ 30 MB per worker at most.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "portal",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }

# How long a public page may be served from the cache; 0 switches the page cache off.
# Gzip for HTML pages that the page cache does not hold (portal/compression.py); off where a proxy in front
# compresses instead.
PORTAL_COMPRESS_PAGES = env_bool("PORTAL_COMPRESS_PAGES", True)
PORTAL_PAGE_CACHE_SECONDS = int(os.environ.get("PORTAL_PAGE_CACHE_SECONDS", "0" if DEBUG else "600"))
# How long a shared part of pages ({% fragment %}: header, footer, a notice's card) is kept; 0 switches it off.
# Fragments are renewed with every change to public content, like pages (portal/pagecache.py).
PORTAL_FRAGMENT_CACHE_SECONDS = int(os.environ.get("PORTAL_FRAGMENT_CACHE_SECONDS", "0" if DEBUG else "3600"))

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Mail: the console in development; production names the SMTP relay in the environment (docs/deploy.md).
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "PORTAL_EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": {
            key: value
            for key, value in {
                "host": os.environ.get("PORTAL_SMTP_HOST"),
                "port": int(os.environ["PORTAL_SMTP_PORT"]) if os.environ.get("PORTAL_SMTP_PORT") else None,
                "username": os.environ.get("PORTAL_SMTP_USER"),
                "password": os.environ.get("PORTAL_SMTP_PASSWORD"),
                "use_tls": env_bool("PORTAL_SMTP_TLS", True) if os.environ.get("PORTAL_SMTP_HOST") else None,
            }.items()
            if value is not None
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")

# Messages (docs/messages.md). Text messages: `console` (development), `memory` or `test` (tests), `tencent`
# (Tencent Cloud SMS), or a dotted path; `manage.py check --deploy` warns when texts would reach no phone.
# A masked CSV export of at least 100,000 complaints is computed by the database in this many parts side by side
# (complaints/compliance/exports/copy.py): one per database core it may use (the read replica's, when there is one).
PORTAL_EXPORT_PARTS = int(os.environ.get("PORTAL_EXPORT_PARTS", "2") or 1)
PORTAL_SMS_BACKEND = os.environ.get("PORTAL_SMS_BACKEND", "console")
# The sign name the gateway approved (without 【】); every text starts with it. Default: the site's short name.
PORTAL_SMS_SIGN_NAME = os.environ.get("PORTAL_SMS_SIGN_NAME", "")
# The gateway's template id of each message key: "complaint.received=2301001,complaint.accepted=2301002,…".
PORTAL_SMS_TEMPLATES = dict(item.split("=", 1) for item in env_list("PORTAL_SMS_TEMPLATES") if "=" in item)
PORTAL_SMS_TENCENT = {
    "secret_id": os.environ.get("PORTAL_SMS_TENCENT_SECRET_ID", ""),
    "secret_key": os.environ.get("PORTAL_SMS_TENCENT_SECRET_KEY", ""),
    "app_id": os.environ.get("PORTAL_SMS_TENCENT_APP_ID", ""),
    "region": os.environ.get("PORTAL_SMS_TENCENT_REGION", "ap-guangzhou"),
    "endpoint": os.environ.get("PORTAL_SMS_TENCENT_ENDPOINT", ""),
    "timeout": os.environ.get("PORTAL_SMS_TENCENT_TIMEOUT", "10"),
}
# The test gateway's folder (PORTAL_SMS_BACKEND=test).
PORTAL_SMS_TEST_DIR = os.environ.get("PORTAL_SMS_TEST_DIR", str(BASE_DIR / "sms-test-gateway"))
# Seconds to wait after each failed attempt; after the last, the message is given up and supervisors alerted.
PORTAL_MESSAGE_RETRY_DELAYS = [float(item) for item in env_list("PORTAL_MESSAGE_RETRY_DELAYS", "60,300,1800,7200")]
# How long a worker may take over one message before another sends it again (under the same key).
PORTAL_MESSAGE_LEASE_SECONDS = float(os.environ.get("PORTAL_MESSAGE_LEASE_SECONDS", "300"))
# How long a due message may wait for its task before run_periodic's sweep hands it to the worker again.
PORTAL_MESSAGE_SWEEP_GRACE_SECONDS = float(os.environ.get("PORTAL_MESSAGE_SWEEP_GRACE_SECONDS", "120"))
# Links in staff emails use PORTAL_SITE_URL (below; empty: site-relative links).
# The handlers' daily digest goes out with the first `run_periodic` at or after this hour (Beijing time).
PORTAL_DIGEST_HOUR = int(os.environ.get("PORTAL_DIGEST_HOUR", "8"))
# Limits per recipient (docs/messages.md): messages anyone can trigger by typing a phone or an address reach one
# recipient at most so many times a Beijing day; beyond that they are held in the outbox, not sent. Messages a case
# step sends are never limited. A phone holds at most PORTAL_BOOKINGS_PER_PHONE upcoming bookings.
PORTAL_DAILY_RECEIPTS_PER_RECIPIENT = int(os.environ.get("PORTAL_DAILY_RECEIPTS_PER_RECIPIENT", "3"))
PORTAL_DAILY_BOOKING_MESSAGES_PER_RECIPIENT = int(os.environ.get("PORTAL_DAILY_BOOKING_MESSAGES_PER_RECIPIENT", "3"))
PORTAL_BOOKINGS_PER_PHONE = int(os.environ.get("PORTAL_BOOKINGS_PER_PHONE", "2"))

# Rate limits on public forms. `PORTAL_RATE_LIMITS=off` switches them off for load tests (docs/deploy.md).
PORTAL_RATE_LIMITS = os.environ.get("PORTAL_RATE_LIMITS", "on").strip().lower() != "off"
# Where the counters live: `cache` (Redis) or `database` (PostgreSQL); by default Redis when REDIS_URL is set.
PORTAL_RATE_LIMIT_STORE = os.environ.get("PORTAL_RATE_LIMIT_STORE", "").strip().lower()

# Security headers. Behind the TLS-terminating proxy the app trusts X-Forwarded-Proto: https.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# History pages show earlier versions of reception days and notices; they never revert to one (portal/admin.py).
SIMPLE_HISTORY_REVERT_DISABLED = True
PORTAL_HTTPS = env_bool("PORTAL_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = PORTAL_HTTPS
SESSION_COOKIE_SECURE = PORTAL_HTTPS
CSRF_COOKIE_SECURE = PORTAL_HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("PORTAL_HSTS_SECONDS", str(365 * 24 * 3600) if PORTAL_HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PORTAL_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("PORTAL_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere, the admin included (it runs under this policy in Django 6.1).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PORTAL_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies never reach the log; only method, path and status do.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.db.backends": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

AXES_VERBOSE = False

# The site's public address, for canonical and hreflang links, the sitemap and robots.txt (pages are cached by
# path, so an address taken from each request's Host header could leak into another host's cached page).
# Unset, the address the request came to is used (development).
PORTAL_SITE_URL = os.environ.get("PORTAL_SITE_URL", "").strip().rstrip("/")
# The domain in identifiers that must never change: Atom entry ids (tag: URIs) and iCalendar UIDs. Set it once
# and keep it when the site moves; by default the site address's host.
PORTAL_ID_DOMAIN = (
    os.environ.get("PORTAL_ID_DOMAIN", "").strip()
    or (PORTAL_SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] if PORTAL_SITE_URL else "")
    or "consumer-portal.localhost"
)
# The year in tag: URIs (RFC 4151): a date at which the domain was held. Never change it once feeds are read.
PORTAL_ID_YEAR = os.environ.get("PORTAL_ID_YEAR", "2024").strip() or "2024"
