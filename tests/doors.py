"""Doors for tests that seed scans through the check-in service."""

from eventreg.checkin.models import DoorAccess
from eventreg.checkin.scanning import NO_TIME_RULES, DoorView


def app_door(door: DoorAccess) -> DoorView:
    """The door with no time rules, as the app's own check-ins read it (walk-ins, everyone
    out): for tests whose scans are not about the undo window or a session's start."""
    return DoorView.of(door, NO_TIME_RULES)
