"""The table of the door's rule (tests/cases/scan_rules.json), read into the rule's types.

The JavaScript tests read the same file (tests/js/rules.test.mjs).
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from eventreg.checkin.rules import Door, PlaceState, Scan, Ticket

TABLE = Path(__file__).resolve().parent.parent / "cases" / "scan_rules.json"
#: The day every case happens on (times in the table are HH:MM of it, UTC).
DAY = datetime(2027, 6, 20, tzinfo=UTC)
#: The id the table's "workshop" stands for.
WORKSHOP = 1


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


def at(text: str | None, day: datetime = DAY) -> datetime | None:
    if text is None:
        return None
    hours, minutes = map(int, text.split(":"))
    return day.replace(hour=hours, minute=minutes, second=0, microsecond=0)


def activity(name: str | None) -> int | None:
    return {None: None, "workshop": WORKSHOP}[name]


def load_cases(day: datetime = DAY) -> list[Case]:
    """The table's cases, their times on `day`."""
    return [_case(raw, lambda text: at(text, day))
            for raw in json.loads(TABLE.read_text())["cases"]]


def _case(raw: dict, at) -> Case:
    door, ticket = raw.get("door", {}), raw.get("ticket", {})
    state = raw.get("state")
    return Case(
        name=raw["name"], raw=raw,
        door=Door(activity_id=activity(door.get("activity")),
                  event_cancelled_at=at(door.get("event_cancelled_at")),
                  revoked_at=at(door.get("revoked_at"))),
        ticket=Ticket(recognised=ticket.get("recognised", "valid"),
                      cancelled_at=at(ticket.get("cancelled_at")),
                      activity_ids=frozenset(map(activity, ticket.get("activities", [])))),
        earlier=[Scan(item["action"], at(item["at"]), order=index,
                      implied=item.get("implied", False))
                 for index, item in enumerate(raw.get("earlier", []), start=1)],
        scan=Scan(raw["scan"]["action"], at(raw["scan"]["at"])),
        expected=raw["expected"], flag=raw.get("flag"),
        state=None if state is None else PlaceState(at(state["checked_in_at"]),
                                                    at(state["left_at"])),
        earlier_now=raw.get("earlier_now"),
    )
