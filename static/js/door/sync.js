// Talking to the server: the door's API calls, and uploading scans made offline.
// Every call has a time limit, so a door in a dead spot falls back to offline at once.

export class NoConnection extends Error {}

export class DoorRefused extends Error {
  constructor(message, reason) {
    super(message);
    this.reason = reason;
  }
}

export class ApiClient {
  constructor(base, token) {
    this.base = base;
    this.token = token;
  }

  /** Call the API; answers {status, body}. Throws NoConnection or DoorRefused (401). */
  async call(path, { method = "GET", body, timeout = 4000 } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    let response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        cache: "no-store",
      });
    } catch (error) {
      throw new NoConnection(String(error));
    } finally {
      clearTimeout(timer);
    }
    let json = null;
    try {
      json = await response.json();
    } catch (error) {
      json = null;
    }
    if (response.status === 401) {
      throw new DoorRefused(json?.message || "", json?.error || "door_unknown");
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
 * server has answered it. Answers the server's results.
 */
export async function uploadQueue(store, api, batchSize = 200) {
  const results = [];
  for (;;) {
    const queued = (await store.all("queue")).sort(
      (a, b) => a.scanned_at.localeCompare(b.scanned_at));
    if (queued.length === 0) return results;
    const batch = queued.slice(0, batchSize);
    const { status, body } = await api.upload(batch);
    if (status !== 200) {
      // The server refused the whole batch as malformed: nothing was recorded. Keep the
      // queue, so no scan is lost, and say so.
      throw new NoConnection(`upload refused: ${body?.error}`);
    }
    await store.deleteMany("queue", batch.map((item) => item.client_id));
    results.push(...body.results);
  }
}
