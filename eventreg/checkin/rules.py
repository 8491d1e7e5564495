"""The door's rule: what one scan comes to, decided from the ticket's state at the scan's
own time, the door, and the earlier scans of the same place. Pure: no database, no clock.

Every path that decides a scan uses `decide`: live scans and uploads of scans made offline
(eventreg/checkin/scanning.py), walk-ins and sign-in sheets (through those), and, written
again in JavaScript for a phone that is offline, static/js/door/rules.js. The two are held
to one table of cases, tests/cases/scan_rules.json, read by tests/checkin/test_rules.py and
tests/js/rules.test.mjs; every case of it is also run against the server
(tests/checkin/test_scan_cases.py).

The rule, in order:

1. A scan through a door after it was switched off decides nothing: `door_revoked`;
   nor does one made after the door's link expired (an upload in the grace period for
   late uploads of a scan made too late): `door_expired`.
2. The code must be a ticket of the door's event: `invalid` (not a ticket, forged or
   altered), `wrong_event`, `unknown` (well signed, but no such attendee).
3. Coming in is refused for an event cancelled at or before the scan (`event_cancelled`)
   and for a ticket cancelled at or before it (`cancelled`). Cancelled after the scan,
   the person was admitted: the scan stands and is flagged for the organiser
   (`cancelled_after_scan`, `event_cancelled_after_scan`).
4. At an activity's door the attendee must have chosen the activity: `wrong_activity`
   (going out or an undo there too, unless an override let them in there).
5. Otherwise the place's scans are replayed in the order they were made, this one among
   them (`replay`): the first check-in admits, a later one is `already_checked_in`
   unless the person went out in between (then `checked_in` again, the first arrival
   kept); going out needs being in; an undo takes back the last admission (an undone
   return puts the person back outside). A check-in at an activity's door admits to the
   event too, so the entrance's replay counts it (as an `implied` scan, with no answer).
   An arrival (not someone already inside) long before the activity's session starts
   (before the door's `opens_at`: the session's start less the event's warning time) is
   `too_early`. Like pretix's time rules, it asks rather than admits: the volunteer sees
   amber and may let the person in (an override).
6. An undo at the door that made the admission, within the door's `undo_window` of it,
   takes it back at once. An undo from another door, or later, needs a reason from
   UNDO_REASONS: without one it is `undo_needs_reason` (nothing taken back); with one it
   is `undone`, flagged `undone_with_reason` for the organisers.

A recorded override: a check-in sent with a reason from OVERRIDE_REASONS admits a person
the rule would refuse with one of OVERRIDABLE (a cancelled ticket, the wrong activity, a
duplicate, too early), flagged `overridden` with the refusal it overrode kept beside it.
A refusal with nobody to admit (not a ticket, another event's, an unknown attendee) or
from a door that decides nothing (switched off, expired), or at a cancelled event, is
never overridden. An override the scan did not need (it admits anyway) is not recorded.
Someone with no ticket at all is no override either: there is nobody to record it for.
The door registers them as a walk-in (eventreg/checkin/walk_ins.py, POST /door/walk-ins:
within the event's places, counted as a walk-in and admitted at once).
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum


class ScanStatus(StrEnum):
    """What a scan comes to: the answer a door shows, and the API's `status`."""

    CHECKED_IN = "checked_in"
    ALREADY_CHECKED_IN = "already_checked_in"
    CHECKED_OUT = "checked_out"
    ALREADY_CHECKED_OUT = "already_checked_out"
    NOT_CHECKED_IN = "not_checked_in"
    UNDONE = "undone"
    CANCELLED = "cancelled"
    EVENT_CANCELLED = "event_cancelled"
    WRONG_EVENT = "wrong_event"
    WRONG_ACTIVITY = "wrong_activity"
    INVALID = "invalid"
    UNKNOWN = "unknown"
    DOOR_REVOKED = "door_revoked"
    DOOR_EXPIRED = "door_expired"
    TOO_EARLY = "too_early"
    UNDO_NEEDS_REASON = "undo_needs_reason"


#: What each status means for the door's volunteer and for programs (the API document
#: lists them from here).
STATUS_MEANINGS = {
    ScanStatus.CHECKED_IN: "Welcome: admitted (also when coming back after going out).",
    ScanStatus.ALREADY_CHECKED_IN: "Came in before: `checked_in_at` and `checked_in_door` say "
    "when and where.",
    ScanStatus.CHECKED_OUT: "Went out (doors that record exits).",
    ScanStatus.ALREADY_CHECKED_OUT: "Was already out: `left_at` says since when.",
    ScanStatus.NOT_CHECKED_IN: "Cannot go out or be undone: not checked in.",
    ScanStatus.UNDONE: "The last admission was taken back.",
    ScanStatus.CANCELLED: "The ticket was cancelled before the scan.",
    ScanStatus.EVENT_CANCELLED: "The event was cancelled before the scan.",
    ScanStatus.WRONG_EVENT: "A real ticket of another event.",
    ScanStatus.WRONG_ACTIVITY: "The attendee did not choose this door's activity.",
    ScanStatus.INVALID: "Not a ticket: unreadable, forged or altered (in a batch upload, "
    "also an item this door cannot take, e.g. an activity it does not serve).",
    ScanStatus.UNKNOWN: "No such attendee at this event.",
    ScanStatus.DOOR_REVOKED: "Scanned after the door link was switched off: it decides "
    "nothing (scans made before are taken).",
    ScanStatus.DOOR_EXPIRED: "Scanned after the door link expired (an upload in the grace "
    "period for late uploads of a scan made after the expiry): it decides nothing.",
    ScanStatus.TOO_EARLY: "At an activity's door, an arrival long before its session starts "
    "(`opens_at` says from when the door admits; someone already inside is "
    "`already_checked_in`): not admitted unless the volunteer lets the person in with an "
    "override.",
    ScanStatus.UNDO_NEEDS_REASON: "An undo from another door than the one that admitted, "
    "or later than the undo window: send it again with a `reason` (nothing was taken back).",
}

#: Answers that come from replaying a place's scans; a scan answered otherwise was refused
#: before the replay and is not part of anyone's history.
REPLAYED = frozenset({ScanStatus.CHECKED_IN, ScanStatus.ALREADY_CHECKED_IN,
                      ScanStatus.CHECKED_OUT, ScanStatus.ALREADY_CHECKED_OUT,
                      ScanStatus.NOT_CHECKED_IN, ScanStatus.UNDONE})

CHECK_IN, CHECK_OUT, UNDO = "check_in", "check_out", "undo"
ACTIONS = (CHECK_IN, CHECK_OUT, UNDO)

#: Flags of an admission the organiser should know of.
CANCELLED_AFTER_SCAN = "cancelled_after_scan"
EVENT_CANCELLED_AFTER_SCAN = "event_cancelled_after_scan"
#: A volunteer let the person in despite a refusal (Decision.overrode says which).
OVERRIDDEN = "overridden"
#: An undo from another door or after the undo window, with a reason.
UNDONE_WITH_REASON = "undone_with_reason"

#: The refusals a volunteer may override: there is a person of this event to admit.
OVERRIDABLE = frozenset({ScanStatus.CANCELLED, ScanStatus.WRONG_ACTIVITY,
                         ScanStatus.ALREADY_CHECKED_IN, ScanStatus.TOO_EARLY})
#: Why a volunteer let someone in despite a refusal (the API's `override`).
OVERRIDE_REASONS = ("organiser_agreed", "identity_checked", "family_mix_up", "other")
#: Why an undo from another door or after the window is made (the API's `reason`).
UNDO_REASONS = ("wrong_person", "did_not_come_in", "scanned_by_mistake", "other")


@dataclass(frozen=True)
class Ticket:
    """The ticket a scan names, as the rule needs it."""

    #: "valid" (a ticket of the door's event, of an attendee it has), "invalid",
    #: "wrong_event" or "unknown".
    recognised: str = "valid"
    cancelled_at: datetime | None = None
    #: The activities the attendee chose.
    activity_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Door:
    """The door a scan came through, as the rule needs it."""

    #: The place it checks people in to: an activity, or None for the event's entrance.
    activity_id: int | None = None
    event_cancelled_at: datetime | None = None
    revoked_at: datetime | None = None
    #: The door's own id: an undo here of an admission made here is one tap.
    id: int | None = None
    #: When its link expired (scans made after decide nothing), or None.
    expires_at: datetime | None = None
    #: At an activity's door, the time from which check-ins are not too early, or None.
    opens_at: datetime | None = None
    #: How long after an admission an undo at the same door needs no reason; None when
    #: the caller applies no undo window (organisers' own tools): no undo needs a reason.
    undo_window: timedelta | None = None


@dataclass(frozen=True)
class Scan:
    """One scan of a place: what was asked, and when it was made."""

    action: str
    at: datetime
    #: Orders scans made at the same instant: the log's id, or None for the scan decided.
    order: int | None = None
    #: A check-in at an activity's door, counted at the entrance: admits, gets no answer.
    implied: bool = False
    #: The door that made it (Door.id).
    door: int | None = None
    #: For a check-in, the override's reason (OVERRIDE_REASONS); for an undo, the undo's
    #: (UNDO_REASONS); None for none.
    reason: str | None = None


@dataclass(frozen=True)
class PlaceState:
    """Whether someone is in at a place: the first arrival and the last exit (None while
    inside)."""

    checked_in_at: datetime | None = None
    left_at: datetime | None = None
    #: The scan that made the first arrival (its door is the one shown to others).
    admitted_by: Scan | None = field(default=None, compare=False)

    @property
    def inside(self) -> bool:
        return self.checked_in_at is not None and self.left_at is None


@dataclass(frozen=True)
class Replay:
    """What a place's scans come to: the state they leave, and each scan's answer (implied
    scans get none), in the order they were made."""

    state: PlaceState
    answers: dict[Scan, ScanStatus]
    #: For each undo that took an admission back, the scan that had made it.
    undid: dict[Scan, Scan] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    status: ScanStatus
    #: CANCELLED_AFTER_SCAN, EVENT_CANCELLED_AFTER_SCAN, OVERRIDDEN or UNDONE_WITH_REASON
    #: for a scan the organiser should see, else None (an override's flag comes first).
    flag: str | None = None
    #: The place's state once the scan is counted, and the answers every earlier scan now
    #: has (a scan made earlier and uploaded later can change them); None when refused.
    replay: Replay | None = None
    #: The refusal an override overrode (one of OVERRIDABLE), else None.
    overrode: ScanStatus | None = None
    #: The reason that was needed and given (an override's or an undo's), else None.
    reason: str | None = None


def link_refusal(door: Door, at: datetime) -> ScanStatus | None:
    """DOOR_REVOKED or DOOR_EXPIRED for a scan made once the door's link was switched off
    or had expired: it decides nothing. None while the link worked."""
    if door.revoked_at is not None and at >= door.revoked_at:
        return ScanStatus.DOOR_REVOKED
    if door.expires_at is not None and at >= door.expires_at:
        return ScanStatus.DOOR_EXPIRED
    return None


def decide(door: Door, ticket: Ticket, scan: Scan, earlier: list[Scan]) -> Decision:
    """What `scan` comes to, after the `earlier` scans of the same place (in any order)."""
    refused_link = link_refusal(door, scan.at)
    if refused_link is not None:
        return Decision(refused_link)
    if ticket.recognised != "valid":
        return Decision(ScanStatus(ticket.recognised))
    flag, refusal = None, None
    if scan.action == CHECK_IN:
        if door.event_cancelled_at is not None:
            if door.event_cancelled_at <= scan.at:
                return Decision(ScanStatus.EVENT_CANCELLED)
            flag = EVENT_CANCELLED_AFTER_SCAN
        if ticket.cancelled_at is not None:
            if ticket.cancelled_at <= scan.at:
                refusal = ScanStatus.CANCELLED
            else:
                flag = flag or CANCELLED_AFTER_SCAN
    # Going out of (or undoing) an activity not chosen is for someone an override let in.
    if door.activity_id is not None and door.activity_id not in ticket.activity_ids and (
            scan.action == CHECK_IN or not earlier):
        refusal = refusal or ScanStatus.WRONG_ACTIVITY
    overriding = scan.action == CHECK_IN and scan.reason is not None
    if refusal is not None and not overriding:
        return Decision(refusal)
    plain = replace(scan, reason=None)
    outcome = replay([*earlier, plain])
    status = outcome.answers[plain]
    # Only an arrival can be too early: someone inside, scanned again, is a repeat.
    if (refusal is None and status == ScanStatus.CHECKED_IN and scan.action == CHECK_IN
            and door.opens_at is not None and scan.at < door.opens_at):
        if not overriding:
            return Decision(ScanStatus.TOO_EARLY)
        refusal = ScanStatus.TOO_EARLY
    if status == ScanStatus.ALREADY_CHECKED_IN and overriding and refusal is None:
        refusal = ScanStatus.ALREADY_CHECKED_IN
    if refusal is not None:
        # Overridden: admitted whatever the replay says, the override kept in the history.
        outcome = replay([*earlier, scan])
        return Decision(outcome.answers[scan], OVERRIDDEN, outcome, overrode=refusal,
                        reason=scan.reason)
    if status == ScanStatus.UNDONE:
        taken_back = outcome.undid[plain]
        if door.undo_window is not None and (taken_back.door != door.id
                                             or scan.at - taken_back.at > door.undo_window):
            if scan.reason is None:
                return Decision(ScanStatus.UNDO_NEEDS_REASON)
            outcome = replay([*earlier, scan])
            return Decision(ScanStatus.UNDONE, UNDONE_WITH_REASON, outcome, reason=scan.reason)
    return Decision(status, flag if status == ScanStatus.CHECKED_IN else None, outcome)


def replay(scans: list[Scan]) -> Replay:
    """Replay a place's scans in the order they were made (see the module's docstring)."""
    state, admitted_before, answers, undid = PlaceState(), [], {}, {}
    for scan in sorted(scans, key=_made):
        if scan.action == CHECK_IN:
            if state.checked_in_at is None:
                admitted_before.append((state, scan))
                state, status = PlaceState(scan.at, None, scan), ScanStatus.CHECKED_IN
            elif state.left_at is not None and scan.at >= state.left_at:
                admitted_before.append((state, scan))  # back in: the first arrival stays
                state, status = replace(state, left_at=None), ScanStatus.CHECKED_IN
            elif scan.reason is not None:
                # A duplicate let in by an override: an admission of its own (an undo of
                # it leaves the earlier one standing).
                admitted_before.append((state, scan))
                status = ScanStatus.CHECKED_IN
            else:
                status = ScanStatus.ALREADY_CHECKED_IN
        elif scan.action == CHECK_OUT:
            if state.checked_in_at is None:
                status = ScanStatus.NOT_CHECKED_IN
            elif state.left_at is not None:
                status = ScanStatus.ALREADY_CHECKED_OUT
            else:
                state, status = replace(state, left_at=scan.at), ScanStatus.CHECKED_OUT
        else:
            if state.checked_in_at is None:
                status = ScanStatus.NOT_CHECKED_IN
            else:
                state, undid[scan] = admitted_before.pop()  # one per admission standing
                status = ScanStatus.UNDONE
        if not scan.implied:
            answers[scan] = status
    return Replay(state, answers, undid)


def _made(scan: Scan) -> tuple:
    # Scans of one instant in the order they were logged; the scan being decided last.
    return (scan.at, scan.order is None, scan.order or 0)


# --- the fast path's conditions -----------------------------------------------------------

#: A live check-in at the event's entrance admits at once, with no replay, exactly when all
#: of these hold. They are the rule above for the one case that needs nothing but the
#: attendee's stored state (a live scan is the latest scan of its ticket, so the stored
#: state is the replay of all earlier ones). The fast path's single UPDATE is built from
#: the same names (eventreg/checkin/scanning.py), and tests/checkin/test_rules.py holds
#: these, the SQL and `decide` to the same answer on every case of the table.
FIRST_ARRIVAL = {
    "door_not_revoked": lambda door, ticket, state, at: door.revoked_at is None,
    "door_not_expired": lambda door, ticket, state, at: (door.expires_at is None
                                                         or at < door.expires_at),
    "event_not_cancelled": lambda door, ticket, state, at: door.event_cancelled_at is None,
    "at_the_entrance": lambda door, ticket, state, at: door.activity_id is None,
    "ticket_of_this_event": lambda door, ticket, state, at: ticket.recognised == "valid",
    "ticket_not_cancelled": lambda door, ticket, state, at: ticket.cancelled_at is None,
    "not_yet_admitted": lambda door, ticket, state, at: state.checked_in_at is None,
}


def admits_at_once(door: Door, ticket: Ticket, state: PlaceState, at: datetime) -> bool:
    """Whether a live check-in at `at` is a first arrival the fast path may admit."""
    return all(holds(door, ticket, state, at) for holds in FIRST_ARRIVAL.values())


#: A live check-in at the event's entrance of someone inside is `already_checked_in`, with
#: no replay and nothing changed but its own log row, exactly when all of these hold (a
#: live scan is the latest of its ticket, so the stored state is the replay of all earlier
#: ones, and a check-in of someone inside changes no earlier answer). The repeated scan's
#: fast path (eventreg/checkin/scanning.py) asks `answers_already_inside`;
#: tests/checkin/test_rules.py holds it to `decide` on every case of the table.
ALREADY_INSIDE = {
    "door_not_revoked": FIRST_ARRIVAL["door_not_revoked"],
    "event_not_cancelled": FIRST_ARRIVAL["event_not_cancelled"],
    "at_the_entrance": FIRST_ARRIVAL["at_the_entrance"],
    "ticket_of_this_event": FIRST_ARRIVAL["ticket_of_this_event"],
    "ticket_not_cancelled": FIRST_ARRIVAL["ticket_not_cancelled"],
    "inside": lambda door, ticket, state, at: state.inside,
}


def answers_already_inside(door: Door, ticket: Ticket, state: PlaceState, at: datetime) -> bool:
    """Whether a live check-in at `at`, with no override, is a repeat the fast path may
    answer `already_checked_in` (an override of it is decided by `decide`)."""
    return all(holds(door, ticket, state, at) for holds in ALREADY_INSIDE.values())
