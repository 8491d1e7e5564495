// The phone's side of overrides, the safe undo, time windows and late uploads: decided
// offline by the same rule as the server (static/js/door/attendees.js, state.js), and an
// expired link's held scans sent or discarded only as the volunteer chooses.
import assert from "node:assert/strict";
import { test } from "node:test";

import { DoorState } from "../../static/js/door/state.js";
import { ApiClient, uploaded } from "../../static/js/door/sync.js";
import { eventKeys, fakeServer, MemoryStore } from "./doubles.mjs";

const EVENT = 7;
const NOW = Date.parse("2027-06-20T11:00:00Z");
const DOLLS = 5;
const EXPIRED = { error: "door_expired", message: "This door link expired after the event." };

function doorBody(publicKey, fields = {}) {
  return { door: { id: 3, name: "Main gate", activities: [], records_exits: false,
                   expires_at: "2027-06-21T20:00:00+00:00", undo_window_minutes: 15,
                   early_warning_minutes: 60, ...fields },
           event: { id: EVENT, status: "published", public_key: publicKey,
                    activities: [{ id: DOLLS, starts_at: "2027-06-20T13:00:00+00:00" }] } };
}

function row(id, fields = {}) {
  return { id, party: id, name: `Person ${id}`, ticket_code: `CODE${id}`, status: "valid",
           cancelled_at: null, checked_in_at: null, checked_in_door: null, left_at: null,
           scans: [], activities: [], ...fields };
}

async function phone({ routes = {}, rows = [], queued = 0, refused = null, door = {} } = {}) {
  const keys = await eventKeys();
  const store = new MemoryStore();
  await store.put("meta", doorBody(keys.publicKey, door), "door");
  await store.putMany("attendees", rows);
  for (let index = 0; index < queued; index += 1) {
    await store.put("queue", { client_id: `held-${index}`, action: "check_in",
                               qr: await keys.sign(EVENT, 1), attendee: 1,
                               scanned_at: new Date(NOW - 600000 + index).toISOString() });
  }
  if (refused) await store.put("meta", refused, "refused");
  const fetcher = fakeServer(routes);
  const state = new DoorState({ store, api: new ApiClient("/api/v1/", "door_x", fetcher),
                                eventId: EVENT, now: () => NOW });
  await state.load();
  state.online = false; // the scans below are decided on the phone
  return { door: state, store, fetcher, keys };
}

test("offline, a cancelled ticket let in with a reason is admitted, flagged and uploaded so",
  async () => {
    const cancelled = row(3, { status: "cancelled", cancelled_at: "2027-06-19T08:00:00+00:00" });
    const { door, keys, store } = await phone({ rows: [cancelled, row(4)] });
    const qr = await keys.sign(EVENT, 3);
    assert.equal((await door.submit(door.newItem({ qr }))).status, "cancelled");
    const answer = await door.submit(door.newItem({ qr, override: "organiser_agreed" }));
    assert.deepEqual([answer.status, answer.flag, answer.overrode, answer.reason],
                     ["checked_in", "overridden", "cancelled", "organiser_agreed"]);
    assert.equal(door.list.stateAt(3).checked_in_at, answer.scanned_at);
    assert.equal(door.list.stateAt(4).checked_in_at, null);
    assert.deepEqual([door.list.countsAsIn(cancelled), door.list.countsAsIn(row(4))],
                     [true, false]);
    const records = await store.all("queue");
    assert.deepEqual(records.map((record) => uploaded(record).override ?? null),
                     [null, "organiser_agreed"]);
  });

test("offline, an override cannot let in a ticket of another event", async () => {
  const { door } = await phone({ rows: [row(1)] });
  const other = await (await eventKeys()).sign(EVENT + 1, 1);
  const answer = await door.submit(door.newItem({ qr: other, override: "organiser_agreed" }));
  assert.equal(answer.status, "wrong_event");
  assert.equal(door.list.stateAt(1).checked_in_at, null);
});

test("offline, an undo of another door's admission asks for a reason and then takes it back",
  async () => {
    const came = { action: "check_in", at: "2027-06-20T10:58:00+00:00", door: "Side gate",
                   door_id: 4 };
    const { door } = await phone({ rows: [row(1, { checked_in_at: came.at, scans: [came] })] });
    const asked = await door.submit(door.newItem({ action: "undo", attendee_id: 1 }));
    assert.equal(asked.status, "undo_needs_reason");
    assert.equal(door.list.stateAt(1).checked_in_at, "2027-06-20T10:58:00.000Z"); // kept
    const undone = await door.submit(door.newItem({ action: "undo", attendee_id: 1,
                                                    reason: "wrong_person" }));
    assert.deepEqual([undone.status, undone.flag], ["undone", "undone_with_reason"]);
    assert.equal(door.list.stateAt(1).checked_in_at, null);
  });

test("offline, an undo at this door soon after is one tap, and later needs a reason",
  async () => {
    const soon = { action: "check_in", at: "2027-06-20T10:50:00+00:00", door: "Main gate",
                   door_id: 3 };
    const long = { action: "check_in", at: "2027-06-20T10:40:00+00:00", door: "Main gate",
                   door_id: 3 };
    const { door } = await phone({ rows: [row(1, { checked_in_at: soon.at, scans: [soon] }),
                                          row(2, { checked_in_at: long.at, scans: [long] })] });
    assert.equal((await door.submit(door.newItem({ action: "undo", attendee_id: 1 }))).status,
                 "undone");
    assert.equal((await door.submit(door.newItem({ action: "undo", attendee_id: 2 }))).status,
                 "undo_needs_reason");
  });

test("offline, another door of the same name is another door: undoing its admission asks a reason",
  async () => {
    // An organiser made a link per volunteer, each called "Main gate" (this door is id 3).
    const came = { action: "check_in", at: "2027-06-20T10:58:00+00:00", door: "Main gate",
                   door_id: 9 };
    const { door } = await phone({ rows: [row(1, { checked_in_at: came.at, scans: [came] })] });
    const asked = await door.submit(door.newItem({ action: "undo", attendee_id: 1 }));
    assert.equal(asked.status, "undo_needs_reason");
    assert.equal(door.list.stateAt(1).checked_in_door, "Main gate"); // the name, to show
    assert.equal(door.list.stateAt(1).checked_in_at, "2027-06-20T10:58:00.000Z"); // kept
  });

test("offline, a list kept from before scans carried door ids still tells this door's by name",
  async () => {
    const ours = { action: "check_in", at: "2027-06-20T10:50:00+00:00", door: "Main gate" };
    const theirs = { action: "check_in", at: "2027-06-20T10:52:00+00:00", door: "Side gate" };
    const { door } = await phone({ rows: [row(1, { checked_in_at: ours.at, scans: [ours] }),
                                          row(2, { checked_in_at: theirs.at, scans: [theirs] })] });
    assert.equal((await door.submit(door.newItem({ action: "undo", attendee_id: 1 }))).status,
                 "undone"); // its own, within the window: one tap, as before
    assert.equal((await door.submit(door.newItem({ action: "undo", attendee_id: 2 }))).status,
                 "undo_needs_reason");
  });

test("offline, a workshop door asks long before its session and admits within the hour",
  async () => {
    const chose = { activities: [{ id: DOLLS, checked_in_at: null, left_at: null, scans: [] }] };
    const { door, keys } = await phone({ rows: [row(1, chose), row(2, chose), row(3, chose)],
                                         door: { activities: [DOLLS] } });
    const early = await door.submit(door.newItem({ qr: await keys.sign(EVENT, 1), activity: DOLLS }));
    assert.equal(early.status, "too_early");
    const letIn = await door.submit(door.newItem({ qr: await keys.sign(EVENT, 2), activity: DOLLS,
                                                   override: "organiser_agreed" }));
    assert.deepEqual([letIn.status, letIn.overrode], ["checked_in", "too_early"]);
    door.list.setDoorRules({ earlyWarning: 3 * 3600000 });
    const later = await door.submit(door.newItem({ qr: await keys.sign(EVENT, 3), activity: DOLLS }));
    assert.equal(later.status, "checked_in");
  });

test("an expired link holds its scans until the volunteer sends them", async () => {
  const { door, fetcher } = await phone({
    queued: 2,
    routes: { "GET door": () => [401, EXPIRED],
              "POST checkins/batch": (body) => [200, { results: body.checkins.map((item) => ({
                client_id: item.client_id, action: item.action, status: "checked_in",
                scanned_at: item.scanned_at, activity: null, attendee: null })) }] },
  });
  await door.sync();
  await door.sync();
  assert.equal(door.refused.reason, "door_expired");
  assert.equal(door.heldScans, 2);
  assert.equal(fetcher.calls.filter((call) => call.route === "POST checkins/batch").length, 0);
  assert.equal(await door.sendHeld(), "sent");
  assert.equal(door.heldScans, 0);
  assert.deepEqual(fetcher.calls.at(-1).body.checkins.map((item) => item.client_id),
                   ["held-0", "held-1"]);
});

test("held scans refused after the grace period stay until the volunteer discards them",
  async () => {
    const { door, store } = await phone({
      queued: 1, refused: { reason: "door_expired", message: "", at: "2027-06-20T10:00:00Z" },
      routes: { "POST checkins/batch": () => [401, EXPIRED] },
    });
    assert.equal(door.heldScans, 1);
    assert.equal(await door.sendHeld(), "too_late");
    assert.equal(await store.count("queue"), 1);
    await door.discardHeld();
    assert.equal(door.heldScans, 0);
    assert.equal(await store.count("queue"), 0);
  });

test("a switched-off link still hands in by itself, holding nothing", async () => {
  const { door, fetcher } = await phone({
    queued: 1, refused: { reason: "door_revoked", message: "", at: "2027-06-20T10:00:00Z" },
    routes: { "POST checkins/batch": (body) => [200, { results: body.checkins.map((item) => ({
      client_id: item.client_id, action: item.action, status: "checked_in",
      scanned_at: item.scanned_at, activity: null, attendee: null })) }] },
  });
  assert.equal(door.heldScans, 0);
  await door.sync();
  assert.equal(door.queueLength, 0);
  assert.equal(fetcher.calls.length, 1);
});

test("offline, an undo after an overridden second check-in takes back that one, as the server does",
  async () => {
    // The server's list: in at the main gate, then let in again at the side gate by an
    // override (an admission of its own). The undo takes back the latest admission only.
    const first = { action: "check_in", at: "2027-06-20T10:00:00+00:00", door: "Main gate" };
    const again = { action: "check_in", at: "2027-06-20T10:30:00+00:00", door: "Side gate",
                    reason: "organiser_agreed" };
    const { door } = await phone({ rows: [row(1, { checked_in_at: first.at,
                                                   scans: [first, again] })] });
    const undone = await door.submit(door.newItem({ action: "undo", attendee_id: 1,
                                                    reason: "wrong_person" }));
    assert.equal(undone.status, "undone");
    assert.equal(door.list.stateAt(1).checked_in_at, "2027-06-20T10:00:00.000Z"); // still in
  });
