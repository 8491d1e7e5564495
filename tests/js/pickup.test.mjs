// The door's note and pick-up code with an answer, and the pick-up rule the phone keeps:
// handing a child over needs the server (static/js/door/notes.js, pickup.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { noteFor } from "../../static/js/door/notes.js";
import {
  childrenWithCodes, isPickupQr, normaliseCode, pickupAnswer, pickupCodeText,
} from "../../static/js/door/pickup.js";

const say = (key, values = {}) => `${key}${Object.keys(values).length ? JSON.stringify(values) : ""}`;
const WORKSHOP = 4;
const asks = (id) => id === WORKSHOP;

function row(id, fields = {}) {
  return { id, party: 1, name: `Child ${id}`, status: "valid", note: "", activities: [],
           ...fields };
}

test("the server's note wins; an answer decided offline takes the list's", () => {
  const rows = new Map([[1, row(1, { note: "Needs an interpreter" })]]);
  assert.equal(noteFor({ attendee: { id: 1 }, note: "Wheelchair" }, rows), "Wheelchair");
  assert.equal(noteFor({ attendee: { id: 1 }, note: "" }, rows), "");
  assert.equal(noteFor({ attendee: { id: 1 }, offline: true }, rows), "Needs an interpreter");
  assert.equal(noteFor({ attendee: null, offline: true }, rows), "");
  assert.equal(noteFor({ attendee: { id: 2 }, offline: true }, rows), "");
});

test("codes are read as typed or scanned", () => {
  assert.equal(normaliseCode(" k7 m3 "), "K7M3");
  assert.equal(normaliseCode("PICKUP:K7M3"), "K7M3");
  assert.equal(normaliseCode("k7-m3"), "K7M3");
  assert.ok(isPickupQr("pickup:K7M3"));
  assert.ok(!isPickupQr("AEAAAAABAAAA"));
});

test("the welcome gives the server's code, and offline says it comes later", () => {
  const child = { attendee: { id: 1 }, activity: WORKSHOP, status: "checked_in" };
  assert.equal(pickupCodeText({ ...child, pickup_code: "K7M3" }, asks, say),
               'pickup_code_give{"code":"K7M3"}');
  assert.equal(pickupCodeText({ ...child, offline: true }, asks, say), "pickup_code_offline");
  assert.equal(pickupCodeText({ ...child, offline: false, provisional: true }, asks, say), "");
  assert.equal(pickupCodeText({ ...child, activity: 5, offline: true }, asks, say), "");
  assert.equal(pickupCodeText({ ...child, status: "wrong_activity", offline: true }, asks, say),
               "");
});

test("offline, nobody is handed over: red, and no request", () => {
  const answer = pickupAnswer({ status: "offline" }, "Mykola", say);
  assert.equal(answer.tone, "bad");
  assert.equal(answer.title, "pickup_offline");
});

test("a mismatch is red and names the child who stays; a match is green", () => {
  assert.deepEqual(pickupAnswer({ status: "pickup_mismatch" }, "Mykola", say),
                   { tone: "bad", title: "pickup_mismatch",
                     detail: 'pickup_mismatch_detail{"name":"Mykola"}' });
  assert.equal(pickupAnswer({ status: "picked_up" }, "Mykola", say).tone, "ok");
  assert.equal(pickupAnswer({ status: "refused", message: "No" }, "Mykola", say).tone, "bad");
});

test("the children listed for a hand-over are those with a code at this workshop", () => {
  const rows = [
    row(1, { name: "Mykola", activities: [{ id: WORKSHOP, pickup_code: "K7M3" }] }),
    row(2, { name: "Anna", activities: [{ id: WORKSHOP, pickup_code: "CDEF" }] }),
    row(3, { name: "Daryna", activities: [{ id: 5, pickup_code: "AAAA" }] }),
    row(4, { name: "Ivan", activities: [{ id: WORKSHOP, pickup_code: null }] }),
    row(5, { name: "Olha", status: "cancelled",
             activities: [{ id: WORKSHOP, pickup_code: "HJKM" }] }),
  ];
  assert.deepEqual(childrenWithCodes(rows, WORKSHOP).map((child) => child.name),
                   ["Anna", "Mykola"]);
});
