"""The table of the door's rule (tests/cases/scan_rules.json), read into the rule's types.

The JavaScript tests read the same file (tests/js/rules.test.mjs).
"""

import json
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from eventreg.checkin.rules import Door, PlaceState, Scan, Ticket

TABLE = Path(__file__).resolve().parent.parent / "cases" / "scan_rules.json"
#: The day every case happens on (times in the table are HH:MM of it, UTC).
DAY = datetime(2027, 6, 20, tzinfo=UTC)
#: The id the table's "workshop" stands for.
WORKSHOP = 1
#: The ids the table's doors "here" (the door deciding) and "other" stand for.
HERE, OTHER = 10, 11
SETTINGS = json.loads(TABLE.read_text())["settings"]
#: The settings the table's cases are decided with.
UNDO_WINDOW = timedelta(minutes=SETTINGS["undo_window_minutes"])
EARLY_WARNING = timedelta(minutes=SETTINGS["early_warning_minutes"])


@dataclass(frozen=True)
class Case:
    name: str
    raw: dict
    door: Door
    ticket: Ticket
    earlier: list[Scan]
    scan: Scan
    expected: str
    flag: str | None
    state: PlaceState | None
    earlier_now: list[str] | None
    overrode: str | None
    #: When the workshop's session starts (the door's `opens_at` is EARLY_WARNING before).
    session_starts_at: datetime | None


def at(text: str | None, day: datetime = DAY) -> datetime | None:
    if text is None:
        return None
    hours, minutes = map(int, text.split(":"))
    return day.replace(hour=hours, minute=minutes, second=0, microsecond=0)


def activity(name: str | None) -> int | None:
    return {None: None, "workshop": WORKSHOP}[name]


def door_id(name: str | None) -> int:
    return {None: HERE, "here": HERE, "other": OTHER}[name]


def scan_of(item: dict, at, order: int | None = None) -> Scan:
    return Scan(item["action"], at(item["at"]), order=order,
                implied=item.get("implied", False), door=door_id(item.get("door")),
                reason=item.get("reason"))


def load_cases(day: datetime = DAY) -> list[Case]:
    """The table's cases, their times on `day`."""
    return [_case(raw, lambda text: at(text, day))
            for raw in json.loads(TABLE.read_text())["cases"]]


def shifted(value, delta: timedelta):
    """The same case (or part of one) with every time in it moved by `delta`: a case made
    live keeps its times apart as the table has them, to the second."""
    if isinstance(value, datetime):
        return value + delta
    if isinstance(value, list):
        return [shifted(item, delta) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{field.name: shifted(getattr(value, field.name), delta)
                                 for field in fields(value) if field.init})
    return value


def _case(raw: dict, at) -> Case:
    door, ticket = raw.get("door", {}), raw.get("ticket", {})
    state = raw.get("state")
    session_starts_at = at(door.get("session_starts_at"))
    return Case(
        name=raw["name"], raw=raw,
        door=Door(activity_id=activity(door.get("activity")),
                  event_cancelled_at=at(door.get("event_cancelled_at")),
                  revoked_at=at(door.get("revoked_at")), id=HERE,
                  expires_at=at(door.get("expires_at")),
                  opens_at=session_starts_at and session_starts_at - EARLY_WARNING,
                  undo_window=UNDO_WINDOW),
        ticket=Ticket(recognised=ticket.get("recognised", "valid"),
                      cancelled_at=at(ticket.get("cancelled_at")),
                      activity_ids=frozenset(map(activity, ticket.get("activities", [])))),
        earlier=[scan_of(item, at, index)
                 for index, item in enumerate(raw.get("earlier", []), start=1)],
        scan=scan_of(raw["scan"], at),
        expected=raw["expected"], flag=raw.get("flag"),
        state=None if state is None else PlaceState(at(state["checked_in_at"]),
                                                    at(state["left_at"])),
        earlier_now=raw.get("earlier_now"), overrode=raw.get("overrode"),
        session_starts_at=session_starts_at,
    )
