// The phone's attendee list and queue (static/js/door/attendees.js): offline decisions and
// the state shown, by the rule, from the server's scans plus the phone's queued ones.
import assert from "node:assert/strict";
import { test } from "node:test";

import { AttendeeList } from "../../static/js/door/attendees.js";

const at = (hhmm) => `2027-06-20T${hhmm}:00.000Z`;
const WORKSHOP = 5;

function row(fields = {}) {
  return { id: 1, party: 10, name: "Olena Kovalenko", ticket_code: "ABCDE-FGHJK",
           status: "valid", cancelled_at: null, checked_in_at: null, checked_in_door: null,
           left_at: null, scans: [], activities: [], ...fields };
}

function list(rows, name = "Main gate") {
  const attendees = new AttendeeList();
  attendees.setDoor({ id: 1, name }, null);
  attendees.merge(rows, true);
  return attendees;
}

let made = 0;
/** Decide a scan by hand (or of a read ticket) on the phone and queue it, as the page does. */
function scanOffline(attendees, fields, reading = null) {
  made += 1;
  const item = { client_id: `c${made}`, action: "check_in", ...fields };
  const { result, record } = attendees.decide(item, reading);
  attendees.addQueued(record);
  return result;
}

test("an offline undo of a return puts the person back outside, the first arrival kept", () => {
  const attendees = list([row({ scans: [
    { action: "check_in", at: at("10:00"), door: "Park gate", implied: false },
    { action: "check_out", at: at("12:00"), door: "Main gate", implied: false }] })]);
  assert.equal(scanOffline(attendees, { attendee_id: 1, scanned_at: at("13:00") }).status,
               "checked_in");
  assert.equal(attendees.stateAt(1).left_at, null); // back in
  const undone = scanOffline(attendees, { action: "undo", attendee_id: 1, scanned_at: at("13:01") });
  assert.equal(undone.status, "undone");
  assert.deepEqual(attendees.stateAt(1), {
    checked_in_at: at("10:00"), checked_in_door: "Park gate", left_at: at("12:00") });
});

test("an offline undo of the only admission leaves nobody in", () => {
  const attendees = list([row()]);
  scanOffline(attendees, { attendee_id: 1, scanned_at: at("10:00") });
  scanOffline(attendees, { action: "undo", attendee_id: 1, scanned_at: at("10:01") });
  assert.deepEqual(attendees.stateAt(1), { checked_in_at: null, checked_in_door: null, left_at: null });
});

test("a ticket cancelled after an offline scan keeps that admission", () => {
  const attendees = list([row()]);
  const welcome = scanOffline(attendees, { attendee_id: 1, scanned_at: at("10:00") });
  assert.equal(welcome.status, "checked_in");
  // Then a sync brings the cancellation, made at 10:05.
  attendees.merge([row({ status: "cancelled", cancelled_at: at("10:05") })]);
  assert.equal(attendees.stateAt(1).checked_in_at, at("10:00"));
  // Scanned again after the cancellation: refused, and the admission stays.
  assert.equal(scanOffline(attendees, { attendee_id: 1, scanned_at: at("10:10") }).status,
               "cancelled");
  assert.equal(attendees.stateAt(1).checked_in_at, at("10:00"));
});

test("a ticket cancelled before the scan is refused, and flagged after it is not", () => {
  const attendees = list([row({ id: 1, status: "cancelled", cancelled_at: at("09:30") }),
                          row({ id: 2, party: 11 })]);
  assert.equal(scanOffline(attendees, { attendee_id: 1, scanned_at: at("10:00") }).status,
               "cancelled");
  assert.equal(attendees.stateAt(1).checked_in_at, null);
  const welcome = scanOffline(attendees, { attendee_id: 2, scanned_at: at("10:00") });
  assert.equal(welcome.flag, null);
});

test("a repeat exit says since when", () => {
  const attendees = list([row({ scans: [{ action: "check_in", at: at("10:00"), door: "Main gate" }] })]);
  assert.equal(scanOffline(attendees, { action: "check_out", attendee_id: 1,
                                        scanned_at: at("12:00") }).status, "checked_out");
  const again = scanOffline(attendees, { action: "check_out", attendee_id: 1, scanned_at: at("12:30") });
  assert.equal(again.status, "already_checked_out");
  assert.equal(again.left_at, at("12:00"));
});

test("a second scan names the door that admitted the person first", () => {
  const attendees = list([row({ scans: [{ action: "check_in", at: at("10:00"), door: "Park gate" }] })]);
  const again = scanOffline(attendees, { attendee_id: 1, scanned_at: at("10:30") });
  assert.equal(again.status, "already_checked_in");
  assert.equal(again.checked_in_at, at("10:00"));
  assert.equal(again.checked_in_door, "Park gate");
});

test("a valid ticket not yet in the list is welcomed once, then a duplicate", () => {
  const attendees = list([]);
  const first = scanOffline(attendees, { qr: "T", scanned_at: at("10:00") },
                            { status: "ok", attendeeId: 77 });
  assert.equal(first.status, "checked_in");
  assert.equal(first.notInList, true);
  const again = scanOffline(attendees, { qr: "T", scanned_at: at("10:01") },
                            { status: "ok", attendeeId: 77 });
  assert.equal(again.status, "already_checked_in");
});

test("a code that is no ticket is queued for the log but is nobody's scan", () => {
  const attendees = list([row()]);
  const answer = scanOffline(attendees, { qr: "X", scanned_at: at("10:00") }, { status: "invalid" });
  assert.equal(answer.status, "invalid");
  assert.equal(attendees.queue.at(-1).attendee, null);
  assert.equal(attendees.stateAt(1).checked_in_at, null);
});

test("offline, someone an override let into an activity not chosen can go out of it again", () => {
  const attendees = list([row({ id: 2, party: 11 }), row({ id: 3, party: 12 })], "Workshop tent");
  assert.equal(scanOffline(attendees, { attendee_id: 2, activity: WORKSHOP,
                                        scanned_at: at("11:00") }).status, "wrong_activity");
  const letIn = scanOffline(attendees, { attendee_id: 2, activity: WORKSHOP,
                                         override: "organiser_agreed", scanned_at: at("11:01") });
  assert.equal(letIn.status, "checked_in");
  assert.equal(scanOffline(attendees, { attendee_id: 2, activity: WORKSHOP, action: "check_out",
                                        scanned_at: at("12:00") }).status, "checked_out");
  // The phone's replay keeps the exit, as the server's does: the person is out.
  assert.equal(attendees.stateAt(2, WORKSHOP).left_at, at("12:00"));
  assert.equal(scanOffline(attendees, { attendee_id: 2, activity: WORKSHOP,
                                        scanned_at: at("12:30") }).status, "wrong_activity");
  // Nobody let in, nobody let out: a check-out of a person never in stays refused.
  assert.equal(scanOffline(attendees, { attendee_id: 3, activity: WORKSHOP, action: "check_out",
                                        scanned_at: at("12:00") }).status, "wrong_activity");
  assert.equal(attendees.stateAt(3, WORKSHOP).left_at, null);
});

test("at an activity's door only those who chose it come in, and that counts at the entrance", () => {
  const attendees = list([
    row({ id: 1, activities: [{ id: WORKSHOP, checked_in_at: null, left_at: null, scans: [] }] }),
    row({ id: 2, party: 11 })], "Workshop tent");
  assert.equal(scanOffline(attendees, { attendee_id: 2, activity: WORKSHOP,
                                        scanned_at: at("11:00") }).status, "wrong_activity");
  assert.equal(scanOffline(attendees, { attendee_id: 1, activity: WORKSHOP,
                                        scanned_at: at("11:00") }).status, "checked_in");
  assert.equal(attendees.stateAt(1, WORKSHOP).checked_in_at, at("11:00"));
  assert.deepEqual(attendees.stateAt(1), {
    checked_in_at: at("11:00"), checked_in_door: "Workshop tent", left_at: null });
});

test("a server's answer joins the place's scans until the next list says the same", () => {
  const attendees = list([row()]);
  const answer = { client_id: "live-1", action: "check_in", status: "checked_in",
                   scanned_at: at("10:00"), activity: null, checked_in_at: at("10:00"),
                   checked_in_door: "Main gate", left_at: null,
                   attendee: { id: 1, cancelled: false } };
  attendees.applyServerResult(answer);
  attendees.applyServerResult({ ...answer, replayed: true }); // the same answer again
  assert.equal(attendees.rows.get(1).scans.length, 1);
  assert.equal(attendees.stateAt(1).checked_in_at, at("10:00"));
  // The server's list, where an earlier offline scan of another door admitted her first.
  attendees.merge([row({ scans: [
    { action: "check_in", at: at("09:58"), door: "Park gate", implied: false },
    { action: "check_in", at: at("10:00"), door: "Main gate", implied: false }] })]);
  assert.deepEqual(attendees.stateAt(1), {
    checked_in_at: at("09:58"), checked_in_door: "Park gate", left_at: null });
});

test("a refused answer changes nobody's scans", () => {
  const attendees = list([row()]);
  attendees.applyServerResult({ client_id: "x", action: "check_in", status: "cancelled",
                                scanned_at: at("10:00"), activity: null,
                                attendee: { id: 1, cancelled: true } });
  assert.deepEqual(attendees.rows.get(1).scans, []);
  assert.equal(attendees.rows.get(1).status, "cancelled");
  assert.equal(scanOffline(attendees, { attendee_id: 1, scanned_at: at("10:30") }).status,
               "cancelled");
});

test("a list from before scans were sent still shows who is in", () => {
  const old = row({ checked_in_at: at("10:00"), checked_in_door: "Main gate" });
  delete old.scans;
  const attendees = list([old]);
  assert.equal(attendees.stateAt(1).checked_in_at, at("10:00"));
  assert.equal(scanOffline(attendees, { attendee_id: 1, scanned_at: at("10:30") }).status,
               "already_checked_in");
});

test("the party's size counts the valid tickets of the registration", () => {
  const attendees = list([row({ id: 1 }), row({ id: 2 }),
                          row({ id: 3, status: "cancelled", cancelled_at: at("08:00") }),
                          row({ id: 4, party: 99 })]);
  assert.equal(scanOffline(attendees, { attendee_id: 1, scanned_at: at("10:00") })
    .attendee.party_size, 2);
});

test("an offline welcome says 'no photos' as the downloaded list does", () => {
  const attendees = list([row({ id: 1, name: "Olena Kovalenko", no_photos: false }),
                          row({ id: 2, name: "Mykola Kovalenko", no_photos: true }),
                          row({ id: 3, party: 11, name: "A list from before the mark" })]);
  const welcomes = [1, 2, 3].map((id) => scanOffline(attendees, { attendee_id: id,
                                                                  scanned_at: at("10:00") }));
  assert.deepEqual(welcomes.map((welcome) => welcome.status),
                   ["checked_in", "checked_in", "checked_in"]);
  assert.deepEqual(welcomes.map((welcome) => welcome.attendee.no_photos), [false, true, false]);
});

test("the server's answer brings a newer 'no photos' mark into the list", () => {
  const attendees = list([row({ id: 1, no_photos: false }), row({ id: 2, no_photos: true })]);
  // The photo consent was withdrawn after the list came: the live answer says so.
  attendees.applyServerResult({ client_id: "x", action: "check_in", status: "checked_in",
                                scanned_at: at("10:00"), activity: null,
                                checked_in_at: at("10:00"), checked_in_door: "Main gate",
                                left_at: null,
                                attendee: { id: 1, cancelled: false, no_photos: true } });
  assert.equal(attendees.rows.get(1).no_photos, true);
  // An answer without the mark (an older server) leaves the list's.
  attendees.applyServerResult({ client_id: "y", action: "check_in", status: "checked_in",
                                scanned_at: at("10:01"), activity: null,
                                checked_in_at: at("10:01"), checked_in_door: "Main gate",
                                left_at: null, attendee: { id: 2, cancelled: false } });
  assert.equal(attendees.rows.get(2).no_photos, true);
  assert.equal(attendees.summary(attendees.rows.get(1)).no_photos, true);
});

test("a child holding a pick-up code is not let out by a plain check-out, on the phone either", () => {
  const inside = { id: WORKSHOP, checked_in_at: at("10:00"), left_at: null,
                   scans: [{ action: "check_in", at: at("10:00"), door: "Workshop tent",
                             implied: false }] };
  const attendees = list([
    row({ id: 1, activities: [{ ...inside, pickup_code: "K7M3" }] }),
    row({ id: 2, party: 11, activities: [{ ...inside, pickup_code: null }] })], "Workshop tent");
  const held = scanOffline(attendees, { attendee_id: 1, activity: WORKSHOP, action: "check_out",
                                        scanned_at: at("12:00") });
  assert.equal(held.status, "pickup_code_required");
  assert.equal(held.attendee.name, "Olena Kovalenko");
  assert.equal(attendees.stateAt(1, WORKSHOP).left_at, null); // still inside, on the phone
  assert.equal(attendees.queue.length, 1); // handed in all the same (the server lets nobody out)
  // A child without an open code goes out as before.
  assert.equal(scanOffline(attendees, { attendee_id: 2, activity: WORKSHOP, action: "check_out",
                                        scanned_at: at("12:00") }).status, "checked_out");
  assert.equal(attendees.stateAt(2, WORKSHOP).left_at, at("12:00"));
});

test("the code a live welcome gives is kept: an offline check-out right after is refused", () => {
  const attendees = list([row({ activities: [{ id: WORKSHOP, checked_in_at: null,
                                               left_at: null, scans: [] }] })], "Workshop tent");
  attendees.applyServerResult({
    client_id: "live-1", action: "check_in", status: "checked_in", scanned_at: at("10:00"),
    activity: WORKSHOP, attendee: { id: 1, cancelled: false }, checked_in_at: at("10:00"),
    checked_in_door: "Workshop tent", left_at: null, pickup_code: "K7M3" });
  assert.equal(scanOffline(attendees, { attendee_id: 1, activity: WORKSHOP, action: "check_out",
                                        scanned_at: at("10:05") }).status,
               "pickup_code_required");
});

test("past the link's expiry the phone says so first, a child holding a code included", () => {
  const attendees = list([row({ activities: [{ id: WORKSHOP, checked_in_at: at("10:00"),
    left_at: null, pickup_code: "K7M3", scans: [{ action: "check_in", at: at("10:00"),
                                                  door: "Workshop tent", implied: false }] }] })],
  "Workshop tent");
  attendees.setDoorRules({ undoWindow: null, earlyWarning: null, activityStarts: new Map(),
                           expiresAt: Date.parse(at("11:00")) });
  assert.equal(scanOffline(attendees, { attendee_id: 1, activity: WORKSHOP, action: "check_out",
                                        scanned_at: at("12:00") }).status, "door_expired");
});
