// Deciding on the phone first (static/js/door/state.js's decideFirst): the phone answers
// from its list before the server does, sends the scan at once, and nothing is queued for
// the first answer; offline or refused, it decides as before.
import assert from "node:assert/strict";
import { test } from "node:test";

import { DoorState } from "../../static/js/door/state.js";
import { ApiClient } from "../../static/js/door/sync.js";
import { eventKeys, fakeServer, MemoryStore } from "./doubles.mjs";

const EVENT = 7;
const NOW = Date.parse("2027-06-20T11:00:00Z");

function row(id, fields = {}) {
  return { id, party: 1, name: `Person ${id}`, ticket_code: `CODE${id}`, status: "valid",
           cancelled_at: null, checked_in_at: null, checked_in_door: null, left_at: null,
           scans: [], activities: [], ...fields };
}

async function phone(routes) {
  const keys = await eventKeys();
  const store = new MemoryStore();
  await store.put("meta", { door: { id: 3, name: "Main gate", activities: [],
                                    expires_at: "2027-06-21T20:00:00+00:00" },
                            event: { id: EVENT, status: "published", public_key: keys.publicKey } },
                  "door");
  await store.putMany("attendees", [row(1), row(2, { checked_in_at: "2027-06-20T10:00:00+00:00",
    scans: [{ action: "check_in", at: "2027-06-20T10:00:00+00:00", door: "Park gate" }] })]);
  const fetcher = fakeServer(routes);
  const door = new DoorState({ store, api: new ApiClient("/api/v1/", "door_x", fetcher),
                               eventId: EVENT, now: () => NOW });
  await door.load();
  return { door, fetcher, keys, store };
}

const answered = (status) => (body) => [200, {
  client_id: body.client_id, action: "check_in", status, scanned_at: body.scanned_at,
  activity: null, attendee: null }];

test("the phone answers from its list first and the server's answer comes behind", async () => {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const { door, fetcher, keys, store } = await phone({
    "POST checkins": async (body) => { await held; return answered("already_checked_in")(body); },
  });
  const { first, confirmed } = await door.decideFirst(door.newItem({ qr: await keys.sign(EVENT, 1) }));
  assert.equal(first.status, "checked_in");
  assert.equal(first.provisional, true);
  assert.equal(first.attendee.name, "Person 1");
  assert.equal(fetcher.calls.length, 1, "sent at once, before the server answered");
  release();
  assert.equal((await confirmed).status, "already_checked_in"); // the server's word counts
  assert.equal((await store.all("queue")).length, 0, "nothing queued for the first answer");
});

test("the phone's first answer knows a ticket already in, and one of another event", async () => {
  const { door, keys } = await phone({ "POST checkins": answered("already_checked_in") });
  const again = await door.decideFirst(door.newItem({ qr: await keys.sign(EVENT, 2) }));
  assert.equal(again.first.status, "already_checked_in");
  assert.equal(again.first.checked_in_door, "Park gate");
  const stray = await door.decideFirst(door.newItem({ qr: await keys.sign(EVENT + 1, 5) }));
  assert.equal(stray.first.status, "wrong_event");
  await Promise.all([again.confirmed, stray.confirmed]);
});

test("offline, an undo or no list: no first answer, the scan is decided as before", async () => {
  const { door, keys } = await phone({ "POST checkins/undo": answered("undone"),
                                       "POST checkins": () => { throw new Error("down"); } });
  const undo = await door.decideFirst(door.newItem({ action: "undo", attendee_id: 1 }));
  assert.equal(undo.first, null);
  assert.equal((await undo.confirmed).status, "undone");
  // The server out of reach: the phone decides, queues once, and counts it once.
  const lost = await door.decideFirst(door.newItem({ qr: await keys.sign(EVENT, 1) }));
  assert.equal(lost.first.status, "checked_in");
  const settled = await lost.confirmed;
  assert.equal(settled.status, "checked_in", "not a duplicate of its own first answer");
  assert.equal(settled.offline, true);
  assert.equal(door.queueLength, 1);
  const next = await door.decideFirst(door.newItem({ qr: await keys.sign(EVENT, 1) }));
  assert.equal(next.first, null, "offline now: decided on the phone, as before");
  assert.equal((await next.confirmed).status, "already_checked_in");
});
