"""Settings read from environment variables, with safe defaults.

`EVENTREG_ENV` is `production` (the default), `development` or `testing`. Outside
development and testing the app refuses to start without a real `SECRET_KEY`.
"""

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: Installed from a wheel, the package carries templates/, static/ and migrations/ inside it
#: (pyproject.toml maps them in); in a checkout they stay beside it, at the repository's root.
INSTALLED_FROM_WHEEL = (PACKAGE_DIR / "templates").is_dir()
ASSETS_ROOT = PACKAGE_DIR if INSTALLED_FROM_WHEEL else PACKAGE_DIR.parent
#: A checkout keeps its state in instance/ at the repository's root. An installed package
#: never writes inside site-packages: it follows Flask's convention for installed apps.
DEFAULT_INSTANCE_PATH = (
    Path(sys.prefix) / "var" / "eventreg-instance" if INSTALLED_FROM_WHEEL
    else PACKAGE_DIR.parent / "instance"
)
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-deploy"


class ConfigurationError(RuntimeError):
    """The environment does not describe a safe way to run."""


def instance_path() -> Path:
    """Return the folder for the SQLite database, the mail outbox and other local state."""
    return Path(os.environ.get("EVENTREG_INSTANCE_PATH", DEFAULT_INSTANCE_PATH))


def load_settings(overrides: dict | None = None) -> dict:
    """Build the Flask config from the environment, then apply `overrides` (used by tests)."""
    overrides = overrides or {}
    env = overrides.get("EVENTREG_ENV") or os.environ.get("EVENTREG_ENV", "production")
    folder = instance_path()
    settings = {
        "EVENTREG_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", ""),
        # Ticket signing keys are encrypted with a key derived from this secret.
        "TICKET_KEY_SECRET": os.environ.get("TICKET_KEY_SECRET", ""),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{folder / 'eventreg.sqlite3'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        #: A pooled connection idle for longer than this is pinged before use, so that one
        #: the server dropped meanwhile (a restart) is replaced without an error; a busy
        #: worker's connections are used at once (eventreg/outages.py).
        "DATABASE_PING_AFTER_IDLE_SECONDS": float(
            os.environ.get("DATABASE_PING_AFTER_IDLE_SECONDS", "1")),
        "DEFAULT_TIMEZONE": os.environ.get("DEFAULT_TIMEZONE", "Europe/Sofia"),
        "DEFAULT_PHONE_REGION": os.environ.get("DEFAULT_PHONE_REGION", "BG"),
        "BABEL_DEFAULT_LOCALE": "en",
        # Mail: "outbox" writes .eml files to instance/outbox/; "smtp" sends through SMTP_*.
        #: How often the live dashboard fetches its figures again, in milliseconds.
        "DASHBOARD_REFRESH_MS": int(os.environ.get("DASHBOARD_REFRESH_MS", "5000")),
        #: Where people reach the app, for the links in every message (never taken from a
        #: request's Host header, which a sender could forge). Required in production.
        "PUBLIC_BASE_URL": os.environ.get(
            "PUBLIC_BASE_URL", "" if env == "production" else "http://127.0.0.1:5000"),
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "outbox"),
        "MAIL_OUTBOX_PATH": os.environ.get("MAIL_OUTBOX_PATH", str(folder / "outbox")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "eventreg <no-reply@localhost>"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "0") == "1",
        "SMTP_TIMEOUT": float(os.environ.get("SMTP_TIMEOUT", "10")),
        #: Text messages: "outbox" writes .sms.txt files to SMS_OUTBOX_PATH (by default the
        #: mail outbox folder); "smpp" sends through an SMS centre or aggregator's SMPP
        #: server (SMPP_*), from SMS_FROM (a registered sender name or number).
        "SMS_BACKEND": os.environ.get("SMS_BACKEND", "outbox"),
        "SMS_OUTBOX_PATH": os.environ.get("SMS_OUTBOX_PATH", ""),
        "SMS_FROM": os.environ.get("SMS_FROM", "eventreg"),
        "SMPP_HOST": os.environ.get("SMPP_HOST", "localhost"),
        "SMPP_PORT": int(os.environ.get("SMPP_PORT", "2775")),
        "SMPP_SYSTEM_ID": os.environ.get("SMPP_SYSTEM_ID", ""),
        "SMPP_PASSWORD": os.environ.get("SMPP_PASSWORD", ""),
        "SMPP_SYSTEM_TYPE": os.environ.get("SMPP_SYSTEM_TYPE", ""),
        #: Seconds to wait for the SMPP server's every answer before the attempt fails (and
        #: is retried); the sending thread, never a page, waits.
        "SMPP_TIMEOUT": float(os.environ.get("SMPP_TIMEOUT", "10")),
        #: "Get my tickets again": per client address, and per email or phone typed.
        "LINK_RECOVERY_PER_ADDRESS": os.environ.get("LINK_RECOVERY_PER_ADDRESS",
                                                    "10 per hour"),
        "LINK_RECOVERY_PER_CONTACT": os.environ.get("LINK_RECOVERY_PER_CONTACT",
                                                    "3 per hour;6 per day"),
        #: Whether web processes send what their requests queued, from a thread of their own
        #: (never making a page wait); off ("0") leaves all sending to the mail worker.
        "MAIL_SEND_FROM_WEB": os.environ.get("MAIL_SEND_FROM_WEB", "1") != "0",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "PREFERRED_URL_SCHEME": "https" if env == "production" else "http",
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Rate limits count per client address: memory:// per process, or redis://... shared.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # If the shared storage stops answering, count in each process's memory (a warning
        # in the log) and go back to it when it answers again: never an error page.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        #: Sign-in: every try per address; failed tries per account from browsers it has
        #: not signed in from; failed tries per known browser (eventreg/accounts/throttle.py).
        "SIGN_IN_LIMIT_PER_ADDRESS": os.environ.get("SIGN_IN_LIMIT_PER_ADDRESS",
                                                    "10 per minute"),
        "SIGN_IN_FAILURES_PER_ACCOUNT": os.environ.get("SIGN_IN_FAILURES_PER_ACCOUNT",
                                                       "5 per minute;30 per hour"),
        "SIGN_IN_FAILURES_PER_DEVICE": os.environ.get("SIGN_IN_FAILURES_PER_DEVICE",
                                                      "20 per hour"),
        #: Public registrations and waiting-list joins per address and event, and per email
        #: address over all events (eventreg/registrations/limits.py).
        "REGISTRATIONS_PER_ADDRESS_PER_EVENT": os.environ.get(
            "REGISTRATIONS_PER_ADDRESS_PER_EVENT", "5 per minute;50 per hour"),
        "REGISTRATIONS_PER_EMAIL": os.environ.get("REGISTRATIONS_PER_EMAIL",
                                                  "3 per hour;10 per day"),
        #: Organisers are shown this many registrations from one address within this many
        #: minutes as a burst they can cancel at once (eventreg/registrations/bursts.py).
        "BURST_MIN_REGISTRATIONS": int(os.environ.get("BURST_MIN_REGISTRATIONS", "5")),
        "BURST_WINDOW_MINUTES": int(os.environ.get("BURST_WINDOW_MINUTES", "10")),
        #: The door (eventreg/checkin/rules.py): an undo at the door that admitted, this
        #: many minutes after, needs no reason (pretix: 15); at an activity's door, a
        #: check-in more than this many minutes before its session starts asks the
        #: volunteer (too_early); a door link hands in scans made while it worked for
        #: this many days after it expired (late uploads), reading and deciding nothing.
        "CHECKIN_UNDO_WINDOW_MINUTES": float(os.environ.get("CHECKIN_UNDO_WINDOW_MINUTES", "15")),
        "CHECKIN_EARLY_WARNING_MINUTES": float(
            os.environ.get("CHECKIN_EARLY_WARNING_MINUTES", "60")),
        "DOOR_UPLOAD_GRACE_DAYS": float(os.environ.get("DOOR_UPLOAD_GRACE_DAYS", "14")),
        #: How organisers' passwords are hashed (werkzeug.security's method string); tests
        #: choose a cheap one.
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        #: A sign-in lasts at most this long, and ends after this long without a request
        #: (OWASP ASVS 4.0, 3.3.2: 12 hours, 30 minutes).
        "SESSION_LIFETIME_HOURS": float(os.environ.get("SESSION_LIFETIME_HOURS", "12")),
        "SESSION_IDLE_MINUTES": float(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        # How many reverse proxies (nginx, Caddy) stand in front and set X-Forwarded-*.
        "PROXY_FIX_HOPS": int(os.environ.get("PROXY_FIX_HOPS", "0")),
        "WTF_CSRF_TIME_LIMIT": None,
    }
    if env in ("development", "testing") and not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
    settings.update(overrides)
    if settings["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        # A Redis that stops answering costs a request half a second, not a hang.
        settings.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 0.5,
                                                 "socket_connect_timeout": 0.5})
    if not settings["SMS_OUTBOX_PATH"]:
        settings["SMS_OUTBOX_PATH"] = settings["MAIL_OUTBOX_PATH"]
    if not settings["TICKET_KEY_SECRET"]:
        settings["TICKET_KEY_SECRET"] = settings["SECRET_KEY"]
    _refuse_unsafe(settings)
    return settings


def _refuse_unsafe(settings: dict) -> None:
    if settings["EVENTREG_ENV"] in ("development", "testing"):
        return
    key = settings["SECRET_KEY"]
    if not key or key == DEVELOPMENT_SECRET_KEY or len(key) < 32:
        raise ConfigurationError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
            "or set EVENTREG_ENV=development for a local trial."
        )
    if not settings["PUBLIC_BASE_URL"].startswith(("https://", "http://")):
        raise ConfigurationError(
            "PUBLIC_BASE_URL must be set in production to where people reach the app, e.g. "
            "https://events.example.org: the links in messages are made from it."
        )
