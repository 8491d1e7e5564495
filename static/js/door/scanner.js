// The door scanner page: scan with the camera, find people by hand, register walk-ins,
// and keep going offline. The page shows what the phone knows and does (state.js); the
// door's rule is rules.js, the same as the server's.

import { AnswerPanel, answerExtras, KIOSK_SHOWN_FOR_MS, SHOWN_FOR_MS } from "./answer.js";
import { bindCameraControls, CameraProblem, startScanning } from "./camera.js";
import { element, sayer } from "./dom.js";
import { findParties, showParties } from "./lookup.js";
import { noteExtra } from "./notes.js";
import { setUpDoorChoices } from "./override.js";
import { pickupExtra, setUpPickups } from "./pickup.js";
import { otherMembers, showKioskParty, showPartyList } from "./party.js";
import { DoorState } from "./state.js";
import { DoorStore } from "./store.js";
import { ApiClient, DOOR_REFUSALS, DoorRefused } from "./sync.js";
import { setUpWalkIns } from "./walk_ins.js";
import { listenForTypedCodes } from "./wedge.js";

const REFRESH_EVERY_MS = 15000;
/** A ticket's whole QR token as text (tickets.js reads it). */
const QR_TOKEN = /^[A-Z2-7]{117}$/i;
/** A ticket code as printed (ten letters and digits, often XXXXX-XXXXX; a typo too). */
const TICKET_CODE = /^(?=.*[A-Z])[A-Z0-9]{5}[ -]?[A-Z0-9]{5}$/i;
/** In the search, only with a digit too: a name ("Hanna-Lenka") or a phone number is a search. */
const TICKET_CODE_IN_SEARCH = /^(?=.*\d)(?=.*[A-Z])[A-Z0-9]{5}[ -]?[A-Z0-9]{5}$/i;
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
  kiosk: root.dataset.kiosk === "true",
  pickupActivities: JSON.parse(root.dataset.pickupActivities || "[]"),
};
const $ = (id) => document.getElementById(id);
// Latin digits in every language, as the server writes them (Babel) and as ticket codes are.
const timeFormat = new Intl.DateTimeFormat(config.language, {
  hour: "2-digit", minute: "2-digit", timeZone: config.timezone, numberingSystem: "latn",
});

let door; // the DoorState, once the phone's store is open
let pickups = { takesCode: () => false }; // the pick-up panel (pickup.js), once set up
let choices; // override.js: let in anyway, undo reasons, held scans
let scans = 0;
const answers = new AnswerPanel(document.getElementById("result"),
                                { showFor: config.kiosk ? KIOSK_SHOWN_FOR_MS : SHOWN_FOR_MS });
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

/**
 * Decide one scan on the phone and show it at once; the server's answer comes behind and
 * corrects the screen where it differs (door.decideFirst). Answers {first, settled}: the
 * phone's answer (or null) and a promise of the answer that counts. `quiet` shows no
 * answer (a party member checked in from the party's list, which shows it itself).
 */
async function scan(fields, { quiet = false, startedAt = performance.now() } = {}) {
  const item = newItem(fields);
  const { first, confirmed } = await door.decideFirst(item);
  const shown = first && !quiet ? showResult(first, { startedAt }) : 0;
  const settled = confirmed.then((result) => {
    settle(first, result, shown, { quiet, startedAt });
    return result;
  });
  return { first, settled };
}

/** The answer that counts arrived: show it, or correct what the phone said first. */
function settle(first, result, shown, { quiet, startedAt }) {
  const differs = Boolean(first) && first.status !== result.status;
  if (!quiet) {
    if (!first) showResult(result, { startedAt });
    else if (answers.isShowing(shown)) {
      answers.replace(shown, toneOf(result), (target) => {
        fillAnswer(target, result, { corrected: differs });
      }, { force: differs });
    } else if (differs && !answers.current) {
      showResult(result, { corrected: true }); // it went back to ready: say so again
    }
    // else a newer answer is on show: an older one never covers it (the list says it)
  }
  addRecent(result, { corrected: differs });
  scans += 1;
  panel().dataset.scans = String(scans);
  render();
  if (result.status === "door_refused") door.sync().then(render); // hand in what is left
}

let scanning = Promise.resolve();

function onCode(text) {
  if (pickups.takesCode(text)) return; // handing a child over (pickup.js)
  const startedAt = performance.now();
  // One scan at a time, in the order seen; each waits for the phone's answer, not the server's.
  scanning = scanning.then(() => scan({ action: direction(), qr: text }, { startedAt }))
    .catch((error) => console.error(error));
}

/**
 * A typed code: a ticket's whole QR token, or (not at a kiosk) a ticket code: of someone in
 * the list, or `unknownCode`, one that looks like a ticket code but is nobody's here.
 */
function typedCode(text, { inSearch = false } = {}) {
  if (QR_TOKEN.test(text)) return { qr: text.toUpperCase() };
  if (config.kiosk || !door || door.refused) return null;
  const code = text.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (code.length < 6) return null;
  const row = [...door.list.rows.values()].find(
    (candidate) => candidate.ticket_code.toUpperCase().replace(/[^A-Z0-9]/g, "") === code);
  if (row) return { attendee_id: row.id };
  const shaped = (inSearch ? TICKET_CODE_IN_SEARCH : TICKET_CODE).test(text.trim());
  return shaped ? { unknownCode: text.trim().toUpperCase() } : null;
}

function onTyped(text, where) {
  const fields = typedCode(text, where);
  if (fields.qr) return onCode(fields.qr);
  if (fields.unknownCode) {
    // Nobody on this phone's list for the door holds it (a typo, another event's or
    // activity's ticket, or someone registered since): online, the list is brought up to
    // date and looked at again; recorded nowhere.
    const startedAt = performance.now();
    scanning = scanning.then(async () => {
      if (door.online) {
        // A list update already on its way may have left before that person registered.
        if (door.syncing) await door.syncing.catch(() => {});
        await refresh();
      }
      const again = typedCode(text);
      if (again?.attendee_id) return scan({ action: direction(), ...again }, { startedAt });
      showResult({ status: "unknown", message: say("code_not_in_list", { code: fields.unknownCode }) },
                 { startedAt });
      return undefined;
    }).catch((error) => console.error(error));
    return undefined;
  }
  const startedAt = performance.now();
  scanning = scanning.then(() => scan({ action: direction(), ...fields }, { startedAt }))
    .catch((error) => console.error(error));
  return undefined;
}

// --- showing results -------------------------------------------------------------------------

const panel = () => $("result");

function toneOf(result) {
  return TONES[result.status] || "bad";
}

function activityNames(ids) {
  return (ids || []).map((id) => config.activityTitles[id]).filter(Boolean).join(", ");
}

function localizedTitle(titles) {
  return titles?.[config.language] || titles?.en || Object.values(titles || {})[0] || "";
}

function resultTexts(result) {
  const [title, detail] = answerTexts(result);
  // A family at a kiosk is told where to go when it is not a welcome.
  if (config.kiosk && toneOf(result) !== "ok") {
    return [title, detail ? `${detail} · ${say("kiosk_ask")}` : say("kiosk_ask")];
  }
  return [title, detail];
}

function answerTexts(result) {
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
    case "wrong_event":
      return [say("wrong_event"), result.ticket_event ? say("wrong_event_for", {
        event: localizedTitle(result.ticket_event.title),
        date: new Intl.DateTimeFormat(config.language, {
          dateStyle: "medium", timeZone: result.ticket_event.timezone, numberingSystem: "latn",
        }).format(new Date(result.ticket_event.starts_at)),
      }) : ""];
    case "door_refused":
      return [refusalText(result), ""];
    case "pickup_code_required":
      return [say(result.status), [name, say("pickup_code_required_detail")].filter(Boolean)
        .join(" · ")];
    default:
      return [say(result.status), result.message || name];
  }
}

function partyDetail(result) {
  if (!result.attendee || config.kiosk) return "";
  // The party's valid tickets: none for a lone cancelled ticket let in by an override.
  const parts = result.attendee.party_size ? [say("party", { count: result.attendee.party_size })] : [];
  const activities = activityNames(result.attendee.activities);
  if (activities) parts.push(activities);
  return parts.join(" · ");
}

answerExtras.push(showPartyExtra);
answerExtras.push(noteExtra({ say, rows: () => door.list.rows }), pickupExtra({
  say, asksCodes: (id) => config.pickupActivities.includes(id), hold: () => answers.hold() }));

/** Show a scan's answer full screen; answers its number on show (see AnswerPanel). */
function showResult(result, { corrected = false, startedAt = null } = {}) {
  const tone = toneOf(result);
  const number = answers.show(tone, (target) => fillAnswer(target, result, { corrected }));
  if (startedAt !== null) panel().dataset.answerMs = String(Math.round(performance.now() - startedAt));
  panel().dataset.answers = String(number);
  feedback(tone);
  return number;
}

/** Write one answer into the panel: the one place an answer is drawn. */
function fillAnswer(target, result, { corrected = false } = {}) {
  const [title, detail] = resultTexts(result);
  const note = target.querySelector(".result-corrected");
  note.textContent = corrected ? say("corrected") : "";
  note.hidden = !corrected;
  target.querySelector(".result-title").textContent = title;
  target.querySelector(".result-detail").textContent = detail || "";
  showPhotoMark(target, Boolean(result.attendee?.no_photos));
  const extras = target.querySelector(".result-extras");
  extras.replaceChildren();
  for (const extra of answerExtras) extra(result, extras);
  extras.hidden = !extras.childElementCount;
  target.dataset.status = result.status;
  target.dataset.provisional = String(Boolean(result.provisional));
  target.dataset.corrected = String(corrected);
}

/** The rest of the scanned ticket's party: one tap to list them, one tap each to check in.
 * A kiosk shows its own family's names the server sent, and nothing to tap. */
function showPartyExtra(result, extras) {
  if (config.kiosk) {
    if (result.party_members?.length) {
      const box = element("div", { className: "result-party" });
      showKioskParty(box, result.party_members, { say });
      extras.append(box);
    }
    return;
  }
  if (!result.attendee || door.refused || !["checked_in", "already_checked_in"].includes(result.status)) return;
  const others = otherMembers(door.list.rows.values(), result);
  if (!others.length) return;
  const box = element("div", { className: "result-party" });
  const open = element("button", { type: "button", className: "party-open" },
    say("party_show", { count: others.length }));
  open.addEventListener("click", () => {
    answers.hold();
    drawParty(box, result);
  });
  box.append(open);
  extras.append(box);
}

function drawParty(box, result) {
  const activity = result.activity ?? doorActivity();
  const done = element("button", { type: "button", className: "party-done" }, say("done"));
  done.addEventListener("click", () => answers.dismiss());
  const list = element("div", {});
  showPartyList(list, otherMembers(door.list.rows.values(), result), {
    say,
    member: (row) => {
      const place = door.list.place(row, activity);
      const state = place ? door.list.stateAt(row.id, activity) : { checked_in_at: null };
      const here = Boolean(state.checked_in_at && !state.left_at);
      return {
        usable: row.status === "valid" && Boolean(place), here,
        status: row.status === "cancelled" ? say("cancelled_short")
          : !place ? say("wrong_activity")
            : here ? say("checked_in_at", { time: showTime(state.checked_in_at) })
              : say("not_yet_here"),
      };
    },
    onCheckIn: async (row) => {
      const { settled } = await scan({ action: "check_in", attendee_id: row.id }, { quiet: true });
      await settled;
      drawParty(box, result);
    },
  });
  box.replaceChildren(list, done);
}

/** "No photos" under the result, for a person the server (or the list) marks so. */
function showPhotoMark(target, noPhotos) {
  const mark = target.querySelector(".result-photos");
  mark.hidden = !noPhotos;
  mark.querySelector(".no-photos").textContent = noPhotos ? say("no_photos") : "";
  mark.querySelector("span").textContent = noPhotos ? say("no_photos_detail") : "";
  target.dataset.noPhotos = String(noPhotos);
}

function feedback(tone) {
  if ($("setting-vibrate")?.checked && navigator.vibrate) {
    navigator.vibrate(tone === "ok" ? 120 : [90, 60, 90, 60, 90]);
  }
  if (!$("setting-sound")?.checked) return;
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

function addRecent(result, { corrected = false } = {}) {
  const list = $("recent-scans");
  if (!list) return; // a kiosk keeps no list of others' scans
  const [title] = resultTexts(result);
  const entry = element("li", { className: `recent-${toneOf(result)}` },
    element("span", { className: "meta" }, showTime(result.scanned_at)), " ",
    result.attendee && result.status !== "checked_in" ? `${title} – ${result.attendee.name}` : title,
    corrected ? element("strong", { className: "recent-corrected" }, ` · ${say("corrected")}`) : null);
  if (result.status === "checked_in" && result.attendee && !result.notInList) {
    const undo = element("button", {
      type: "button", className: "link-button",
      "aria-label": `${say("undo")}: ${result.attendee.name}`,
    }, say("undo"));
    undo.addEventListener("click", async () => {
      undo.disabled = true;
      await (await scan({ action: "undo", attendee_id: result.attendee.id,
                          activity: result.activity || undefined })).settled;
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
  renderDoubles();
}

/** Tell the volunteer of this door's welcomes that became duplicates, until seen. */
function renderDoubles() {
  const notice = $("door-doubles");
  for (const double of door.newDoubles) {
    notice.querySelector("ul").append(element("li", {}, say("became_double", {
      name: double.name || "", time: showTime(double.scanned_at),
      first_time: showTime(double.first_in_at), door: double.first_door || "",
    })));
  }
  if (door.newDoubles.length) notice.hidden = false;
  door.newDoubles = [];
}

function renderCounts() {
  if (config.kiosk) return; // no figures at a kiosk: families see their own welcome only
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
  if (door.expiredScans) parts.push(say("expired_scans", { count: door.expiredScans }));
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
  answers.show("bad", (target) => fillAnswer(target, {
    status: "door_refused", reason: door.refused.reason, message: door.refused.message,
    attendee: null }));
  for (const undo of $("recent-scans")?.querySelectorAll("button") ?? []) undo.remove();
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
  for (const attendeeId of attendeeIds) await (await scan({ action, attendee_id: attendeeId })).settled;
  renderLookup();
  $("lookup-query").focus(); // the list was rebuilt: keep the volunteer's place
}

// --- start -----------------------------------------------------------------------------------

async function startCamera() {
  const problem = $("camera-problem");
  const button = $("camera-start");
  try {
    const camera = await startScanning($("camera-video"), config.decoderScripts, onCode);
    problem.hidden = true;
    button.hidden = true;
    root.dataset.camera = "scanning";
    bindCameraControls(camera, $("camera-torch"), $("camera-switch"), say);
  } catch (error) {
    const kind = error instanceof CameraProblem ? error.kind : "denied";
    problem.textContent = config.kiosk ? say("kiosk_camera") : say(`camera_${kind}`);
    problem.hidden = false;
    button.hidden = false;
    root.dataset.camera = kind;
    // Opened offline before the phone kept the scanner: it starts once the network is back.
    if (kind === "not_loaded") window.addEventListener("online", startCamera, { once: true });
  }
}

function bindControls() {
  for (const id of ["setting-sound", "setting-vibrate"]) {
    const box = $(id);
    box.checked = localStorage.getItem(`eventreg-${id}`) !== "off";
    box.addEventListener("change", () => localStorage.setItem(`eventreg-${id}`, box.checked ? "on" : "off"));
  }
  $("camera-start").addEventListener("click", startCamera);
  listenForTypedCodes({ searchField: $("lookup-query"),
                        isCode: (text, where) => typedCode(text, where) !== null,
                        onTyped });
  window.addEventListener("online", refresh);
  window.addEventListener("offline", () => setOnline(false));
  $("door-doubles-done").addEventListener("click", () => {
    $("door-doubles").hidden = true;
    $("door-doubles").querySelector("ul").replaceChildren();
  });
  if (config.kiosk) return; // no look-up, no walk-ins, no names to delete at a kiosk
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
      scans += 1;
      panel().dataset.scans = String(scans);
    },
    // The form's refusal is newer than any answer on show: it must not stay above it.
    refused: () => answers.dismiss(),
  });
  $("clear-data").addEventListener("click", async () => {
    if (door.queueLength) return window.alert(say("clear_waiting"));
    if (!window.confirm(say("clear_confirm"))) return;
    await door.clearNames();
    renderCounts();
    window.alert(say("cleared"));
  });
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
  choices = setUpDoorChoices({ say, problem: $("door-problem"), scan, door, render, showTime,
                               hold: () => answers.hold() });
  // A refusal's choice first: "Let in anyway" stays in sight above a long note.
  if (!config.kiosk) answerExtras.unshift(choices.extra);
  bindControls();
  pickups = setUpPickups({ say, state: () => door, activity: doorActivity,
                           eventId: config.eventId });
  render();
  startCamera();
  await refresh();
  root.dataset.ready = "true";
  setInterval(refresh, REFRESH_EVERY_MS);
}

main();
