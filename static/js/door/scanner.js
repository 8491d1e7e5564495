// The door scanner page: scan, look up by name, register walk-ins, and keep going offline.
//
// Online, every scan is decided by the server (POST /api/v1/checkins). When the server
// cannot be reached, the phone decides with what it downloaded: it verifies the ticket's
// signature with the event's public key, checks the attendee list, records the scan in
// IndexedDB and uploads it later (the server then keeps the earliest scan of a ticket).
// The offline rules mirror check_in in eventreg/checkin/service.py.

import { CameraProblem, startScanning } from "./camera.js";
import { DoorStore } from "./store.js";
import { ApiClient, DoorRefused, NoConnection, uploadQueue } from "./sync.js";
import { importPublicKey, readTicket } from "./tickets.js";

const REFRESH_EVERY_MS = 15000;
const RECENT_SCANS = 10;
const LOOKUP_PARTIES = 15;
const TONES = {
  checked_in: "ok", checked_out: "ok", undone: "ok",
  already_checked_in: "warn", already_checked_out: "warn", not_checked_in: "warn",
};

const root = document.getElementById("door");
const messages = JSON.parse(document.getElementById("door-messages").textContent);
const config = {
  token: root.dataset.token,
  doorId: Number(root.dataset.doorId),
  eventId: Number(root.dataset.eventId),
  api: root.dataset.api,
  serviceWorker: root.dataset.serviceWorker,
  decoderScripts: JSON.parse(root.dataset.decoderScripts),
  timezone: root.dataset.timezone,
  language: root.dataset.language,
  doorActivities: JSON.parse(root.dataset.doorActivities),
  activityTitles: JSON.parse(root.dataset.activityTitles),
};
const $ = (id) => document.getElementById(id);
const timeFormat = new Intl.DateTimeFormat(config.language, {
  hour: "2-digit", minute: "2-digit", timeZone: config.timezone,
});

const state = {
  store: null,
  api: new ApiClient(config.api, config.token),
  publicKey: null,
  door: null,
  online: navigator.onLine,
  refused: false,
  attendees: new Map(),
  scans: 0,
  duplicates: 0,
  queueLength: 0,
  audio: null,
  refreshing: null,
  //: Milliseconds to add to this phone's clock to get the server's (from its Date header).
  clockOffset: 0,
};

function say(key, values = {}) {
  return (messages[key] || key).replace(/%\((\w+)\)[sd]/g, (_, name) => values[name] ?? "");
}

function showTime(iso) {
  return iso ? timeFormat.format(new Date(iso)) : "";
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "className") node.className = value;
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// --- the attendee list and the offline rules ---------------------------------------------

function placeOf(attendee, activityId) {
  if (!activityId) return attendee;
  return attendee.activities.find((choice) => choice.id === activityId) || null;
}

function summary(attendee) {
  const party = [...state.attendees.values()].filter(
    (other) => other.party === attendee.party && other.status === "valid");
  return {
    id: attendee.id, name: attendee.name, ticket_code: attendee.ticket_code,
    party: attendee.party, party_size: party.length,
    activities: attendee.activities.map((choice) => choice.id),
    cancelled: attendee.status === "cancelled",
  };
}

/** Decide a scan on the phone. Answers a result like the server's, plus `queue`. */
async function decideLocally(item) {
  const answer = (status, extra = {}) => ({
    client_id: item.client_id, action: item.action, status, scanned_at: item.scanned_at,
    activity: item.activity || null, attendee: null, offline: true, ...extra,
  });
  let attendee;
  if (item.qr) {
    if (!state.publicKey) return answer("invalid");
    const ticket = await readTicket(item.qr, state.publicKey, config.eventId);
    if (ticket.status !== "ok") return answer(ticket.status);
    attendee = state.attendees.get(ticket.attendeeId);
    if (!attendee) {
      // Signed by the event's key, so a real ticket made after the list was downloaded.
      // Remember it, so the same ticket shown again is a duplicate here too.
      attendee = {
        id: ticket.attendeeId, party: -ticket.attendeeId, name: "", ticket_code: "",
        status: "valid", checked_in_at: null, checked_in_door: null, left_at: null,
        activities: [], placeholder: true,
      };
      state.attendees.set(attendee.id, attendee);
      if (item.action !== "check_in" || item.activity) {
        return answer(item.activity ? "wrong_activity" : "unknown", { queue: true });
      }
    }
  } else {
    attendee = state.attendees.get(item.attendee_id);
    if (!attendee) return answer("unknown");
  }
  const who = { attendee: attendee.placeholder ? null : summary(attendee),
                notInList: Boolean(attendee.placeholder) };
  if (item.action === "check_in" && state.door?.event.status === "cancelled") {
    return answer("event_cancelled", who);
  }
  if (item.action === "check_in" && attendee.status === "cancelled") return answer("cancelled", who);
  const place = placeOf(attendee, item.activity);
  if (!place) return answer("wrong_activity", who);
  const doorName = state.door?.door.name || "";
  let status;
  if (item.action === "check_in") {
    if (!place.checked_in_at) {
      Object.assign(place, { checked_in_at: item.scanned_at, checked_in_door: doorName, left_at: null });
      if (place !== attendee && !attendee.checked_in_at) {
        Object.assign(attendee, { checked_in_at: item.scanned_at, checked_in_door: doorName });
      }
      status = "checked_in";
    } else if (place.left_at && item.scanned_at >= place.left_at) {
      place.left_at = null;
      status = "checked_in";
    } else {
      status = "already_checked_in";
    }
  } else if (item.action === "check_out") {
    if (!place.checked_in_at) status = "not_checked_in";
    else if (place.left_at) status = "already_checked_out";
    else {
      place.left_at = item.scanned_at;
      status = "checked_out";
    }
  } else if (!place.checked_in_at) {
    status = "not_checked_in";
  } else {
    Object.assign(place, { checked_in_at: null, checked_in_door: null, left_at: null });
    status = "undone";
  }
  const changed = !status.startsWith("already") && status !== "not_checked_in";
  if (changed && !attendee.placeholder) await state.store.put("attendees", attendee);
  return answer(status, {
    ...who,
    checked_in_at: place.checked_in_at, checked_in_door: place.checked_in_door,
    left_at: place.left_at,
  });
}

/** Bring the phone's copy of an attendee in line with what the server answered. */
async function applyServerResult(result) {
  const attendee = result.attendee && state.attendees.get(result.attendee.id);
  if (!attendee) return;
  const place = placeOf(attendee, result.activity);
  if (!place) return;
  if (result.status === "checked_in" || result.status === "already_checked_in") {
    Object.assign(place, { checked_in_at: result.checked_in_at,
                           checked_in_door: result.checked_in_door });
    if (result.status === "checked_in") place.left_at = null;
    if (place !== attendee && !attendee.checked_in_at) attendee.checked_in_at = result.scanned_at;
  } else if (result.status === "checked_out") {
    place.left_at = result.scanned_at;
  } else if (result.status === "undone") {
    Object.assign(place, { checked_in_at: null, checked_in_door: null, left_at: null });
  } else if (result.status === "cancelled") {
    attendee.status = "cancelled";
  }
  await state.store.put("attendees", attendee);
}

// --- sending scans ---------------------------------------------------------------------------

function newItem(fields) {
  const item = {
    client_id: crypto.randomUUID(), action: "check_in",
    scanned_at: new Date(Date.now() + state.clockOffset).toISOString(), ...fields,
  };
  const activity = doorActivity();
  if (activity) item.activity = activity;
  return item;
}

function doorActivity() {
  const chosen = document.querySelector("input[name=door-activity]:checked");
  if (chosen) return Number(chosen.value);
  return config.doorActivities.length === 1 ? config.doorActivities[0] : null;
}

function direction() {
  return document.querySelector("input[name=direction]:checked")?.value || "check_in";
}

/** Send a scan to the server, or decide it on the phone when the server is out of reach. */
async function submit(item) {
  if (state.online && !state.refused) {
    try {
      const { status, body } = item.action === "undo"
        ? await state.api.undo(item) : await state.api.checkIn(item);
      if (status === 200) {
        await applyServerResult(body);
        return body;
      }
      return { ...item, status: "invalid", attendee: null, message: body.message };
    } catch (error) {
      if (error instanceof DoorRefused) {
        await doorRefused(error.message);
        return { ...item, status: "door_refused", attendee: null, message: error.message };
      }
      setOnline(false);
    }
  }
  if (state.refused) {
    return { ...item, status: "door_refused", attendee: null, message: state.refused };
  }
  const result = await decideLocally(item);
  // Every scan made offline goes to the server later, refused ones too: the log is whole.
  await state.store.put("queue", item);
  await renderQueue();
  return result;
}

let scanning = Promise.resolve();

function onCode(text) {
  // One scan at a time, in the order seen.
  scanning = scanning.then(async () => {
    const item = newItem({ action: direction(), qr: text });
    const result = await submit(item);
    showResult(result);
    addRecent(result);
    renderCounts();
  }).catch((error) => console.error(error));
}

// --- showing results -------------------------------------------------------------------------

function activityNames(ids) {
  return (ids || []).map((id) => config.activityTitles[id]).filter(Boolean).join(", ");
}

function resultTexts(result) {
  const name = result.attendee?.name || "";
  switch (result.status) {
    case "checked_in":
      return [name ? say("checked_in", { name }) : say("welcome"),
              result.notInList ? say("not_in_list") : partyDetail(result)];
    case "already_checked_in":
      return [say("already_checked_in", { time: showTime(result.checked_in_at),
                                          door: result.checked_in_door || "" }), name];
    case "checked_out":
      return [say("checked_out", { name }), partyDetail(result)];
    case "already_checked_out":
      return [say("already_checked_out", { time: showTime(result.left_at) }), name];
    case "not_checked_in":
    case "undone":
      return [say(result.status), name];
    case "door_refused":
      return [result.message, ""];
    default:
      return [say(result.status), result.message || name];
  }
}

function partyDetail(result) {
  if (!result.attendee) return "";
  const parts = [say("party", { count: result.attendee.party_size })];
  const activities = activityNames(result.attendee.activities);
  if (activities) parts.push(activities);
  return parts.join(" · ");
}

function showResult(result) {
  const panel = $("result");
  const tone = TONES[result.status] || "bad";
  const [title, detail] = resultTexts(result);
  panel.className = `result result-${tone}`;
  panel.querySelector(".result-title").textContent = title;
  panel.querySelector(".result-detail").textContent = detail || "";
  state.scans += 1;
  panel.dataset.status = result.status;
  panel.dataset.scans = String(state.scans);
  feedback(tone);
}

function feedback(tone) {
  if ($("setting-vibrate").checked && navigator.vibrate) {
    navigator.vibrate(tone === "ok" ? 120 : [90, 60, 90, 60, 90]);
  }
  if (!$("setting-sound").checked) return;
  try {
    state.audio = state.audio || new AudioContext();
    const notes = tone === "ok" ? [880] : tone === "warn" ? [523, 523] : [220, 220, 220];
    notes.forEach((frequency, index) => {
      const oscillator = state.audio.createOscillator();
      const gain = state.audio.createGain();
      const start = state.audio.currentTime + index * 0.16;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.14);
      oscillator.connect(gain).connect(state.audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.15);
    });
  } catch (error) {
    // No sound on this phone: the colours and text say it all.
  }
}

function addRecent(result) {
  const list = $("recent-scans");
  const [title] = resultTexts(result);
  const entry = element("li", { className: `recent-${TONES[result.status] || "bad"}` },
    element("span", { className: "meta" }, showTime(result.scanned_at)), " ",
    result.attendee && result.status !== "checked_in" ? `${title} – ${result.attendee.name}` : title);
  if (result.status === "checked_in" && result.attendee && !result.notInList) {
    const undo = element("button", {
      type: "button", className: "link-button",
      "aria-label": `${say("undo")}: ${result.attendee.name}`,
    }, say("undo"));
    undo.addEventListener("click", async () => {
      undo.disabled = true;
      const undone = await submit(newItem({ action: "undo", attendee_id: result.attendee.id,
                                            activity: result.activity || undefined }));
      showResult(undone);
      addRecent(undone);
      renderCounts();
    });
    entry.append(" ", undo);
  }
  list.prepend(entry);
  while (list.children.length > RECENT_SCANS) list.lastChild.remove();
}

// --- counts, connection and queue ------------------------------------------------------------

function renderCounts() {
  const valid = [...state.attendees.values()].filter(
    (a) => a.status === "valid" && !a.placeholder);
  $("count-registered").textContent = String(valid.length);
  $("count-checked-in").textContent = String(valid.filter((a) => a.checked_in_at).length);
  const list = $("activity-counts");
  list.replaceChildren();
  for (const [id, title] of Object.entries(config.activityTitles)) {
    const chose = valid.map((a) => placeOf(a, Number(id))).filter(Boolean);
    if (!chose.length) continue;
    const came = chose.filter((choice) => choice.checked_in_at);
    const inside = came.filter((choice) => !choice.left_at);
    list.append(element("li", {}, `${title}: ${came.length} / ${chose.length}`,
      element("span", { className: "meta" }, ` · ${say("inside_now", { count: inside.length })}`)));
  }
  root.dataset.attendees = String(state.attendees.size);
}

function setOnline(online) {
  state.online = online;
  root.dataset.online = String(online);
  const label = $("connection-state");
  label.textContent = online ? say("online") : say("offline");
  label.className = `connection-state ${online ? "is-online" : "is-offline"}`;
}

async function renderQueue() {
  state.queueLength = await state.store.count("queue");
  root.dataset.queue = String(state.queueLength);
  const parts = [state.queueLength ? say("waiting", { count: state.queueLength }) : say("all_sent")];
  if (state.duplicates) parts.push(say("duplicates", { count: state.duplicates }));
  $("queue-state").textContent = `· ${parts.join(" · ")}`;
}

async function doorRefused(message) {
  state.refused = message;
  state.publicKey = null;
  const problem = $("door-problem");
  problem.textContent = message;
  problem.hidden = false;
  // The link no longer works: keep no names on this phone.
  await state.store.clearNames();
  state.attendees.clear();
  renderCounts();
}

async function useDoor(door) {
  state.door = door;
  state.publicKey = await importPublicKey(door.event.public_key);
}

/** Upload waiting scans, then fetch what changed; mark the door offline if that fails. */
function refresh() {
  // One at a time: the "online" event and the timer may both ask.
  state.refreshing = state.refreshing || syncWithServer().finally(() => {
    state.refreshing = null;
  });
  return state.refreshing;
}

async function syncWithServer() {
  if (state.refused) return;
  try {
    const door = await state.api.door();
    if (door.date) {
      const offset = door.date - Date.now();
      state.clockOffset = Math.abs(offset) > 2000 ? offset : 0;
    }
    await state.store.put("meta", door.body, "door");
    await useDoor(door.body);
    const results = await uploadQueue(state.store, state.api);
    state.duplicates += results.filter((r) => r.status === "already_checked_in").length;
    const cursor = await state.store.get("meta", "cursor");
    const { body } = await state.api.attendees(cursor);
    if (body.complete) state.attendees.clear();
    await state.store.putMany("attendees", body.attendees);
    for (const row of body.attendees) state.attendees.set(row.id, row);
    await state.store.put("meta", body.cursor, "cursor");
    setOnline(true);
    root.dataset.synced = new Date().toISOString();
  } catch (error) {
    if (error instanceof DoorRefused) await doorRefused(error.message);
    else if (error instanceof NoConnection) setOnline(false);
    else throw error;
  } finally {
    renderCounts();
    await renderQueue();
  }
}

// --- look-up by hand -------------------------------------------------------------------------

function normalise(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

// Bulgarian and Ukrainian letters in Latin (after normalise has taken accents off й, ї).
const LATIN = {
  а: "a", б: "b", в: "v", г: "g", ґ: "g", д: "d", е: "e", є: "ie", ж: "zh", з: "z", и: "i",
  і: "i", к: "k", л: "l", м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u",
  ф: "f", х: "h", ц: "ts", ч: "ch", ш: "sh", щ: "sht", ъ: "a", ы: "i", ь: "", э: "e",
  ю: "iu", я: "ia", "'": "", "’": "",
};

// A name as a volunteer might type it in either alphabet, reduced so that the spellings
// meet: "Гончаренко" and "Honcharenko", "Мария" and "Maria", "Дарина" and "Daryna".
function spelling(text) {
  const latin = [...normalise(text)].map((letter) => LATIN[letter] ?? letter).join("");
  return latin
    .replace(/shch/g, "sht")
    .replace(/c(?!h)/g, "ts")
    .replace(/kh/g, "h") // х
    .replace(/(?<![zcs])h/g, "g") // Ukrainian г is written h, х is h or kh: one letter
    .replace(/[yj]/g, "i")
    .replace(/(.)\1+/g, "$1");
}

function findParties(query) {
  const words = spelling(query).split(/\s+/).filter(Boolean);
  const code = query.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (!words.length) return [];
  const parties = new Map();
  for (const attendee of state.attendees.values()) {
    if (attendee.placeholder) continue;
    const name = spelling(attendee.name);
    const byName = words.every((word) => name.includes(word));
    const byCode = code.length >= 4 && attendee.ticket_code.replace("-", "").startsWith(code);
    if (byName || byCode) parties.set(attendee.party, true);
    if (parties.size >= LOOKUP_PARTIES) break;
  }
  return [...parties.keys()].map((party) =>
    [...state.attendees.values()].filter((a) => a.party === party).sort((a, b) => a.id - b.id));
}

function renderLookup() {
  const results = $("lookup-results");
  const query = $("lookup-query").value.trim();
  results.replaceChildren();
  if (!query) return;
  const parties = findParties(query);
  if (!parties.length) {
    results.append(element("p", {}, say("no_matches")));
    return;
  }
  for (const members of parties) {
    const activity = doorActivity();
    const list = element("ul", { className: "party-members" });
    for (const attendee of members) {
      const place = placeOf(attendee, activity);
      const here = place?.checked_in_at && !place.left_at;
      const status = attendee.status === "cancelled" ? say("cancelled_short")
        : here ? say("checked_in_at", { time: showTime(place.checked_in_at) })
          : say("not_yet_here");
      const usable = attendee.status === "valid" && place;
      const box = element("input", {
        type: "checkbox", value: attendee.id,
        checked: usable && !here ? "" : false,
        disabled: usable ? false : "",
      });
      const row = element("li", {}, element("label", { className: "check" }, box, " ",
        attendee.name, " ", element("span", { className: "meta" }, `${attendee.ticket_code} · ${status}`)));
      if (place?.checked_in_at) {
        const undo = element("button", {
          type: "button", className: "link-button", "aria-label": `${say("undo")}: ${attendee.name}`,
        }, say("undo"));
        undo.addEventListener("click", () => checkInByHand([attendee.id], "undo"));
        row.append(undo);
      }
      list.append(row);
    }
    const button = element("button", { type: "button", className: "primary" }, say("check_in_ticked"));
    button.addEventListener("click", () => {
      const ticked = [...list.querySelectorAll("input:checked:not(:disabled)")]
        .map((box) => Number(box.value));
      if (ticked.length) checkInByHand(ticked, direction());
    });
    results.append(element("div", { className: "party" }, list, button));
  }
}

async function checkInByHand(attendeeIds, action) {
  for (const attendeeId of attendeeIds) {
    const result = await submit(newItem({ action, attendee_id: attendeeId }));
    showResult(result);
    addRecent(result);
  }
  renderCounts();
  renderLookup();
  $("lookup-query").focus(); // the list was rebuilt: keep the volunteer's place
}

// --- walk-ins --------------------------------------------------------------------------------

function addWalkInPerson() {
  const people = $("walk-in-people");
  const number = people.children.length + 1;
  const person = $("walk-in-person").content.firstElementChild.cloneNode(true);
  person.querySelector("legend").textContent = say("person", { number });
  for (const input of person.querySelectorAll("input[name=age_group], input[name=sex]")) {
    input.name = `${input.name}-${number}`;
  }
  people.append(person);
  $("walk-in-remove").hidden = people.children.length < 2;
  person.querySelector("input[name=name]").focus();
}

function removeWalkInPerson() {
  const people = $("walk-in-people");
  if (people.children.length > 1) people.lastElementChild.remove();
  $("walk-in-remove").hidden = people.children.length < 2;
  people.lastElementChild.querySelector("input[name=name]").focus();
}

function walkInError(text) {
  const error = $("walk-in-error");
  error.textContent = text;
  error.hidden = !text;
}

async function registerWalkIn(event) {
  event.preventDefault();
  const form = $("walk-in-form");
  const attendees = [...$("walk-in-people").children].map((person) => {
    const entry = { name: person.querySelector("input[name=name]").value.trim() };
    const age = person.querySelector("input[name^=age_group]:checked");
    if (age) entry.age_group = age.value;
    const sex = person.querySelector("input[name^=sex]:checked");
    if (sex) entry.sex = sex.value;
    const year = person.querySelector("input[name=birth_year]");
    if (year) entry.birth_year = year.value ? Number(year.value) : null;
    entry.activities = [...person.querySelectorAll("input[name=activities]:checked")]
      .map((box) => Number(box.value));
    return entry;
  });
  if (!state.online) return walkInError(say("walk_in_offline"));
  if (attendees.some((person) => !person.name)) return walkInError(say("walk_in_names"));
  if (!$("walk-in-consent").checked) return walkInError(say("walk_in_consent"));
  // The same id until it succeeds, so pressing the button again never registers twice.
  form.dataset.clientId = form.dataset.clientId || crypto.randomUUID();
  try {
    const { status, body } = await state.api.walkIn({
      client_id: form.dataset.clientId, consent: true, language: config.language, attendees,
    });
    if (status !== 201) {
      return walkInError([body.message, ...Object.values(body.fields || {})].join(" "));
    }
    walkInError("");
    delete form.dataset.clientId;
    form.reset();
    $("walk-in-people").replaceChildren();
    addWalkInPerson();
    await refresh();
    for (const result of body.results) addRecent(result);
    showResult(body.results[0]);
  } catch (error) {
    if (error instanceof DoorRefused) await doorRefused(error.message);
    walkInError(say("no_connection"));
  }
}

// --- start -----------------------------------------------------------------------------------

async function startCamera() {
  const problem = $("camera-problem");
  const button = $("camera-start");
  try {
    await startScanning($("camera-video"), config.decoderScripts, onCode);
    problem.hidden = true;
    button.hidden = true;
  } catch (error) {
    problem.textContent = error instanceof CameraProblem && error.kind === "missing"
      ? say("camera_missing") : say("camera_denied");
    problem.hidden = false;
    button.hidden = false;
  }
}

function bindControls() {
  for (const id of ["setting-sound", "setting-vibrate"]) {
    const box = $(id);
    box.checked = localStorage.getItem(`eventreg-${id}`) !== "off";
    box.addEventListener("change", () => localStorage.setItem(`eventreg-${id}`, box.checked ? "on" : "off"));
  }
  $("camera-start").addEventListener("click", startCamera);
  $("lookup-query").addEventListener("input", renderLookup);
  $("lookup-form").addEventListener("submit", (event) => event.preventDefault());
  $("walk-in-add").addEventListener("click", addWalkInPerson);
  $("walk-in-remove").addEventListener("click", removeWalkInPerson);
  $("walk-in-form").addEventListener("submit", registerWalkIn);
  $("clear-data").addEventListener("click", async () => {
    if (state.queueLength) return window.alert(say("clear_waiting"));
    if (!window.confirm(say("clear_confirm"))) return;
    await state.store.clearNames();
    state.attendees.clear();
    renderCounts();
    window.alert(say("cleared"));
  });
  window.addEventListener("online", refresh);
  window.addEventListener("offline", () => setOnline(false));
  addWalkInPerson();
}

async function main() {
  if ("serviceWorker" in navigator) {
    // Keep this page too, so the door link opens without a network (see the service worker).
    navigator.serviceWorker.register(config.serviceWorker, { scope: "/door/" })
      .then(() => caches.open("eventreg-door-pages"))
      .then((pages) => pages.add(location.pathname))
      .catch((error) => console.warn("no offline support", error));
  }
  state.store = await DoorStore.open(config.doorId);
  const door = await state.store.get("meta", "door");
  if (door) await useDoor(door);
  for (const row of await state.store.all("attendees")) state.attendees.set(row.id, row);
  setOnline(navigator.onLine);
  bindControls();
  if (door && new Date(door.door.expires_at) < new Date()) {
    await doorRefused(say("door_expired")); // keep no names once the link has expired
  }
  renderCounts();
  await renderQueue();
  startCamera();
  await refresh();
  root.dataset.ready = "true";
  setInterval(refresh, REFRESH_EVERY_MS);
}

main();
