// The door's rule, for a phone that decides scans while offline: what one scan comes to,
// decided from the ticket's state at the scan's own time, the door, and the earlier scans
// of the same place. Pure: no page, no storage, no clock.
//
// The same rule as eventreg/checkin/rules.py (read its docstring for the rule in words),
// with the same inputs and answers; both are held to one table of cases,
// tests/cases/scan_rules.json (tests/js/rules.test.mjs here, tests/checkin/test_rules.py
// there). Change them together.
//
// Times are numbers: milliseconds since the epoch (Date.parse of the API's ISO times),
// null for none. The shapes, as in Python:
//   door    {activity_id, event_cancelled_at, revoked_at}
//   ticket  {recognised: "valid" | "invalid" | "wrong_event" | "unknown", cancelled_at,
//            activity_ids: the activities the attendee chose (an array or a Set)}
//   scan    {action: "check_in" | "check_out" | "undo", at, order, implied}; `order` sorts
//           scans of one instant (null for the scan decided: it comes last), `implied` is a
//           check-in at an activity's door counted at the entrance (admits, gets no answer)
//   state   {checked_in_at, left_at, admitted_by: the scan that made the first arrival}

export const CHECK_IN = "check_in";
export const CHECK_OUT = "check_out";
export const UNDO = "undo";

export const STATUSES = Object.freeze([
  "checked_in", "already_checked_in", "checked_out", "already_checked_out", "not_checked_in",
  "undone", "cancelled", "event_cancelled", "wrong_event", "wrong_activity", "invalid",
  "unknown", "door_revoked",
]);

/** Answers that come from replaying a place's scans; others refused the scan before. */
export const REPLAYED = new Set([
  "checked_in", "already_checked_in", "checked_out", "already_checked_out", "not_checked_in",
  "undone",
]);

/** Flags of an admission the organiser should know of. */
export const CANCELLED_AFTER_SCAN = "cancelled_after_scan";
export const EVENT_CANCELLED_AFTER_SCAN = "event_cancelled_after_scan";

const NOBODY_IN = Object.freeze({ checked_in_at: null, left_at: null, admitted_by: null });

const given = (time) => time !== null && time !== undefined;

/** Whether the place's state has the person inside now. */
export function isInside(state) {
  return given(state.checked_in_at) && !given(state.left_at);
}

/**
 * What `scan` comes to after the `earlier` scans of the same place (in any order):
 * {status, flag, replay}. `flag` marks an admission the organiser should see (else null);
 * `replay` is the place's state once the scan is counted and every scan's answer (a scan
 * made earlier and uploaded later can change them), null when the scan was refused.
 */
export function decide(door, ticket, scan, earlier) {
  const refused = (status) => ({ status, flag: null, replay: null });
  if (given(door.revoked_at) && scan.at >= door.revoked_at) return refused("door_revoked");
  const recognised = ticket.recognised ?? "valid";
  if (recognised !== "valid") return refused(recognised);
  let flag = null;
  if (scan.action === CHECK_IN) {
    if (given(door.event_cancelled_at)) {
      if (door.event_cancelled_at <= scan.at) return refused("event_cancelled");
      flag = EVENT_CANCELLED_AFTER_SCAN;
    }
    if (given(ticket.cancelled_at)) {
      if (ticket.cancelled_at <= scan.at) return refused("cancelled");
      flag = flag || CANCELLED_AFTER_SCAN;
    }
  }
  const activityId = door.activity_id ?? null;
  if (activityId !== null && !new Set(ticket.activity_ids ?? []).has(activityId)) {
    return refused("wrong_activity");
  }
  const outcome = replay([...earlier, scan]);
  const status = outcome.answers.get(scan);
  return { status, flag: status === "checked_in" ? flag : null, replay: outcome };
}

/**
 * Replay a place's scans in the order they were made: {state, answers}, `answers` a Map
 * from each scan (the same objects) to its status; implied scans get none.
 */
export function replay(scans) {
  let state = NOBODY_IN;
  const admittedBefore = [];
  const answers = new Map();
  for (const scan of [...scans].sort(byMade)) {
    let status;
    if (scan.action === CHECK_IN) {
      if (!given(state.checked_in_at)) {
        admittedBefore.push(state);
        state = { checked_in_at: scan.at, left_at: null, admitted_by: scan };
        status = "checked_in";
      } else if (given(state.left_at) && scan.at >= state.left_at) {
        admittedBefore.push(state); // back in after going out: the first arrival stays
        state = { ...state, left_at: null };
        status = "checked_in";
      } else {
        status = "already_checked_in";
      }
    } else if (scan.action === CHECK_OUT) {
      if (!given(state.checked_in_at)) status = "not_checked_in";
      else if (given(state.left_at)) status = "already_checked_out";
      else {
        state = { ...state, left_at: scan.at };
        status = "checked_out";
      }
    } else if (!given(state.checked_in_at)) {
      status = "not_checked_in";
    } else {
      state = admittedBefore.pop() ?? NOBODY_IN;
      status = "undone";
    }
    if (!scan.implied) answers.set(scan, status);
  }
  return { state, answers };
}

// Scans of one instant in the order they were logged; the scan being decided last.
function byMade(a, b) {
  const decidedA = given(a.order) ? 0 : 1;
  const decidedB = given(b.order) ? 0 : 1;
  return a.at - b.at || decidedA - decidedB || (a.order ?? 0) - (b.order ?? 0);
}
