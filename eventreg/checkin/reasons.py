"""What the door's codes (eventreg/checkin/rules.py) say to people: each scan's answer (in
the scan history, the audit log and the party's own copy of its data), the scanner's
choices for an override or an undo, and the organisers' list of them on the dashboard."""

from flask_babel import lazy_gettext as _l

from eventreg.checkin import rules

#: What each answer of a scan (rules.ScanStatus) is called.
SCAN_OUTCOMES = {
    "checked_in": _l("Admitted"), "already_checked_in": _l("Already inside"),
    "checked_out": _l("Went out"), "already_checked_out": _l("Already out"),
    "not_checked_in": _l("Not checked in"), "undone": _l("Check-in undone"),
    "cancelled": _l("Cancelled ticket"), "event_cancelled": _l("This event was cancelled"),
    "wrong_event": _l("Not for this event"),
    "wrong_activity": _l("Not registered for this activity"),
    "invalid": _l("Not a valid ticket"), "unknown": _l("Ticket not found"),
    "door_revoked": _l("Door link switched off"),
    "door_expired": _l("Door link expired"), "too_early": _l("Too early for this session"),
    "undo_needs_reason": _l("Undo asked for a reason"),
}
assert set(SCAN_OUTCOMES) == set(rules.ScanStatus)
#: Why a volunteer let someone in despite a refusal (rules.OVERRIDE_REASONS).
OVERRIDE_REASON_LABELS = {
    "organiser_agreed": _l("An organiser agreed"),
    "identity_checked": _l("Identity checked on the list"),
    "family_mix_up": _l("Family tickets mixed up"),
    "other": _l("Another reason"),
}
#: Why an undo from another door or after the undo window was made (rules.UNDO_REASONS).
UNDO_REASON_LABELS = {
    "wrong_person": _l("The wrong person or ticket"),
    "did_not_come_in": _l("They did not come in"),
    "scanned_by_mistake": _l("Scanned by mistake"),
    "other": _l("Another reason"),
}
#: The refusals a volunteer overrode (rules.OVERRIDABLE), as organisers read them.
OVERRODE_LABELS = {
    rules.ScanStatus.CANCELLED: _l("cancelled ticket"),
    rules.ScanStatus.WRONG_ACTIVITY: _l("not registered for this activity"),
    rules.ScanStatus.ALREADY_CHECKED_IN: _l("already checked in"),
    rules.ScanStatus.TOO_EARLY: _l("too early for the session"),
}
assert set(OVERRIDE_REASON_LABELS) == set(rules.OVERRIDE_REASONS)
assert set(UNDO_REASON_LABELS) == set(rules.UNDO_REASONS)
assert set(OVERRODE_LABELS) == rules.OVERRIDABLE


def reason_label(action: str, reason: str | None) -> str:
    """The words for a scan's reason code ("" for none)."""
    labels = UNDO_REASON_LABELS if action == rules.UNDO else OVERRIDE_REASON_LABELS
    return str(labels.get(reason, reason or ""))


def scanner_reason_messages() -> dict[str, str]:
    """The scanner's words for overrides, undos that need a reason and held scans
    (static/js/door/override.js), keyed as it asks for them."""
    return {
        **{f"override_reason_{code}": str(label)
           for code, label in OVERRIDE_REASON_LABELS.items()},
        **{f"undo_reason_{code}": str(label) for code, label in UNDO_REASON_LABELS.items()},
        "too_early": str(_l("Too early for this session")),
        "too_early_detail": str(_l("The session starts at %(time)s.")),
        "undo_needs_reason": str(_l("Undo from another door or later: choose a reason")),
        "let_in": str(_l("Let in anyway")),
        "choose_reason": str(_l("Choose a reason")),
        "let_in_why": str(_l("Why do you let them in?")),
        "undo_why": str(_l("Why undo this check-in?")),
        "cancel_choice": str(_l("Do not let in")),
        "cancel_undo": str(_l("Keep the check-in")),
        "overridden": str(_l("Let in by you: %(reason)s")),
        "held_scans": str(_l("This door link expired. Scans still on this phone: %(count)s")),
        "send_held": str(_l("Send them")),
        "discard_held": str(_l("Discard them")),
        "discard_confirm": str(_l("Delete the scans on this phone without sending them? "
                                  "They will not count.")),
        "held_sent": str(_l("Sent. Nothing is left on this phone.")),
        "held_too_late": str(_l("Too late to send: the organisers no longer take scans from "
                                "this link.")),
        "held_discarded": str(_l("Deleted. Nothing is left on this phone.")),
    }
