// The phone's copy of the door's attendee list, and the scans it made offline (its queue):
// the state of each attendee at this door's place, and offline decisions, both by the
// door's rule (rules.js) replaying the scans the server sent for the place plus the
// phone's own queued ones. Pure: the page stores what changes (store.js).
//
// A row is an attendee as GET /api/v1/door/attendees sends it: {id, party, name,
// ticket_code, status, cancelled_at, checked_in_at, checked_in_door, left_at, no_photos,
// scans, activities: [{id, checked_in_at, left_at, scans}]}, `scans` being the place's
// replayed scans {action, at, door, door_id, implied, reason} (`door` the name of the door
// that made it, to show; `door_id` to tell doors of one name apart); `no_photos` is the server's "no photos" mark
// (no photo consent that holds, at an event that asks it), shown as it is. A queued record is the scan as it will be uploaded,
// plus `attendee`: whose ticket it was (null for a code that is no ticket of the event).

import { openPickupCode } from "./pickup.js";
import { CHECK_IN, decide, REPLAYED, replay } from "./rules.js";

const time = (iso) => (iso ? Date.parse(iso) : null);
const isoTime = (ms) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** The place's replayed scans as the server sent them (rows from before it did: made up). */
function scansOf(place) {
  if (Array.isArray(place.scans)) return place.scans;
  const made = [];
  if (place.checked_in_at) {
    made.push({ action: CHECK_IN, at: place.checked_in_at, door: place.checked_in_door || "" });
  }
  if (place.checked_in_at && place.left_at) {
    made.push({ action: "check_out", at: place.left_at, door: "" });
  }
  return made;
}

/** The phone's answer to a plain check-out of a child who holds a pick-up code here. */
export const PICKUP_CODE_REQUIRED = "pickup_code_required";
/** Answers of queued scans that changed nothing: the replay leaves them out. */
const CHANGED_NOTHING = new Set(["undo_needs_reason", PICKUP_CODE_REQUIRED]);

/** A scan's reason as the rule takes it: a check-in's `override`, an undo's `reason`. */
function reasonOf(item) {
  if (item.action === CHECK_IN) return item.override ?? null;
  return item.action === "undo" ? item.reason ?? null : null;
}

function byTime(a, b) {
  return time(a.at ?? a.scanned_at) - time(b.at ?? b.scanned_at)
    || String(a.client_id ?? "").localeCompare(String(b.client_id ?? ""));
}

export class AttendeeList {
  constructor() {
    /** @type {Map<number, object>} rows by attendee id */
    this.rows = new Map();
    this.queue = [];
    this.doorName = "";
    this.doorId = null;
    /** When the event was cancelled, as far as this phone knows (ms), or null. */
    this.eventCancelledAt = null;
    this.queuedBy = null; // queued records by attendee id, made when needed
    this.states = new Map(); // attendee id → (activity id → stateAt's answer), kept until it changes
    /** The door's time rules (setDoorRules); none until the door is known. */
    this.doorRules = { undoWindow: null, earlyWarning: null, activityStarts: new Map(),
                       expiresAt: null };
  }

  /** Forget what was worked out from the rows and queue: everyone's, or one attendee's. */
  changed(attendeeId) {
    if (attendeeId === undefined) {
      this.queuedBy = null;
      this.states.clear();
    } else {
      this.states.delete(attendeeId);
    }
  }

  get size() {
    return this.rows.size;
  }

  /**
   * The door, {id, name} as GET /door says it (the phone's own scans are its; the rule
   * tells doors apart by id, as the server does), and the event's cancellation.
   */
  setDoor(door, eventCancelledAt) {
    this.doorName = door?.name || "";
    this.doorId = door?.id ?? null;
    this.eventCancelledAt = eventCancelledAt ?? null;
    this.changed();
  }

  /**
   * The door's time rules, from GET /door: {undoWindow, earlyWarning (ms), activityStarts
   * (activity id → ms), expiresAt (ms)}.
   */
  setDoorRules(rules) {
    this.doorRules = { ...this.doorRules, ...rules };
    this.changed();
  }

  /** Take rows from the server, by id; a `complete` list replaces the whole list. */
  merge(rows, complete = false) {
    if (complete) this.rows.clear();
    for (const row of rows) this.rows.set(row.id, row);
    this.changed();
  }

  clear() {
    this.rows.clear();
    this.changed();
  }

  setQueue(records) {
    this.queue = [...records];
    this.changed();
  }

  addQueued(record) {
    this.queue = [...this.queue, record];
    const id = record.attendee ?? record.attendee_id ?? null;
    if (this.queuedBy && id !== null) {
      this.queuedBy.set(id, [...(this.queuedBy.get(id) ?? []), record].sort(byTime));
    }
    this.changed(id ?? undefined);
  }

  /** The place a row has at `activityId` (null: the event's entrance), or null. */
  place(row, activityId) {
    if (!activityId) return row;
    return row.activities.find((choice) => choice.id === activityId) || null;
  }

  /** The ticket as the rule sees it; a row missing (a valid ticket not yet in the list)
   * is a ticket of nobody known to have chosen anything. */
  ticketOf(row) {
    if (!row) return { recognised: "valid", cancelled_at: null, activity_ids: [] };
    let cancelledAt = time(row.cancelled_at);
    // Cancelled, but not said when (a list from before it did): cancelled all along.
    if (cancelledAt === null && row.status === "cancelled") cancelledAt = -Infinity;
    return { recognised: "valid", cancelled_at: cancelledAt,
             activity_ids: row.activities.map((choice) => choice.id) };
  }

  /** The door that made a scan of the list; for a list kept from before scans carried it,
   * this door's when the name is this door's (until the whole list is fetched again). */
  doorIdOf(scan) {
    if (scan.door_id !== undefined) return scan.door_id;
    return scan.door && scan.door === this.doorName ? this.doorId : null;
  }

  ruleDoor(activityId) {
    const { undoWindow, earlyWarning, activityStarts, expiresAt } = this.doorRules;
    const startsAt = activityId ? activityStarts.get(activityId) ?? null : null;
    return { activity_id: activityId ?? null, event_cancelled_at: this.eventCancelledAt,
             revoked_at: null, id: this.doorId, expires_at: expiresAt ?? null,
             opens_at: startsAt !== null && earlyWarning !== null ? startsAt - earlyWarning : null,
             undo_window: undoWindow ?? null };
  }

  /**
   * The scans the rule replays for an attendee at a place, in the order made: the
   * server's, then this phone's queued ones the rule does not refuse before replaying,
   * each asked after those before it, as the server asks (an exit after an override at
   * an activity not chosen counts); at the entrance also its admissions at activities'
   * doors, implied.
   */
  scansAt(attendeeId, activityId = null) {
    const row = this.rows.get(attendeeId) ?? null;
    const place = row && this.place(row, activityId);
    const scans = (place ? scansOf(place) : []).map((scan, index) => ({
      action: scan.action, at: time(scan.at), order: index + 1,
      implied: Boolean(scan.implied), door: this.doorIdOf(scan), doorName: scan.door ?? "",
      reason: scan.reason ?? null }));
    const ticket = this.ticketOf(row);
    const queued = this.queuedFor(attendeeId);
    const own = (record, order) => ({ action: record.action, at: time(record.scanned_at), order,
                                      implied: false, door: this.doorId,
                                      doorName: this.doorName, reason: reasonOf(record),
                                      record });
    for (const record of queued) {
      if ((record.activity ?? null) !== (activityId ?? null)) continue;
      if (record.decided) continue; // it changed nothing (CHANGED_NOTHING)
      const scan = own(record, scans.length + 1);
      if (REPLAYED.has(decide(this.ruleDoor(activityId), ticket, scan, scans).status)) {
        scans.push(scan);
      }
    }
    if (!activityId) {
      const elsewhere = new Set(queued.filter((record) => record.activity && record.action === CHECK_IN)
        .map((record) => record.activity));
      for (const activity of elsewhere) {
        const { answers } = replay(this.scansAt(attendeeId, activity));
        for (const [scan, status] of answers) {
          if (scan.record && status === "checked_in") {
            scans.push({ ...own(scan.record, scans.length + 1), implied: true });
          }
        }
      }
    }
    return scans;
  }

  queuedFor(attendeeId) {
    if (!this.queuedBy) {
      this.queuedBy = new Map();
      for (const record of [...this.queue].sort(byTime)) {
        const id = record.attendee ?? record.attendee_id ?? null;
        if (id === null) continue;
        if (!this.queuedBy.has(id)) this.queuedBy.set(id, []);
        this.queuedBy.get(id).push(record);
      }
    }
    return this.queuedBy.get(attendeeId) ?? [];
  }

  /** Whether a row counts as checked in at a place: a valid ticket in, or one an override
   * let in after its cancellation (as the server counts). */
  countsAsIn(row, activityId = null) {
    const state = this.stateAt(row.id, activityId);
    if (!state.checked_in_at) return false;
    return row.status === "valid" || time(state.checked_in_at) >= (time(row.cancelled_at) ?? Infinity);
  }

  /** Whether someone is in at a place: {checked_in_at, checked_in_door, left_at} (ISO). */
  stateAt(attendeeId, activityId = null) {
    if (!this.states.has(attendeeId)) this.states.set(attendeeId, new Map());
    const known = this.states.get(attendeeId);
    if (!known.has(activityId)) {
      known.set(activityId, this.shown(replay(this.scansAt(attendeeId, activityId)).state));
    }
    return known.get(activityId);
  }

  shown(state) {
    return { checked_in_at: isoTime(state.checked_in_at),
             checked_in_door: state.admitted_by?.doorName ?? null, left_at: isoTime(state.left_at) };
  }

  /** What the server's answers say of an attendee (CheckinAttendee). */
  summary(row) {
    const party = [...this.rows.values()].filter(
      (other) => other.party === row.party && other.status === "valid");
    return {
      id: row.id, name: row.name, ticket_code: row.ticket_code, party: row.party,
      party_size: party.length, activities: row.activities.map((choice) => choice.id),
      cancelled: row.status === "cancelled", no_photos: Boolean(row.no_photos),
    };
  }

  /**
   * Decide a scan on the phone, as the server would with what the phone knows. `reading`
   * is what tickets.js made of its QR code ({status, attendeeId}), null for a look-up by
   * hand. Answers {result, record}: a result shaped like the server's (plus `offline`,
   * and `notInList` for a valid ticket this list does not have yet) and the record to
   * queue (every scan made offline is uploaded, refused ones too: the log is whole).
   */
  decide(item, reading = null) {
    const activityId = item.activity ?? null;
    let recognised = "valid";
    let attendeeId = null;
    if (item.qr) {
      if (!reading || reading.status !== "ok") recognised = reading?.status ?? "invalid";
      else attendeeId = reading.attendeeId;
    } else if (this.rows.has(item.attendee_id)) {
      attendeeId = item.attendee_id;
    } else {
      recognised = "unknown";
    }
    const row = this.rows.get(attendeeId) ?? null;
    const ticket = recognised === "valid" ? this.ticketOf(row) : { recognised };
    const scan = { action: item.action, at: time(item.scanned_at), order: null, implied: false,
                   door: this.doorId, doorName: this.doorName, reason: reasonOf(item) };
    const earlier = recognised === "valid" ? this.scansAt(attendeeId, activityId) : [];
    const ruled = decide(this.ruleDoor(activityId), ticket, scan, earlier);
    // A child holding a pick-up code goes out only through a pick-up, which needs the
    // server (pickup.js): where the rule would let the child out, the phone refuses as
    // the server does a plain check-out (409 pickup_code_required), and its upload lets
    // nobody out either.
    const held = ruled.status === "checked_out" && openPickupCode(row, activityId) !== null;
    const decision = held ? { ...ruled, status: PICKUP_CODE_REQUIRED, replay: null } : ruled;
    const state = decision.replay?.state ?? replay(earlier).state;
    const shown = recognised === "valid" ? this.shown(state)
      : { checked_in_at: null, checked_in_door: null, left_at: null };
    return {
      result: {
        client_id: item.client_id, action: item.action, status: decision.status,
        scanned_at: item.scanned_at, activity: activityId, replayed: false,
        attendee: row ? this.summary(row) : null, ...shown, flag: decision.flag,
        overrode: decision.overrode, reason: decision.reason,
        offline: true, notInList: recognised === "valid" && !row,
      },
      record: { ...item, attendee: attendeeId,
                ...(CHANGED_NOTHING.has(decision.status)
                  ? { decided: decision.status } : {}) },
    };
  }

  /**
   * Bring the copy in line with a server's answer to one of this door's scans (live, or
   * uploaded): the scan joins the place's scans until the next list says the same.
   * Answers the row changed, or null.
   */
  applyServerResult(result) {
    const row = result.attendee && this.rows.get(result.attendee.id);
    if (!row) return null;
    this.changed(row.id);
    // The server's mark is the newest (a consent withdrawn since the list came).
    if (typeof result.attendee.no_photos === "boolean") row.no_photos = result.attendee.no_photos;
    if (result.attendee.cancelled && row.status !== "cancelled") {
      row.status = "cancelled";
      if (result.status === "cancelled") row.cancelled_at ??= result.scanned_at;
    }
    const place = this.place(row, result.activity);
    if (!place || !REPLAYED.has(result.status)) return row;
    const add = (into, implied) => {
      const scans = scansOf(into);
      if (scans.some((scan) => scan.client_id === result.client_id && scan.implied === implied)) {
        return; // the same answer again (a retry): counted once
      }
      into.scans = [...scans, { action: result.action, at: result.scanned_at, door: this.doorName,
                                door_id: this.doorId, implied, client_id: result.client_id,
                                reason: result.reason ?? null }].sort(byTime);
    };
    add(place, false);
    if (place !== row && result.action === CHECK_IN && result.status === "checked_in") add(row, true);
    Object.assign(place, { checked_in_at: result.checked_in_at, left_at: result.left_at });
    if (place === row) row.checked_in_door = result.checked_in_door;
    // The child's pick-up code comes with the workshop's welcome (the list brings it later).
    if (place !== row && result.pickup_code) place.pickup_code = result.pickup_code;
    return row;
  }
}
