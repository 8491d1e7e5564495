// The door scanner's service worker: keeps the scanner page and its files on the phone so
// the door link opens and works offline. Both come from the network when it answers within
// NETWORK_WAIT_MS (so an upgrade reaches phones at once), else from the cache. API calls are
// never answered from here: the page itself knows when it is offline and decides scans
// with its own copy of the attendee list, and when its link was switched off.
const VERSION = {{ version | tojson }};
const ASSETS_CACHE = `eventreg-door-assets-${VERSION}`;
const PAGES_CACHE = "eventreg-door-pages";
const ASSETS = {{ assets | tojson }};
const NETWORK_WAIT_MS = 3000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(ASSETS_CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith("eventreg-door-assets-") && key !== ASSETS_CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function networkWithin(request, milliseconds) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("network too slow")), milliseconds);
    fetch(request).then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

async function networkOrCache(request, cacheName, key) {
  const cache = await caches.open(cacheName);
  try {
    const response = await networkWithin(request, NETWORK_WAIT_MS);
    if (response.ok) {
      await cache.put(key, response.clone());
      return response;
    }
    if (response.status === 401) {
      // A door link switched off, expired or unknown: the kept page, if any, says so and
      // still hands in the scans it made before (it knows from the API, and remembers).
      return (await cache.match(key)) || response;
    }
    if (response.status === 404) {
      await cache.delete(key);
      return response;
    }
    return (await cache.match(key)) || response; // a server error: the kept copy works
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
}

// The QR decoder's WebAssembly (about 1 MB) is kept by `install` with this VERSION of the
// files, so a kept copy is the right one: it never waits for a slow network.
async function cacheFirst(request, cacheName, key) {
  const cached = await (await caches.open(cacheName)).match(key);
  return cached || networkOrCache(request, cacheName, key);
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (event.request.mode === "navigate" && url.pathname.startsWith("/door/")) {
    event.respondWith(networkOrCache(event.request, PAGES_CACHE, url.pathname));
  } else if (ASSETS.includes(url.pathname) && url.pathname.endsWith(".wasm")) {
    event.respondWith(cacheFirst(event.request, ASSETS_CACHE, url.pathname));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(networkOrCache(event.request, ASSETS_CACHE, url.pathname));
  }
});
