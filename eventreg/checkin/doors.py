"""Door accesses: the links volunteers open to check people in, and their secret tokens.

A door access belongs to one event and, optionally, to some of its activities (a workshop
tent's door). Its token is the only credential a volunteer holds: it works from its
creation until a day after the event ends, or until an organiser revokes it; after that
day it still uploads scans made before, for DOOR_UPLOAD_GRACE_DAYS (late uploads).
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, bindparam, cast, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from eventreg.accounts.models import Organiser
from eventreg.audit.service import record
from eventreg.checkin.models import (
    VALID_AFTER_EVENT,
    Checkin,
    DoorAccess,
    door_access_activities,
)
from eventreg.checkin.scanning import DoorSettings, DoorView
from eventreg.database import execute_core, utcnow
from eventreg.encryption import secret_box
from eventreg.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from eventreg.events.models import PHOTOS, Activity, Event
from eventreg.i18n import localized
from eventreg.text import clean_text, is_blank

DOOR_TOKEN_PREFIX = "door_"
MAX_DOOR_NAME_LENGTH = 100


class DoorAccessRefused(DomainError):
    """The request's door token does not (or no longer) open any door.

    Reasons: door_unknown, door_revoked, door_expired.
    """

    status_code = 401
    default_reason = "door_unknown"


class KioskRefused(PermissionDenied):
    """A kiosk door asked for what only a volunteer's door may do. Reason: kiosk_door."""

    default_reason = "kiosk_door"


def refuse_at_kiosk(door: DoorAccess | DoorView, *, action: str, by_hand: bool,
                    overriding: bool) -> None:
    """Refuse, at a self check-in kiosk, anything but a scanned ticket's own check-in or
    check-out: a look-up by hand (by attendee id), an undo, a walk-in (`action` "walk_in"),
    an override (a volunteer's decision). A volunteer's door is never refused here."""
    if not door.kiosk:
        return
    if by_hand or overriding or action not in ("check_in", "check_out"):
        raise KioskRefused(
            _l("This door is a self check-in kiosk: scan your ticket. Ask a volunteer for "
               "anything else."),
        )


def create_door_access(
    session: Session,
    event: Event,
    name: str,
    *,
    activity_ids: list[int] = (),
    records_exits: bool = False,
    kiosk: bool = False,
    by: Organiser | None = None,
    for_sign_in_sheets: bool = False,
    created_at: datetime | None = None,
) -> tuple[DoorAccess, str]:
    """Make a door access for `event`; return it and its token (the link's secret part).
    `by` is the organiser who made it (None: the command line). A door `for_sign_in_sheets`
    is switched off from the start (see eventreg/checkin/sign_in_sheets.py); a `kiosk` door
    is a tablet families scan their own tickets at (see `refuse_at_kiosk`); `created_at`
    (no later than now) lets scans be timed from then.

    Refuses with ValidationFailed an empty or over-long name or an activity of another event,
    and with Conflict `event_over` a door for an event that had ended by `created_at` (a
    sign-in sheets' door excepted: sheets are typed in afterwards).
    """
    if not for_sign_in_sheets and event.ends_at <= min(created_at or utcnow(), utcnow()):
        raise Conflict(_l("This event is over: no new door links can be made for it."),
                       reason="event_over")
    name = clean_text(name)
    errors = {}
    if is_blank(name):
        errors["name"] = _l("Name the door, e.g. Main gate.")
    elif len(name) > MAX_DOOR_NAME_LENGTH:
        errors["name"] = _l("Keep the name under 100 characters.")
    activities_by_id = {activity.id: activity for activity in event.activities}
    chosen = []
    for activity_id in dict.fromkeys(activity_ids or []):
        if activity_id not in activities_by_id:
            errors["activities"] = _l("Choose from the activities listed.")
            break
        chosen.append(activities_by_id[activity_id])
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), fields=errors)
    token = DOOR_TOKEN_PREFIX + secrets.token_urlsafe(24)
    door = DoorAccess(
        event_id=event.id,
        name=name,
        token_hash=_hash_token(token),
        token_encrypted=_token_box().encrypt(token.encode()),
        records_exits=records_exits,
        kiosk=kiosk,
        created_by_id=by.id if by is not None else None,
        for_sign_in_sheets=for_sign_in_sheets,
        revoked_at=utcnow() if for_sign_in_sheets else None,
        activities=chosen,
    )
    if created_at is not None:
        door.created_at = min(created_at, utcnow())
    session.add(door)
    session.flush()
    record(session, organisation_id=event.organisation_id, event_id=event.id, by=by,
           actor="command line", action="door.created", target=name,
           details={"activities": [localized(a.title) for a in chosen],
                    "records_exits": records_exits, "kiosk": kiosk})
    return door, token


def door_token(door: DoorAccess) -> str:
    """Return the door's token, to show its link again."""
    return _token_box().decrypt(door.token_encrypted).decode()


def door_expires_at(door: DoorAccess) -> datetime:
    return door.event.ends_at + VALID_AFTER_EVENT


def door_is_live(door: DoorAccess, now: datetime | None = None) -> bool:
    return door.revoked_at is None and (now or utcnow()) < door_expires_at(door)


def door_for_token(session: Session, token: str, *, for_uploads: bool = False,
                   upload_grace: timedelta | None = None,
                   now: datetime | None = None) -> DoorAccess:
    """Return the live door access `token` opens; refuse unknown, revoked or expired tokens.

    `for_uploads` also opens a switched-off door (not a sign-in sheets' one), so that a
    phone hands in the scans it made before: the door's rule refuses those made after.
    With `for_uploads`, an expired link that was not switched off also opens for
    `upload_grace` after its expiry (late uploads: the setting DOOR_UPLOAD_GRACE_DAYS,
    passed by the caller; None for none), to hand in scans made while it worked; the
    rule answers those made later `door_expired`. A switched-off door's link keeps its
    own rule: its uploads are taken until the link's expiry, not after.
    """
    token = (token or "").strip()
    door = None
    if token.startswith(DOOR_TOKEN_PREFIX):
        # One query: the door, its event and its activities (usually none or one).
        door = session.execute(
            select(DoorAccess)
            .where(DoorAccess.token_hash == _hash_token(token))
            .options(joinedload(DoorAccess.event), joinedload(DoorAccess.activities))
        ).unique().scalar_one_or_none()
    if door is None:
        _refuse_unknown()
    _refuse_unless_live(door.revoked_at, door.for_sign_in_sheets, door_expires_at(door),
                        for_uploads=for_uploads, upload_grace=upload_grace, now=now)
    return door


def door_view_for_token(session: Session, token: str, *, settings: DoorSettings,
                        for_uploads: bool = False, upload_grace: timedelta | None = None,
                        now: datetime | None = None) -> DoorView:
    """What a scan needs of the live door `token` opens (scanning.DoorView), read in one
    statement of columns, with no objects loaded: the look-up of every live scan. Refuses
    as `door_for_token` does, from the row as stored now (nothing is kept across
    requests, so a door switched off a moment ago is refused at once). At an activity's
    door, a second small query reads when its sessions start (the time window)."""
    token = (token or "").strip()
    row = None
    if token.startswith(DOOR_TOKEN_PREFIX):
        row = execute_core(session, _door_view_select(),
                           {"token_hash": _hash_token(token)}).first()
    if row is None:
        _refuse_unknown()
    _refuse_unless_live(row.revoked_at, row.for_sign_in_sheets,
                        row.ends_at + VALID_AFTER_EVENT, for_uploads=for_uploads,
                        upload_grace=upload_grace, now=now)
    activity_ids = _ids(row.activity_ids)
    starts = ()
    if activity_ids:
        starts = tuple(session.execute(select(Activity.id, Activity.starts_at).where(
            Activity.id.in_(activity_ids)).order_by(Activity.id)).tuples())
    return DoorView(
        id=row.id, event_id=row.event_id, name=row.name,
        activity_ids=activity_ids, created_at=row.created_at,
        event_cancelled_at=row.cancelled_at,
        revoked_at=None if row.for_sign_in_sheets else row.revoked_at,
        asks_photo_consent=PHOTOS in (row.optional_consents or ()),
        event_activity_ids=frozenset(_ids(row.event_activity_ids)),
        event_timezone=row.timezone, kiosk=row.kiosk,
        last_contact_at=row.last_contact_at, scans_held=row.scans_held,
        expires_at=None if row.for_sign_in_sheets else row.ends_at + VALID_AFTER_EVENT,
        activity_starts=starts, settings=settings,
    )


@cache
def _door_view_select():
    """The door's columns, its event's and both's activity ids (built once)."""
    doors, events = DoorAccess.__table__, Event.__table__
    served, activities = door_access_activities.c, Activity.__table__.c

    def id_list(column, where):
        return (select(func.aggregate_strings(cast(column, String), ",")).where(where)
                .scalar_subquery())

    return (
        select(doors.c.id, doors.c.event_id, doors.c.name, doors.c.created_at,
               doors.c.revoked_at, doors.c.for_sign_in_sheets, doors.c.kiosk,
               doors.c.last_contact_at, doors.c.scans_held, events.c.cancelled_at,
               events.c.ends_at, events.c.optional_consents, events.c.timezone,
               id_list(served.activity_id, served.door_access_id == doors.c.id)
               .label("activity_ids"),
               id_list(activities.id, activities.event_id == doors.c.event_id)
               .label("event_activity_ids"))
        .join(events, events.c.id == doors.c.event_id)
        .where(doors.c.token_hash == bindparam("token_hash"))
    )


def _ids(joined: str | None) -> tuple[int, ...]:
    return tuple(sorted(int(part) for part in (joined or "").split(",") if part))


def _refuse_unknown():
    raise DoorAccessRefused(
        _l("This door link is not valid. Ask the organiser for a new one."),
        reason="door_unknown",
    )


def _refuse_unless_live(revoked_at: datetime | None, for_sign_in_sheets: bool,
                        expires_at: datetime, *, for_uploads: bool,
                        upload_grace: timedelta | None, now: datetime | None) -> None:
    if revoked_at is not None and not (for_uploads and not for_sign_in_sheets):
        raise DoorAccessRefused(
            _l("This door link was switched off. Ask the organiser for a new one."),
            reason="door_revoked",
        )
    now = now or utcnow()
    late_upload = (for_uploads and revoked_at is None and upload_grace is not None
                   and now < expires_at + upload_grace)
    if now >= expires_at and not late_upload:
        raise DoorAccessRefused(
            _l("This door link expired after the event."), reason="door_expired"
        )


def revoke_door_access(session: Session, door: DoorAccess, *, by: Organiser | None = None,
                       now: datetime | None = None) -> None:
    """Switch the door link off at once; a repeat changes nothing."""
    if door.revoked_at is None:
        door.revoked_at = now or utcnow()
        record(session, organisation_id=door.event.organisation_id, event_id=door.event_id,
               by=by, actor="command line", action="door.revoked", target=door.name)


def list_door_accesses(session: Session, event: Event) -> list[DoorAccess]:
    """The event's door accesses, newest first."""
    return list(
        session.scalars(
            select(DoorAccess)
            .where(DoorAccess.event_id == event.id)
            .options(selectinload(DoorAccess.activities))
            .order_by(DoorAccess.created_at.desc(), DoorAccess.id.desc())
        )
    )


def count_scans_by_door(session: Session, event: Event) -> dict[int, int]:
    """How many scans each door of the event sent (for the organiser's door list)."""
    rows = session.execute(
        select(Checkin.door_access_id, func.count(Checkin.id))
        .where(Checkin.event_id == event.id)
        .group_by(Checkin.door_access_id)
    )
    return dict(rows.all())


def get_door_access(session: Session, event: Event, door_id: int) -> DoorAccess:
    door = session.get(DoorAccess, door_id)
    if door is None or door.event_id != event.id:
        raise NotFound(_l("No such door."), reason="door_not_found")
    return door


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token_box():
    return secret_box(current_app.config["TICKET_KEY_SECRET"], "eventreg door access tokens")
