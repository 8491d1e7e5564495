// The phone's door (static/js/door/state.js) once the server refuses its link: it
// remembers, forgets the names and the key, decides nothing and still hands in its queue.
import assert from "node:assert/strict";
import { test } from "node:test";

import { DoorState, refusedAnswer } from "../../static/js/door/state.js";
import { ApiClient } from "../../static/js/door/sync.js";
import { eventKeys, fakeServer, MemoryStore } from "./doubles.mjs";

const EVENT = 7;
const NOW = Date.parse("2027-06-20T11:00:00Z");
const SWITCHED_OFF = { error: "door_revoked",
                       message: "This door link was switched off. Ask the organiser for a new one." };

function doorBody(publicKey) {
  return { door: { id: 3, name: "Main gate", activities: [], records_exits: false,
                   expires_at: "2027-06-21T20:00:00+00:00" },
           event: { id: EVENT, status: "published", public_key: publicKey } };
}

function row(id, fields = {}) {
  return { id, party: id, name: `Person ${id}`, ticket_code: `CODE${id}`, status: "valid",
           cancelled_at: null, checked_in_at: null, checked_in_door: null, left_at: null,
           scans: [], activities: [], ...fields };
}

/** A phone that was online, downloaded the list and scanned `queued` tickets offline. */
async function phone({ routes, queued = [], refused = null, keys = null }) {
  keys = keys || await eventKeys();
  const store = new MemoryStore();
  await store.put("meta", doorBody(keys.publicKey), "door");
  await store.put("meta", "2027-06-20T09:00:00+00:00", "cursor");
  await store.putMany("attendees", [row(1), row(2), row(3, { status: "cancelled",
                                                             cancelled_at: "2027-06-19T08:00:00+00:00" })]);
  for (const [index, attendee] of queued.entries()) {
    await store.put("queue", { client_id: `offline-${index}`, action: "check_in",
                               qr: await keys.sign(EVENT, attendee), attendee,
                               scanned_at: new Date(NOW - 600000 + index).toISOString() });
  }
  if (refused) await store.put("meta", refused, "refused");
  const fetcher = fakeServer(routes);
  const door = new DoorState({ store, api: new ApiClient("/api/v1/", "door_x", fetcher),
                               eventId: EVENT, now: () => NOW });
  await door.load();
  return { door, store, fetcher, keys };
}

const handedIn = (body) => [200, { results: body.checkins.map((item) => ({
  client_id: item.client_id, action: item.action, status: "checked_in",
  scanned_at: item.scanned_at, activity: null, attendee: null })) }];

test("a refused phone decides no scan, a valid ticket and a cancelled one included", async () => {
  const refused = { reason: "door_revoked", message: "Switched off.", at: "2027-06-20T10:50:00Z" };
  const { door, fetcher, keys } = await phone({ routes: {}, refused });
  assert.equal(door.publicKey, null);
  assert.equal(door.list.size, 0);
  for (const attendee of [1, 3, 99]) {
    const item = door.newItem({ qr: await keys.sign(EVENT, attendee) });
    assert.deepEqual(await door.submit(item), refusedAnswer(refused, item));
  }
  const byHand = door.newItem({ attendee_id: 1 });
  assert.equal((await door.submit(byHand)).status, "door_refused");
  // Nothing was sent, and nothing queued: there is nothing to hand in for these.
  assert.deepEqual(fetcher.calls, []);
  assert.equal(door.queueLength, 0);
});

test("the answer to any scan once refused is the refusal, whatever it was", () => {
  const item = { client_id: "c", action: "check_out", attendee_id: 1, scanned_at: "t" };
  const answer = refusedAnswer({ reason: "door_expired", message: "", at: "t" }, item);
  assert.equal(answer.status, "door_refused");
  assert.equal(answer.reason, "door_expired");
  assert.equal(answer.attendee, null);
});

test("told 401 door_revoked, the phone remembers it, forgets names and key, hands in its scans",
  async () => {
    const { door, store, fetcher } = await phone({
      queued: [1, 2],
      routes: { "GET door": () => [401, SWITCHED_OFF], "POST checkins/batch": handedIn },
    });
    assert.equal(door.queueLength, 2);
    await door.sync();
    assert.equal(door.refused.reason, "door_revoked");
    assert.equal(door.refused.message, SWITCHED_OFF.message);
    assert.deepEqual(await store.get("meta", "refused"), door.refused);
    assert.equal(await store.count("attendees"), 0);
    assert.equal(await store.get("meta", "door"), undefined); // the event's public key too
    assert.equal(await store.get("meta", "cursor"), undefined);
    assert.equal(door.publicKey, null);
    assert.equal(door.list.size, 0);
    // The two scans made before reached the server, as the API takes them.
    const batch = fetcher.calls.find((call) => call.route === "POST checkins/batch");
    assert.deepEqual(batch.body.checkins.map((item) => item.client_id), ["offline-0", "offline-1"]);
    assert.ok(batch.body.checkins.every((item) => !("attendee" in item)));
    assert.equal(door.queueLength, 0);
    assert.equal(await store.count("queue"), 0);
    assert.ok(!fetcher.calls.some((call) => call.route === "GET door/attendees"));
  });

test("the refusal holds after a reload, and the phone asks nothing but to hand in", async () => {
  const { store, fetcher, keys } = await phone({
    queued: [1],
    routes: { "GET door": () => [401, SWITCHED_OFF], "POST checkins/batch": () => [503, {}] },
  });
  const first = new DoorState({ store, api: new ApiClient("/api/v1/", "door_x", fetcher),
                                eventId: EVENT, now: () => NOW });
  await first.load();
  await first.sync();
  assert.equal(first.queueLength, 1); // the server was down: kept, to try again
  assert.equal(first.online, false);

  const reloaded = new DoorState({ store, api: new ApiClient("/api/v1/", "door_x", fetcher),
                                   eventId: EVENT, now: () => NOW });
  await reloaded.load();
  assert.equal(reloaded.refused.reason, "door_revoked");
  const scan = await reloaded.submit(reloaded.newItem({ qr: await keys.sign(EVENT, 2) }));
  assert.equal(scan.status, "door_refused");
  fetcher.calls.length = 0;
  await reloaded.sync();
  assert.deepEqual(fetcher.calls.map((call) => call.route), ["POST checkins/batch"]);
  assert.equal(reloaded.queueLength, 1);
});

test("a refused phone keeps trying the upload until the queue is empty", async () => {
  let up = false;
  const { door, fetcher } = await phone({
    queued: [1, 2],
    routes: { "GET door": () => [401, SWITCHED_OFF],
              "POST checkins/batch": (body) => (up ? handedIn(body) : [503, {}]) },
  });
  await door.sync();
  await door.sync();
  assert.equal(door.queueLength, 2);
  up = true;
  await door.sync();
  assert.equal(door.queueLength, 0);
  await door.sync(); // nothing left: nothing sent
  assert.equal(fetcher.calls.filter((call) => call.route === "POST checkins/batch").length, 3);
  assert.equal(fetcher.calls.filter((call) => call.route === "GET door").length, 1);
});

test("an expired link is refused the same, its queue kept while the upload is refused too",
  async () => {
    const expired = { error: "door_expired", message: "This door link expired after the event." };
    const { door, store } = await phone({
      queued: [1],
      routes: { "GET door": () => [401, expired], "POST checkins/batch": () => [401, expired] },
    });
    await door.sync();
    assert.equal(door.refused.reason, "door_expired");
    assert.equal(door.online, true); // the server answers: the label says why, not "Offline"
    assert.equal(await store.count("queue"), 1);
    assert.equal(await store.count("attendees"), 0);
  });

test("scans handed in after the switch-off or the expiry are counted apart, not as arrivals",
  async () => {
    const lateAnswers = (body) => [200, { results: body.checkins.map((item, index) => ({
      client_id: item.client_id, action: item.action, scanned_at: item.scanned_at,
      status: ["checked_in", "door_revoked", "door_expired", "door_expired"][index],
      activity: null, attendee: null })) }];
    const { door } = await phone({
      queued: [1, 2, 1, 2],
      routes: { "GET door": () => [401, SWITCHED_OFF], "POST checkins/batch": lateAnswers },
    });
    await door.sync();
    assert.equal(door.queueLength, 0);
    assert.equal(door.revokedScans, 1);
    assert.equal(door.expiredScans, 2);
  });

test("a live check-out the server refuses for a pick-up code says so, and a bad body stays invalid",
  async () => {
    const held = { error: "pickup_code_required", message: "Hand the child over." };
    const { door, keys } = await phone({ routes: { "POST checkins": (body) =>
      (body.action === "check_out" ? [409, held] : [422, { error: "validation_failed",
                                                          message: "Bad." }]) } });
    const out = await door.submit(door.newItem({ qr: await keys.sign(EVENT, 1),
                                                 action: "check_out" }));
    assert.equal(out.status, "pickup_code_required");
    assert.equal(out.message, "Hand the child over.");
    const bad = await door.submit(door.newItem({ qr: await keys.sign(EVENT, 1) }));
    assert.equal(bad.status, "invalid");
    assert.equal(door.queueLength, 0); // answered by the server: nothing to hand in
  });

test("a live scan answered 401 refuses the door link at once", async () => {
  const { door, store, keys } = await phone({
    routes: { "POST checkins": () => [401, SWITCHED_OFF] } });
  const answer = await door.submit(door.newItem({ qr: await keys.sign(EVENT, 1) }));
  assert.equal(answer.status, "door_refused");
  assert.equal((await store.get("meta", "refused")).reason, "door_revoked");
  assert.equal(await store.count("attendees"), 0);
});

test("a link past its expiry by the phone's clock is refused at load, offline too", async () => {
  const keys = await eventKeys();
  const store = new MemoryStore();
  const body = doorBody(keys.publicKey);
  body.door.expires_at = "2027-06-20T10:00:00+00:00";
  await store.put("meta", body, "door");
  await store.put("attendees", row(1));
  const door = new DoorState({ store, api: new ApiClient("/api/v1/", "d", fakeServer({})),
                               eventId: EVENT, now: () => NOW });
  await door.load();
  assert.equal(door.refused.reason, "door_expired");
  assert.equal(await store.count("attendees"), 0);
});

test("a live phone offline decides by the rule and queues the scan", async () => {
  const { door, keys, store } = await phone({ routes: {} }); // no network
  const welcome = await door.submit(door.newItem({ qr: await keys.sign(EVENT, 1) }));
  assert.equal(welcome.status, "checked_in");
  assert.equal(welcome.attendee.name, "Person 1");
  assert.equal(door.online, false);
  const cancelled = await door.submit(door.newItem({ qr: await keys.sign(EVENT, 3) }));
  assert.equal(cancelled.status, "cancelled");
  const forged = await door.submit(door.newItem({ qr: await (await eventKeys()).sign(EVENT, 1) }));
  assert.equal(forged.status, "invalid");
  assert.equal(await store.count("queue"), 3);
});

test("a list kept from before its scans carried door ids is fetched whole once, then what changed",
  async () => {
    const keys = await eventKeys();
    const lists = [];
    const routes = {
      "GET door": () => [200, doorBody(keys.publicKey)],
      "GET door/attendees": (_body, { url }) => {
        lists.push(new URL(url, "http://phone").searchParams.get("since"));
        return [200, { cursor: "2027-06-20T11:00:00+00:00", complete: lists.length === 1,
                       attendees: [row(1)] }];
      },
    };
    const { door, store } = await phone({ routes, keys }); // a cursor kept, no list form
    await door.sync();
    await door.sync();
    assert.deepEqual(lists, [null, "2027-06-20T11:00:00+00:00"]);
    assert.equal(await store.get("meta", "list_format"), 2);
  });
