// The pick-up rule's table (tests/cases/pickup_checkouts.json) against the phone's offline
// decision (static/js/door/attendees.js); the server is held to the same cases
// (tests/checkin/test_pickup_cases.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { AttendeeList } from "../../static/js/door/attendees.js";

const TABLE = JSON.parse(readFileSync(new URL("../cases/pickup_checkouts.json", import.meta.url)));
const MINUTE = 60000;
const WORKSHOP = 5;
const STAGE = 6;
const PLACES = { workshop: WORKSHOP, stage: STAGE, entrance: null };
const DOORS = { workshop: "Doll tent", stage: "Stage", entrance: "Main gate" };
const DOOR_IDS = { workshop: 1, stage: 2, entrance: 3 };
// The server's defaults (eventreg/config.py): an undo at the same door within 15 minutes
// needs no reason.
const RULES = { undoWindow: 15 * MINUTE, earlyWarning: 60 * MINUTE, activityStarts: new Map(),
                expiresAt: null };
const START = Date.parse("2027-06-20T10:00:00Z");
const time = (minutes) => new Date(START + minutes * MINUTE).toISOString();

/** The scanned person's row in the door's list, after the case's situation. */
function personRow(raw) {
  const place = (id) => ({ id, checked_in_at: null, left_at: null, scans: [],
                           pickup_code: null });
  const row = { id: 1, party: 10, name: `Kovalenko ${raw.person}`, ticket_code: "ABCDE-FGHJK",
                status: "valid", cancelled_at: null, checked_in_at: null,
                checked_in_door: null, left_at: null, scans: [],
                activities: [place(WORKSHOP), place(STAGE)] };
  raw.let_in.forEach((name, minutes) => {
    const scan = { action: "check_in", at: time(minutes), door: DOORS[name],
                   door_id: DOOR_IDS[name], implied: false };
    const target = name === "entrance" ? row
      : row.activities.find((choice) => choice.id === PLACES[name]);
    target.checked_in_at = scan.at;
    target.checked_in_door = DOORS[name];
    target.scans.push(scan);
  });
  if (raw.holds_code) row.activities[0].pickup_code = "K7M3";
  if (raw.cancelled) {
    row.status = "cancelled";
    row.cancelled_at = time(raw.let_in.length);
  }
  return row;
}

for (const raw of TABLE.cases) {
  test(raw.name, () => {
    const attendees = new AttendeeList();
    attendees.setDoor({ id: DOOR_IDS[raw.scan.place], name: DOORS[raw.scan.place] }, null);
    const scannedAt = time(raw.let_in.length + 1);
    // A link expired just before the scan was made.
    attendees.setDoorRules({ ...RULES, expiresAt: raw.link_expired
      ? Date.parse(scannedAt) - MINUTE : null });
    // Another family's child, in the same places but holding a code where this one holds
    // none (and the other way round): the decision must read the scanned person's row.
    const other = { ...personRow({ ...raw, holds_code: !raw.holds_code }), id: 2, party: 11 };
    attendees.merge([personRow(raw), other], true);
    const activity = PLACES[raw.scan.place];
    const { result, record } = attendees.decide({
      client_id: "scan-1", action: raw.scan.action, attendee_id: 1, activity,
      scanned_at: scannedAt });
    attendees.addQueued(record);
    if (raw.refused) {
      assert.equal(result.status, "pickup_code_required");
      const inside = attendees.stateAt(1, WORKSHOP);
      assert.ok(inside.checked_in_at !== null && inside.left_at === null);
    } else {
      assert.equal(result.status, raw.expected);
    }
  });
}
