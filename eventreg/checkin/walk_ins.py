"""People registered at the door and checked in at once (capacity permitting)."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from eventreg.checkin.models import DoorAccess
from eventreg.checkin.scanning import (
    NO_TIME_RULES,
    CheckinRequest,
    CheckinResult,
    DoorView,
    check_in,
)
from eventreg.database import utcnow
from eventreg.errors import ValidationFailed
from eventreg.i18n import localized
from eventreg.registrations import service as registrations
from eventreg.registrations.models import Registration


@dataclass(frozen=True)
class WalkIn:
    registration: Registration
    results: list[CheckinResult]
    #: False when the request repeated an earlier one (same client_id): nothing new made.
    is_new: bool = True


def register_walk_in(
    session: Session,
    door: DoorAccess,
    request: registrations.RegistrationRequest,
    *,
    phone_region: str | None,
    scanned_at: datetime | None = None,
    now: datetime | None = None,
) -> WalkIn:
    """Register a party at the door and check every attendee in at once (at `scanned_at`,
    within the door's lifetime, when they came earlier than now).

    Sending it again with the same `client_id` registers and checks in once.

    The same capacity rule as online registration applies (Conflict `event_full`,
    `activity_full`); the event may be closed to online registration but not cancelled.
    At an activity's door everyone registered must choose (one of) its activities, and is
    checked in to it; otherwise ValidationFailed, before anything is stored.
    """
    now = now or utcnow()
    _require_door_activity(door, request)
    request.client_id = request.client_id or uuid.uuid4().hex
    outcome = registrations.register(
        session, door.event, request, phone_region=phone_region,
        walk_in=True, now=now,
    )
    registration = outcome.registration
    door_activity_ids = {activity.id for activity in door.activities}
    view = DoorView.of(door, NO_TIME_RULES)  # just registered at the door: admitted at once
    results = []
    for attendee in registration.active_attendees:
        chosen = [a.id for a in attendee.activities if a.id in door_activity_ids]
        results.append(check_in(session, view, CheckinRequest(
            client_id=f"walk-in-{registration.id}-{attendee.id}",
            attendee_id=attendee.id,
            activity_id=chosen[0] if chosen else None,
            scanned_at=scanned_at,
        ), now=now))
    return WalkIn(registration=registration, results=results, is_new=outcome.is_new)


def _require_door_activity(door: DoorAccess, request: registrations.RegistrationRequest) -> None:
    door_activity_ids = {activity.id for activity in door.activities}
    if not door_activity_ids:
        return
    names = ", ".join(localized(activity.title) for activity in door.activities)
    missing = {
        f"attendees.{index}.activities": _l(
            "Choose %(activities)s: this door checks people in to it.", activities=names)
        for index, person in enumerate(request.attendees)
        if not door_activity_ids & {registrations.as_int(value) for value in person.activity_ids or []}
    }
    if missing:
        raise ValidationFailed(_l("Please correct the marked fields."), fields=missing)
