"""Site-wide web plumbing: language switch, security headers, error pages, template helpers."""

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from eventreg.accounts.sessions import SessionPolicy, check_session
from eventreg.checkin.sign_in_sheets import door_name
from eventreg.consents.service import consent_name, consent_statement, given_consent_name
from eventreg.database import MAX_ID, unit_of_work
from eventreg.errors import DomainError
from eventreg.events.retention import privacy_notice
from eventreg.events.service import (
    AGE_GROUP_NAMES,
    QUESTION_KIND_NAMES,
    SEX_NAMES,
    STATUS_NAMES,
)
from eventreg.extensions import db, login_manager
from eventreg.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGE_NAMES,
    current_language,
    format_local,
    format_local_date,
    format_local_time,
    isolated,
    localized,
    page_language_names,
    text_direction,
)
from eventreg.messages.models import MESSAGE_KIND_NAMES
from eventreg.text import control_character_paths, has_control_characters
from eventreg.web import (
    control_character_error,
    form_control_character_paths,
    safe_next_url,
)

blueprint = Blueprint("site", __name__)
ONE_YEAR = 365 * 24 * 3600


@blueprint.get("/language/<code>")
def choose_language(code: str):
    """Remember the chosen language and go back to the page the person came from."""
    target = safe_next_url(request.args.get("next"))
    response = redirect(target)
    if code in LANGUAGE_NAMES:
        response.set_cookie(
            LANGUAGE_COOKIE, code, max_age=ONE_YEAR, samesite="Lax", httponly=True,
            secure=request.is_secure,
        )
    return response


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # Ticket pages live at private links: never leak them to other sites.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    )
    if request.path.startswith(("/t/", "/w/", "/manage", "/api/")):
        # Private links, organiser pages and API answers hold personal data: never kept by
        # a browser's or a proxy's cache.
        response.headers.setdefault("Cache-Control", "private, no-store")
    if current_app.config["EVENTREG_ENV"] == "production":
        # Production is served over HTTPS only (the README's deployment; the proxy may send
        # the same header, once).
        response.headers.setdefault("Strict-Transport-Security",
                                    "max-age=31536000; includeSubDomains")
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


#: The reason the API answers for each HTTP error Werkzeug or an extension raises.
HTTP_ERROR_REASONS = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 413: "request_too_large", 415: "unsupported_media_type",
    429: "too_many_requests",
}


def _handle_http_error(error: HTTPException):
    if error.response is not None:
        return error.response  # a page made for this refusal (e.g. sign-in's limits)
    # The error's own headers say how to go on (Allow on a 405, Retry-After on a 429).
    headers = [(name, value) for name, value in error.get_headers()
               if name.lower() != "content-type"]
    if _wants_json():
        return jsonify(error=_http_reason(error.code), message=error.description,
                       fields={}), error.code, headers
    return render_template("errors.html", code=error.code, message=None), error.code, headers


def _http_reason(code: int | None) -> str:
    code = code or 500
    return HTTP_ERROR_REASONS.get(code, "bad_request" if code < 500 else "server_error")


def _handle_domain_error(error: DomainError):
    if _wants_json():
        return jsonify(
            error=error.reason, message=str(error.message),
            fields={key: str(value) for key, value in error.fields.items()},
        ), error.status_code
    return render_template("errors.html", code=error.status_code, message=error.message,
                           fields=error.fields), error.status_code


def _handle_csrf_error(error: CSRFError):
    message = _("This form has expired. Nothing was saved: please go back, reload and send it again.")
    return render_template("errors.html", code=400, message=message), 400


def _handle_server_error(error: Exception):
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    if _wants_json():
        return jsonify(error="server_error", message="Something went wrong on our side.",
                       fields={}), 500
    return render_template("errors.html", code=500, message=None), 500


def _template_helpers():
    return {
        "localized": localized,
        "privacy_notice": privacy_notice,
        "current_language": current_language,
        "language_names": LANGUAGE_NAMES,
        "page_language_names": page_language_names,
        "text_direction": text_direction,
        "status_names": STATUS_NAMES,
        "sex_names": SEX_NAMES,
        "age_group_names": AGE_GROUP_NAMES,
        "question_kind_names": QUESTION_KIND_NAMES,
        "message_kind_names": MESSAGE_KIND_NAMES,
        "consent_name": consent_name,
        "consent_statement": consent_statement,
        "given_consent_name": given_consent_name,
    }


@login_manager.user_loader
def _load_organiser(sign_in_token: str):
    """The organiser whose sign-in session the browser's cookie names, while it works."""
    checked = check_session(db.session, sign_in_token,
                            SessionPolicy.from_config(current_app.config))
    g.sign_in_ended = checked.ended
    return checked.organiser


@login_manager.unauthorized_handler
def _ask_to_sign_in():
    """Send a signed-out visitor to the sign-in page, saying why when a session ended."""
    if g.get("sign_in_ended") in ("idle", "expired"):
        flash(_("You were signed out: a sign-in lasts %(hours)s hours, and ends after "
                "%(minutes)s minutes without use. Please sign in again.",
                hours=f"{current_app.config['SESSION_LIFETIME_HOURS']:g}",
                minutes=f"{current_app.config['SESSION_IDLE_MINUTES']:g}"), "info")
    else:
        flash(login_manager.login_message, "info")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def _load_signed_in_organiser() -> None:
    """Check the sign-in session before the view runs, outside any of its transactions."""
    # Flask-Login keeps the user in `g`, which outlives a request when the app context was
    # pushed around it (as tests and commands do): each request checks its own cookie.
    g.pop("_login_user", None)
    if "_user_id" in session:
        with unit_of_work(db.session):  # an ended session is noted, use once a minute
            current_user._get_current_object()


def _refuse_control_characters() -> None:
    """Refuse text holding control characters anywhere in a form, query or JSON body.

    PostgreSQL cannot store NUL and spreadsheets refuse the rest (eventreg/text.py), so
    they are stopped here, before any view, with the fields named.
    """
    found = [key for key, value in request.args.items(multi=True)
             if has_control_characters(value)]
    if request.is_json:  # a JSON body carries no form fields
        found += control_character_paths(request.get_json(silent=True))
    elif (not getattr(current_app.view_functions.get(request.endpoint),
                      "answers_control_characters_on_its_form", False) or found):
        found += form_control_character_paths(request.form)
    if found:
        raise control_character_error(found)


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: an id from 1 to MAX_ID; a path with any other is not
    found, rather than a database error for a number no column can hold."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        # Behind a proxy: take the client's address and scheme from its X-Forwarded-* headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    app.register_blueprint(blueprint)
    app.before_request(_refuse_control_characters)
    app.before_request(_load_signed_in_organiser)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(DomainError, _handle_domain_error)
    if not app.debug:
        app.register_error_handler(Exception, _handle_server_error)
    app.context_processor(_template_helpers)
    app.add_template_filter(format_local, "local_datetime")
    app.add_template_filter(format_local_date, "local_date")
    app.add_template_filter(format_local_time, "local_time")
    app.add_template_filter(isolated, "isolated")
    app.add_template_filter(door_name, "door_name")
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
