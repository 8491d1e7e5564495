// Pick-up codes at a children's workshop's door (eventreg/checkin/pickup.py): the code a
// child gets when let in, shown with the welcome, and handing the child over against the
// parent's ticket or the code (POST /api/v1/door/pickups).
//
// Handing over needs the server: a phone offline says so in red and hands nobody over,
// since the phone cannot know every code (one made by another phone, a child checked in
// offline whose code the server makes on upload) and a wrong hand-over is what this must
// prevent. A child checked in offline gets their code once the scan is uploaded; the
// parent's ticket page shows it, and the parent's ticket works meanwhile.

import { element } from "./dom.js";
import { readTicket } from "./tickets.js";

/** What the pick-up code's QR holds before the code (PICKUP_QR_PREFIX). */
export const PICKUP_QR_PREFIX = "PICKUP:";

export function isPickupQr(text) {
  return String(text || "").trim().toUpperCase().startsWith(PICKUP_QR_PREFIX);
}

/** A code as typed ("k7 m3") or scanned ("PICKUP:K7M3") in the form it is stored. */
export function normaliseCode(text) {
  let code = String(text || "").trim();
  if (isPickupQr(code)) code = code.slice(PICKUP_QR_PREFIX.length);
  return code.replace(/[\s-]+/g, "").toUpperCase();
}

/** The open pick-up code `row` (a door list's attendee) holds at `activityId`, or null. */
export function openPickupCode(row, activityId) {
  if (!row || activityId === null || activityId === undefined) return null;
  return (row.activities || []).find((choice) => choice.id === activityId)?.pickup_code ?? null;
}

/** The children at `activityId` holding an open code, by name: [{id, name, code}]. */
export function childrenWithCodes(rows, activityId) {
  const children = [];
  for (const row of rows) {
    const code = openPickupCode(row, activityId);
    if (code && row.status === "valid") children.push({ id: row.id, name: row.name, code });
  }
  return children.sort((a, b) => a.name.localeCompare(b.name));
}

/** What the welcome says of the pick-up code, or "" (a door or person without one). */
export function pickupCodeText(result, asksCodes, say) {
  if (result.pickup_code) return say("pickup_code_give", { code: result.pickup_code });
  // Only for a scan decided and queued offline: a provisional answer (the server's to
  // follow) gets its code from the server's.
  if (result.offline && !result.provisional && result.status === "checked_in"
      && asksCodes(result.activity)
      && result.attendee) {
    return say("pickup_code_offline");
  }
  return "";
}

/** The answer panel's words and colour for a try at handing a child over. */
export function pickupAnswer(answer, childName, say) {
  switch (answer.status) {
    case "picked_up":
      return { tone: "ok", title: say("picked_up", { name: childName }),
               detail: say("picked_up_detail") };
    case "pickup_mismatch":
      return { tone: "bad", title: say("pickup_mismatch"),
               detail: say("pickup_mismatch_detail", { name: childName }) };
    case "no_pickup_code":
      return { tone: "warn", title: say("no_pickup_code", { name: childName }),
               detail: say("no_pickup_code_detail") };
    case "offline":
      return { tone: "bad", title: say("pickup_offline"), detail: say("pickup_offline_detail") };
    default:
      return { tone: "bad", title: say("pickup_mismatch"), detail: answer.message || "" };
  }
}

/**
 * An answer extra (answer.js's answerExtras): the pick-up code under the welcome. The
 * volunteer writes it down or tells it, so an answer with a code stays until tapped
 * (`hold()`, once the answer is drawn).
 */
export function pickupExtra({ say, asksCodes, hold }) {
  return (result, extras) => {
    const text = pickupCodeText(result, asksCodes, say);
    if (!text) return;
    extras.append(element("p", { className: "result-pickup" }, text));
    if (result.pickup_code) queueMicrotask(hold);
  };
}

/**
 * The page's pick-up panel (#pickup, present at a workshop door that asks codes).
 * `state()` is the DoorState, `activity()` the door's activity now. Answers
 * {takesCode(text)}: true when the panel is open and the camera's code was for it.
 */
export function setUpPickups({ say, state, activity, eventId }) {
  const panel = document.getElementById("pickup");
  if (!panel) return { takesCode: () => false };
  const select = document.getElementById("pickup-child");
  const form = document.getElementById("pickup-form");
  const codeInput = document.getElementById("pickup-code");
  const answerBox = document.getElementById("pickup-result");
  const placeholder = select.querySelector("option[value='']");

  function fillChildren() {
    const chosen = select.value;
    const children = childrenWithCodes(state().list.rows.values(), activity());
    select.replaceChildren(placeholder, ...children.map((child) =>
      element("option", { value: String(child.id) }, child.name)));
    select.value = children.some((child) => String(child.id) === chosen) ? chosen : "";
  }

  function show({ tone, title, detail }) {
    answerBox.hidden = false;
    answerBox.className = `pickup-result result-${tone}`;
    answerBox.dataset.tone = tone;
    answerBox.querySelector(".pickup-result-title").textContent = title;
    answerBox.querySelector(".pickup-result-detail").textContent = detail || "";
    if (navigator.vibrate) navigator.vibrate(tone === "ok" ? 120 : [90, 60, 90, 60, 90]);
  }

  function childName() {
    return select.selectedOptions[0]?.textContent || "";
  }

  async function send(fields) {
    const door = state();
    const childId = Number(select.value);
    if (!childId) return show({ tone: "warn", title: say("pickup_choose_child"), detail: "" });
    const name = childName();
    if (!door.online || door.refused) return show(pickupAnswer({ status: "offline" }, name, say));
    const body = { client_id: crypto.randomUUID(), attendee_id: childId,
                   activity: activity(), ...fields };
    let answer;
    try {
      const { status, body: reply } = await door.api.call("door/pickups", {
        method: "POST", body, timeout: 4000 });
      answer = status === 200 ? reply : { status: "refused", message: reply.message };
    } catch (error) {
      answer = { status: "offline" };
    }
    show(pickupAnswer(answer, name, say));
    panel.dataset.status = answer.status;
    if (answer.status === "picked_up") {
      const row = door.list.rows.get(childId);
      const place = row?.activities.find((choice) => choice.id === activity());
      if (place) place.pickup_code = null;
      if (answer.checkout) door.list.applyServerResult(answer.checkout);
      if (row) await door.store.put("attendees", row);
      codeInput.value = "";
      fillChildren();
    }
  }

  async function chooseByTicket(text) {
    const door = state();
    const reading = door.publicKey ? await readTicket(text, door.publicKey, eventId) : null;
    fillChildren();
    const id = reading?.status === "ok" ? String(reading.attendeeId) : "";
    if (id && [...select.options].some((option) => option.value === id)) {
      select.value = id;
      show({ tone: "warn", title: say("pickup_child_chosen", { name: childName() }),
             detail: "" });
    } else {
      show({ tone: "warn", title: say("pickup_not_here"), detail: "" });
    }
  }

  panel.addEventListener("toggle", fillChildren);
  select.addEventListener("focus", fillChildren);
  select.addEventListener("change", () => { answerBox.hidden = true; });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = normaliseCode(codeInput.value);
    if (!code) show({ tone: "warn", title: say("pickup_type_code"), detail: "" });
    else send({ code });
  });
  return {
    takesCode(text) {
      if (!panel.open) return false;
      if (!select.value && !isPickupQr(text)) chooseByTicket(text);
      else send({ qr: text.trim() });
      return true;
    },
  };
}
