"""Slowing down password guessing at sign-in, without locking a real organiser out.

Three limits, all settings (OWASP ASVS 4.0, 2.2.1):

- per client address, every try (`SIGN_IN_LIMIT_PER_ADDRESS`, default 10 a minute);
- per account, failed tries from browsers the account has not signed in from before
  (`SIGN_IN_FAILURES_PER_ACCOUNT`, default 5 a minute and 30 an hour), so guesses spread
  over many addresses are slowed too;
- per known browser, its own failed tries (`SIGN_IN_FAILURES_PER_DEVICE`).

A browser that signs in gets a signed "device cookie" naming the account (OWASP's "Slow
Down Online Guessing Attacks with Device Cookies"). It is not held to the account's limit,
so an attacker who exhausts it cannot keep the organiser out of their own browser; a new
browser waits at most the account limit's window. The counts live in Flask-Limiter's
storage: shared by every worker with `RATELIMIT_STORAGE_URI=redis://...`.
"""

import hashlib
import secrets

from flask import current_app, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer

DEVICE_COOKIE = "eventreg_device"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600


def per_address_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]


def per_account_limit() -> str:
    return current_app.config["SIGN_IN_FAILURES_PER_ACCOUNT"]


def per_device_limit() -> str:
    return current_app.config["SIGN_IN_FAILURES_PER_DEVICE"]


def address_key() -> str:
    return get_remote_address()


def account_key() -> str:
    """The account a sign-in tries, known or not (both are counted alike)."""
    return "account:" + _account_id(request.form.get("email", ""))


def device_key() -> str:
    return "device:" + (_device_claims() or {}).get("device", "")


def is_failed_sign_in(response) -> bool:
    return response.status_code == 401


def from_known_device() -> bool:
    """True when the browser holds a device cookie of the account it tries to sign in to."""
    claims = _device_claims()
    return claims is not None and claims.get("account") == _account_id(
        request.form.get("email", ""))


def from_unknown_device() -> bool:
    return not from_known_device()


def remember_device(response, email: str) -> None:
    """Give the browser that just signed in a device cookie for the account."""
    value = _serializer().dumps({"account": _account_id(email),
                                 "device": secrets.token_urlsafe(16)})
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_COOKIE_MAX_AGE, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])


def _device_claims() -> dict | None:
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        claims = _serializer().loads(value)
    except BadSignature:
        return None
    return claims if isinstance(claims, dict) else None


def _account_id(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="eventreg device cookie")
