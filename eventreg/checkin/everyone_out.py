"""Everyone out at the end of a day: check out everyone still inside, where exits are not
scanned and "inside now" would stay high.

An organiser does it by hand (now) or sets a time; either way each person still inside
gets an exit in the log, made at that time through the event's "Everyone out" door (a
door with no link, like the sign-in sheets' one), decided by the door's rule like any
scan (eventreg/checkin/scanning.py). So a person who comes back later is welcomed again,
and a late upload of scans made before still takes its place among them.

A child holding an open pick-up code (eventreg/checkin/pickup.py) is not checked out: a
child leaves a workshop that asks codes only when handed over, so the organiser is told
how many are still there instead.

A set time is applied by `flask --app eventreg apply-scheduled-check-outs` (cron, every
minute) and by the mail worker's loop (`deliver-messages --loop`), each once: the one that
claims it (a conditional UPDATE) applies it.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from eventreg.accounts.models import Organiser
from eventreg.audit.service import record
from eventreg.checkin.doors import create_door_access
from eventreg.checkin.everyone_out_models import ScheduledCheckOut
from eventreg.checkin.models import DoorAccess
from eventreg.checkin.pickup import children_holding_codes
from eventreg.checkin.rules import CHECK_OUT, ScanStatus
from eventreg.checkin.scanning import NO_TIME_RULES, CheckinRequest, DoorView, check_in
from eventreg.database import utcnow
from eventreg.errors import NotFound, ValidationFailed
from eventreg.events.models import Activity, Event
from eventreg.i18n import localized
from eventreg.registrations.models import Attendee, attendee_activities

#: The stored name of the door that "everyone out" exits are made through; pages show
#: it in their own language (eventreg/checkin/sign_in_sheets.py's `door_name`).
EVERYONE_OUT_DOOR = "Everyone out"


def _activity(event: Event, activity_id: int | None) -> Activity | None:
    if activity_id is None:
        return None
    activity = next((a for a in event.activities if a.id == activity_id), None)
    if activity is None:
        raise ValidationFailed(_l("Choose the event or one of its activities."),
                               fields={"activity": _l("No such activity at this event.")})
    return activity


@dataclass(frozen=True)
class EveryoneOut:
    """What checking everyone out did (or would do) at the event's entrance or an activity."""

    #: People checked out.
    checked_out: int
    #: Children left inside because they hold an open pick-up code.
    kept_for_pickup: int


def people_inside(session: Session, event: Event, activity_id: int | None = None
                  ) -> EveryoneOut:
    """What checking everyone out would do now: how many people it would check out at
    the event's entrance (or the one activity), and how many children holding a pick-up
    code it would leave inside, wherever it would check people out."""
    _activity(event, activity_id)
    inside: set[int] = set()
    kept: set[int] = set()
    for place in _places(event, activity_id):
        inside_here, held = _inside_and_held(session, event, place)
        kept |= held
        if place == activity_id:
            inside = set(inside_here)
    return EveryoneOut(checked_out=len(inside - kept), kept_for_pickup=len(kept))


def _places(event: Event, activity_id: int | None) -> list[int | None]:
    """Where everyone out checks people out: the activity, or every activity and then the
    entrance (None)."""
    if activity_id is not None:
        return [activity_id]
    return [*(activity.id for activity in event.activities), None]


def _inside_and_held(session: Session, event: Event, place: int | None
                     ) -> tuple[list[int], set[int]]:
    """Who is inside at `place`, and which of them hold an open pick-up code there (at the
    entrance: at any of the event's workshops, as they are still inside it). Who is
    inside is read first, so a child let in meanwhile is at worst inside without a code
    here, and goes out as anyone else."""
    inside = _inside(session, event, place)
    return inside, set(inside) & children_holding_codes(session, event.id, place)


def _inside(session: Session, event: Event, activity_id: int | None) -> list[int]:
    if activity_id is None:
        return list(session.scalars(select(Attendee.id).where(
            Attendee.event_id == event.id, Attendee.checked_in_at.is_not(None),
            Attendee.left_at.is_(None)).order_by(Attendee.id)))
    choice = attendee_activities.c
    return list(session.scalars(
        select(choice.attendee_id).join(Attendee, Attendee.id == choice.attendee_id)
        .where(Attendee.event_id == event.id, choice.activity_id == activity_id,
               choice.checked_in_at.is_not(None), choice.left_at.is_(None))
        .order_by(choice.attendee_id)))


def check_everyone_out(session: Session, event: Event, *, activity_id: int | None = None,
                       at: datetime, by: Organiser | None, run_id: str | None = None,
                       now: datetime | None = None) -> EveryoneOut:
    """Check out everyone inside at `at` (no later than now): at the event's entrance and
    every activity, or, with `activity_id`, at that activity only; in the caller's unit of
    work, audited. Children holding an open pick-up code stay in where they hold it, and
    at the entrance (they leave through a pick-up). Returns how many people went out at
    the entrance or the activity, and how many children stayed anywhere.

    `run_id` makes a repeat harmless (a schedule applied twice checks out once); `by` None
    is the set time. Refuses with ValidationFailed an activity of another event and a time
    still to come.
    """
    now = now or utcnow()
    activity = _activity(event, activity_id)
    if at > now:
        raise ValidationFailed(_l("Set a time still to come, or check everyone out now."),
                               fields={"at": _l("This time is still to come.")})
    run_id = run_id or secrets.token_urlsafe(9)
    view = DoorView.of(_everyone_out_door(session, event, by), NO_TIME_RULES)
    checked_out = 0
    kept: set[int] = set()
    for place in _places(event, activity_id):
        inside, held = _inside_and_held(session, event, place)
        kept |= held
        for attendee_id in inside:
            if attendee_id in held:
                continue
            result = check_in(session, view, CheckinRequest(
                client_id=f"out-{run_id}-{attendee_id}-{place or 'event'}", action=CHECK_OUT,
                attendee_id=attendee_id, activity_id=place, scanned_at=at),
                earliest_wins=True, now=now)
            if place == activity_id and result.status == ScanStatus.CHECKED_OUT:
                checked_out += 1
    record(session, organisation_id=event.organisation_id, event_id=event.id, by=by,
           actor="schedule", action="checkin.everyone_out",
           target=localized(activity.title) if activity else localized(event.title),
           details={"people": checked_out, "kept_for_pickup": len(kept),
                    "scanned_at": at.isoformat()})
    return EveryoneOut(checked_out=checked_out, kept_for_pickup=len(kept))


def _everyone_out_door(session: Session, event: Event, by: Organiser | None) -> DoorAccess:
    door = session.scalar(select(DoorAccess).where(
        DoorAccess.event_id == event.id, DoorAccess.for_sign_in_sheets,
        DoorAccess.name == EVERYONE_OUT_DOOR))
    if door is None:
        # No link (switched off from the start), timed from the event's start so that
        # exits at any time of the day keep their time.
        door, _token = create_door_access(session, event, EVERYONE_OUT_DOOR, by=by,
                                          for_sign_in_sheets=True,
                                          created_at=event.starts_at)
    return door


# --- at a set time -----------------------------------------------------------------------------


def check_set_time(at: datetime, now: datetime) -> None:
    """Refuse (ValidationFailed) a set time that has already come."""
    if at <= now:
        raise ValidationFailed(_l("This time has passed: check everyone out now instead."),
                               fields={"at": _l("Choose a time still to come.")})


def schedule_everyone_out(session: Session, event: Event, *, activity_id: int | None,
                          at: datetime, by: Organiser,
                          now: datetime | None = None) -> ScheduledCheckOut:
    """Set a time at which everyone still inside is checked out (see
    `check_everyone_out`); audited. Refuses with ValidationFailed a time already past and an
    activity of another event."""
    activity = _activity(event, activity_id)
    check_set_time(at, now or utcnow())
    schedule = ScheduledCheckOut(event_id=event.id, activity_id=activity_id, at=at,
                                 created_by_id=by.id)
    session.add(schedule)
    session.flush()
    record(session, organisation_id=event.organisation_id, event_id=event.id, by=by,
           action="checkin.everyone_out_scheduled",
           target=localized(activity.title) if activity else localized(event.title),
           details={"scanned_at": at.isoformat()})
    return schedule


def scheduled_check_outs(session: Session, event: Event) -> list[ScheduledCheckOut]:
    """The event's set times still to be applied, soonest first."""
    return list(session.scalars(select(ScheduledCheckOut).where(
        ScheduledCheckOut.event_id == event.id, ScheduledCheckOut.applied_at.is_(None))
        .order_by(ScheduledCheckOut.at, ScheduledCheckOut.id)))


def cancel_scheduled_check_out(session: Session, event: Event, schedule_id: int, *,
                               by: Organiser) -> None:
    """Take back a set time not yet applied; audited. Refuses (NotFound
    `schedule_not_found`) one of another event or already applied."""
    schedule = session.get(ScheduledCheckOut, schedule_id)
    if schedule is None or schedule.event_id != event.id or schedule.applied_at is not None:
        raise NotFound(_l("No such time is set."), reason="schedule_not_found")
    activity = _activity(event, schedule.activity_id)
    record(session, organisation_id=event.organisation_id, event_id=event.id, by=by,
           action="checkin.everyone_out_unscheduled",
           target=localized(activity.title) if activity else localized(event.title),
           details={"scanned_at": schedule.at.isoformat()})
    session.delete(schedule)


def due_check_outs(session: Session, now: datetime) -> list[int]:
    """The ids of set times that are due and not yet applied, oldest first."""
    return list(session.scalars(select(ScheduledCheckOut.id).where(
        ScheduledCheckOut.applied_at.is_(None), ScheduledCheckOut.at <= now)
        .order_by(ScheduledCheckOut.at, ScheduledCheckOut.id)))


def apply_scheduled_check_out(session: Session, schedule_id: int,
                              now: datetime | None = None) -> EveryoneOut | None:
    """Apply one due set time in the caller's unit of work: claim it (None when another
    process did, or it was taken back), then check everyone out at its time. Returns what
    it did (see `check_everyone_out`)."""
    now = now or utcnow()
    claimed = session.execute(
        update(ScheduledCheckOut)
        .where(ScheduledCheckOut.id == schedule_id, ScheduledCheckOut.applied_at.is_(None),
               ScheduledCheckOut.at <= now)
        .values(applied_at=now).returning(ScheduledCheckOut.event_id,
                                          ScheduledCheckOut.activity_id, ScheduledCheckOut.at)
    ).one_or_none()
    if claimed is None:
        return None
    event = session.get(Event, claimed.event_id)
    done = check_everyone_out(session, event, activity_id=claimed.activity_id,
                              at=claimed.at, by=None, run_id=f"set{schedule_id}", now=now)
    session.execute(update(ScheduledCheckOut).where(ScheduledCheckOut.id == schedule_id)
                    .values(checked_out=done.checked_out))
    return done

