// What the door's phone knows and does, without the page: the door and its event, the
// attendee list and the queue of scans made offline (attendees.js), whether the door link
// still works, sending scans, and syncing with the server. The page (scanner.js) shows it.
//
// Online, the server decides every scan (POST /api/v1/checkins). When it cannot be
// reached, the phone decides by the same rule with what it downloaded, queues the scan
// and uploads it later. Once the server refuses the door link (401: switched off,
// expired, unknown), for good: the phone remembers it across reloads, deletes the names
// and the event's public key, decides no scan at all, and still hands in what it had
// queued until the queue is empty (a switched-off door's scans made before count). An
// expired link's queue waits for the volunteer's choice instead (`sendHeld`,
// `discardHeld`): the server takes late uploads for a grace period after the expiry.

import { AttendeeList, PICKUP_CODE_REQUIRED } from "./attendees.js";
import { DoorRefused, NoConnection, untoldDoubles, uploadQueue } from "./sync.js";
import { importPublicKey, readTicket } from "./tickets.js";

/** The answer to any scan once the door link was refused: it decides nothing. */
export function refusedAnswer(refused, item) {
  return {
    client_id: item.client_id, action: item.action, status: "door_refused",
    reason: refused.reason, message: refused.message, scanned_at: item.scanned_at,
    activity: item.activity ?? null, attendee: null,
  };
}

/** The door's time rules as the list takes them, from GET /door (times in ms). */
export function doorRules(body) {
  const minutes = (value) => (typeof value === "number" ? value * 60000 : null);
  return {
    undoWindow: minutes(body.door.undo_window_minutes),
    earlyWarning: minutes(body.door.early_warning_minutes),
    activityStarts: new Map((body.event.activities ?? [])
      .filter((activity) => activity.starts_at)
      .map((activity) => [activity.id, Date.parse(activity.starts_at)])),
    expiresAt: body.door.expires_at ? Date.parse(body.door.expires_at) : null,
  };
}

/** The form of the attendee list this phone keeps: 2 since its scans carry the door's id. */
const LIST_FORMAT = 2;

export class DoorState {
  /**
   * `store` keeps things on the phone (store.js's DoorStore, or the same methods), `api`
   * is an ApiClient, `eventId` the event's id (tickets of others are not read), `now`
   * the phone's clock in milliseconds.
   */
  constructor({ store, api, eventId, now = () => Date.now() }) {
    Object.assign(this, { store, api, eventId, now });
    api.scansHeld = () => this.list.queue.length;
    this.list = new AttendeeList();
    this.door = null;
    this.publicKey = null;
    /** {reason, message, at} once the server refused the door link; then null never again. */
    this.refused = null;
    this.online = true;
    this.queueLength = 0;
    /** Uploaded scans the server counted as duplicates because another door let the
     * person in first (a repeat at this door is not one). */
    this.duplicates = 0;
    /** This door's welcomes the server now counts as duplicates (another door, offline,
     * let the person in earlier), not told on this phone before: the page shows them. */
    this.newDoubles = [];
    /** Uploaded scans made after the door was switched off (they decided nothing). */
    this.revokedScans = 0;
    /** Uploaded scans made after the link expired (they decided nothing either). */
    this.expiredScans = 0;
    /** Milliseconds to add to this phone's clock to get the server's (its Date header). */
    this.clockOffset = 0;
    this.syncing = null;
  }

  /** Read what the phone kept: the refusal, the door, the list and the queue. */
  async load() {
    this.refused = (await this.store.get("meta", "refused")) ?? null;
    const door = this.refused ? null : await this.store.get("meta", "door");
    if (door) await this.useDoor(door);
    if (!this.refused) this.list.merge(await this.store.all("attendees"));
    await this.readQueue();
    if (door && Date.parse(door.door.expires_at) < this.now()) {
      await this.refuse("door_expired", ""); // keep no names once the link has expired
    }
  }

  async useDoor(door) {
    this.door = door;
    this.publicKey = await importPublicKey(door.event.public_key);
    this.list.setDoor(door.door, door.event_cancelled_seen_at
      ? Date.parse(door.event_cancelled_seen_at) : null);
    this.list.setDoorRules(doorRules(door));
  }

  /** Scans an expired link still holds, for the volunteer to send or discard (else 0). */
  get heldScans() {
    return this.refused?.reason === "door_expired" ? this.queueLength : 0;
  }

  /**
   * Send what an expired link holds: "sent", "too_late" (the server no longer takes
   * them: its grace period is over), or "no_connection".
   */
  async sendHeld() {
    try {
      await this.handIn();
      this.online = true;
      return "sent";
    } catch (error) {
      if (error instanceof DoorRefused) return "too_late";
      if (error instanceof NoConnection) return "no_connection";
      throw error;
    } finally {
      await this.readQueue();
    }
  }

  /** Delete the held scans without sending them (the volunteer confirmed it). */
  async discardHeld() {
    await this.store.deleteMany("queue", this.list.queue.map((record) => record.client_id));
    await this.readQueue();
  }

  /** A new scan (or look-up by hand) made now by the server's clock. */
  newItem(fields) {
    return {
      client_id: crypto.randomUUID(), action: "check_in",
      scanned_at: new Date(this.now() + this.clockOffset).toISOString(), ...fields,
    };
  }

  /** Send a scan to the server, or decide it here when the server is out of reach. */
  async submit(item) {
    if (this.refused) return refusedAnswer(this.refused, item);
    if (this.online) {
      try {
        const { status, body } = item.action === "undo"
          ? await this.api.undo(item) : await this.api.checkIn(item);
        if (status !== 200) {
          // A plain check-out of a child holding a pick-up code (409): said as the phone
          // says it offline (attendees.js); any other refusal is an invalid scan.
          const held = body.error === PICKUP_CODE_REQUIRED;
          return { ...item, status: held ? PICKUP_CODE_REQUIRED : "invalid", attendee: null,
                   message: body.message };
        }
        const row = this.list.applyServerResult(body);
        if (row) await this.store.put("attendees", row);
        return body;
      } catch (error) {
        if (error instanceof DoorRefused) {
          await this.refuse(error.reason, error.message);
          return refusedAnswer(this.refused, item);
        }
        if (!(error instanceof NoConnection)) throw error;
        this.online = false;
      }
    }
    const reading = item.qr
      ? (this.publicKey ? await readTicket(item.qr, this.publicKey, this.eventId) : null)
      : null;
    const { result, record } = this.list.decide(item, reading);
    await this.store.put("queue", record);
    this.list.addQueued(record);
    this.queueLength = this.list.queue.length;
    return result;
  }

  /**
   * Decide a scan on the phone first, from the downloaded list, and have the server
   * decide it behind (a slow network then never holds the door up): answers {first,
   * confirmed}. `first` is the phone's answer (marked `provisional`; null when the phone
   * cannot decide it: the link refused, offline, no list yet, an undo), `confirmed` a
   * promise of the answer that counts, as `submit` gives it (the server's, or the phone's
   * own once the server is out of reach). Nothing is queued for the first answer.
   */
  async decideFirst(item) {
    if (this.refused || !this.online || !this.publicKey || !this.list.size
        || item.action === "undo") {
      return { first: null, confirmed: this.submit(item) };
    }
    // Decided before it is sent: were the server out of reach, `submit` would queue it,
    // and the phone's decision must not count the scan against itself.
    const reading = item.qr ? await readTicket(item.qr, this.publicKey, this.eventId) : null;
    const { result } = this.list.decide(item, reading);
    const confirmed = this.submit(item);
    return { first: { ...result, offline: false, provisional: true }, confirmed };
  }

  /** Remember, for good, that the server refused the door link; forget the names. */
  async refuse(reason, message) {
    this.refused = { reason, message: message || "", at: this.refused?.at
      ?? new Date(this.now()).toISOString() };
    await this.store.refuse(this.refused);
    this.list.clear();
    this.door = null;
    this.publicKey = null;
  }

  /** Upload waiting scans, then fetch what changed; one sync at a time. */
  sync() {
    this.syncing = this.syncing || this.syncWithServer().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  async syncWithServer() {
    try {
      if (this.refused) {
        if (this.list.queue.length && this.refused.reason !== "door_expired") {
          await this.handIn();
          this.online = true;
        }
        return;
      }
      const door = await this.api.door();
      if (door.date) {
        const offset = door.date - this.now();
        this.clockOffset = Math.abs(offset) > 2000 ? offset : 0;
      }
      const body = { ...door.body };
      if (body.event.status === "cancelled") {
        body.event_cancelled_seen_at = this.door?.event_cancelled_seen_at
          ?? new Date(this.now()).toISOString(); // cancelled by then, at the latest
      }
      await this.store.put("meta", body, "door");
      await this.useDoor(body);
      await this.noteDoubles(body.doubles);
      await this.handIn();
      // A list kept in an older form is fetched whole once, not only what changed.
      const current = (await this.store.get("meta", "list_format")) === LIST_FORMAT;
      const cursor = current ? await this.store.get("meta", "cursor") : null;
      const { body: list } = await this.api.attendees(cursor);
      await this.store.putMany("attendees", list.attendees);
      this.list.merge(list.attendees, list.complete);
      await this.store.put("meta", list.cursor, "cursor");
      if (list.complete) await this.store.put("meta", LIST_FORMAT, "list_format");
      this.online = true;
    } catch (error) {
      if (error instanceof DoorRefused) {
        const first = !this.refused;
        this.online = true; // the server answered
        await this.refuse(error.reason, error.message);
        if (first) await this.syncWithServer(); // hand in what it scanned before
      } else if (error instanceof NoConnection) {
        this.online = false;
      } else {
        throw error;
      }
    } finally {
      await this.readQueue();
    }
  }

  /** Upload the queue; the server's answers update the list (for a live door). */
  async handIn() {
    await uploadQueue(this.store, this.api, { answered: (results) => this.take(results) });
    await this.readQueue();
  }

  /** The server's answers to uploaded scans: out of the queue and into the list at once,
   * so that no scan counts twice. */
  async take(results) {
    const answered = new Set(results.map((result) => result.client_id));
    this.list.setQueue(this.list.queue.filter((record) => !answered.has(record.client_id)));
    this.queueLength = this.list.queue.length;
    const changed = new Map();
    for (const result of results) {
      if (result.status === "already_checked_in" && result.checked_in_door
          && result.checked_in_door !== this.door?.door.name) this.duplicates += 1;
      if (result.status === "door_revoked") this.revokedScans += 1;
      if (result.status === "door_expired") this.expiredScans += 1;
      const row = this.refused ? null : this.list.applyServerResult(result);
      if (row) changed.set(row.id, row);
    }
    if (changed.size) await this.store.putMany("attendees", [...changed.values()]);
  }

  /** Keep the doubles not told before in `newDoubles`, and remember them as told. */
  async noteDoubles(doubles) {
    const told = new Set((await this.store.get("meta", "told_doubles")) ?? []);
    this.newDoubles = untoldDoubles(doubles, told);
    if (!this.newDoubles.length) return;
    // The server lists the newest 50: remembering a few more is enough.
    const remembered = [...told, ...this.newDoubles.map((double) => double.client_id)];
    await this.store.put("meta", remembered.slice(-200), "told_doubles");
  }

  async readQueue() {
    this.list.setQueue(await this.store.all("queue"));
    this.queueLength = this.list.queue.length;
  }

  /** Delete the names from this phone, as the volunteer asked; queued scans stay. */
  async clearNames() {
    await this.store.clearNames();
    this.list.clear();
  }
}
