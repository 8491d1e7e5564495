"""Signing organisers in and out, their API tokens page, and the team page with the
organisation's settings."""

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from eventreg.accounts import service, sessions, throttle
from eventreg.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    LoginForm,
    ReportSettingsForm,
    TeamMemberForm,
)
from eventreg.database import unit_of_work
from eventreg.errors import Conflict, ValidationFailed
from eventreg.extensions import db, limiter
from eventreg.forms import ActionForm, show_service_errors
from eventreg.web import safe_next_url

blueprint = Blueprint("accounts", __name__)


def _too_many_sign_ins(limit):
    """The sign-in page again, saying why it waits, instead of the bare 429 page."""
    form = LoginForm()
    if "account:" in limit.key:
        message = _("Too many failed sign-ins to this account from browsers it has not "
                    "signed in from before. Try again later, or sign in from a browser you "
                    "have used before.")
    else:
        message = _("Too many tries. Please wait a few minutes, then try again.")
    form.form_errors.append(message)
    return make_response(render_template("accounts/login.html", form=form), 429)


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(throttle.per_address_limit, key_func=throttle.address_key, methods=["POST"],
               on_breach=_too_many_sign_ins)
@limiter.limit(throttle.per_account_limit, key_func=throttle.account_key, methods=["POST"],
               deduct_when=throttle.is_failed_sign_in, exempt_when=throttle.from_known_device,
               on_breach=_too_many_sign_ins)
@limiter.limit(throttle.per_device_limit, key_func=throttle.device_key, methods=["POST"],
               deduct_when=throttle.is_failed_sign_in, exempt_when=throttle.from_unknown_device,
               on_breach=_too_many_sign_ins)
def login():
    """Sign an organiser in."""
    form = LoginForm()
    if form.validate_on_submit():
        organiser = service.authenticate(
            db.session, form.email.data, form.password.data,
            password_hash_method=current_app.config["PASSWORD_HASH_METHOD"])
        if organiser is not None:
            # A new session: nothing of the signed-out one is carried over, and the form
            # token (CSRF) is made anew.
            session.clear()
            with unit_of_work(db.session):
                sessions.start_session(db.session, organiser)
            login_user(organiser)
            response = redirect(
                safe_next_url(request.args.get("next"), default=url_for("manage_events.index"))
            )
            throttle.remember_device(response, organiser.email)
            return response
        form.password.errors.append(_("Wrong email or password."))
        return render_template("accounts/login.html", form=form), 401
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@blueprint.post("/logout")
@login_required
def logout():
    """Sign the organiser out: this browser's session ends on the server too."""
    with unit_of_work(db.session):
        sessions.end_session(db.session, current_user.sign_in_token)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("events.index"))


@blueprint.route("/manage/account", methods=["GET", "POST"])
@login_required
def account():
    """The organiser's own account: change the password, sign out everywhere."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.change_password(
                    db.session, current_user, current_password=form.current_password.data,
                    new_password=form.new_password.data,
                    password_hash_method=current_app.config["PASSWORD_HASH_METHOD"])
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            # The session was renewed: the browser keeps working, every other one is out.
            login_user(current_user)
            flash(_("Your password is changed. Every other browser signed in as you is "
                    "signed out."), "success")
            return redirect(url_for("accounts.account"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "accounts/account.html", form=form, sign_out_form=ActionForm(formdata=None),
        live_sessions=sessions.count_live_sessions(db.session, current_user,
                                                   _session_policy()),
    ), status


@blueprint.post("/manage/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of the organiser, on every browser, this one too."""
    if ActionForm().validate_on_submit():
        with unit_of_work(db.session):
            service.sign_out_everywhere(db.session, current_user)
        logout_user()
        session.clear()
        flash(_("You are signed out on every browser."), "info")
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.account"))


def _session_policy() -> sessions.SessionPolicy:
    return sessions.SessionPolicy.from_config(current_app.config)


@blueprint.route("/manage/api-tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    """List the organiser's API tokens and make a new one."""
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        with unit_of_work(db.session):
            _row, new_token = service.create_api_token(db.session, current_user,
                                                       form.name.data)
        form = ApiTokenForm(formdata=None)
    return render_template(
        "accounts/api_tokens.html",
        form=form,
        tokens=service.list_api_tokens(db.session, current_user),
        new_token=new_token,
    )


@blueprint.post("/manage/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    """Revoke one of the organiser's API tokens."""
    if ActionForm().validate_on_submit():
        with unit_of_work(db.session):
            service.revoke_api_token(db.session, current_user, token_id)
        flash(_("The token is revoked: programs using it are refused from now on."), "success")
    return redirect(url_for("accounts.api_tokens"))


@blueprint.route("/manage/team", methods=["GET", "POST"])
@login_required
def team():
    """List the organisation's organisers; admins add colleagues here."""
    form = TeamMemberForm()
    if current_user.is_admin and form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                member = service.add_team_member(
                    db.session, current_user, email=form.email.data, name=form.name.data,
                    password=form.password.data, role=form.role.data,
                    password_hash_method=current_app.config["PASSWORD_HASH_METHOD"],
                )
        except (ValidationFailed, Conflict) as error:
            show_service_errors(form, error)
        else:
            flash(_("%(name)s can now sign in.", name=member.name), "success")
            return redirect(url_for("accounts.team"))
    return _team_page(form, _report_settings_form(formdata=None))


@blueprint.post("/manage/team/report-settings")
@login_required
def report_settings():
    """Set the smallest figure of people the organisation's donor reports show."""
    settings_form = _report_settings_form()
    if settings_form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.set_small_cell_threshold(db.session, current_user,
                                                 settings_form.small_cell_threshold.data)
        except ValidationFailed as error:
            show_service_errors(settings_form, error)
        else:
            flash(_("Donor reports now hide any figure of fewer than %(count)d people.",
                    count=current_user.organisation.small_cell_threshold), "success")
            return redirect(url_for("accounts.team"))
    return _team_page(TeamMemberForm(formdata=None), settings_form)


def _report_settings_form(**kwargs) -> ReportSettingsForm:
    return ReportSettingsForm(
        small_cell_threshold=current_user.organisation.small_cell_threshold, **kwargs)


def _team_page(form: TeamMemberForm, settings_form: ReportSettingsForm):
    status = 422 if form.errors or settings_form.errors else 200
    return render_template(
        "accounts/team.html", form=form, settings_form=settings_form,
        members=service.list_team(db.session, current_user),
        switch_form=ActionForm(formdata=None),
    ), status


@blueprint.post("/manage/team/<int:member_id>/switch-off")
@login_required
def switch_off(member_id: int):
    """Stop a colleague's access at once: their sessions end and their API tokens stop."""
    if ActionForm().validate_on_submit():
        try:
            with unit_of_work(db.session):
                member = service.switch_off_organiser(db.session, current_user, member_id)
        except Conflict as error:
            flash(str(error.message), "error")
        else:
            flash(_("%(name)s is switched off: signed out everywhere, their API tokens "
                    "revoked.", name=member.name), "success")
    return redirect(url_for("accounts.team"))


@blueprint.post("/manage/team/<int:member_id>/switch-on")
@login_required
def switch_on(member_id: int):
    """Let a switched-off colleague sign in again."""
    if ActionForm().validate_on_submit():
        with unit_of_work(db.session):
            member = service.switch_on_organiser(db.session, current_user, member_id)
        flash(_("%(name)s can sign in again.", name=member.name), "success")
    return redirect(url_for("accounts.team"))
