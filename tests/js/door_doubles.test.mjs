// The phone's side of door state and doubles (static/js/door/sync.js, state.js): it says
// how many scans it holds on every call, counts "scanned at another door first" only for
// another door, and tells the volunteer once of each welcome that became a duplicate.
import assert from "node:assert/strict";
import { test } from "node:test";

import { DoorState } from "../../static/js/door/state.js";
import { ApiClient, SCANS_HELD_HEADER } from "../../static/js/door/sync.js";
import { eventKeys, fakeServer, MemoryStore } from "./doubles.mjs";

const EVENT = 7;
const NOW = Date.parse("2027-06-20T11:00:00Z");

function doorBody(publicKey, doubles = []) {
  return { door: { id: 3, name: "Main gate", activities: [], records_exits: false,
                   expires_at: "2027-06-21T20:00:00+00:00" },
           event: { id: EVENT, status: "published", public_key: publicKey }, doubles };
}

const DOUBLE = { client_id: "live-1", name: "Olena Kovalenko", scanned_at: "2027-06-20T10:05:00+00:00",
                 activity: null, first_in_at: "2027-06-20T10:00:00+00:00", first_door: "Tent gate" };

async function phone({ routes, queued = 0, store = new MemoryStore(), keys = null }) {
  keys = keys || await eventKeys();
  await store.put("meta", doorBody(keys.publicKey), "door");
  for (let index = 0; index < queued; index += 1) {
    await store.put("queue", { client_id: `offline-${index}`, action: "check_in",
                               qr: await keys.sign(EVENT, index + 1), attendee: index + 1,
                               scanned_at: new Date(NOW - 600000 + index).toISOString() });
  }
  const server = fakeServer(routes);
  // Each call's route and headers, as sent.
  const sent = [];
  const fetcher = (url, options = {}) => {
    sent.push([`${options.method || "GET"} ${url.slice(8).split("?")[0]}`, options.headers]);
    return server(url, options);
  };
  fetcher.sent = sent;
  const door = new DoorState({ store, api: new ApiClient("/api/v1/", "door_x", fetcher),
                               eventId: EVENT, now: () => NOW });
  await door.load();
  return { door, store, fetcher, keys };
}

const emptyList = () => [200, { cursor: "2027-06-20T11:00:00+00:00", complete: false, attendees: [] }];

test("uploaded repeats at the same door are not counted as scanned at another door first", async () => {
  const keys = await eventKeys();
  const answers = [["Main gate", "already_checked_in"], ["Main gate", "already_checked_in"],
                   ["Tent gate", "already_checked_in"], ["Main gate", "checked_in"]];
  const { door } = await phone({ keys, queued: 4, routes: {
    "GET door": () => [200, doorBody(keys.publicKey)],
    "POST checkins/batch": (body) => [200, { results: body.checkins.map((item, index) => ({
      client_id: item.client_id, action: "check_in", status: answers[index][1],
      scanned_at: item.scanned_at, activity: null, attendee: null,
      checked_in_door: answers[index][0] })) }],
    "GET door/attendees": emptyList,
  } });
  await door.sync();
  assert.equal(door.queueLength, 0);
  assert.equal(door.duplicates, 1);
});

test("every call says how many scans the phone still holds", async () => {
  const keys = await eventKeys();
  const { door, fetcher } = await phone({ keys, queued: 3, routes: {
    "GET door": () => [200, doorBody(keys.publicKey)],
    "POST checkins/batch": (body) => [200, { results: body.checkins.map((item) => ({
      client_id: item.client_id, action: "check_in", status: "checked_in",
      scanned_at: item.scanned_at, activity: null, attendee: null })) }],
    "GET door/attendees": emptyList,
  } });
  await door.sync();
  const held = fetcher.sent.map(([route, headers]) => [route, headers[SCANS_HELD_HEADER]]);
  assert.deepEqual(held, [["GET door", "3"], ["POST checkins/batch", "3"],
                          ["GET door/attendees", "0"]]);
});

test("a welcome that became a duplicate is told once, also after a reload", async () => {
  const keys = await eventKeys();
  const routes = {
    "GET door": () => [200, doorBody(keys.publicKey, [DOUBLE])],
    "GET door/attendees": emptyList,
  };
  const { door, store } = await phone({ keys, routes });
  await door.sync();
  assert.deepEqual(door.newDoubles, [DOUBLE]);
  await door.sync();
  assert.deepEqual(door.newDoubles, [], "told already");
  const reloaded = (await phone({ keys, routes, store })).door;
  await reloaded.sync();
  assert.deepEqual(reloaded.newDoubles, []);
  routes["GET door"] = () => [200, doorBody(keys.publicKey, [{ ...DOUBLE, client_id: "live-2" }, DOUBLE])];
  await reloaded.sync();
  assert.deepEqual(reloaded.newDoubles.map((double) => double.client_id), ["live-2"]);
});
