"""How fast the public may register, join a waiting list and make the app send mail.

Two limits on every public registration and waiting-list join, the form's and the API's
alike (settings, counted in Flask-Limiter's storage, shared by every worker with Redis):

- per address and event (`REGISTRATIONS_PER_ADDRESS_PER_EVENT`, default 5 a minute and 50
  an hour): one script on one address cannot take an event's places in seconds, while a
  refugee centre whose families share one Wi-Fi address registers them all in a morning;
- per email address, over all events (`REGISTRATIONS_PER_EMAIL`, default 3 an hour and 10
  a day): nobody can make the app mail someone else's inbox full, from however many
  addresses.

"Get my tickets again" has two limits of its own (`LINK_RECOVERY_PER_ADDRESS`, default 10
an hour, and `LINK_RECOVERY_PER_CONTACT` per email or phone typed, default 3 an hour and 6
a day): every request counts, for contacts that are known and unknown alike, so that the
limit says nothing about who registered, and nobody can make the app text a phone again
and again.

Only what was really made counts (a refused form costs nothing). When a limit is reached
the form is shown again with what was typed and a message in the person's language;
the API answers 429 `too_many_requests` with `Retry-After`.
"""

import contextlib
import hashlib
import hmac
import math
import time

from flask import current_app, jsonify, make_response, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from eventreg.errors import ValidationFailed
from eventreg.extensions import limiter

#: Form actions that only change the form (add or remove a person): never counted.
FORM_ONLY_ACTIONS = ("add_person", "remove_person")


def limit_public_registrations(on_breach):
    """Both limits, counted together for the form and the API (one scope each); `on_breach`
    makes the answer when one is reached."""

    def decorate(view):
        view = limiter.shared_limit(
            per_address_limit, scope="registrations per address and event",
            key_func=address_and_event_key, methods=["POST"], exempt_when=only_changes_the_form,
            deduct_when=was_made, on_breach=on_breach)(view)
        return limiter.shared_limit(
            per_email_limit, scope="registrations per email", key_func=email_key,
            methods=["POST"], exempt_when=lambda: without_email() or only_changes_the_form(),
            deduct_when=was_made, on_breach=on_breach)(view)

    return decorate


def per_address_limit() -> str:
    return current_app.config["REGISTRATIONS_PER_ADDRESS_PER_EVENT"]


def per_email_limit() -> str:
    return current_app.config["REGISTRATIONS_PER_EMAIL"]


def address_and_event_key() -> str:
    return f"registrations:{get_remote_address()}:{request.view_args.get('slug', '')}"


def email_key() -> str:
    return "registrations-to:" + hashlib.sha256(_submitted_email().encode()).hexdigest()[:32]


def without_email() -> bool:
    return not _submitted_email()


def only_changes_the_form() -> bool:
    return request.form.get("action") in FORM_ONLY_ACTIONS


def was_made(response) -> bool:
    """A registration or waiting-list place was made (the form redirects, the API says 201)."""
    return response.status_code in (201, 302, 303)


def source_hash(event_id: int) -> str:
    """This request's address with the event, hashed with a key of the app's: the same
    address registering for the same event gets the same value, and it cannot be turned
    back into an address or matched across events."""
    key = hashlib.sha256(
        ("eventreg registration sources:" + current_app.config["SECRET_KEY"]).encode()
    ).digest()
    message = f"{event_id}:{get_remote_address()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def wait_message(limit) -> str:
    minutes = max(1, math.ceil((limit.reset_at - time.time()) / 60))
    return _("Too many registrations came from your network or for this email address in a "
             "short time. Nothing was saved: please wait %(minutes)d minutes and send it "
             "again. If you register many families for this event, the organiser can help.",
             minutes=minutes)


def api_refusal(limit):
    """The API's answer when a limit is reached."""
    response = make_response(jsonify(error="too_many_requests", message=wait_message(limit),
                                     fields={}), 429)
    response.headers["Retry-After"] = str(max(1, math.ceil(limit.reset_at - time.time())))
    return response


def _submitted_email() -> str:
    if request.is_json:
        body = request.get_json(silent=True)
        contact = body.get("contact") if isinstance(body, dict) else None
        email = contact.get("email") if isinstance(contact, dict) else None
    else:
        email = request.form.get("email")
    return email.strip().lower() if isinstance(email, str) else ""


def limit_link_recovery(on_breach):
    """Both limits of "Get my tickets again", on every POST (known contacts or not)."""

    def decorate(view):
        view = limiter.shared_limit(
            lambda: current_app.config["LINK_RECOVERY_PER_ADDRESS"],
            scope="link recovery per address", key_func=lambda: "recovery:" + get_remote_address(),
            methods=["POST"], on_breach=on_breach)(view)
        return limiter.shared_limit(
            lambda: current_app.config["LINK_RECOVERY_PER_CONTACT"],
            scope="link recovery per contact", key_func=recovery_contact_key,
            methods=["POST"], exempt_when=lambda: not _typed_contact(),
            on_breach=on_breach)(view)

    return decorate


def recovery_contact_key() -> str:
    """The contact typed, in one form however it was typed (a phone in E.164 form), hashed."""
    from eventreg.registrations.recovery import parse_contact

    typed = _typed_contact()
    with contextlib.suppress(ValidationFailed):
        typed = parse_contact(typed, phone_region=current_app.config["DEFAULT_PHONE_REGION"])[1]
    return "recovery-to:" + hashlib.sha256(typed.lower().encode()).hexdigest()[:32]


def recovery_wait_message(limit) -> str:
    minutes = max(1, math.ceil((limit.reset_at - time.time()) / 60))
    return _("You asked for your links many times in a short time. Please wait %(minutes)d "
             "minutes and ask again. The organiser at the door can also find your tickets "
             "by your name.", minutes=minutes)


def _typed_contact() -> str:
    contact = request.form.get("contact")
    return contact.strip() if isinstance(contact, str) else ""
