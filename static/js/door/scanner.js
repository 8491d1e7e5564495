// The door scanner page: scan with the camera, find people by hand, register walk-ins,
// and keep going offline. The page shows what the phone knows and does (state.js); the
// door's rule is rules.js, the same as the server's.

import { CameraProblem, startScanning } from "./camera.js";
import { element, sayer } from "./dom.js";
import { findParties, showParties } from "./lookup.js";
import { setUpDoorChoices } from "./override.js";
import { DoorState } from "./state.js";
import { DoorStore } from "./store.js";
import { ApiClient, DOOR_REFUSALS, DoorRefused } from "./sync.js";
import { setUpWalkIns } from "./walk_ins.js";

const REFRESH_EVERY_MS = 15000;
const RECENT_SCANS = 10;
const TONES = {
  checked_in: "ok", checked_out: "ok", undone: "ok",
  already_checked_in: "warn", already_checked_out: "warn", not_checked_in: "warn",
  too_early: "warn", undo_needs_reason: "warn",
};
// What the connection label says once the server refused the door link, by reason.
const REFUSED_LABELS = {
  door_revoked: "link_switched_off", door_expired: "link_expired", door_unknown: "link_not_valid",
};

const root = document.getElementById("door");
const say = sayer(JSON.parse(document.getElementById("door-messages").textContent));
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
// Latin digits in every language, as the server writes them (Babel) and as ticket codes are.
const timeFormat = new Intl.DateTimeFormat(config.language, {
  hour: "2-digit", minute: "2-digit", timeZone: config.timezone, numberingSystem: "latn",
});

let door; // the DoorState, once the phone's store is open
let choices; // override.js: let in anyway, undo reasons, held scans
let scans = 0;
let audio = null;

function showTime(iso) {
  return iso ? timeFormat.format(new Date(iso)) : "";
}

/** Why the door link no longer works, in the page's language. */
function refusalText(refused) {
  return DOOR_REFUSALS.has(refused.reason) ? say(refused.reason)
    : refused.message || say("door_unknown");
}

// --- scanning --------------------------------------------------------------------------------

function doorActivity() {
  const chosen = document.querySelector("input[name=door-activity]:checked");
  if (chosen) return Number(chosen.value);
  return config.doorActivities.length === 1 ? config.doorActivities[0] : null;
}

function direction() {
  return document.querySelector("input[name=direction]:checked")?.value || "check_in";
}

function newItem(fields) {
  const activity = doorActivity();
  return door.newItem(activity ? { ...fields, activity } : fields);
}

/** Send or decide one scan, show its answer, and what it changed. */
async function scan(fields) {
  const result = await door.submit(newItem(fields));
  showResult(result);
  choices.offer(result, fields);
  addRecent(result);
  render();
  if (result.status === "door_refused") door.sync().then(render); // hand in what is left
  return result;
}

let scanning = Promise.resolve();

function onCode(text) {
  // One scan at a time, in the order seen.
  scanning = scanning.then(() => scan({ action: direction(), qr: text }))
    .catch((error) => console.error(error));
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
      return [refusalText(result), ""];
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
  showPhotoMark(panel, Boolean(result.attendee?.no_photos));
  scans += 1;
  panel.dataset.status = result.status;
  panel.dataset.scans = String(scans);
  feedback(tone);
}

/** "No photos" under the result, for a person the server (or the list) marks so. */
function showPhotoMark(panel, noPhotos) {
  const mark = panel.querySelector(".result-photos");
  mark.hidden = !noPhotos;
  mark.querySelector(".no-photos").textContent = noPhotos ? say("no_photos") : "";
  mark.querySelector("span").textContent = noPhotos ? say("no_photos_detail") : "";
  panel.dataset.noPhotos = String(noPhotos);
}

function feedback(tone) {
  if ($("setting-vibrate").checked && navigator.vibrate) {
    navigator.vibrate(tone === "ok" ? 120 : [90, 60, 90, 60, 90]);
  }
  if (!$("setting-sound").checked) return;
  try {
    audio = audio || new AudioContext();
    const notes = tone === "ok" ? [880] : tone === "warn" ? [523, 523] : [220, 220, 220];
    notes.forEach((frequency, index) => {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      const start = audio.currentTime + index * 0.16;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.14);
      oscillator.connect(gain).connect(audio.destination);
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
      await scan({ action: "undo", attendee_id: result.attendee.id,
                   activity: result.activity || undefined });
    });
    entry.append(" ", undo);
  }
  list.prepend(entry);
  while (list.children.length > RECENT_SCANS) list.lastChild.remove();
}

// --- counts, connection, queue and the door link ---------------------------------------------

function render() {
  renderCounts();
  renderConnection();
  renderQueue();
  renderRefusal();
  choices.renderHeld();
}

function renderCounts() {
  if (door.refused) { // no list any more: no figures rather than noughts
    $("count-registered").textContent = $("count-checked-in").textContent = "–";
    $("activity-counts").replaceChildren();
    root.dataset.attendees = "0";
    return;
  }
  const list = door.list;
  const valid = [...list.rows.values()].filter((row) => row.status === "valid");
  $("count-registered").textContent = String(valid.length);
  $("count-checked-in").textContent = String(
    [...list.rows.values()].filter((row) => list.countsAsIn(row)).length);
  const counts = $("activity-counts");
  counts.replaceChildren();
  for (const [id, title] of Object.entries(config.activityTitles)) {
    const chose = valid.filter((row) => list.place(row, Number(id)));
    if (!chose.length) continue;
    const states = chose.map((row) => list.stateAt(row.id, Number(id)));
    const came = states.filter((state) => state.checked_in_at);
    const inside = came.filter((state) => !state.left_at);
    counts.append(element("li", {}, `${title}: ${came.length} / ${chose.length}`,
      element("span", { className: "meta" }, ` · ${say("inside_now", { count: inside.length })}`)));
  }
  root.dataset.attendees = String(list.size);
}

function renderConnection() {
  root.dataset.online = String(door.online);
  const label = $("connection-state");
  if (door.refused) {
    // Neither online nor offline: this phone decides nothing any more.
    label.textContent = say(REFUSED_LABELS[door.refused.reason] || "link_not_valid");
    label.className = "connection-state is-refused";
    return;
  }
  label.textContent = door.online ? say("online") : say("offline");
  label.className = `connection-state ${door.online ? "is-online" : "is-offline"}`;
}

function renderQueue() {
  root.dataset.queue = String(door.queueLength);
  const parts = [door.queueLength ? say("waiting", { count: door.queueLength })
    : door.refused ? say("all_handed_in") : say("all_sent")];
  if (door.duplicates) parts.push(say("duplicates", { count: door.duplicates }));
  if (door.revokedScans) parts.push(say("revoked_scans", { count: door.revokedScans }));
  $("queue-state").textContent = `· ${parts.join(" · ")}`;
}

function renderRefusal() {
  const problem = $("door-problem");
  if (!door.refused || root.dataset.refused === door.refused.reason) return;
  root.dataset.refused = door.refused.reason;
  problem.textContent = refusalText(door.refused);
  problem.hidden = false;
  // Once, as it happens or as the page opens: no earlier welcome stays on show, and
  // nothing earlier can be undone from here any more.
  const panel = $("result");
  panel.className = "result result-bad";
  panel.querySelector(".result-title").textContent = refusalText(door.refused);
  panel.querySelector(".result-detail").textContent = "";
  showPhotoMark(panel, false);
  panel.dataset.status = "door_refused";
  for (const undo of $("recent-scans").querySelectorAll("button")) undo.remove();
}

function setOnline(online) {
  door.online = online;
  renderConnection();
}

async function refresh() {
  await door.sync();
  render();
  root.dataset.synced = new Date().toISOString();
}

// --- look-up by hand -------------------------------------------------------------------------

function renderLookup() {
  const results = $("lookup-results");
  const query = $("lookup-query").value.trim();
  results.replaceChildren();
  if (!query) return;
  if (door.refused) {
    results.append(element("p", {}, refusalText(door.refused)));
    return;
  }
  const activity = doorActivity();
  showParties(results, findParties(door.list.rows.values(), query), {
    say, showTime,
    place: (row) => door.list.place(row, activity),
    stateAt: (row) => door.list.stateAt(row.id, activity),
    onTicked: (ids) => checkInByHand(ids, direction()),
    onUndo: (id) => checkInByHand([id], "undo"),
  });
}

async function checkInByHand(attendeeIds, action) {
  for (const attendeeId of attendeeIds) await scan({ action, attendee_id: attendeeId });
  renderLookup();
  $("lookup-query").focus(); // the list was rebuilt: keep the volunteer's place
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
  setUpWalkIns({
    say, language: config.language,
    unavailable: () => (door.refused ? refusalText(door.refused)
      : door.online ? null : say("walk_in_offline")),
    send: async (body) => {
      try {
        return await door.api.walkIn(body);
      } catch (error) {
        if (error instanceof DoorRefused) {
          await door.refuse(error.reason, error.message);
          render();
        }
        throw error;
      }
    },
    failed: () => (door.refused ? refusalText(door.refused) : say("no_connection")),
    registered: async (results) => {
      await refresh();
      for (const result of results) addRecent(result);
      showResult(results[0]);
    },
  });
  $("clear-data").addEventListener("click", async () => {
    if (door.queueLength) return window.alert(say("clear_waiting"));
    if (!window.confirm(say("clear_confirm"))) return;
    await door.clearNames();
    renderCounts();
    window.alert(say("cleared"));
  });
  window.addEventListener("online", refresh);
  window.addEventListener("offline", () => setOnline(false));
}

async function main() {
  if ("serviceWorker" in navigator) {
    // Keep this page too, so the door link opens without a network (see the service worker).
    navigator.serviceWorker.register(config.serviceWorker, { scope: "/door/" })
      .then(() => caches.open("eventreg-door-pages"))
      .then((pages) => pages.add(location.pathname))
      .catch((error) => console.warn("no offline support", error));
  }
  const store = await DoorStore.open(config.doorId);
  door = new DoorState({ store, api: new ApiClient(config.api, config.token),
                         eventId: config.eventId });
  await door.load();
  door.online = navigator.onLine;
  choices = setUpDoorChoices({ say, anchor: $("result"), problem: $("door-problem"), scan,
                               door, render, showTime });
  bindControls();
  render();
  startCamera();
  await refresh();
  root.dataset.ready = "true";
  setInterval(refresh, REFRESH_EVERY_MS);
}

main();
