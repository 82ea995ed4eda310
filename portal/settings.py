"""Lango settings: every value that differs between machines comes from the environment.

Unset, they give the embedded development mode (SQLite, local-memory cache, eager Celery, console
SMS). Production sets ``DJANGO_DEBUG=False``, a real secret key and hosts, ``DATABASE_URL`` and
``REDIS_URL``; ``manage.py check --deploy`` is then silent.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from portal.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_key_list,
    env_list,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET = "dev-only-insecure-key-" + "x" * 40
SECRET_KEY = env_secret("DJANGO_SECRET_KEY") or (_DEV_SECRET if DEBUG else "")
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must hold at least 50 characters when DJANGO_DEBUG is false."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "portal",
    "registry",
    "grievances",
    "sms",
    "ussd",
    "backoffice",
    "api",
    "content",
    "privacy",
    "encryption",
    "demo",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.settings",
    "wagtail.locales",
    "wagtail.contrib.redirects",
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
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "oauth2_provider",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.csp.PathPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.middleware.BrowserLanguageMiddleware",
    "backoffice.language.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "backoffice.two_factor.staff.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------

DATABASES = {"default": database_from_url("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# The database fails fast for people waiting on an answer (web pages, USSD within Africa's Talking's
# 10 s): a short connect timeout, a statement timeout, and a client-side deadline on every wait for
# the server (portal.postgresql), which also covers a database that stops answering mid-query.
# Processes that serve no request (the Celery worker and beat, manage.py commands, benchmarks) get
# long ones; each is set with DB_CONNECT_TIMEOUT_SECONDS, DB_STATEMENT_TIMEOUT_MS, DB_QUERY_DEADLINE_SECONDS.
SERVES_REQUESTS = Path(sys.argv[0]).name == "gunicorn" or sys.argv[1:2] == ["runserver"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "portal.postgresql"
    _db_options = DATABASES["default"]["OPTIONS"]
    _db_options.setdefault(
        "connect_timeout", env_int("DB_CONNECT_TIMEOUT_SECONDS", 2 if SERVES_REQUESTS else 10, minimum=1)
    )
    _statement_ms = env_int("DB_STATEMENT_TIMEOUT_MS", 4000 if SERVES_REQUESTS else 30 * 60 * 1000, minimum=0)
    if _statement_ms:
        _db_options["options"] = f"{_db_options.get('options', '')} -c statement_timeout={_statement_ms}".strip()
    _deadline = env_int("DB_QUERY_DEADLINE_SECONDS", _statement_ms // 1000 + 1 if _statement_ms else 0, minimum=0)
    if _deadline:
        _db_options["query_deadline"] = _deadline
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Redis accelerates; it is never the citizen's single point of failure (portal.resilient_cache):
    # short timeouts, no client-side retries, reads miss and writes drop while it is away.
    CACHES = {
        "default": {
            "BACKEND": "portal.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "lango"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0, "retry": None, "retry_on_error": []},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker keeps trying to reach the broker for ever (portal.celery_transport guards kombu's
# restore of unacknowledged tasks, which killed the worker when Redis restarted); a publish from a
# web request never waits for a dead broker: the row is already in the outbox and beat relays it.
CELERY_BROKER_TRANSPORT = "portal.celery_transport:Transport" if REDIS_URL else None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 0.5,
    "socket_timeout": 2,
    "visibility_timeout": 3600,
    "retry_on_timeout": False,
    # A publisher (web request, beat) tries the broker once and gives up at once when it is down.
    "max_retries": 0,
    "connect_retries_timeout": 0.5,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE: dict = {}

# --- Security ---------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Content-Security-Policy (django-csp, portal.csp): citizens' pages run no inline script or style and
# load nothing from elsewhere; the admin's policy is the strictest Wagtail's admin works with.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
ADMIN_CSP_PATH_PREFIX = "/admin/"
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # Wagtail 8's admin still writes some inline scripts and many inline styles.
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        # Image uploads preview as blob: URLs; icons and some widgets are data: URLs.
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "media-src": [SELF],
        "worker-src": [SELF, "blob:"],
        # Page previews are same-site frames inside the editor.
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The header a trusted reverse proxy sets to say the original request was HTTPS.
_proxy_ssl_header = env_str("DJANGO_SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
# The header a trusted reverse proxy sets to the client's address (first hop), or empty.
TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER", "")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Key for hashing national IDs (duplicate detection without keeping the number).
NATIONAL_ID_HASH_KEY = (
    env_secret("NATIONAL_ID_HASH_KEY") or hashlib.sha256(("national-id:" + SECRET_KEY).encode()).hexdigest()
)

# Keys for the personal fields encrypted at rest (encryption/, DESIGN §11): Fernet keys, the first
# encrypts and every one decrypts; after `manage.py rotate_field_keys` (and its --check) the old
# ones can go. FIELD_HASH_KEY makes the keyed hashes that equality searches use (a case's contact
# phone). Both are their own secrets, never derived from SECRET_KEY, kept apart from the backups;
# in development a fixed key, which production refuses to go without.
_DEV_FIELD_KEY = base64.urlsafe_b64encode(b"lango-development-field-key-0001").decode()
FIELD_ENCRYPTION_KEYS = env_key_list("FIELD_ENCRYPTION_KEYS") or ([_DEV_FIELD_KEY] if DEBUG else [])
FIELD_HASH_KEY = env_secret("FIELD_HASH_KEY") or ("dev-only-field-hash-key" if DEBUG else "")
if not DEBUG and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS_FILE) must hold at least one Fernet key when DJANGO_DEBUG "
        "is false; it is never derived from DJANGO_SECRET_KEY."
    )
if not DEBUG and len(FIELD_HASH_KEY) < 32:
    raise ImproperlyConfigured("FIELD_HASH_KEY (or FIELD_HASH_KEY_FILE) must hold 32 characters or more in production.")

# --- Languages --------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("sw", "Kiswahili"),
    ("ar", "العربية"),
]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Africa/Nairobi")
LANGUAGE_COOKIE_NAME = "lango_language"

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True

# --- Static files -----------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Wagtail ----------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Lango"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: staff avatars would send a hash of each officer's email to a third party (and show
# as broken images where the back-office has no internet); Wagtail's own default avatar is shown.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Lango ------------------------------------------------------------------------------------

SMS_BACKEND = env_choice("SMS_BACKEND", "console", ("console", "africastalking"))
AT_USERNAME = env_str("AT_USERNAME", "sandbox")
AT_API_KEY = env_secret("AT_API_KEY")
AT_SENDER_ID = env_str("AT_SENDER_ID")
AT_API_BASE_URL = env_str("AT_API_BASE_URL")
AT_CALLBACK_TOKEN = env_secret("AT_CALLBACK_TOKEN") or ("dev-callback-token" if DEBUG else "")
if not DEBUG and len(AT_CALLBACK_TOKEN) < 20:
    raise ImproperlyConfigured("AT_CALLBACK_TOKEN must hold at least 20 characters in production.")
if SMS_BACKEND == "africastalking" and not AT_API_KEY:
    raise ImproperlyConfigured("AT_API_KEY (or AT_API_KEY_FILE) is required when SMS_BACKEND is africastalking.")
USSD_SERVICE_CODE = env_str("USSD_SERVICE_CODE", "*384*1#")
DEFAULT_PHONE_REGION = env_str("DEFAULT_PHONE_REGION", "KE").upper()
# Regions whose mobile numbers count as "your mobile phone" and get SMS (comma-separated ISO codes).
MOBILE_PHONE_REGIONS = [
    code.strip().upper() for code in env_str("MOBILE_PHONE_REGIONS", DEFAULT_PHONE_REGION).split(",") if code.strip()
]
CURRENCY = env_str("CURRENCY", "KES").upper()
CONSENT_VERSION = "2026-11"
GRIEVANCE_SLA_DAYS_OVERRIDES: dict[str, int] = {}
APPEAL_WINDOW_DAYS = env_int("APPEAL_WINDOW_DAYS", 30, minimum=1)
# Who may apply in their own name; younger people are pointed to an adult at home or a call back.
APPLICANT_MIN_AGE = env_int("APPLICANT_MIN_AGE", 18, minimum=0)

# Every handler redacts secrets (the callback token in a path, API keys) from every record.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "portal.log_redaction.RedactSecretsFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (an unfiltered console, mail to admins) give way to the redacting root.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# --- SMS channel: outbox delivery, Africa's Talking gateway, inbound limits -------------------

# Waits before the 2nd, 3rd, ... sending attempt after a transient failure; one more failure than
# there are waits fails the message. The default spans 6 h 8 min (a provider outage of an afternoon
# loses no decision); messages worthless late (sign-in codes) expire first. Each wait is lengthened
# by a random share of up to SMS_RETRY_JITTER_PERCENT, so an outage's backlog does not return at once.
SMS_DEFAULT_RETRY_DELAYS = ["60", "120", "300", "600", "1200", "1800", "3600", "3600", "3600", "7200"]
try:
    SMS_RETRY_DELAYS_SECONDS = [int(s) for s in env_list("SMS_RETRY_DELAYS_SECONDS", SMS_DEFAULT_RETRY_DELAYS)]
except ValueError as exc:
    raise ImproperlyConfigured("SMS_RETRY_DELAYS_SECONDS must be whole seconds, e.g. 60,300,900.") from exc
SMS_RETRY_JITTER_PERCENT = env_int("SMS_RETRY_JITTER_PERCENT", 20, minimum=0)
if not SMS_RETRY_DELAYS_SECONDS or min(SMS_RETRY_DELAYS_SECONDS) < 0:
    raise ImproperlyConfigured("SMS_RETRY_DELAYS_SECONDS must list at least one delay of 0 seconds or more.")
# How long a due message waits for its own task before the relay sends it.
SMS_RELAY_GRACE_SECONDS = env_int("SMS_RELAY_GRACE_SECONDS", 60, minimum=0)
# A sender that claimed a message and did not finish within this time is taken for dead, and its
# message is unconfirmed, like one whose send timed out after the request left or whose answer could
# not be read. An unconfirmed message waits up to SMS_RECONCILE_SECONDS after its send (half its
# remaining lifetime at most) for a delivery report; without one it is sent once more only when its
# template says a repeat is harmless, and otherwise waits for a supervisor.
SMS_CLAIM_TIMEOUT_SECONDS = env_int("SMS_CLAIM_TIMEOUT_SECONDS", 120, minimum=1)
SMS_RECONCILE_SECONDS = env_int("SMS_RECONCILE_SECONDS", 600, minimum=1)
# Who tells the outbox that a number asked for no news by SMS (STOP); the outbox imports no domain module.
SMS_OPT_OUT_CHECK = "registry.preferences.is_opted_out"
# The outbox sends only to numbers that can receive SMS (a landline typed as a contact gets none).
SMS_RECIPIENT_CHECK = "registry.phones.can_receive_sms"
# Inbound SMS from one number answered per hour; beyond it, one polite reply and silence.
SMS_INBOUND_PER_HOUR = env_int("SMS_INBOUND_PER_HOUR", 20, minimum=1)
# Sign-in codes sent per clock hour across every number (sms.ceiling): a script trying many phones
# from many addresses spends at most this many SMS an hour; supervisors see an alert when it trips.
SIGN_IN_SMS_PER_HOUR = env_int("SIGN_IN_SMS_PER_HOUR", 600, minimum=1)
# Seconds to wait for Africa's Talking to connect and to answer.
AT_TIMEOUT_SECONDS = env_int("AT_TIMEOUT_SECONDS", 10, minimum=1)
CELERY_BEAT_SCHEDULE["sms-relay-outbox"] = {
    "task": "sms.tasks.relay_outbox",
    "schedule": 60.0,
    "options": {"expires": 55},
}

# --- Back-office: staff two-factor sign-in, SLA sweep ------------------------------------------

# Staff sessions end after this many idle minutes (DESIGN §7).
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 15, minimum=1)
# Password guessing on the staff sign-in page (django-axes, database handler, limited to
# wagtailadmin_login): after AXES_FAILURE_LIMIT wrong passwords for one account, or from one address,
# that account / address is refused (429) for the cool-off time, even with the right password.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AXES_HANDLER = "backoffice.two_factor.login_throttle.StaffSignInHandler"
AXES_FAILURE_LIMIT = env_int("STAFF_SIGN_IN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("STAFF_SIGN_IN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.ratelimit_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "backoffice/two_factor/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password", "token", "csrfmiddlewaretoken"]
OTP_TOTP_ISSUER = "Lango"
CELERY_BEAT_SCHEDULE["grievances-sla-sweep"] = {
    "task": "grievances.tasks.sweep_sla",
    "schedule": 300.0,
    "options": {"expires": 290},
}

# --- Citizen portal: phone sign-in sessions and rate limits ----------------------------------

MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1, "portal.middleware.CitizenSessionMiddleware"
)
CITIZEN_SESSION_IDLE_SECONDS = 30 * 60
CITIZEN_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
# django-ratelimit counts on the shared cache (Redis in production) and reads the client address
# the same way the portal does: the trusted proxy header when set, else REMOTE_ADDR.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "portal.client_ip.ratelimit_ip"

# --- USSD channel: privacy notice link, per-phone hop limit, benchmark timing ------------------

# Where citizens read the site (used in SMS links, e.g. the full privacy notice before consent).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
PRIVACY_NOTICE_PATH = env_str("PRIVACY_NOTICE_PATH", "/privacy/")
# USSD hops answered per phone number per minute; beyond it, a polite END.
USSD_HOPS_PER_PHONE_PER_MINUTE = env_int("USSD_HOPS_PER_PHONE_PER_MINUTE", 40, minimum=1)
# Session states and drafts past their time leave the database (an ended session's last screens,
# which may show a PIN, are kept only a minute for replays).
CELERY_BEAT_SCHEDULE["ussd-forget-expired-sessions"] = {
    "task": "ussd.tasks.forget_expired_sessions",
    "schedule": 30.0,
    "options": {"expires": 25},
}
# bench/ussd.py only: a Server-Timing header with the time spent inside Django.
if env_bool("LANGO_BENCH_SERVER_TIMING", False):
    MIDDLEWARE.insert(0, "ussd.bench_timing.ServerTimingMiddleware")

# --- Partner API: OAuth 2.0 client credentials, DCI message signatures, callbacks ------------

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    # The token endpoint knows only the client-credentials grant: no user passwords, no redirects.
    "OAUTH2_SERVER_CLASS": "oauthlib.oauth2.BackendApplicationServer",
    "SCOPES_BACKEND_CLASS": "api.scopes.PartnerScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("API_TOKEN_SECONDS", 900, minimum=60),
    "REFRESH_TOKEN_EXPIRE_SECONDS": 0,
    # The OAuth 2.0 security best practice (RFC 9700) in full: tokens kept only as hashes, bearer
    # tokens in the Authorization header only, no implicit or password grant, https redirects.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
# Lango's Ed25519 private key (PEM) for signing callbacks; unset: callbacks go unsigned.
DCI_SIGNING_KEY = env_secret("DCI_SIGNING_KEY")
# Lango's own DCI sender id, in the headers of the answers and callbacks it sends.
DCI_SENDER_ID = env_str("DCI_SENDER_ID", "lango")
# Accept requests whose signature is missing or a known placeholder from partners without a key
# (a partner with a key must always sign); placeholders are what test suites send.
DCI_UNSIGNED_PLACEHOLDERS = env_list("DCI_UNSIGNED_PLACEHOLDERS", ["unsigned", "unsigned-stub"])
# Callbacks may go to plain-HTTP and private addresses only when this is true (tests, a closed network).
API_CALLBACKS_ALLOW_PRIVATE = env_bool("API_CALLBACKS_ALLOW_PRIVATE", DEBUG)
API_CALLBACK_TIMEOUT_SECONDS = env_int("API_CALLBACK_TIMEOUT_SECONDS", 10, minimum=1)
# Waits before the 2nd, 3rd, … attempt at a callback; after the last one it fails for good.
API_CALLBACK_RETRY_SECONDS = [60, 300, 900, 3600, 3 * 3600, 6 * 3600]
CELERY_BEAT_SCHEDULE["api-relay-callbacks"] = {
    "task": "api.tasks.relay_callbacks",
    "schedule": 60.0,
    "options": {"expires": 55},
}
CELERY_BEAT_SCHEDULE["api-notify-subscribers"] = {
    "task": "api.tasks.notify_subscribers",
    "schedule": 60.0,
    "options": {"expires": 55},
}

# --- Public statistics: disclosure rules, open data licence, nightly snapshot ------------------

# No published count under this many cases (shown as "<10"); complementary suppression hides more.
STATS_MIN_COUNT = env_int("STATS_MIN_COUNT", 10, minimum=2)
# Rates, medians and averages only where they rest on at least this many cases.
STATS_RATE_MIN_BASE = env_int("STATS_RATE_MIN_BASE", 10, minimum=1)
# Days after an answer during which the citizen may rate it (1 to 5) on any channel.
RATING_WINDOW_DAYS = env_int("RATING_WINDOW_DAYS", 30, minimum=1)
# Snapshots of the public statistics kept (one a day); the page shows the newest.
STATS_KEEP_SNAPSHOT_DAYS = env_int("STATS_KEEP_SNAPSHOT_DAYS", 400, minimum=1)
# The licence of the open data under /stats/data/, as a name and the address of its text.
STATS_DATA_LICENCE = env_str("STATS_DATA_LICENCE", "Creative Commons Attribution 4.0 International (CC BY 4.0)")
STATS_DATA_LICENCE_URL = env_str("STATS_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")
# Who publishes the figures (named with the licence).
STATS_PUBLISHER = env_str("STATS_PUBLISHER", "Lango")
# Nightly, after midnight local time (beat's clock follows TIME_ZONE): the figures run to the end
# of the last complete month.
STATS_SNAPSHOT_HOUR = env_int("STATS_SNAPSHOT_HOUR", 2, minimum=0)
if STATS_SNAPSHOT_HOUR > 23:
    raise ImproperlyConfigured("STATS_SNAPSHOT_HOUR must be an hour of the day, 0 to 23.")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE["grievances-public-statistics"] = {
    "task": "grievances.tasks.make_public_statistics",
    "schedule": crontab(hour=STATS_SNAPSHOT_HOUR, minute=15),
    "options": {"expires": 3 * 60 * 60},
}

# --- Personal data: the retention table (DESIGN §11), applied nightly -------------------------

# Years a closed case keeps its personal fields (names, phone, words) before they are anonymised.
RETENTION_CLOSED_CASE_YEARS = env_int("RETENTION_CLOSED_CASE_YEARS", 5, minimum=1)
# Days an application withdrawn from every programme keeps its answers: the deploying country's law.
RETENTION_WITHDRAWN_APPLICATION_DAYS = env_int("RETENTION_WITHDRAWN_APPLICATION_DAYS", 365, minimum=0)
# What is kept, how long (from when), then deleted or anonymised, and by which function. The
# README, the privacy notice and "my data" read their periods from this table.
RETENTION = [
    {"what": "sign_in_codes", "keep": 30, "unit": "minutes", "after": "expired", "then": "delete",
     "apply": "portal.retention.clear_sign_in_codes"},
    {"what": "sign_in_sms", "keep": 30, "unit": "minutes", "after": "sent", "then": "delete",
     "apply": "privacy.appliers.delete_sign_in_sms"},
    {"what": "ussd_sessions", "keep": 90, "unit": "days", "after": "ended", "then": "delete",
     "apply": "ussd.retention.delete_session_summaries"},
    {"what": "inbound_sms", "keep": 1, "unit": "years", "after": "case_closed", "then": "anonymise",
     "apply": "privacy.appliers.anonymise_inbound_sms"},
    {"what": "closed_cases", "keep": RETENTION_CLOSED_CASE_YEARS, "unit": "years", "after": "closed",
     "then": "anonymise", "apply": "privacy.appliers.anonymise_closed_cases"},
    {"what": "access_logs", "keep": 2, "unit": "years", "after": "made", "then": "delete",
     "apply": "privacy.appliers.delete_access_logs"},
    {"what": "withdrawn_applications", "keep": RETENTION_WITHDRAWN_APPLICATION_DAYS, "unit": "days",
     "after": "withdrawn", "then": "anonymise", "apply": "privacy.appliers.anonymise_withdrawn_applications"},
]  # fmt: skip
# Records changed per transaction by a retention run.
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 500, minimum=1)
# Hour (local time) of the nightly run.
RETENTION_HOUR = env_int("RETENTION_HOUR", 3, minimum=0)
if RETENTION_HOUR > 23:
    raise ImproperlyConfigured("RETENTION_HOUR must be an hour of the day, 0 to 23.")
CELERY_BEAT_SCHEDULE["privacy-retention"] = {
    "task": "privacy.tasks.apply_retention",
    "schedule": crontab(hour=RETENTION_HOUR, minute=40),
    "options": {"expires": 3 * 60 * 60},
}
# Every anonymisation is also appended here (one JSON line), a file kept apart from the database
# backups, so that `manage.py reapply_erasures` can apply them again after a restore.
ERASURE_LOG_FILE = env_str("ERASURE_LOG_FILE", "")
