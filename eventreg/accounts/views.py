"""Signing organisers in and out, and their API tokens page."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from eventreg.accounts import service
from eventreg.accounts.forms import ApiTokenForm, LoginForm, TeamMemberForm
from eventreg.errors import Conflict, ValidationFailed
from eventreg.extensions import db, limiter
from eventreg.forms import ActionForm, show_service_errors
from eventreg.site import safe_next_url

blueprint = Blueprint("accounts", __name__)
#: Guessing passwords is slowed to this many tries per client address.
SIGN_IN_ATTEMPTS_PER_ADDRESS = "10 per minute"


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_ATTEMPTS_PER_ADDRESS, methods=["POST"])
def login():
    """Sign an organiser in."""
    form = LoginForm()
    if form.validate_on_submit():
        organiser = service.authenticate(db.session, form.email.data, form.password.data)
        if organiser is not None:
            login_user(organiser)
            return redirect(
                safe_next_url(request.args.get("next"), default=url_for("manage_events.index"))
            )
        form.password.errors.append(_("Wrong email or password."))
        return render_template("accounts/login.html", form=form), 401
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@blueprint.post("/logout")
@login_required
def logout():
    """Sign the organiser out."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("events.index"))


@blueprint.route("/manage/api-tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    """List the organiser's API tokens and make a new one."""
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        _row, new_token = service.create_api_token(db.session, current_user, form.name.data)
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
            member = service.add_team_member(
                db.session, current_user, email=form.email.data, name=form.name.data,
                password=form.password.data, role=form.role.data,
            )
        except (ValidationFailed, Conflict) as error:
            show_service_errors(form, error)
        else:
            flash(_("%(name)s can now sign in.", name=member.name), "success")
            return redirect(url_for("accounts.team"))
    status = 422 if form.errors else 200
    return render_template(
        "accounts/team.html", form=form, members=service.list_team(db.session, current_user)
    ), status
