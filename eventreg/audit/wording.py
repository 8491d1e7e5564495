"""The audit log in words: each action as a sentence and its details as labelled values, in
the page's language, with times where the event is.

Entries store machine codes (`event.status_changed`, `{"status": ["published", "closed"]}`)
so that they stay readable whatever the language of whoever reads them later; this module is
the one place that turns them into words. An action it does not know is shown by its code.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventreg.checkin.reasons import SCAN_OUTCOMES
from eventreg.events.service import STATUS_NAMES
from eventreg.exports.service import spreadsheet_safe
from eventreg.i18n import format_local, localized

#: What each kind of action is called in the kind filter, by the part before the dot.
KIND_NAMES = {
    "event": _l("Events"),
    "activity": _l("Activities"),
    "question": _l("Questions"),
    "programme": _l("Programmes"),
    "registration": _l("Registrations"),
    "waitlist": _l("Waiting list"),
    "sign_in_sheet": _l("Sign-in sheets"),
    "door": _l("Door links"),
    "checkin": _l("Scans at the door"),
    "team": _l("Team"),
    "account": _l("Accounts"),
    "api_token": _l("API tokens"),
    "organisation": _l("Organisation settings"),
    "people": _l("Same person or not"),
    "privacy": _l("Personal data deleted"),
}

#: Each action as a sentence; %(target)s is what it happened to (a slug, a door, names).
ACTION_SENTENCES = {
    "event.created": _l("Created the event %(target)s"),
    "event.updated": _l("Changed the event %(target)s"),
    "event.status_changed": _l("Changed the status of the event %(target)s"),
    "activity.added": _l("Added an activity to the event %(target)s"),
    "activity.updated": _l("Changed an activity of the event %(target)s"),
    "activity.removed": _l("Removed an activity from the event %(target)s"),
    "question.added": _l("Added a question to the event %(target)s"),
    "question.updated": _l("Changed a question of the event %(target)s"),
    "question.removed": _l("Removed a question from the event %(target)s"),
    "programme.created": _l("Created the programme %(target)s"),
    "registration.cancelled": _l("Cancelled the tickets of %(target)s"),
    "registration.names_corrected": _l("Corrected names in a registration"),
    "registration.door_note_changed": _l("Changed a note for the door"),
    "pickup.mismatch": _l("A pick-up code or ticket did not match the child %(target)s: not handed over"),
    "registration.access_export": _l("Gave out a copy of a registration's personal data"),
    "waitlist.promoted": _l("Gave places from the waiting list to %(target)s"),
    "waitlist.removed": _l("Removed %(target)s from the waiting list"),
    "sign_in_sheet.entered": _l("Typed in a sign-in sheet"),
    "door.created": _l("Created the door link %(target)s"),
    "door.revoked": _l("Switched off the door link %(target)s"),
    "checkin.check_in": _l("Scanned %(target)s coming in"),
    "checkin.check_out": _l("Scanned %(target)s going out"),
    "checkin.undo": _l("Took back the check-in of %(target)s"),
    "checkin.everyone_out": _l("Checked everyone still inside %(target)s out"),
    "checkin.everyone_out_scheduled": _l("Set a time to check everyone inside %(target)s out"),
    "checkin.everyone_out_unscheduled": _l("Took back the time set to check everyone inside "
                                           "%(target)s out"),
    "team.member_added": _l("Added %(target)s to the team"),
    "team.member_switched_off": _l("Switched off the account of %(target)s"),
    "team.member_switched_on": _l("Switched the account of %(target)s back on"),
    "account.password_changed": _l("Changed the password of %(target)s"),
    "account.signed_out_everywhere": _l("Signed %(target)s out everywhere"),
    "organisation.small_cell_threshold_changed": _l("Changed the smallest figure donor "
                                                    "reports show"),
    "organisation.retention": _l("Changed how long personal data is kept"),
    "api_token.created": _l("Created the API token %(target)s"),
    "api_token.revoked": _l("Revoked the API token %(target)s"),
    "people.same_person": _l("Decided that %(target)s are the same person"),
    "people.different_people": _l("Decided that %(target)s are different people"),
    "people.decision_undone": _l("Took back the decision about %(target)s"),
    "privacy.anonymised": _l("Deleted personal data"),
}

#: Who acted, when it was no organiser.
ACTOR_NAMES = {
    "participant": _l("a participant (private link)"),
    "command line": _l("the command line"),
    "retention": _l("the daily deletion"),
    "schedule": _l("a time an organiser set"),
    "": _l("an organiser"),
}

#: Each detail's label.
DETAIL_LABELS = {
    "title": _l("Title"), "venue": _l("Venue"), "address": _l("Address"),
    "starts_at": _l("Starts"), "ends_at": _l("Ends"), "capacity": _l("Places"),
    "timezone": _l("Time zone"), "slug": _l("Web address"), "asks_sex": _l("Asks sex"),
    "registration_opens_at": _l("Registration opens"),
    "registration_closes_at": _l("Registration closes"),
    "status": _l("Status"), "outcome": _l("Outcome"), "scanned_at": _l("Scanned at"), "label": _l("Question"),
    "registration": _l("Registration"), "attendees": _l("People"), "people": _l("People"),
    "parties": _l("Registrations"), "waiting_parties": _l("On the waiting list"),
    "sheet": _l("Sheet"), "activities": _l("Activities"),
    "records_exits": _l("Records exits"), "kiosk": _l("Self check-in kiosk"),
    "funder": _l("Funder"), "role": _l("Role"),
    "sessions_ended": _l("Sign-ins ended"), "api_tokens_revoked": _l("API tokens revoked"),
    "small_cell_threshold": _l("Smallest figure shown"), "starts_with": _l("Starts with"),
    "same_person": _l("Same person"), "reason": _l("Why"), "format": _l("As"),
    "before": _l("Before"), "after": _l("After"),
    "retention_days": _l("Days kept after the event"),
    "cancelled_retention_days": _l("Days kept after a cancellation"),
}

#: Details that hold a moment (stored as ISO text in UTC).
MOMENTS = {"starts_at", "ends_at", "registration_opens_at", "registration_closes_at",
           "scanned_at"}
#: Actions whose every detail is a [before, after] pair.
CHANGES = {"event.updated", "event.status_changed", "organisation.small_cell_threshold_changed"}

#: Words for the coded values a detail may hold, by detail.
CODED_VALUES = {
    "role": {"admin": _l("Admin"), "organiser": _l("Organiser")},
    "reason": {"retention": _l("the retention period ended"),
               "erasure": _l("asked to be erased")},
    "format": {"page": _l("a page to print"), "json": _l("a JSON download"),
               "api": _l("the API")},
}


def kind_of(action: str) -> str:
    return action.split(".", 1)[0]


def describe(action: str, target: str) -> str:
    """The action as a sentence in the page's language (its code when unknown)."""
    sentence = ACTION_SENTENCES.get(action)
    if kind_of(action) == "door":
        from eventreg.checkin.sign_in_sheets import door_name  # a feature's, read late

        target = door_name(target)
    if sentence is None:
        return f"{action} {target}".strip()
    return str(sentence) % {"target": target}


def actor_name(actor: str, *, door: bool = False) -> str:
    """Who acted, in words: an organiser's name, a door link, or what acted for nobody."""
    if door:
        from eventreg.checkin.sign_in_sheets import door_name  # a feature's, read late

        return _("door link %(name)s", name=door_name(actor))
    return str(ACTOR_NAMES[actor]) if actor in ACTOR_NAMES else actor


def details_in_words(action: str, details: dict, timezone: str) -> list[tuple[str, str]]:
    """Each detail as (label, value) in words; [before, after] pairs as "before → after"."""
    shown = []
    for key, value in details.items():
        if action in CHANGES and isinstance(value, list) and len(value) == 2:
            text = " → ".join(_value(action, key, part, timezone) for part in value)
        else:
            text = _value(action, key, value, timezone)
        shown.append((str(DETAIL_LABELS.get(key, key)), text))
    return shown


def _value(action: str, key: str, value, timezone: str) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return ", ".join(f"{DETAIL_LABELS.get(k, k)}: {_value(action, k, v, timezone)}"
                         for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_value(action, key, part, timezone) for part in value) or "–"
    if key in MOMENTS and isinstance(value, str):
        try:
            return format_local(datetime.fromisoformat(value), timezone)
        except ValueError:
            return value
    if key == "status":
        return str(STATUS_NAMES.get(value, value))
    if key == "outcome":
        return str(SCAN_OUTCOMES.get(value, value))
    if key in CODED_VALUES:
        return str(CODED_VALUES[key].get(value, value))
    return str(value)


@dataclass(frozen=True)
class ShownLine:
    """One line of the log as a person reads it."""

    when: str
    who: str
    what: str
    event: str
    details: list[tuple[str, str]]
    #: The action's code, kept for a download's readers that sort or count by it.
    action: str


def shown(line, default_timezone: str) -> ShownLine:
    """`line` (an audit LogLine) in words; times where its event is, else in
    `default_timezone` (the DEFAULT_TIMEZONE setting)."""
    timezone = line.timezone or default_timezone
    return ShownLine(
        when=format_local(line.at, timezone, "medium"),
        who=actor_name(line.actor, door=line.by_door),
        what=describe(line.action, line.target),
        event=localized(line.event_title) if line.event_title else "",
        details=details_in_words(line.action, line.details, timezone),
        action=line.action,
    )


def log_csv(lines: list[ShownLine]) -> bytes:
    """The lines as UTF-8 CSV with a byte order mark (spreadsheets then read Cyrillic
    right), headed in the page's language; no cell can start a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("When"), _("Who"), _("What"), _("Event"), _("Details"), _("Code")])
    for line in lines:
        writer.writerow([spreadsheet_safe(cell) for cell in (
            line.when, line.who, line.what, line.event,
            "; ".join(f"{label}: {value}" for label, value in line.details), line.action)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
