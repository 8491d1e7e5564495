// Stand-ins for the browser's parts in node tests of the door's modules: the phone's store
// (IndexedDB in store.js), the server behind fetch, and tickets signed like the server's.

/** The methods of store.js's DoorStore, kept in memory. */
export class MemoryStore {
  constructor() {
    this.stores = { attendees: new Map(), queue: new Map(), meta: new Map() };
  }

  static keyOf(store, value, key) {
    if (key !== undefined) return key;
    return store === "attendees" ? value.id : value.client_id;
  }

  async get(store, key) {
    return structuredClone(this.stores[store].get(key));
  }

  async all(store) {
    return [...this.stores[store].values()].map((value) => structuredClone(value));
  }

  async count(store) {
    return this.stores[store].size;
  }

  async put(store, value, key) {
    this.stores[store].set(MemoryStore.keyOf(store, value, key), structuredClone(value));
  }

  async putMany(store, values) {
    for (const value of values) await this.put(store, value);
  }

  async deleteMany(store, keys) {
    for (const key of keys) this.stores[store].delete(key);
  }

  async clearNames() {
    this.stores.attendees.clear();
    this.stores.meta.delete("cursor");
  }

  async refuse(refused) {
    await this.clearNames();
    this.stores.meta.delete("door");
    this.stores.meta.set("refused", structuredClone(refused));
  }
}

/**
 * A fetch answering from `routes`: {"GET door": handler, "POST checkins/batch": ...}, each
 * handler (body, call) => [status, json] or a Response, or throwing (no connection).
 * Every call is kept in `fetcher.calls` as {route, body}.
 */
export function fakeServer(routes, base = "/api/v1/") {
  const calls = [];
  const fetcher = async (url, options = {}) => {
    const path = url.slice(base.length).split("?")[0];
    const route = `${options.method || "GET"} ${path}`;
    const body = options.body === undefined ? undefined : JSON.parse(options.body);
    calls.push({ route, body, url });
    const handler = routes[route];
    if (!handler) throw new TypeError(`Failed to fetch (${route})`);
    const answer = await handler(body, { url, options });
    if (answer instanceof Response) return answer;
    const [status, json] = answer;
    return new Response(JSON.stringify(json), {
      status, headers: { "Content-Type": "application/json" } });
  };
  fetcher.calls = calls;
  return fetcher;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes) {
  let text = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits) text += ALPHABET[(buffer << (5 - bits)) & 31];
  return text;
}

/** An event's key pair: {publicKey (base64url, as GET /door sends it), sign(eventId, attendeeId)}
 * making ticket tokens as eventreg/tickets/signing.py does. */
export async function eventKeys() {
  const keys = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", keys.publicKey));
  return {
    publicKey: Buffer.from(raw).toString("base64url"),
    async sign(eventId, attendeeId) {
      const claims = new Uint8Array(9);
      const view = new DataView(claims.buffer);
      view.setUint8(0, 1);
      view.setUint32(1, eventId);
      view.setUint32(5, attendeeId);
      const signature = new Uint8Array(
        await crypto.subtle.sign({ name: "Ed25519" }, keys.privateKey, claims));
      return base32(new Uint8Array([...claims, ...signature]));
    },
  };
}
