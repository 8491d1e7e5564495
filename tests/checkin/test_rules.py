"""The door's rule on every case of the shared table, and the fast path's conditions agreeing
with it (the same cases run through the JavaScript rule: tests/js/rules.test.mjs)."""

import pytest

from eventreg.checkin.rules import (
    ALREADY_INSIDE,
    CHECK_IN,
    FIRST_ARRIVAL,
    OVERRIDABLE,
    OVERRIDDEN,
    REPLAYED,
    UNDONE_WITH_REASON,
    PlaceState,
    ScanStatus,
    admits_at_once,
    answers_already_inside,
    decide,
    replay,
)
from tests.checkin.scan_cases import load_cases

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_rule_answers_each_case_of_the_table(case):
    decision = decide(case.door, case.ticket, case.scan, case.earlier)
    assert decision.status == case.expected
    assert decision.flag == case.flag
    assert decision.overrode == case.overrode
    assert (decision.reason is not None) == (decision.flag in {OVERRIDDEN, UNDONE_WITH_REASON})
    if case.state is not None:
        assert decision.replay.state == case.state
    if case.earlier_now is not None:
        assert [decision.replay.answers[scan] for scan in case.earlier] == case.earlier_now


def test_the_table_holds_every_status_and_every_scenario_the_door_meets():
    seen = {case.expected for case in CASES}
    assert seen == set(ScanStatus)
    assert {case.scan.action for case in CASES} == {"check_in", "check_out", "undo"}
    assert any(case.flag == "cancelled_after_scan" for case in CASES)
    assert any(scan.implied for case in CASES for scan in case.earlier)
    assert {case.overrode for case in CASES} - {None} == OVERRIDABLE
    assert {case.flag for case in CASES} >= {OVERRIDDEN, UNDONE_WITH_REASON}


def test_every_refusal_not_overridable_is_tried_with_an_override_and_stands():
    """A refusal with nobody to admit, or from a door deciding nothing, is never overridden."""
    tried = {case.expected for case in CASES
             if case.scan.action == CHECK_IN and case.scan.reason is not None
             and case.expected != ScanStatus.CHECKED_IN}
    refusals = set(ScanStatus) - REPLAYED - OVERRIDABLE - {ScanStatus.UNDO_NEEDS_REASON,
                                                           ScanStatus.NOT_CHECKED_IN}
    assert tried == refusals


def _as_a_live_scan(case) -> bool:
    """A case that could happen live: nothing scanned or changed after the scan itself."""
    times = [scan.at for scan in case.earlier]
    times += [t for t in (case.ticket.cancelled_at, case.door.event_cancelled_at,
                          case.door.revoked_at, case.door.expires_at) if t is not None]
    return case.scan.action == CHECK_IN and all(t <= case.scan.at for t in times)


LIVE = [case for case in CASES if _as_a_live_scan(case)]
#: The repeat's fast path is tried only for a plain scan: an override of "already checked
#: in" is decided by the rule in full (eventreg/checkin/scanning.py `check_in`).
PLAIN_LIVE = [case for case in LIVE if case.scan.reason is None]


@pytest.mark.parametrize("case", LIVE, ids=[case.name for case in LIVE])
def test_the_fast_paths_conditions_admit_exactly_the_first_arrivals_the_rule_admits(case):
    before = replay(case.earlier).state if case.earlier else PlaceState()
    decision = decide(case.door, case.ticket, case.scan, case.earlier)
    first_arrival = decision.status == ScanStatus.CHECKED_IN and before.checked_in_at is None
    # The fast path serves the event's entrance only; an activity's door always replays,
    # and so does an override (the fast path refuses it and the full rule lets it in).
    expected = first_arrival and case.door.activity_id is None and decision.overrode is None
    assert admits_at_once(case.door, case.ticket, before, case.scan.at) == expected


def test_each_fast_path_condition_refuses_some_case():
    """No condition is dead weight: dropping any one would admit a case the rule refuses."""
    for name in FIRST_ARRIVAL:
        others = {key: holds for key, holds in FIRST_ARRIVAL.items() if key != name}
        wrongly_admitted = [
            case.name for case in LIVE
            if all(holds(case.door, case.ticket,
                         replay(case.earlier).state, case.scan.at) for holds in others.values())
            and decide(case.door, case.ticket, case.scan, case.earlier).status
            != ScanStatus.CHECKED_IN
        ]
        assert wrongly_admitted, f"no case of the table needs {name!r}"


@pytest.mark.parametrize("case", PLAIN_LIVE, ids=[case.name for case in PLAIN_LIVE])
def test_the_repeat_fast_paths_conditions_hold_exactly_where_the_rule_says_already_in(case):
    before = replay(case.earlier).state if case.earlier else PlaceState()
    decision = decide(case.door, case.ticket, case.scan, case.earlier)
    expected = (decision.status == ScanStatus.ALREADY_CHECKED_IN
                and case.door.activity_id is None)
    assert answers_already_inside(case.door, case.ticket, before, case.scan.at) == expected
    if expected:  # nothing else changes: the state, and every earlier answer, stay
        assert decision.replay.state == before
        assert [decision.replay.answers[s] for s in case.earlier if not s.implied] == [
            replay(case.earlier).answers[s] for s in case.earlier if not s.implied]


def test_each_repeat_fast_path_condition_refuses_some_case():
    """No condition is dead weight. Two the cases cannot show: `at_the_entrance` (an
    activity's door keeps its state in another table, which the cases cannot tell from the
    entrance's) and `ticket_of_this_event` (no attendee's state goes with a code that is
    not one: the fast path is tried only for a valid ticket of the door's event)."""
    for name in set(ALREADY_INSIDE) - {"at_the_entrance", "ticket_of_this_event"}:
        others = {key: holds for key, holds in ALREADY_INSIDE.items() if key != name}
        wrongly_answered = [
            case.name for case in PLAIN_LIVE
            if all(holds(case.door, case.ticket,
                         replay(case.earlier).state, case.scan.at) for holds in others.values())
            and decide(case.door, case.ticket, case.scan, case.earlier).status
            != ScanStatus.ALREADY_CHECKED_IN
        ]
        assert wrongly_answered, f"no case of the table needs {name!r}"
