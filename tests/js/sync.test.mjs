// The API client (static/js/door/sync.js): what counts as offline, what as the door link
// refused, and uploading the queue.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiClient, DoorRefused, NoConnection, uploadQueue } from "../../static/js/door/sync.js";
import { fakeServer, MemoryStore } from "./doubles.mjs";

const client = (routes) => new ApiClient("/api/v1/", "door_secret", fakeServer(routes));

for (const status of [500, 502, 503, 504]) {
  test(`a ${status} answer is offline, not a refusal`, async () => {
    const api = client({ "GET door": () => [status, { error: "service_unavailable" }] });
    await assert.rejects(api.door(), NoConnection);
  });
}

test("a 503 page that is not JSON is offline", async () => {
  const api = client({ "GET door": () => new Response("<h1>Maintenance</h1>", { status: 503 }) });
  await assert.rejects(api.door(), NoConnection);
});

test("no network at all is offline", async () => {
  await assert.rejects(client({}).door(), NoConnection);
});

test("a server that does not answer in time is offline", async () => {
  const api = new ApiClient("/api/v1/", "door_secret", (url, { signal }) => new Promise(
    (resolve, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")))));
  await assert.rejects(api.call("door", { timeout: 20 }), NoConnection);
});

for (const reason of ["door_revoked", "door_expired", "door_unknown"]) {
  test(`a 401 ${reason} refuses the door link, with its reason and message`, async () => {
    const api = client({ "POST checkins": () => [401, { error: reason, message: "Switched off." }] });
    const error = await api.checkIn({ client_id: "a", qr: "X" }).catch((caught) => caught);
    assert.ok(error instanceof DoorRefused);
    assert.equal(error.reason, reason);
    assert.equal(error.message, "Switched off.");
  });
}

test("a 401 that is not the API's refusal (a Wi-Fi sign-in page) is offline", async () => {
  const api = client({ "GET door": () => new Response("<form>Sign in to the Wi-Fi</form>",
                                                      { status: 401 }) });
  await assert.rejects(api.door(), NoConnection);
});

test("other answers come back as they are, with the server's clock", async () => {
  const api = client({
    "POST checkins": () => new Response(JSON.stringify({ error: "validation_failed" }), {
      status: 422, headers: { Date: "Sun, 20 Jun 2027 10:00:00 GMT" } }),
  });
  const answer = await api.checkIn({ client_id: "a" });
  assert.equal(answer.status, 422);
  assert.equal(answer.body.error, "validation_failed");
  assert.equal(answer.date, Date.parse("2027-06-20T10:00:00Z"));
});

test("the door's token goes with every call", async () => {
  const fetcher = fakeServer({ "GET door": () => [200, {}] });
  await new ApiClient("/api/v1/", "door_secret", fetcher).door();
  assert.equal(fetcher.calls.length, 1);
});

test("the queue is uploaded oldest first, as the API takes it, and emptied", async () => {
  const store = new MemoryStore();
  await store.put("queue", { client_id: "b", action: "check_in", qr: "Q", attendee: 7,
                             scanned_at: "2027-06-20T10:05:00.000Z" });
  await store.put("queue", { client_id: "a", action: "undo", attendee_id: 7, attendee: 7,
                             scanned_at: "2027-06-20T10:00:00.000Z" });
  const fetcher = fakeServer({ "POST checkins/batch": (body) => [200, {
    results: body.checkins.map((item) => ({ client_id: item.client_id, status: "checked_in" })) }] });
  const results = await uploadQueue(store, new ApiClient("/api/v1/", "t", fetcher));
  assert.deepEqual(fetcher.calls[0].body.checkins, [
    { client_id: "a", action: "undo", attendee_id: 7, scanned_at: "2027-06-20T10:00:00.000Z" },
    { client_id: "b", action: "check_in", qr: "Q", scanned_at: "2027-06-20T10:05:00.000Z" },
  ]);
  assert.equal(results.length, 2);
  assert.equal(await store.count("queue"), 0);
});

test("an upload that fails keeps the whole queue", async () => {
  const store = new MemoryStore();
  await store.put("queue", { client_id: "a", action: "check_in", qr: "Q",
                             scanned_at: "2027-06-20T10:00:00.000Z" });
  const api = client({ "POST checkins/batch": () => [503, {}] });
  await assert.rejects(uploadQueue(store, api), NoConnection);
  assert.equal(await store.count("queue"), 1);
});

test("each answered batch is told at once, so a later failure loses no answer", async () => {
  const store = new MemoryStore();
  for (const id of ["a", "b", "c"]) {
    await store.put("queue", { client_id: id, action: "check_in", qr: "Q",
                               scanned_at: `2027-06-20T10:00:0${"abc".indexOf(id)}.000Z` });
  }
  let calls = 0;
  const api = client({ "POST checkins/batch": (body) => {
    calls += 1;
    if (calls > 1) return [503, {}];
    return [200, { results: body.checkins.map((item) => ({ client_id: item.client_id })) }];
  } });
  const told = [];
  await assert.rejects(uploadQueue(store, api, { batchSize: 2,
                                                 answered: (results) => told.push(...results) }),
                       NoConnection);
  assert.deepEqual(told.map((result) => result.client_id), ["a", "b"]);
  assert.deepEqual((await store.all("queue")).map((item) => item.client_id), ["c"]);
});
