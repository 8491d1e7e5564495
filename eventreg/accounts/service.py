"""Organiser accounts: creating them, signing in, and API tokens."""

import hashlib
import secrets
from datetime import datetime
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from eventreg.accounts import sessions
from eventreg.accounts.models import (
    ROLES,
    SMALL_CELL_THRESHOLDS,
    ApiToken,
    Organisation,
    Organiser,
)
from eventreg.accounts.passwords import password_problem
from eventreg.audit.service import record
from eventreg.database import utcnow
from eventreg.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from eventreg.text import clean_text, is_blank

API_TOKEN_PREFIX = "erg_"

@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the email is unknown, so a failed sign-in takes as long either
    way."""
    return generate_password_hash("not a real password", method=method)


def get_or_create_organisation(session: Session, name: str) -> Organisation:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_l("Enter the organisation's name."),
                               fields={"organisation": _l("Enter a name.")})
    organisation = session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name)
        session.add(organisation)
        session.flush()
    return organisation


def create_organiser(
    session: Session,
    organisation: Organisation,
    *,
    email: str,
    name: str,
    password: str,
    password_hash_method: str,
    role: str = "organiser",
) -> Organiser:
    """Create an organiser account, its password hashed with `password_hash_method` (the
    PASSWORD_HASH_METHOD setting); refuses a taken email, a weak password or an unknown
    role."""
    errors = {}
    try:
        email = validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors["email"] = _l("Enter a valid email address.")
    name = clean_text(name)
    if is_blank(name):
        errors["name"] = _l("Enter a name.")
    problem = password_problem(password, email=email if "email" not in errors else "")
    if problem:
        errors["password"] = problem
    if role not in ROLES:
        errors["role"] = _l("Choose admin or organiser.")
    if errors:
        raise ValidationFailed(_l("Fix the marked fields."), fields=errors)
    if session.scalar(select(Organiser.id).where(Organiser.email == email)):
        raise Conflict(_l("An account with this email already exists."), reason="email_taken",
                       fields={"email": _l("An account with this email already exists.")})
    organiser = Organiser(
        organisation_id=organisation.id,
        email=email,
        name=name,
        password_hash=generate_password_hash(password, method=password_hash_method),
        role=role,
    )
    session.add(organiser)
    session.flush()
    return organiser


def add_team_member(
    session: Session, admin: Organiser, *, email: str, name: str, password: str, role: str,
    password_hash_method: str,
) -> Organiser:
    """Let an admin add a colleague to their own organisation; refuse anyone else."""
    if not admin.is_admin:
        raise PermissionDenied(_l("Only your organisation's admins can add people."),
                               reason="admin_only")
    member = create_organiser(session, admin.organisation, email=email, name=name,
                              password=password, role=role,
                              password_hash_method=password_hash_method)
    _audit(session, admin, "team.member_added", f"{member.name} <{member.email}>",
           role=member.role)
    return member


def change_password(session: Session, organiser: Organiser, *, current_password: str,
                    new_password: str, password_hash_method: str,
                    now: datetime | None = None) -> str:
    """Change the organiser's own password; the current one is required.

    Ends every session of the organiser, this one too, and opens a new one for the browser
    that asked: returns its secret. Refuses with ValidationFailed a wrong current password
    (`current_password`) or a new one that may not be chosen (`new_password`).
    """
    if not check_password_hash(organiser.password_hash, current_password or ""):
        raise ValidationFailed(_l("Fix the marked fields."), reason="wrong_password", fields={
            "current_password": _l("This is not your current password.")})
    problem = password_problem(new_password, email=organiser.email)
    if problem:
        raise ValidationFailed(_l("Fix the marked fields."), fields={"new_password": problem})
    now = now or utcnow()
    organiser.password_hash = generate_password_hash(new_password,
                                                     method=password_hash_method)
    ended = sessions.end_all_sessions(session, organiser.id,
                                      reason=sessions.PASSWORD_CHANGED, now=now)
    _audit(session, organiser, "account.password_changed", organiser.name,
           sessions_ended=ended)
    return sessions.start_session(session, organiser, now=now)


def sign_out_everywhere(session: Session, organiser: Organiser, *,
                        now: datetime | None = None) -> int:
    """End every session of the organiser, this one too; return how many were ended."""
    ended = sessions.end_all_sessions(session, organiser.id,
                                      reason=sessions.SIGNED_OUT_EVERYWHERE, now=now)
    _audit(session, organiser, "account.signed_out_everywhere", organiser.name,
           sessions_ended=ended)
    return ended


def switch_off_organiser(session: Session, admin: Organiser, member_id: int, *,
                         now: datetime | None = None) -> Organiser:
    """An admin stops a colleague's access at once: their sessions end and their API tokens
    are revoked (a colleague switched on again makes new ones). Refuses anyone but the
    organisation's admins (`admin_only`), oneself (`cannot_switch_off_yourself`: ask
    another admin) and people of other organisations (not found). A repeat changes nothing.
    """
    member = _team_member(session, admin, member_id)
    if member.id == admin.id:
        raise Conflict(_l("You cannot switch yourself off: ask another admin."),
                       reason="cannot_switch_off_yourself")
    now = now or utcnow()
    if member.is_active:
        member.is_active = False
        ended = sessions.end_all_sessions(session, member.id, reason=sessions.SWITCHED_OFF,
                                          now=now)
        revoked = session.execute(
            update(ApiToken)
            .where(ApiToken.organiser_id == member.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now).execution_options(synchronize_session=False)
        ).rowcount
        _audit(session, admin, "team.member_switched_off", member.name,
               sessions_ended=ended, api_tokens_revoked=revoked)
    return member


def switch_on_organiser(session: Session, admin: Organiser, member_id: int) -> Organiser:
    """An admin lets a switched-off colleague sign in again; a repeat changes nothing."""
    member = _team_member(session, admin, member_id)
    if not member.is_active:
        member.is_active = True
        _audit(session, admin, "team.member_switched_on", member.name)
    return member


def _team_member(session: Session, admin: Organiser, member_id: int) -> Organiser:
    if not admin.is_admin:
        raise PermissionDenied(_l("Only your organisation's admins can do this."),
                               reason="admin_only")
    member = session.get(Organiser, member_id)
    if member is None or member.organisation_id != admin.organisation_id:
        raise NotFound(_l("No such person in your team."), reason="organiser_not_found")
    return member


def set_small_cell_threshold(session: Session, admin: Organiser, threshold: int) -> Organisation:
    """An admin sets the smallest figure of people the organisation's donor reports show
    (any breakdown cell under it reads "<N"). Refuses anyone but the organisation's admins
    (`admin_only`) and a number outside SMALL_CELL_THRESHOLDS (ValidationFailed on
    `small_cell_threshold`). Recorded in the audit log; a repeat changes nothing."""
    if not admin.is_admin:
        raise PermissionDenied(_l("Only your organisation's admins can do this."),
                               reason="admin_only")
    if threshold not in SMALL_CELL_THRESHOLDS:
        message = _l("Enter a whole number from %(least)d to %(most)d.",
                     least=SMALL_CELL_THRESHOLDS.start, most=SMALL_CELL_THRESHOLDS.stop - 1)
        raise ValidationFailed(message, fields={"small_cell_threshold": message})
    organisation = admin.organisation
    if organisation.small_cell_threshold != threshold:
        _audit(session, admin, "organisation.small_cell_threshold_changed", organisation.name,
               small_cell_threshold=[organisation.small_cell_threshold, threshold])
        organisation.small_cell_threshold = threshold
    return organisation


def list_team(session: Session, organiser: Organiser) -> list[Organiser]:
    return list(
        session.scalars(
            select(Organiser)
            .where(Organiser.organisation_id == organiser.organisation_id)
            .order_by(Organiser.name)
        )
    )


def authenticate(session: Session, email: str, password: str, *,
                 password_hash_method: str) -> Organiser | None:
    """Return the active organiser with this email and password, or None."""
    organiser = session.scalar(
        select(Organiser).where(Organiser.email == (email or "").strip().lower())
    )
    if organiser is None:
        check_password_hash(_dummy_hash(password_hash_method), password or "")
        return None
    if not organiser.is_active or not check_password_hash(organiser.password_hash, password or ""):
        return None
    return organiser


def create_api_token(session: Session, organiser: Organiser, name: str) -> tuple[ApiToken, str]:
    """Make a token for the organiser; return the stored row and the token, shown only now."""
    name = (name or "").strip()[:100] or "API token"
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        organiser_id=organiser.id, name=name, token_hash=_hash_token(token),
        token_hint=token[:10],
    )
    session.add(row)
    session.flush()
    _audit(session, organiser, "api_token.created", name, starts_with=token[:10])
    return row, token


def list_api_tokens(session: Session, organiser: Organiser) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.organiser_id == organiser.id)
            .order_by(ApiToken.created_at.desc())
        )
    )


def revoke_api_token(session: Session, organiser: Organiser, token_id: int) -> ApiToken:
    """Revoke one of the organiser's own tokens; other people's tokens do not exist for them."""
    row = session.get(ApiToken, token_id)
    if row is None or row.organiser_id != organiser.id:
        raise NotFound(_l("No such token."), reason="token_not_found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        _audit(session, organiser, "api_token.revoked", row.name)
    return row


def organiser_for_api_token(session: Session, token: str) -> Organiser | None:
    """Return the active organiser a live token belongs to, or None."""
    if not token or not token.startswith(API_TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if row is None or row.revoked_at is not None or not row.organiser.is_active:
        return None
    return row.organiser


def find_organiser_or_none(session: Session, email: str) -> Organiser | None:
    return session.scalar(select(Organiser).where(Organiser.email == email.strip().lower()))


def find_organiser(session: Session, email: str) -> Organiser:
    organiser = find_organiser_or_none(session, email)
    if organiser is None:
        raise NotFound(_l("No organiser with this email."), reason="organiser_not_found")
    return organiser


def _audit(session: Session, organiser: Organiser, action: str, target: str, **details) -> None:
    """Record an account action in the caller's transaction."""
    record(session, organisation_id=organiser.organisation_id, by=organiser,
           action=action, target=target, details=details)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
