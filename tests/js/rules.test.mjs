// The phone's copy of the door's rule (static/js/door/rules.js) on every case of the table
// the server's rule is held to (tests/cases/scan_rules.json; tests/checkin/test_rules.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { decide, replay, STATUSES } from "../../static/js/door/rules.js";

const TABLE = JSON.parse(readFileSync(new URL("../cases/scan_rules.json", import.meta.url)));
// As tests/checkin/scan_cases.py reads it: HH:MM on one day (UTC), "workshop" is activity 1.
const DAY = "2027-06-20";
const WORKSHOP = 1;

const HERE = 10;
const OTHER = 11;
const MINUTE = 60000;
const UNDO_WINDOW = TABLE.settings.undo_window_minutes * MINUTE;
const EARLY_WARNING = TABLE.settings.early_warning_minutes * MINUTE;

const at = (text) => (text == null ? null : Date.parse(`${DAY}T${text}:00Z`));
const activity = (name) => ({ workshop: WORKSHOP })[name] ?? null;
const doorId = (name) => ({ other: OTHER })[name] ?? HERE;

function readCase(raw) {
  const door = raw.door ?? {};
  const ticket = raw.ticket ?? {};
  return {
    door: { activity_id: activity(door.activity), event_cancelled_at: at(door.event_cancelled_at),
            revoked_at: at(door.revoked_at), id: HERE, expires_at: at(door.expires_at),
            opens_at: door.session_starts_at ? at(door.session_starts_at) - EARLY_WARNING : null,
            undo_window: UNDO_WINDOW },
    ticket: { recognised: ticket.recognised ?? "valid", cancelled_at: at(ticket.cancelled_at),
              activity_ids: (ticket.activities ?? []).map(activity) },
    earlier: (raw.earlier ?? []).map((scan, index) => ({
      action: scan.action, at: at(scan.at), order: index + 1, implied: scan.implied ?? false,
      door: doorId(scan.door), reason: scan.reason ?? null })),
    scan: { action: raw.scan.action, at: at(raw.scan.at), order: null, implied: false,
            door: HERE, reason: raw.scan.reason ?? null },
  };
}

for (const raw of TABLE.cases) {
  test(raw.name, () => {
    const { door, ticket, earlier, scan } = readCase(raw);
    const decision = decide(door, ticket, scan, earlier);
    assert.equal(decision.status, raw.expected);
    assert.equal(decision.flag, raw.flag ?? null);
    assert.equal(decision.overrode, raw.overrode ?? null);
    if (raw.state) {
      const { checked_in_at, left_at } = decision.replay.state;
      assert.deepEqual({ checked_in_at, left_at },
                       { checked_in_at: at(raw.state.checked_in_at), left_at: at(raw.state.left_at) });
    }
    if (raw.earlier_now) {
      assert.deepEqual(earlier.map((one) => decision.replay.answers.get(one)), raw.earlier_now);
    }
  });
}

test("the table holds every status the rule answers", () => {
  assert.deepEqual(new Set(TABLE.cases.map((raw) => raw.expected)), new Set(STATUSES));
});

test("the first arrival remembers the scan that made it, through a return and its undo", () => {
  const first = { action: "check_in", at: at("10:00"), order: 1, implied: false };
  const scans = [first,
    { action: "check_out", at: at("12:00"), order: 2, implied: false },
    { action: "check_in", at: at("13:00"), order: 3, implied: false },
    { action: "undo", at: at("13:01"), order: 4, implied: false }];
  assert.equal(replay(scans).state.admitted_by, first);
});

test("scans of one instant replay in the order logged, the one decided last", () => {
  const logged = { action: "check_in", at: at("10:00"), order: 7, implied: false };
  const decided = { action: "check_in", at: at("10:00"), order: null, implied: false };
  const decision = decide({}, {}, decided, [logged]);
  assert.equal(decision.status, "already_checked_in");
  assert.equal(decision.replay.answers.get(logged), "checked_in");
});
