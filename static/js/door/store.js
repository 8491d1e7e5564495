// What a door keeps on the phone (IndexedDB), so it works offline:
//   attendees  the event's attendee list as the server last sent it, plus this door's
//              scans the server has answered since
//   queue      scans made offline, waiting to be uploaded (no names: ids and codes only)
//   meta       "door": the door and event (public key); "cursor": the list's; "refused":
//              {reason, message, at} once the server refused the door link (for good)

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function finished(transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export class DoorStore {
  static async open(doorId) {
    const name = `eventreg-door-${doorId}`;
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("attendees", { keyPath: "id" });
      db.createObjectStore("queue", { keyPath: "client_id" });
      db.createObjectStore("meta");
    };
    return new DoorStore(name, await promised(request));
  }

  constructor(name, db) {
    this.name = name;
    this.db = db;
  }

  async get(store, key) {
    return promised(this.db.transaction(store).objectStore(store).get(key));
  }

  async all(store) {
    return promised(this.db.transaction(store).objectStore(store).getAll());
  }

  async count(store) {
    return promised(this.db.transaction(store).objectStore(store).count());
  }

  async put(store, value, key) {
    const transaction = this.db.transaction(store, "readwrite");
    transaction.objectStore(store).put(value, key);
    return finished(transaction);
  }

  async putMany(store, values) {
    const transaction = this.db.transaction(store, "readwrite");
    const objects = transaction.objectStore(store);
    for (const value of values) objects.put(value);
    return finished(transaction);
  }

  async deleteMany(store, keys) {
    const transaction = this.db.transaction(store, "readwrite");
    const objects = transaction.objectStore(store);
    for (const key of keys) objects.delete(key);
    return finished(transaction);
  }

  /** Forget the attendee list (names) and the cursor; queued scans stay. */
  async clearNames() {
    const transaction = this.db.transaction(["attendees", "meta"], "readwrite");
    transaction.objectStore("attendees").clear();
    transaction.objectStore("meta").delete("cursor");
    return finished(transaction);
  }

  /** Remember that the door link was refused, and forget the names, the cursor and the
   * door with its event's public key, all at once; queued scans stay to be handed in. */
  async refuse(refused) {
    const transaction = this.db.transaction(["attendees", "meta"], "readwrite");
    transaction.objectStore("attendees").clear();
    const meta = transaction.objectStore("meta");
    meta.delete("cursor");
    meta.delete("door");
    meta.put(refused, "refused");
    return finished(transaction);
  }
}
