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
//   door    {activity_id, event_cancelled_at, revoked_at, id, expires_at, opens_at,
//            undo_window: milliseconds, or null when no undo needs a reason}
//   ticket  {recognised: "valid" | "invalid" | "wrong_event" | "unknown", cancelled_at,
//            activity_ids: the activities the attendee chose (an array or a Set)}
//   scan    {action: "check_in" | "check_out" | "undo", at, order, implied, door, reason};
//           `order` sorts scans of one instant (null for the scan decided: it comes last),
//           `implied` is a check-in at an activity's door counted at the entrance (admits,
//           gets no answer), `door` the id of the door that made it, `reason` an
//           override's reason (check-in) or an undo's (null for none)
//   state   {checked_in_at, left_at, admitted_by: the scan that made the first arrival}

export const CHECK_IN = "check_in";
export const CHECK_OUT = "check_out";
export const UNDO = "undo";

export const STATUSES = Object.freeze([
  "checked_in", "already_checked_in", "checked_out", "already_checked_out", "not_checked_in",
  "undone", "cancelled", "event_cancelled", "wrong_event", "wrong_activity", "invalid",
  "unknown", "door_revoked", "door_expired", "too_early", "undo_needs_reason",
]);

/** Answers that come from replaying a place's scans; others refused the scan before. */
export const REPLAYED = new Set([
  "checked_in", "already_checked_in", "checked_out", "already_checked_out", "not_checked_in",
  "undone",
]);

/** Flags of an admission the organiser should know of. */
export const CANCELLED_AFTER_SCAN = "cancelled_after_scan";
export const EVENT_CANCELLED_AFTER_SCAN = "event_cancelled_after_scan";
export const OVERRIDDEN = "overridden";
export const UNDONE_WITH_REASON = "undone_with_reason";

/** The refusals a volunteer may override: there is a person of this event to admit. */
export const OVERRIDABLE = new Set(["cancelled", "wrong_activity", "already_checked_in",
                                    "too_early"]);
/** The reasons an override takes, and an undo that needs one (the API's codes). */
export const OVERRIDE_REASONS = Object.freeze(["organiser_agreed", "identity_checked",
                                               "family_mix_up", "other"]);
export const UNDO_REASONS = Object.freeze(["wrong_person", "did_not_come_in",
                                           "scanned_by_mistake", "other"]);

const NOBODY_IN = Object.freeze({ checked_in_at: null, left_at: null, admitted_by: null });

const given = (time) => time !== null && time !== undefined;

/** Whether the place's state has the person inside now. */
export function isInside(state) {
  return given(state.checked_in_at) && !given(state.left_at);
}

/**
 * What `scan` comes to after the `earlier` scans of the same place (in any order):
 * {status, flag, replay, overrode, reason}. `flag` marks a scan the organiser should see
 * (else null); `replay` is the place's state once the scan is counted and every scan's
 * answer (a scan made earlier and uploaded later can change them), null when the scan
 * was refused; `overrode` the refusal an override overrode and `reason` the reason that
 * was needed and given (else null).
 */
export function decide(door, ticket, scan, earlier) {
  const refused = (status) => ({ status, flag: null, replay: null, overrode: null, reason: null });
  if (given(door.revoked_at) && scan.at >= door.revoked_at) return refused("door_revoked");
  if (given(door.expires_at) && scan.at >= door.expires_at) return refused("door_expired");
  const recognised = ticket.recognised ?? "valid";
  if (recognised !== "valid") return refused(recognised);
  let flag = null;
  let refusal = null;
  if (scan.action === CHECK_IN) {
    if (given(door.event_cancelled_at)) {
      if (door.event_cancelled_at <= scan.at) return refused("event_cancelled");
      flag = EVENT_CANCELLED_AFTER_SCAN;
    }
    if (given(ticket.cancelled_at)) {
      if (ticket.cancelled_at <= scan.at) refusal = "cancelled";
      else flag = flag || CANCELLED_AFTER_SCAN;
    }
  }
  const activityId = door.activity_id ?? null;
  // Going out of (or undoing) an activity not chosen is for someone an override let in.
  if (activityId !== null && !new Set(ticket.activity_ids ?? []).has(activityId)
      && (scan.action === CHECK_IN || earlier.length === 0)) {
    refusal = refusal || "wrong_activity";
  }
  const overriding = scan.action === CHECK_IN && given(scan.reason);
  if (refusal !== null && !overriding) return refused(refusal);
  const plain = { ...scan, reason: null };
  let outcome = replay([...earlier, plain]);
  const status = outcome.answers.get(plain);
  // Only an arrival can be too early: someone inside, scanned again, is a repeat.
  if (refusal === null && status === "checked_in" && scan.action === CHECK_IN
      && given(door.opens_at) && scan.at < door.opens_at) {
    if (!overriding) return refused("too_early");
    refusal = "too_early";
  }
  if (status === "already_checked_in" && overriding && refusal === null) {
    refusal = "already_checked_in";
  }
  if (refusal !== null) {
    // Overridden: admitted whatever the replay says, the override kept in the history.
    outcome = replay([...earlier, scan]);
    return { status: outcome.answers.get(scan), flag: OVERRIDDEN, replay: outcome,
             overrode: refusal, reason: scan.reason };
  }
  if (status === "undone") {
    const takenBack = outcome.undid.get(plain);
    const window = door.undo_window ?? null;
    if (window !== null && ((takenBack.door ?? null) !== (door.id ?? null)
                            || scan.at - takenBack.at > window)) {
      if (!given(scan.reason)) return refused("undo_needs_reason");
      outcome = replay([...earlier, scan]);
      return { status: "undone", flag: UNDONE_WITH_REASON, replay: outcome, overrode: null,
               reason: scan.reason };
    }
  }
  return { status, flag: status === "checked_in" ? flag : null, replay: outcome, overrode: null,
           reason: null };
}

/**
 * Replay a place's scans in the order they were made: {state, answers, undid}, `answers`
 * a Map from each scan (the same objects) to its status (implied scans get none), `undid`
 * a Map from each undo that took an admission back to the scan that had made it.
 */
export function replay(scans) {
  let state = NOBODY_IN;
  const admittedBefore = [];
  const answers = new Map();
  const undid = new Map();
  for (const scan of [...scans].sort(byMade)) {
    let status;
    if (scan.action === CHECK_IN) {
      if (!given(state.checked_in_at)) {
        admittedBefore.push([state, scan]);
        state = { checked_in_at: scan.at, left_at: null, admitted_by: scan };
        status = "checked_in";
      } else if (given(state.left_at) && scan.at >= state.left_at) {
        admittedBefore.push([state, scan]); // back in after going out: the first arrival stays
        state = { ...state, left_at: null };
        status = "checked_in";
      } else if (given(scan.reason)) {
        // A duplicate let in by an override: an admission of its own.
        admittedBefore.push([state, scan]);
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
      const [before, admission] = admittedBefore.pop(); // one per admission standing
      state = before;
      undid.set(scan, admission);
      status = "undone";
    }
    if (!scan.implied) answers.set(scan, status);
  }
  return { state, answers, undid };
}

// Scans of one instant in the order they were logged; the scan being decided last.
function byMade(a, b) {
  const decidedA = given(a.order) ? 0 : 1;
  const decidedB = given(b.order) ? 0 : 1;
  return a.at - b.at || decidedA - decidedB || (a.order ?? 0) - (b.order ?? 0);
}
