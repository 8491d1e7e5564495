// Talking to the server: the door's API calls, and uploading scans made offline.
// Every call has a time limit, so a door in a dead spot falls back to offline at once.
// No connection, a time-out or a server error (5xx) is "offline": the phone goes on by
// itself. A 401 with the API's refusal of the door link is the end of it (DoorRefused).

export class NoConnection extends Error {}

export class DoorRefused extends Error {
  constructor(message, reason) {
    super(message);
    this.reason = reason;
  }
}

/** The reasons the API refuses a door link with (401): for good. */
export const DOOR_REFUSALS = new Set(["door_revoked", "door_expired", "door_unknown"]);

/** The header in which every call says how many scans the phone still holds (the
 * organisers' dashboard shows it). */
export const SCANS_HELD_HEADER = "X-Door-Scans-Held";

/** The doubles the server lists (GET door's `doubles`) not yet told on this phone. */
export function untoldDoubles(doubles, told) {
  return (doubles || []).filter((double) => !told.has(double.client_id));
}

/** The fields of a queued scan that POST /api/v1/checkins/batch takes. */
const UPLOADED_FIELDS = ["client_id", "action", "qr", "attendee_id", "activity", "scanned_at",
                         "override", "reason"];

/** A queued scan as the server takes it (the phone's notes on it left out). */
export function uploaded(record) {
  return Object.fromEntries(UPLOADED_FIELDS.filter((name) => record[name] !== undefined)
    .map((name) => [name, record[name]]));
}

export class ApiClient {
  /** `fetcher` is the browser's fetch (tests give another). */
  constructor(base, token, fetcher = (...args) => fetch(...args)) {
    this.base = base;
    this.token = token;
    this.fetch = fetcher;
    /** How many scans the phone still holds, said on every call (DoorState sets it). */
    this.scansHeld = () => null;
  }

  /** Call the API; answers {status, body}. Throws NoConnection or DoorRefused (401). */
  async call(path, { method = "GET", body, timeout = 4000 } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    let response;
    let json = null;
    const held = this.scansHeld();
    try {
      response = await this.fetch(this.base + path, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          ...(Number.isInteger(held) ? { [SCANS_HELD_HEADER]: String(held) } : {}),
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        cache: "no-store",
      });
      // Within the time limit too: a dead spot can stall the body as well as the headers.
      json = await response.json().catch(() => null);
    } catch (error) {
      throw new NoConnection(String(error));
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 401) {
      if (DOOR_REFUSALS.has(json?.error)) throw new DoorRefused(json.message || "", json.error);
      // Not the API's answer (a Wi-Fi sign-in page, a proxy): no connection to it yet.
      throw new NoConnection("answered 401 without refusing the door link");
    }
    if (response.status >= 500 || json === null) {
      throw new NoConnection(`server answered ${response.status}`);
    }
    // The server's clock, to correct a phone whose clock is wrong (whole seconds).
    const date = Date.parse(response.headers.get("Date") || "") || null;
    return { status: response.status, body: json, date };
  }

  door() {
    return this.call("door");
  }

  attendees(cursor) {
    const query = cursor ? `?since=${encodeURIComponent(cursor)}` : "";
    return this.call(`door/attendees${query}`, { timeout: 20000 });
  }

  checkIn(item) {
    return this.call("checkins", { method: "POST", body: item, timeout: 3000 });
  }

  undo(item) {
    const { action, ...body } = item; // the path says what to do
    return this.call("checkins/undo", { method: "POST", body, timeout: 3000 });
  }

  upload(items) {
    return this.call("checkins/batch", { method: "POST", body: { checkins: items },
                                          timeout: 20000 });
  }

  walkIn(body) {
    return this.call("door/walk-ins", { method: "POST", body, timeout: 8000 });
  }
}

/**
 * Upload every queued scan, oldest first, in batches; drop each from the queue once the
 * server has answered it, and tell `answered(results)` of each batch's answers at once
 * (a later batch may fail). Answers all the server's results.
 */
export async function uploadQueue(store, api, { batchSize = 200, answered = () => {} } = {}) {
  const results = [];
  for (;;) {
    const queued = (await store.all("queue")).sort(
      (a, b) => a.scanned_at.localeCompare(b.scanned_at));
    if (queued.length === 0) return results;
    const batch = queued.slice(0, batchSize);
    const { status, body } = await api.upload(batch.map(uploaded));
    if (status !== 200) {
      // The server refused the whole batch as malformed: nothing was recorded. Keep the
      // queue, so no scan is lost, and say so.
      throw new NoConnection(`upload refused: ${body?.error}`);
    }
    await store.deleteMany("queue", batch.map((item) => item.client_id));
    await answered(body.results);
    results.push(...body.results);
  }
}
